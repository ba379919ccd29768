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
#include "api/field_json.h"
#include "api/field_text.h"
#include "api/fields.h"
#include "api/json_codec.h"
#include "base/json_text.h"
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

constexpr auto describe(TypeTag<ImportedTables>) {
  using T = ImportedTables;
  return fields<T>("ImportedTables", "The tables import_tables imported",
                   field("DatabaseName", &T::database_name, kAlways, "the database"),
                   field("Tables", &T::tables, kAlways, "names of the tables imported"));
}

template <class T>
nlohmann::json answer_value_json(const T& value) {
  if constexpr (std::is_same_v<T, None>) {
    return nlohmann::json();
  } else if constexpr (kIsList<T>) {
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

// The text of answer_to_json(value, wrap), byte for byte what dump_json writes of it, written
// without the DOM (api/field_text.h): the server's answers, and with the bare wrap each entry of
// a streamed list (answer_value_json's dump).
template <class T>
void append_answer_value_text(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, None>) {
    out += "null";
  } else {
    append_json_value(out, value);
  }
}

template <class T>
std::string answer_text(const T& value, Wrap wrap) {
  std::string out;
  out.reserve(1024);
  switch (wrap.kind) {
    case Wrap::kBare: append_answer_value_text(out, value); break;
    case Wrap::kUnderKey:
    case Wrap::kListOfOneUnderKey: {
      const bool list = wrap.kind == Wrap::kListOfOneUnderKey;
      out.push_back('{');
      base::append_json_string(out, wrap.key);
      out += list ? ":[" : ":";
      append_answer_value_text(out, value);
      out += list ? "]}" : "}";
      break;
    }
  }
  // nlohmann replaces what is not UTF-8; text written here would carry it on.
  if (!base::is_valid_utf8(out)) return dump_json(answer_to_json(value, wrap));
  return out;
}

// --- reading answers back (remote client) -------------------------------------------------------

// Answers are read as the remote client gets them: unknown keys are ignored.
template <class T>
struct Reader {
  static absl::StatusOr<T> read(const nlohmann::json& json) {
    return read_json<T>(json, Strictness::kImport);
  }
};

template <>
struct Reader<None> {
  static absl::StatusOr<None> read(const nlohmann::json&) { return None{}; }
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
