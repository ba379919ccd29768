#include "core/client_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "base/sha256.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "nlohmann/json.hpp"

namespace datamesh {
// The token record of a reconcile's answer (nothing else reads these forms).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(GrantDrift, drift, principal, database_name, table_name,
                                   permission, grantable, subscription_id, repaired)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ReconcileReport, dry_run, consistent, databases_checked,
                                   grants_checked, drift)
}  // namespace datamesh

namespace datamesh::core {

using base::cat;
using nlohmann::json;

namespace {

absl::StatusOr<json> parse_record(std::string_view text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return absl::InternalError("a client token's recorded answer is not JSON");
  }
  return parsed;
}

// Reads a recorded answer with nlohmann's typed accessors, whose type errors become Internal.
template <typename T, typename Read>
absl::StatusOr<T> read_record(std::string_view text, Read read) {
  DATAMESH_ASSIGN_OR_RETURN(json record, parse_record(text));
  try {
    return read(record);
  } catch (const json::exception& e) {
    return absl::InternalError(cat("a client token's recorded answer is damaged: ", e.what()));
  }
}

}  // namespace

absl::Status check_client_token(std::string_view token) {
  const bool printable = std::all_of(token.begin(), token.end(),
                                     [](char c) { return c >= '!' && c <= '~'; });
  if (!token.empty() && token.size() <= kMaxClientTokenLength && printable) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      cat("client_token must be 1 to ", kMaxClientTokenLength,
          " printable ASCII characters ('!' to '~', no spaces); got ", token.size(),
          " characters", printable ? "" : ", some of them outside '!' to '~'"));
}

std::string request_hash(std::string_view canonical_request) {
  return base::sha256_hex(canonical_request);
}

absl::StatusOr<std::string> encode_answer(const absl::Status&, const SecretSealer&) {
  return std::string("null");
}

absl::StatusOr<std::string> encode_answer(const AccountCredentials& answer,
                                          const SecretSealer& sealer) {
  DATAMESH_ASSIGN_OR_RETURN(const std::string sealed, sealer.seal(answer.secret_access_key));
  return json{{"AccountId", answer.account_id},
              {"AccountName", answer.account_name},
              {"AccessKeyId", answer.access_key_id},
              {"SealedSecretAccessKey", absl::Base64Escape(sealed)}}
      .dump();
}

absl::StatusOr<std::string> encode_answer(const std::vector<std::string>& answer,
                                          const SecretSealer&) {
  return json(answer).dump();
}

absl::StatusOr<std::string> encode_answer(const DataProduct& answer, const SecretSealer&) {
  json tables = json::array();
  for (const ProductTable& table : answer.tables) {
    tables.push_back({{"SourceTable", table.source_table}, {"LinkTable", table.link_table}});
  }
  return json{{"DatabaseName", answer.database_name}, {"Tables", tables}}.dump();
}

absl::StatusOr<std::string> encode_answer(const AccessRequest& answer, const SecretSealer&) {
  return json{{"Type", answer.type},
              {"Database", answer.database},
              {"Tables", answer.tables},
              {"SubscriptionId", answer.subscription_id}}
      .dump();
}

absl::StatusOr<std::string> encode_answer(const ReconcileReport& answer, const SecretSealer&) {
  return json(answer).dump();
}

absl::Status decode_answer(AnswerOf<absl::Status>, std::string_view, const SecretSealer&) {
  return absl::OkStatus();
}

absl::StatusOr<AccountCredentials> decode_answer(AnswerOf<AccountCredentials>,
                                                 std::string_view text,
                                                 const SecretSealer& sealer) {
  std::string sealed_base64;
  DATAMESH_ASSIGN_OR_RETURN(
      AccountCredentials credentials,
      read_record<AccountCredentials>(text, [&](const json& record) {
        sealed_base64 = record.at("SealedSecretAccessKey").get<std::string>();
        return AccountCredentials{.account_id = record.at("AccountId").get<std::string>(),
                                  .account_name = record.at("AccountName").get<std::string>(),
                                  .access_key_id = record.at("AccessKeyId").get<std::string>()};
      }));
  std::string sealed;
  if (!absl::Base64Unescape(sealed_base64, &sealed)) {
    return absl::InternalError("a client token's recorded secret is not base64");
  }
  DATAMESH_ASSIGN_OR_RETURN(credentials.secret_access_key, sealer.unseal(sealed));
  return credentials;
}

absl::StatusOr<std::vector<std::string>> decode_answer(AnswerOf<std::vector<std::string>>,
                                                       std::string_view text,
                                                       const SecretSealer&) {
  return read_record<std::vector<std::string>>(
      text, [](const json& record) { return record.get<std::vector<std::string>>(); });
}

absl::StatusOr<DataProduct> decode_answer(AnswerOf<DataProduct>, std::string_view text,
                                          const SecretSealer&) {
  return read_record<DataProduct>(text, [](const json& record) {
    DataProduct product{.database_name = record.at("DatabaseName").get<std::string>()};
    for (const json& table : record.at("Tables")) {
      product.tables.push_back({.source_table = table.at("SourceTable").get<std::string>(),
                                .link_table = table.at("LinkTable").get<std::string>()});
    }
    return product;
  });
}

absl::StatusOr<AccessRequest> decode_answer(AnswerOf<AccessRequest>, std::string_view text,
                                            const SecretSealer&) {
  return read_record<AccessRequest>(text, [](const json& record) {
    return AccessRequest{.type = record.at("Type").get<std::string>(),
                         .database = record.at("Database").get<std::string>(),
                         .tables = record.at("Tables").get<std::vector<std::string>>(),
                         .subscription_id = record.at("SubscriptionId").get<std::string>()};
  });
}

absl::Status client_token_mismatch(const ClientToken& token, std::string_view recorded_method) {
  return absl::InvalidArgumentError(cat(
      "client_token ", token.token, " was already used by account ", token.account_id,
      " for another request (", recorded_method == token.method ? "other parameters of " : "",
      recorded_method, ") within the last ", kClientTokenLifetime.count(),
      " hours: a retry must repeat its request exactly; give a new client_token for a new "
      "request"));
}

absl::StatusOr<ReconcileReport> decode_answer(AnswerOf<ReconcileReport>, std::string_view text,
                                              const SecretSealer&) {
  return read_record<ReconcileReport>(
      text, [](const json& record) { return record.get<ReconcileReport>(); });
}

}  // namespace datamesh::core
