// Client-token records (core/client_token.h: writes that act once) in AWS mode: items of
// DynamoDB table DatameshJournal in the mesh account, one per account and token, written in the
// same TransactWriteItems as the write they record (aws_commit.h), so a replay finds the record
// of a write exactly when the write was made.
//
//   JournalId   S  "client-token/<account id>/<token>"
//   Method, RequestHash  S;  Answer  B (the encoded answer, secrets sealed);  ExpiresAt  N
//
// Expired records are not deleted one by one: their reader compares ExpiresAt, and DynamoDB's
// time to live on ExpiresAt removes them (ensure_datamesh_tables turns it on).
// Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/store.h"
#include "nlohmann/json.hpp"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws {

// The TransactWriteItems element that writes `row` (put: a record replaces an expired one).
nlohmann::json client_token_element(const ClientTokenRow& row);

// The record of `client_token` of `account_id`, expired or not; nullopt when none. The DynamoDB
// errors; InvalidArgument for an item of another shape.
absl::StatusOr<std::optional<ClientTokenRow>> read_client_token(const AwsSessions& sessions,
                                                                std::string_view account_id,
                                                                std::string_view client_token);

}  // namespace datamesh::store::aws
