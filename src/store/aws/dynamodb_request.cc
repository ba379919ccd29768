#include "store/aws/dynamodb_request.h"

#include <utility>

#include "base/text.h"

namespace datamesh::store::aws {

using nlohmann::json;

absl::StatusOr<json> transact_element(const DynamoRequest& write) {
  // The builders make no DeleteItem: tracker items are never deleted (a subscription is
  // soft-deleted) and audit items never are.
  const char* kind = write.operation == "PutItem"      ? "Put"
                     : write.operation == "UpdateItem" ? "Update"
                                                       : nullptr;
  if (kind == nullptr) {
    return absl::InvalidArgumentError(base::cat(
        "only PutItem and UpdateItem can be part of TransactWriteItems, not ", write.operation));
  }
  return json{{kind, write.body}};
}

DynamoRequest transact_write_items(std::vector<json> elements,
                                   const std::string& client_request_token) {
  json body = {{"TransactItems", std::move(elements)}};
  if (!client_request_token.empty()) body["ClientRequestToken"] = client_request_token;
  return {.operation = "TransactWriteItems", .body = std::move(body)};
}

absl::StatusOr<const json*> answer_items(const json& answer, std::string_view operation) {
  auto items = answer.is_object() ? answer.find("Items") : answer.end();
  if (items == answer.end() || !items->is_array()) {
    return absl::InvalidArgumentError(
        base::cat("a ", operation, " answer must have an Items list"));
  }
  return &*items;
}

}  // namespace datamesh::store::aws
