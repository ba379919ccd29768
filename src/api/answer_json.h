// The JSON forms of the methods' answers, in both directions: what a route writes and what the
// remote client reads back. Values use json_codec's forms; a declaration may wrap its answer
// under a key (get_table's {"Table": {...}}) or as a list of one (get_subscription's
// {"Subscriptions": [...]}), as the documents do. Methods that return None answer null.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/json_codec.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "datamesh/requests.h"
#include "datamesh/types.h"

namespace datamesh::api {

// The answer of the documents' methods that return None.
struct None {};

// How a declaration wraps its answer in the JSON form.
struct Wrap {
  enum Kind { kBare, kUnderKey, kListOfOneUnderKey };
  Kind kind = kBare;
  std::string_view key = {};
};

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

inline nlohmann::json to_json_value(const ImportedTables& value) {
  return {{"DatabaseName", value.database_name}, {"Tables", value.tables}};
}

template <class T>
nlohmann::json answer_value_json(const T& value) {
  if constexpr (std::is_same_v<T, None>) {
    return nlohmann::json();
  } else if constexpr (IsVector<T>::value) {
    return to_json_list(value);
  } else {
    return to_json_value(value);
  }
}

template <class T>
nlohmann::json answer_to_json(const T& value, Wrap wrap) {
  switch (wrap.kind) {
    case Wrap::kBare: return answer_value_json(value);
    case Wrap::kUnderKey: return {{std::string(wrap.key), answer_value_json(value)}};
    case Wrap::kListOfOneUnderKey:
      return {{std::string(wrap.key), nlohmann::json::array({answer_value_json(value)})}};
  }
  return nlohmann::json();
}

// --- reading answers back (remote client) -------------------------------------------------------

template <class T>
struct Reader;
#define DATAMESH_ANSWER_READER(Type, function)                                          \
  template <>                                                                           \
  struct Reader<Type> {                                                                 \
    static absl::StatusOr<Type> read(const nlohmann::json& json) { return function(json); } \
  }
DATAMESH_ANSWER_READER(AccountCredentials, account_credentials_from_json);
DATAMESH_ANSWER_READER(Account, account_from_json);
DATAMESH_ANSWER_READER(AccessKey, access_key_from_json);
DATAMESH_ANSWER_READER(AccountRole, account_role_from_json);
DATAMESH_ANSWER_READER(Subscription, subscription_from_json);
DATAMESH_ANSWER_READER(SubscriptionPage, subscription_page_from_json);
DATAMESH_ANSWER_READER(DataProduct, data_product_from_json);
DATAMESH_ANSWER_READER(DataProductTable, data_product_table_from_json);
DATAMESH_ANSWER_READER(AccessRequest, access_request_from_json);
DATAMESH_ANSWER_READER(EffectiveGrant, effective_grant_from_json);
DATAMESH_ANSWER_READER(PermissionCheck, permission_check_from_json);
DATAMESH_ANSWER_READER(AuditPage, audit_page_from_json);
DATAMESH_ANSWER_READER(AuditVerification, audit_verification_from_json);
DATAMESH_ANSWER_READER(Table, table_from_json);
DATAMESH_ANSWER_READER(TablePage, table_page_from_json);
DATAMESH_ANSWER_READER(Database, database_from_json);
DATAMESH_ANSWER_READER(DatabasePage, database_page_from_json);
#undef DATAMESH_ANSWER_READER

template <>
struct Reader<None> {
  static absl::StatusOr<None> read(const nlohmann::json&) { return None{}; }
};

template <>
struct Reader<ImportedTables> {
  static absl::StatusOr<ImportedTables> read(const nlohmann::json& json) {
    if (!json.is_object() || !json.contains("Tables") || !json["Tables"].is_array()) {
      return absl::InternalError("import_tables answered without Tables");
    }
    return ImportedTables{.database_name = json.value("DatabaseName", ""),
                          .tables = json["Tables"].get<std::vector<std::string>>()};
  }
};

template <class T>
struct Reader<std::vector<T>> {
  static absl::StatusOr<std::vector<T>> read(const nlohmann::json& json) {
    if (!json.is_array()) return absl::InvalidArgumentError("expected a JSON array");
    std::vector<T> values;
    for (const nlohmann::json& element : json) {
      DATAMESH_ASSIGN_OR_RETURN(T value, Reader<T>::read(element));
      values.push_back(std::move(value));
    }
    return values;
  }
};

template <class T>
absl::StatusOr<T> answer_from_json(const nlohmann::json& json, Wrap wrap,
                                   std::string_view method) {
  switch (wrap.kind) {
    case Wrap::kBare: return Reader<T>::read(json);
    case Wrap::kUnderKey: {
      if (!json.is_object() || !json.contains(wrap.key)) {
        return absl::InternalError(base::cat(method, " answered without ", wrap.key));
      }
      return Reader<T>::read(json[std::string(wrap.key)]);
    }
    case Wrap::kListOfOneUnderKey: {
      const std::string key(wrap.key);
      if (!json.is_object() || !json.contains(key) || !json[key].is_array() ||
          json[key].size() != 1) {
        return absl::InternalError(base::cat(method, " answered without exactly one ", key));
      }
      return Reader<T>::read(json[key][0]);
    }
  }
  return absl::InternalError("unknown answer form");
}

}  // namespace datamesh::api
