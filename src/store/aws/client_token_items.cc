#include "store/aws/client_token_items.h"

#include "absl/strings/escaping.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/attribute_value.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws {

namespace {

std::string item_id(std::string_view account_id, std::string_view client_token) {
  return base::cat("client-token/", account_id, "/", client_token);
}

}  // namespace

nlohmann::json client_token_element(const ClientTokenRow& row) {
  return {{"Put",
           {{"TableName", journal::kTable},
            {"Item",
             {{std::string(journal::kJournalId),
               string_value(item_id(row.account_id, row.client_token))},
              {std::string(journal::kAccountId), string_value(row.account_id)},
              {std::string(journal::kClientToken), string_value(row.client_token)},
              {std::string(journal::kMethod), string_value(row.method)},
              {std::string(journal::kRequestHash), string_value(row.request_hash)},
              {std::string(journal::kAnswer), {{"B", absl::Base64Escape(row.answer)}}},
              {std::string(journal::kExpiresAt), number_value(row.expires_at)}}}}}};
}

absl::StatusOr<std::optional<ClientTokenRow>> read_client_token(const AwsSessions& sessions,
                                                                std::string_view account_id,
                                                                std::string_view client_token) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* mesh, sessions.mesh());
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json got,
      mesh->call(datamesh::aws::Service::kDynamoDb, "GetItem",
                 {{"TableName", journal::kTable},
                  {"Key",
                   {{std::string(journal::kJournalId),
                     string_value(item_id(account_id, client_token))}}},
                  {"ConsistentRead", true}}));
  if (!got.contains("Item")) return std::nullopt;
  const ItemReader item(got["Item"], base::cat("client token record ", client_token));
  ClientTokenRow row{.account_id = std::string(account_id),
                     .client_token = std::string(client_token)};
  DATAMESH_ASSIGN_OR_RETURN(row.method, item.required_string(journal::kMethod));
  DATAMESH_ASSIGN_OR_RETURN(row.request_hash, item.required_string(journal::kRequestHash));
  DATAMESH_ASSIGN_OR_RETURN(row.expires_at, item.required_number(journal::kExpiresAt));
  const nlohmann::json& answer =
      got["Item"].value(std::string(journal::kAnswer), nlohmann::json());
  if (!answer.is_object() || !answer.contains("B") || !answer["B"].is_string() ||
      !absl::Base64Unescape(answer["B"].get<std::string>(), &row.answer)) {
    return absl::InvalidArgumentError(
        base::cat("client token record ", client_token, ": attribute Answer must be B"));
  }
  return std::optional<ClientTokenRow>(std::move(row));
}

}  // namespace datamesh::store::aws
