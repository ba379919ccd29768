// A DynamoDB request as the JSON protocol sends it: the operation (the X-Amz-Target is
// "DynamoDB_20120810.<operation>") and the JSON body. The builders of store_aws return these;
// the AWS client sends them. Plain values; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/status_macros.h"

namespace datamesh::store::aws {

struct DynamoRequest {
  std::string operation;  // e.g. "PutItem"
  nlohmann::json body;

  bool operator==(const DynamoRequest&) const = default;
};

// Writes of PutItem and UpdateItem as elements of one TransactWriteItems: {"Put": body},
// {"Update": body}; InvalidArgument for another operation. Several tables of one account and
// region commit together or not at all, which is how a subscription change and its audit event
// are written at once.
absl::StatusOr<nlohmann::json> transact_element(const DynamoRequest& write);

// TransactWriteItems of `elements`; client_request_token (1 to 36 characters, "" for none)
// makes a retry of the same transaction within ten minutes answer as the first did instead of
// failing its conditions.
DynamoRequest transact_write_items(std::vector<nlohmann::json> elements,
                                   const std::string& client_request_token);

// A page of a Query or Scan answer: its items, decoded, and its LastEvaluatedKey (null on the
// last page).
template <typename T>
struct ItemPage {
  std::vector<T> items;
  nlohmann::json last_evaluated_key;
};

// The Items list of a Query or Scan answer. InvalidArgument "a <operation> answer must have an
// Items list" without one.
absl::StatusOr<const nlohmann::json*> answer_items(const nlohmann::json& answer,
                                                   std::string_view operation);

// The page of an answer of `operation` (Query or Scan), each item read with decode
// (const json& -> StatusOr<T>). Errors: answer_items', then the first item's that decode refuses.
template <typename T, typename Decode>
absl::StatusOr<ItemPage<T>> read_item_page(const nlohmann::json& answer,
                                           std::string_view operation, Decode decode) {
  DATAMESH_ASSIGN_OR_RETURN(const nlohmann::json* const items, answer_items(answer, operation));
  ItemPage<T> page;
  page.items.reserve(items->size());
  for (const nlohmann::json& item : *items) {
    DATAMESH_ASSIGN_OR_RETURN(T decoded, decode(item));
    page.items.push_back(std::move(decoded));
  }
  page.last_evaluated_key = answer.value("LastEvaluatedKey", nlohmann::json());
  return page;
}

}  // namespace datamesh::store::aws
