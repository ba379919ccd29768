#include "store/aws/mesh_tables.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_split.h"
#include "aws/pagination.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/audit_items.h"
#include "store/aws/tracker_requests.h"

namespace datamesh::store::aws {

using base::cat;
using datamesh::aws::Service;
using nlohmann::json;

namespace {

std::string_view status_text(const absl::Status& status) {
  return {status.message().data(), status.message().size()};
}

// The reasons of a TransactionCanceledException, one per element in order ("None" for an
// element that did not fail). DynamoDB lists them in its message, "... specific reasons
// [None, ConditionalCheckFailed]", and the client keeps the message; empty if it has none.
std::vector<std::string> cancellation_reasons(std::string_view message) {
  const size_t open = message.find(" reasons [");
  if (open == std::string_view::npos) return {};
  const size_t start = open + std::string_view(" reasons [").size();
  const size_t close = message.find(']', start);
  if (close == std::string_view::npos) return {};
  std::vector<std::string> reasons;
  for (absl::string_view reason :
       absl::StrSplit(absl::string_view(message.data() + start, close - start), ", ")) {
    reasons.emplace_back(reason.data(), reason.size());
  }
  return reasons;
}

// The key attributes of each mesh table, to name an element by its key.
std::vector<std::string_view> key_attributes(std::string_view table) {
  if (table == tracker::kTable) return {tracker::kSubscriptionId};
  if (table == audit_log::kTable) return {audit_log::kChain, audit_log::kSequence};
  if (table == journal::kTable) return {journal::kJournalId};
  return {};
}

// "Update of AwsDataMeshSubscriptions {SubscriptionId: GUxw…}": which write an element is.
std::string describe_element(const json& element) {
  if (!element.is_object() || element.size() != 1) return "a malformed element";
  // (Not `auto& [kind, write] = *element.items().begin()`: that binds to a proxy that dies at
  // the end of the statement; ASan caught it.)
  const auto first = element.begin();
  const std::string kind = first.key();
  const json& write = first.value();
  const std::string table = write.value("TableName", std::string("(no table)"));
  const json key = write.contains("Key") ? write["Key"] : write.value("Item", json::object());
  std::vector<std::string> parts;
  for (const std::string_view name : key_attributes(table)) {
    const auto value = key.find(std::string(name));
    if (value == key.end() || !value->is_object() || value->empty()) continue;
    const json& scalar = value->begin().value();
    parts.push_back(cat(name, ": ", scalar.is_string() ? scalar.get<std::string>() : scalar.dump()));
  }
  return cat(kind, " of ", table, " {", base::join(parts, ", "), "}");
}

// A cancelled transaction as the store port says it: Aborted when it lost a race.
absl::Status cancelled_transaction(const absl::Status& status, const json& elements) {
  if (status.code() != absl::StatusCode::kFailedPrecondition ||
      status_text(status).find(": TransactionCanceledException: ") == std::string_view::npos) {
    return status;
  }
  const std::vector<std::string> reasons = cancellation_reasons(status_text(status));
  std::vector<std::string> failed;
  bool lost_race = false;
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (reasons[i] == "None") continue;
    if (reasons[i] == "ConditionalCheckFailed" || reasons[i] == "TransactionConflict") {
      lost_race = true;
    }
    const std::string element =
        i < elements.size() ? describe_element(elements[i]) : std::string("an unknown element");
    failed.push_back(cat("element ", i + 1, " (", element, "): ", reasons[i]));
  }
  if (!lost_race) return status;
  return absl::AbortedError(cat("the transaction lost a race, re-read and retry: ",
                                base::join(failed, "; "), " [", status_text(status), "]"));
}

absl::Status create_if_missing(const AwsSessions& sessions, const DynamoRequest& create,
                               const TableWaitPolicy& policy) {
  const std::string table = create.body["TableName"];
  const DynamoRequest describe{.operation = "DescribeTable", .body = {{"TableName", table}}};
  absl::StatusOr<json> described = send_to_mesh(sessions, describe);
  if (described.status().code() == absl::StatusCode::kNotFound) {
    const absl::StatusOr<json> created = send_to_mesh(sessions, create);
    // Another process may have created it since the DescribeTable: then it is there.
    if (!created.ok() && created.status().code() != absl::StatusCode::kAlreadyExists) {
      return created.status();
    }
  } else if (!described.ok()) {
    return described.status();
  }
  return wait_until_table_active(
      table, [&] { return send_to_mesh(sessions, describe); }, policy);
}

}  // namespace

absl::StatusOr<json> send_to_mesh(const AwsSessions& sessions, const DynamoRequest& request) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* client, sessions.mesh());
  return client->call(Service::kDynamoDb, request.operation, request.body);
}

absl::Status for_each_mesh_page(const AwsSessions& sessions, const DynamoRequest& request,
                                const std::function<absl::Status(const json&)>& visit) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* client, sessions.mesh());
  return datamesh::aws::for_each_page(
      [&](const json& body) { return client->call(Service::kDynamoDb, request.operation, body); },
      request.body, datamesh::aws::kLastEvaluatedKey, visit);
}

absl::Status check_page_limit(const Page& page) {
  if (page.limit >= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(cat("page limit must be at least 1, not ", page.limit));
}

bool is_condition_failure(const absl::Status& status) {
  return status.code() == absl::StatusCode::kFailedPrecondition &&
         status_text(status).find(": ConditionalCheckFailedException: ") != std::string_view::npos;
}

absl::Status transact_write(const AwsSessions& sessions, std::vector<json> elements,
                            const std::string& client_request_token) {
  return send_transaction(sessions, transact_write_items(std::move(elements), client_request_token));
}

absl::Status send_transaction(const AwsSessions& sessions, const DynamoRequest& transaction) {
  const json elements = transaction.body.value("TransactItems", json::array());
  if (!elements.is_array() || elements.empty() || elements.size() > kMaxTransactItems) {
    return absl::InvalidArgumentError(cat("a TransactWriteItems takes 1 to ", kMaxTransactItems,
                                          " writes, not ", elements.size()));
  }
  const absl::StatusOr<json> answer = send_to_mesh(sessions, transaction);
  if (answer.ok()) return absl::OkStatus();
  return cancelled_transaction(answer.status(), elements);
}

DynamoRequest create_journal_table() {
  const std::string id(journal::kJournalId);
  return {.operation = "CreateTable",
          .body = {{"TableName", std::string(journal::kTable)},
                   {"KeySchema", {{{"AttributeName", id}, {"KeyType", "HASH"}}}},
                   {"AttributeDefinitions", {{{"AttributeName", id}, {"AttributeType", "S"}}}},
                   {"BillingMode", "PAY_PER_REQUEST"},
                   {"Tags", {{{"Key", "Solution"}, {"Value", "DataMeshUtils"}}}}}};
}

absl::Status wait_until_table_active(std::string_view table,
                                     const std::function<absl::StatusOr<json>()>& describe,
                                     const TableWaitPolicy& policy) {
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds delay = policy.first_delay;
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(const json answer, describe());
    const json status = answer.is_object() && answer.contains("Table")
                            ? answer["Table"].value("TableStatus", json())
                            : json();
    if (!status.is_string()) {
      return absl::InternalError(
          cat("DescribeTable of ", table, " answered no Table.TableStatus: ", answer.dump()));
    }
    if (status == "ACTIVE") return absl::OkStatus();
    if (waited >= policy.max_wait) {
      return absl::DeadlineExceededError(cat("table ", table, " is still ",
                                             status.get<std::string>(), " after ",
                                             waited.count(), " ms of waiting to be ACTIVE"));
    }
    const std::chrono::milliseconds next = std::min(delay, policy.max_wait - waited);
    policy.sleep(next);
    waited += next;
    delay = std::min(delay * 2, policy.max_delay);
  }
}

absl::Status ensure_datamesh_tables(const AwsSessions& sessions, const TableWaitPolicy& policy) {
  for (const DynamoRequest& create : {create_audit_table(), create_journal_table()}) {
    DATAMESH_RETURN_IF_ERROR(create_if_missing(sessions, create, policy));
  }
  // Client-token records expire by themselves (client_token_items.h). Turning it on twice is a
  // ValidationException ("already enabled"): it is on.
  const absl::StatusOr<json> ttl = send_to_mesh(
      sessions,
      DynamoRequest{.operation = "UpdateTimeToLive",
                    .body = {{"TableName", journal::kTable},
                             {"TimeToLiveSpecification",
                              {{"Enabled", true}, {"AttributeName", journal::kExpiresAt}}}}});
  if (!ttl.ok() && ttl.status().code() != absl::StatusCode::kInvalidArgument) return ttl.status();
  return absl::OkStatus();
}

absl::Status ensure_mesh_tables(const AwsSessions& sessions, const TableWaitPolicy& policy) {
  DATAMESH_RETURN_IF_ERROR(create_if_missing(sessions, create_tracker_table(), policy));
  return ensure_datamesh_tables(sessions, policy);
}

}  // namespace datamesh::store::aws
