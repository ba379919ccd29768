// The DynamoDB requests of the tracker and the audit table, compared with the golden requests of
// tests/aws/data/dynamodb_requests/. tests/aws/tracker_moto_test.py sends those same files to a
// moto DynamoDB through boto3 (which checks them against the service model) and checks what
// they do there: that the table is the original's, that the conditions hold and fail as said.
//
// After a deliberate change, DATAMESH_WRITE_GOLDEN=1 rewrites the files; review the diff.
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "aws/tracker_fixtures.h"
#include "gtest/gtest.h"
#include "store/aws/audit_items.h"
#include "store/aws/mesh_tables.h"
#include "store/aws/tracker_item.h"
#include "store/aws/tracker_requests.h"
#include "store/aws/tracker_shares.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using nlohmann::json;
using testing::aws_test_data;
using testing::read_json_file;
using testing::tracker_fixture;

void expect_golden(const std::string& name, const DynamoRequest& request) {
  const std::string path = aws_test_data("dynamodb_requests/" + name + ".json");
  const json actual = {{"operation", request.operation}, {"body", request.body}};
  if (std::getenv("DATAMESH_WRITE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual.dump(2) << "\n";
    return;
  }
  EXPECT_EQ(actual, read_json_file(path)) << name << ": what the builder makes now:\n"
                                          << actual.dump(2);
}

// The subscription datamesh creates in the moto scenario (approved() below makes its approval).
using testing::new_pending_subscription;

Subscription approved(Subscription sub, const std::string& share, int64_t version) {
  sub.status = SubscriptionStatus::kActive;
  sub.permitted_grants = {"SELECT", "DESCRIBE"};
  sub.granted_table_arns.clear();
  for (const std::string& table : sub.table_names) {
    sub.granted_table_arns.push_back("arn:aws:glue:us-east-1:111111111111:table/" +
                                     sub.database_name + "/" + table);
  }
  sub.ram_shares = {share};
  sub.notes.push_back("Approved by datamesh");
  sub.updated_date = "2026-12-04 09:00:00";
  sub.updated_by = "arn:aws:iam::222222222222:role/DataMeshProducer";
  sub.version = version;
  return sub;
}

TEST(DynamoRequestsTest, CreatesTheTrackerTableAsTheOriginalDoes) {
  expect_golden("create_tracker_table", create_tracker_table());
}

TEST(DynamoRequestsTest, ReadsOneSubscriptionConsistently) {
  expect_golden("get_subscription", get_subscription("GUxwswjEFRzgwow8zqVwGC"));
}

TEST(DynamoRequestsTest, QueriesTheOwnerIndex) {
  expect_golden("query_owner_pending", query_owner("222222222222", SubscriptionStatus::kPending));
  expect_golden("query_owner_every_status_from_a_key",
                query_owner("222222222222", std::nullopt,
                            {.exclusive_start_key = {{"SubscriptionId", {{"S", "GUxw"}}},
                                                     {"OwnerPrincipal", {{"S", "222222222222"}}},
                                                     {"Status", {{"S", "Active"}}}},
                             .limit = 50}));
}

TEST(DynamoRequestsTest, QueriesTheSubscriberIndex) {
  expect_golden("query_subscriber", query_subscriber("333333333333"));
}

TEST(DynamoRequestsTest, QueriesTheLiveRequestsOfASubscriber) {
  expect_golden("query_live_requests", query_live_requests("333333333333", "sales-222222222222"));
}

TEST(DynamoRequestsTest, ScansTheWholeTrackerAndItsStatuses) {
  expect_golden("scan_subscriptions", scan_subscriptions({.limit = 50}));
  expect_golden("scan_statuses", scan_statuses());
}

TEST(DynamoRequestsTest, CreatesTheJournalTable) {
  expect_golden("create_journal_table", create_journal_table());
}

TEST(DynamoRequestsTest, RecordsAShareInTheTrackerItem) {
  // A new share of an item the original wrote while Pending: RamShares and DatameshShares start.
  ASSERT_OK_AND_ASSIGN(
      DynamoRequest request,
      put_tracker_share(tracker_fixture("pending_database")["item"],
                        {.share_arn = "arn:aws:ram:us-east-1:111111111111:resource-share/new",
                         .subscription_id = "Hk3mNpQrStUvWxYz23456a",
                         .owner_account = "111111111111",
                         .recipient_account = "333333333333",
                         .status = "PENDING",
                         .creation_date = "2026-12-04 09:00:00"}));
  expect_golden("put_share_new_maps", request);
  // A share the original made, now accepted: only its state is written, its RamShares entry
  // (keyed by the database name) stays.
  ASSERT_OK_AND_ASSIGN(
      request,
      put_tracker_share(tracker_fixture("active_table")["item"],
                        {.share_arn = "arn:aws:ram:us-east-1:111111111111:resource-share/"
                                      "0b6e5a4c-7d2f-4e1a-9c3b-5f8d2e1a6b70",
                         .subscription_id = "GUxwswjEFRzgwow8zqVwGC",
                         .owner_account = "111111111111",
                         .recipient_account = "333333333333",
                         .status = "ACCEPTED"}));
  expect_golden("put_share_of_the_original", request);
}

TEST(DynamoRequestsTest, ReadsTheSharesOfATrackerItem) {
  nlohmann::json item = tracker_fixture("active_table")["item"];
  ASSERT_OK_AND_ASSIGN(std::vector<ShareRow> shares, decode_tracker_shares(item));
  ASSERT_EQ(shares.size(), 2u);  // three entries; the two table entries name one share
  EXPECT_EQ(shares[0].status, "PENDING");  // approved, not yet finalized
  EXPECT_EQ(shares[0].owner_account, "111111111111");
  item["DatameshShares"] = {{"M", {{"arn:x", {{"M", {{"Status", {{"S", "SENT"}}}}}}}}}};
  EXPECT_STATUS(decode_tracker_shares(item), absl::StatusCode::kInvalidArgument,
                "DatameshShares entry \"arn:x\": attribute Status is \"SENT\"");
  item["DatameshShares"] = {{"M", {{"arn:x", {{"S", "PENDING"}}}}}};
  EXPECT_STATUS(decode_tracker_shares(item), absl::StatusCode::kInvalidArgument,
                "attribute DatameshShares entry \"arn:x\" must be M, not S");
  item["DatameshShares"] = {{"M", {{"arn:x", {{"M", {{"Status", {{"S", "PENDING"}}}}}}}}}};
  EXPECT_STATUS(decode_tracker_shares(item), absl::StatusCode::kInvalidArgument, "OwnerAccount");
}

TEST(DynamoRequestsTest, PutsANewSubscriptionOnlyIfTheIdIsFree) {
  expect_golden("put_new_subscription", put_new_subscription(new_pending_subscription()));
}

TEST(DynamoRequestsTest, UpdatesAnItemTheOriginalWrote) {
  ASSERT_OK_AND_ASSIGN(TrackerItem stored,
                       decode_tracker_item(tracker_fixture("pending_table")["item"]));
  const Subscription updated = approved(
      stored.subscription,
      "arn:aws:ram:us-east-1:111111111111:resource-share/11111111-2222-3333-4444-555555555555", 1);
  ASSERT_OK_AND_ASSIGN(DynamoRequest request, update_subscription(stored.subscription, updated));
  expect_golden("update_original_pending_to_active", request);
  // The original's item has no version and no UpdatedDate yet.
  EXPECT_EQ(request.body["ConditionExpression"],
            "attribute_not_exists(#DatameshVersion) AND #Status = :expected_status AND "
            "attribute_not_exists(#UpdatedDate)");
}

TEST(DynamoRequestsTest, UpdatesAnItemDatameshWrote) {
  const Subscription stored = new_pending_subscription();
  const Subscription updated = approved(
      stored,
      "arn:aws:ram:us-east-1:111111111111:resource-share/66666666-7777-8888-9999-000000000000", 2);
  ASSERT_OK_AND_ASSIGN(DynamoRequest request, update_subscription(stored, updated));
  expect_golden("update_datamesh_pending_to_active", request);
  EXPECT_EQ(request.body["ConditionExpression"],
            "#DatameshVersion = :expected_version AND #Status = :expected_status AND "
            "#UpdatedDate = :expected_updated_date");
}

// Each transition of the original (approve, finalize, update, delete, deny) made by datamesh on
// the original's item: the update from the item before to the subscription the original's own
// item after it holds. tracker_moto_test.py applies each to moto and finds the original's item.
TEST(DynamoRequestsTest, DrivesTheOriginalsItemsThroughEachTransition) {
  for (const testing::Transition& transition : testing::tracker_transitions()) {
    SCOPED_TRACE(std::string(transition.from) + " to " + transition.to);
    ASSERT_OK_AND_ASSIGN(TrackerItem before,
                         decode_tracker_item(tracker_fixture(transition.from)["item"]));
    ASSERT_OK_AND_ASSIGN(TrackerItem after,
                         decode_tracker_item(tracker_fixture(transition.to)["item"]));
    after.subscription.version = before.subscription.version + 1;
    ASSERT_OK_AND_ASSIGN(DynamoRequest request,
                         update_subscription(before.subscription, after.subscription));
    expect_golden(std::string("transition_") + transition.from + "_to_" + transition.to, request);
  }
}

TEST(DynamoRequestsTest, AnUpdateLeavesWhatItDoesNotChange) {
  // Deleting the original's approved item: its RamShares (keyed by table names) stay untouched.
  ASSERT_OK_AND_ASSIGN(TrackerItem stored,
                       decode_tracker_item(tracker_fixture("active_table")["item"]));
  Subscription deleted = stored.subscription;
  deleted.status = SubscriptionStatus::kDeleted;
  deleted.grantable_grants.clear();
  deleted.granted_table_arns.clear();
  deleted.notes.push_back("Project finished");
  deleted.updated_date = "2026-12-20 17:45:00";
  deleted.version = 1;
  ASSERT_OK_AND_ASSIGN(DynamoRequest request, update_subscription(stored.subscription, deleted));
  expect_golden("update_original_active_to_deleted", request);
  const std::string expression = request.body["UpdateExpression"];
  EXPECT_EQ(expression.find("RamShares"), std::string::npos) << expression;
  EXPECT_EQ(expression.find("RequestedGrants"), std::string::npos) << expression;
  EXPECT_NE(expression.find("#GrantableGrants = :GrantableGrants"), std::string::npos);
  EXPECT_EQ(request.body["ExpressionAttributeValues"][":GrantableGrants"], json({{"NULL", true}}));
}

TEST(DynamoRequestsTest, AnUpdateRemovesWhatIsGone) {
  Subscription stored = approved(new_pending_subscription(), "arn:share", 2);
  stored.imported_to_consumer = true;
  Subscription updated = stored;
  updated.imported_to_consumer = false;
  updated.version = 3;
  ASSERT_OK_AND_ASSIGN(DynamoRequest request, update_subscription(stored, updated));
  EXPECT_EQ(request.body["UpdateExpression"],
            "SET #DatameshVersion = :DatameshVersion REMOVE #ImportedToConsumer");
}

TEST(DynamoRequestsTest, AnUpdateMustRaiseTheVersionOfTheSameSubscription) {
  const Subscription stored = new_pending_subscription();
  Subscription same_version = stored;
  EXPECT_STATUS(update_subscription(stored, same_version), absl::StatusCode::kInvalidArgument,
                "must raise its version (1), not set it to 1");
  Subscription other = stored;
  other.subscription_id = "Other";
  other.version = 2;
  EXPECT_STATUS(update_subscription(stored, other), absl::StatusCode::kInvalidArgument,
                "cannot update subscription DmNewSubscription2345ab with the values of Other");
}

// Answers, in the shape DynamoDB sends them.

TEST(DynamoAnswersTest, ReadsAGetItemAnswer) {
  const json item = tracker_fixture("active_table")["item"];
  ASSERT_OK_AND_ASSIGN(std::optional<TrackerItem> found,
                       read_get_subscription_answer({{"Item", item}}));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->subscription.subscription_id, "GUxwswjEFRzgwow8zqVwGC");
  ASSERT_OK_AND_ASSIGN(std::optional<TrackerItem> none,
                       read_get_subscription_answer(json::object()));
  EXPECT_FALSE(none.has_value());
  json broken = item;
  broken["Status"] = {{"BOOL", true}};
  EXPECT_STATUS(read_get_subscription_answer({{"Item", broken}}),
                absl::StatusCode::kInvalidArgument,
                "tracker item GUxwswjEFRzgwow8zqVwGC: attribute Status must be S, not BOOL");
  EXPECT_STATUS(read_get_subscription_answer(json::array()), absl::StatusCode::kInvalidArgument,
                "a GetItem answer must be a JSON object");
}

TEST(DynamoAnswersTest, ReadsAQueryPage) {
  const json last_key = {{"SubscriptionId", {{"S", "Hk3mNpQrStUvWxYz23456a"}}},
                         {"SubscriberPrincipal", {{"S", "333333333333"}}}};
  const json answer = {
      {"Items",
       {tracker_fixture("pending_table")["item"], tracker_fixture("pending_database")["item"]}},
      {"Count", 2},
      {"ScannedCount", 2},
      {"LastEvaluatedKey", last_key}};
  ASSERT_OK_AND_ASSIGN(TrackerPage page, read_query_answer(answer));
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].subscription.type, "DATABASE");
  EXPECT_EQ(page.last_evaluated_key, last_key);
  // The next request starts there.
  EXPECT_EQ(query_subscriber("333333333333", {.exclusive_start_key = page.last_evaluated_key})
                .body["ExclusiveStartKey"],
            last_key);

  ASSERT_OK_AND_ASSIGN(TrackerPage last,
                       read_query_answer({{"Items", json::array()}, {"Count", 0}}));
  EXPECT_TRUE(last.items.empty());
  EXPECT_TRUE(last.last_evaluated_key.is_null());

  json broken = answer;
  broken["Items"][1].erase("OwnerPrincipal");
  EXPECT_STATUS(read_query_answer(broken), absl::StatusCode::kInvalidArgument,
                "tracker item Hk3mNpQrStUvWxYz23456a: attribute OwnerPrincipal must be S, not "
                "missing");
  EXPECT_STATUS(read_query_answer({{"Count", 0}}), absl::StatusCode::kInvalidArgument,
                "a Query answer must have an Items list");
}

// The audit table.

ChainedAuditEvent audit_event(int64_t sequence, const std::string& previous_hash,
                              const std::string& hash, const std::string& subscription_id) {
  return {.event = {.sequence = sequence,
                    .event_date = "2026-12-03 10:00:00",
                    .actor_account = "333333333333",
                    .actor_principal = "arn:aws:iam::333333333333:role/DataMeshConsumer",
                    .action = "request_access_to_product",
                    .subscription_id = subscription_id,
                    .resource = "database/sales-222222222222",
                    .details_json = R"({"Status":"Pending","TableName":["orders"]})",
                    .notes = ""},
          .previous_hash = previous_hash,
          .hash = hash};
}

const std::string kHash1(64, 'a');
const std::string kHash2(64, 'b');

TEST(DynamoRequestsTest, CreatesTheAuditTable) {
  expect_golden("create_audit_table", create_audit_table());
  expect_golden("get_audit_head", get_audit_head());
}

TEST(DynamoRequestsTest, AppendsTheFirstAuditEvent) {
  ASSERT_OK_AND_ASSIGN(
      DynamoRequest request,
      append_audit_event({}, audit_event(1, "", kHash1, "DmNewSubscription2345ab")));
  expect_golden("append_audit_first", request);
}

TEST(DynamoRequestsTest, AppendsAnEventAfterTheHead) {
  ASSERT_OK_AND_ASSIGN(
      DynamoRequest request,
      append_audit_event({.sequence = 1, .hash = kHash1}, audit_event(2, kHash1, kHash2, "")));
  expect_golden("append_audit_second", request);
}

TEST(DynamoRequestsTest, RefusesAnEventThatDoesNotFollowTheHead) {
  EXPECT_STATUS(
      append_audit_event({.sequence = 1, .hash = kHash1}, audit_event(3, kHash1, kHash2, "")),
      absl::StatusCode::kInvalidArgument,
      "audit event 3 does not follow the chain head (sequence 1");
  EXPECT_STATUS(
      append_audit_event({.sequence = 1, .hash = kHash1}, audit_event(2, kHash2, kHash2, "")),
      absl::StatusCode::kInvalidArgument, "does not follow the chain head");
}

TEST(DynamoRequestsTest, WritesASubscriptionChangeAndItsEventAtOnce) {
  const Subscription stored = approved(new_pending_subscription(),
                                       "arn:aws:ram:us-east-1:111111111111:"
                                       "resource-share/66666666-7777-8888-9999-000000000000",
                                       2);
  Subscription finalized = stored;
  finalized.imported_to_consumer = true;
  finalized.version = 3;
  ASSERT_OK_AND_ASSIGN(DynamoRequest update, update_subscription(stored, finalized));
  ASSERT_OK_AND_ASSIGN(json update_element, transact_element(update));
  ChainedAuditEvent event = audit_event(3, kHash2, std::string(64, 'c'), stored.subscription_id);
  event.event.action = "finalize_subscription";
  ASSERT_OK_AND_ASSIGN(std::vector<json> elements,
                       audit_append_elements({.sequence = 2, .hash = kHash2}, event));
  elements.insert(elements.begin(), update_element);
  expect_golden("finalize_with_audit_event",
                transact_write_items(elements, event.hash.substr(0, 36)));
}

TEST(DynamoRequestsTest, OnlyWritesJoinATransaction) {
  EXPECT_STATUS(transact_element(get_subscription("x")), absl::StatusCode::kInvalidArgument,
                "only PutItem and UpdateItem can be part of TransactWriteItems, not "
                "GetItem");
}

TEST(DynamoRequestsTest, QueriesTheAuditChainAndASubscriptionsHistory) {
  expect_golden("query_audit_chain", query_audit_chain(0, {.limit = 100}));
  expect_golden("query_subscription_audit", query_subscription_audit("DmNewSubscription2345ab", 0));
}

TEST(AuditItemsTest, RoundTripsAnEvent) {
  const ChainedAuditEvent event = audit_event(7, kHash1, kHash2, "DmNewSubscription2345ab");
  ASSERT_OK_AND_ASSIGN(ChainedAuditEvent back, decode_audit_event(encode_audit_event(event)));
  EXPECT_EQ(back.event.sequence, 7);
  EXPECT_EQ(back.event.event_date, event.event.event_date);
  EXPECT_EQ(back.event.actor_account, event.event.actor_account);
  EXPECT_EQ(back.event.actor_principal, event.event.actor_principal);
  EXPECT_EQ(back.event.action, event.event.action);
  EXPECT_EQ(back.event.subscription_id, event.event.subscription_id);
  EXPECT_EQ(back.event.resource, event.event.resource);
  EXPECT_EQ(back.event.details_json, event.event.details_json);
  EXPECT_EQ(back.event.notes, event.event.notes);
  EXPECT_EQ(back.previous_hash, kHash1);
  EXPECT_EQ(back.hash, kHash2);
}

TEST(AuditItemsTest, AnEventOfNoSubscriptionStaysOutOfTheIndex) {
  const json item = encode_audit_event(audit_event(2, kHash1, kHash2, ""));
  EXPECT_FALSE(item.contains("SubscriptionId"));
  ASSERT_OK_AND_ASSIGN(ChainedAuditEvent back, decode_audit_event(item));
  EXPECT_EQ(back.event.subscription_id, "");
}

TEST(AuditItemsTest, MalformedEventsSayWhichAttribute) {
  json item = encode_audit_event(audit_event(2, kHash1, kHash2, "x"));
  item.erase("Hash");
  EXPECT_STATUS(decode_audit_event(item), absl::StatusCode::kInvalidArgument,
                "audit event 2: attribute Hash must be S, not missing");
  item = encode_audit_event(audit_event(2, kHash1, kHash2, "x"));
  item["Details"] = {{"M", json::object()}};
  EXPECT_STATUS(decode_audit_event(item), absl::StatusCode::kInvalidArgument,
                "audit event 2: attribute Details must be S, not M");
  item["Sequence"] = {{"N", "0"}};
  EXPECT_STATUS(decode_audit_event(item), absl::StatusCode::kInvalidArgument,
                "audit item 0 is not an event");
  item["Sequence"] = {{"S", "2"}};
  EXPECT_STATUS(decode_audit_event(item), absl::StatusCode::kInvalidArgument,
                "audit item: attribute Sequence must be N, not S");
}

TEST(AuditItemsTest, ReadsQueryAndHeadAnswers) {
  const json first = encode_audit_event(audit_event(1, "", kHash1, "s"));
  const json second = encode_audit_event(audit_event(2, kHash1, kHash2, ""));
  ASSERT_OK_AND_ASSIGN(AuditEventPage page,
                       read_audit_query_answer({{"Items", {first, second}}, {"Count", 2}}));
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].previous_hash, kHash1);
  EXPECT_TRUE(page.last_evaluated_key.is_null());
  EXPECT_STATUS(read_audit_query_answer(json::object()), absl::StatusCode::kInvalidArgument,
                "a Query answer must have an Items list");

  ASSERT_OK_AND_ASSIGN(AuditChainHead none, read_audit_head_answer(json::object()));
  EXPECT_EQ(none.sequence, 0);
  ASSERT_OK_AND_ASSIGN(AuditChainHead head,
                       read_audit_head_answer({{"Item",
                                                {{"Chain", {{"S", "mesh"}}},
                                                 {"Sequence", {{"N", "0"}}},
                                                 {"HeadSequence", {{"N", "2"}}},
                                                 {"HeadHash", {{"S", kHash2}}}}}}));
  EXPECT_EQ(head.sequence, 2);
  EXPECT_EQ(head.hash, kHash2);
  EXPECT_STATUS(read_audit_head_answer("x"), absl::StatusCode::kInvalidArgument,
                "a GetItem answer must be a JSON object");
}

TEST(AuditItemsTest, ReadsTheHead) {
  ASSERT_OK_AND_ASSIGN(AuditChainHead empty, decode_audit_head(nullptr));
  EXPECT_EQ(empty.sequence, 0);
  EXPECT_EQ(empty.hash, "");
  const json head = {{"Chain", {{"S", "mesh"}}},
                     {"Sequence", {{"N", "0"}}},
                     {"HeadSequence", {{"N", "12"}}},
                     {"HeadHash", {{"S", kHash1}}}};
  ASSERT_OK_AND_ASSIGN(AuditChainHead read, decode_audit_head(head));
  EXPECT_EQ(read.sequence, 12);
  EXPECT_EQ(read.hash, kHash1);
  json broken = head;
  broken.erase("HeadHash");
  EXPECT_STATUS(decode_audit_head(broken), absl::StatusCode::kInvalidArgument,
                "audit chain head: attribute HeadHash must be S, not missing");
  broken = head;
  broken["Sequence"] = {{"N", "3"}};
  EXPECT_STATUS(decode_audit_head(broken), absl::StatusCode::kInvalidArgument,
                "audit chain head: attribute Sequence must be 0, not 3");
}

}  // namespace
}  // namespace datamesh::store::aws
