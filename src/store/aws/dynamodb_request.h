// A DynamoDB request as the JSON protocol sends it: the operation (the X-Amz-Target is
// "DynamoDB_20120810.<operation>") and the JSON body. The builders of store_aws return these;
// the AWS client sends them. Plain values; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

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

}  // namespace datamesh::store::aws
