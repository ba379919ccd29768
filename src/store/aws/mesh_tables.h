// The DynamoDB tables of the mesh account as a whole: sending requests on them with the mesh
// session, reading every page of a Query or Scan, one TransactWriteItems across them (the
// commit of a change and its audit event), and creating them when they are missing:
//   AwsDataMeshSubscriptions  the tracker, exactly as the original creates it (tracker_requests.h)
//   DatameshAuditLog          the audit chain (audit_items.h)
//   DatameshJournal           the mesh's writer lock and the mesh key (mesh_writer_lock.h,
//                             mesh_key.h): key JournalId (S), PAY_PER_REQUEST (docs/AWS.md,
//                             "The writer lock and the mesh tables")
//
// Thread-safe: the functions keep no state; AwsSessions is immutable.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "aws/retry.h"
#include "core/store.h"
#include "store/aws/aws_sessions.h"
#include "store/aws/dynamodb_request.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws {

// At most this many writes in one TransactWriteItems (DynamoDB's limit).
inline constexpr size_t kMaxTransactItems = 100;

// Sends `request` to DynamoDB with the mesh account's session and returns the answer. Errors:
// the session's PermissionDenied, and the AWS error as the client maps it (aws/aws_errors.h).
absl::StatusOr<nlohmann::json> send_to_mesh(const AwsSessions& sessions,
                                            const DynamoRequest& request);

// Sends a Query or Scan and gives each page's answer to `visit`, passing every LastEvaluatedKey
// back as ExclusiveStartKey until the last page. Errors: send_to_mesh's and visit's, unchanged.
absl::Status for_each_mesh_page(const AwsSessions& sessions, const DynamoRequest& request,
                                const std::function<absl::Status(const nlohmann::json&)>& visit);

// InvalidArgument when a listing's page.limit is below 1, as the other stores answer.
absl::Status check_page_limit(const Page& page);

// Whether `status` is DynamoDB's ConditionalCheckFailedException (a single write's condition).
bool is_condition_failure(const absl::Status& status);

// Sends one TransactWriteItems of `elements` ({"Put": ...} / {"Update": ...}, see
// transact_element) with the token ("" for none; 1 to 36 characters otherwise: a retry within
// ten minutes is answered as the first call was). Errors:
// * InvalidArgument for no element or more than kMaxTransactItems;
// * Aborted when the transaction was cancelled because a condition failed or another
//   transaction held an item (ConditionalCheckFailed, TransactionConflict): the store port's
//   "lost a race: re-read and retry", naming each failed element (its place, table and key);
// * otherwise the AWS error as the client maps it.
absl::Status transact_write(const AwsSessions& sessions, std::vector<nlohmann::json> elements,
                            const std::string& client_request_token);

// Sends a TransactWriteItems a builder made (e.g. append_audit_event of audit_items.h), with
// transact_write's errors.
absl::Status send_transaction(const AwsSessions& sessions, const DynamoRequest& transaction);

// CreateTable of DatameshJournal: key JournalId (S), PAY_PER_REQUEST, tag
// Solution=DataMeshUtils like the other mesh tables.
DynamoRequest create_journal_table();

// How ensure_mesh_tables waits for a table to become ACTIVE: DescribeTable, then a wait that
// doubles from first_delay up to max_delay between polls, until the waits add up to max_wait.
struct TableWaitPolicy {
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{5000};
  std::chrono::milliseconds max_wait{std::chrono::minutes(5)};
  datamesh::aws::Sleeper sleep = datamesh::aws::real_sleeper();
};

// Polls `describe` (a DescribeTable of `table`) until its Table.TableStatus is ACTIVE, waiting
// as `policy` says between polls. Errors: describe's, unchanged; Internal when an answer has no
// TableStatus; DeadlineExceeded naming the table and its last status once the waits reach
// policy.max_wait.
absl::Status wait_until_table_active(std::string_view table,
                                     const std::function<absl::StatusOr<nlohmann::json>()>& describe,
                                     const TableWaitPolicy& policy);

// Creates AwsDataMeshSubscriptions (create_tracker_table), DatameshAuditLog (create_audit_table)
// and DatameshJournal (create_journal_table) in the mesh account when they are missing, and
// waits until each is ACTIVE. Tables already there are left as they are (their schema is not
// checked or changed). Errors: send_to_mesh's; wait_until_table_active's DeadlineExceeded.
absl::Status ensure_mesh_tables(const AwsSessions& sessions, const TableWaitPolicy& policy = {});
// The same for datamesh's own tables only (DatameshAuditLog, DatameshJournal): what a mesh's
// first write needs before its commit, which creates the tracker with the mesh (the tracker's
// existence is what marks a mesh the original library set up; aws_commit.h).
absl::Status ensure_datamesh_tables(const AwsSessions& sessions,
                                    const TableWaitPolicy& policy = {});

}  // namespace datamesh::store::aws
