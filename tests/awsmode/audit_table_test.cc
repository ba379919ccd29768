// The audit chain of the AWS store (store/aws/audit_table.h) against moto's DynamoDB: the head,
// appends and their races, the chain and a subscription's history page by page, and an event
// written in one transaction with the change it records.
#include "store/aws/audit_table.h"

#include <string>
#include <vector>

#include "aws/tracker_fixtures.h"
#include "awsmode/mesh_tables_fixture.h"
#include "store/aws/audit_items.h"
#include "store/aws/subscription_table.h"

namespace datamesh::store::aws::testing {
namespace {

using ::testing::ElementsAre;

// The hash of event n in these tests; the table stores hashes, it does not check them.
std::string hash_of(int64_t sequence, const std::string& salt = "") {
  return "h" + std::to_string(sequence) + salt + std::string(63, 'a');
}

ChainedAuditEvent event(int64_t sequence, std::string subscription_id,
                        const std::string& salt = "") {
  ChainedAuditEvent chained;
  chained.event = {.sequence = sequence,
                   .event_date = "2026-12-03 10:00:0" + std::to_string(sequence % 10),
                   .actor_account = "222222222222",
                   .actor_principal = "arn:aws:iam::222222222222:role/DataMeshProducer",
                   .action = "approve_access_request",
                   .subscription_id = std::move(subscription_id),
                   .resource = "sales-222222222222",
                   .details_json = R"({"Status":"Active"})",
                   .notes = ""};
  chained.previous_hash = sequence == 1 ? "" : hash_of(sequence - 1);
  chained.hash = hash_of(sequence, salt);
  return chained;
}

std::vector<int64_t> sequences(const std::vector<ChainedAuditEvent>& events) {
  std::vector<int64_t> out;
  for (const ChainedAuditEvent& e : events) out.push_back(e.event.sequence);
  return out;
}

std::vector<int64_t> sequences(const std::vector<AuditEvent>& events) {
  std::vector<int64_t> out;
  for (const AuditEvent& e : events) out.push_back(e.sequence);
  return out;
}

class AuditTableTest : public MeshTablesTest {
 protected:
  // Appends events 1..n, event i of subscription_of(i).
  void append(int n, const std::function<std::string(int)>& subscription_of) const {
    const AuditTable table(sessions());
    for (int i = 1; i <= n; ++i) ASSERT_OK(table.append_audit_event(event(i, subscription_of(i))));
  }
};

TEST_F(AuditTableTest, AnEmptyChainHasHeadZero) {
  ASSERT_OK_AND_ASSIGN(const AuditChainHead head, AuditTable(sessions()).audit_chain_head());
  EXPECT_EQ(head.sequence, 0);
  EXPECT_EQ(head.hash, "");
  ASSERT_OK_AND_ASSIGN(const auto chain, AuditTable(sessions()).list_audit_chain({}));
  EXPECT_TRUE(chain.empty());
}

TEST_F(AuditTableTest, AppendsMoveTheHeadAndListInOrder) {
  append(3, [](int) { return "DmAudited"; });
  const AuditTable table(sessions());
  ASSERT_OK_AND_ASSIGN(const AuditChainHead head, table.audit_chain_head());
  EXPECT_EQ(head.sequence, 3);
  EXPECT_EQ(head.hash, hash_of(3));
  ASSERT_OK_AND_ASSIGN(const std::vector<ChainedAuditEvent> chain, table.list_audit_chain({}));
  ASSERT_THAT(sequences(chain), ElementsAre(1, 2, 3));
  EXPECT_EQ(chain[1].previous_hash, hash_of(1));
  EXPECT_EQ(chain[1].hash, hash_of(2));
  EXPECT_EQ(chain[1].event.details_json, R"({"Status":"Active"})");
  EXPECT_EQ(chain[1].event.actor_principal, "arn:aws:iam::222222222222:role/DataMeshProducer");
}

TEST_F(AuditTableTest, AnEventThatDoesNotFollowTheHeadIsRefused) {
  const AuditTable table(sessions());
  EXPECT_STATUS(table.append_audit_event(event(2, "")), absl::StatusCode::kFailedPrecondition,
                "audit event 2 does not follow the chain head (sequence 0)");
  ASSERT_OK(table.append_audit_event(event(1, "")));
  ChainedAuditEvent wrong_link = event(2, "");
  wrong_link.previous_hash = hash_of(1, "other");
  EXPECT_STATUS_CODE(table.append_audit_event(wrong_link), absl::StatusCode::kFailedPrecondition);
  EXPECT_STATUS_CODE(table.append_elements(event(1, "")), absl::StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(const AuditChainHead head, table.audit_chain_head());
  EXPECT_EQ(head.sequence, 1);  // nothing written
}

TEST_F(AuditTableTest, OfTwoAppendsOnTheSameHeadOneIsAborted) {
  const AuditTable table(sessions());
  ASSERT_OK(table.append_audit_event(event(1, "")));
  // Two writers read head 1 and each make event 2.
  ASSERT_OK_AND_ASSIGN(const std::vector<nlohmann::json> first,
                       table.append_elements(event(2, "DmFirst")));
  ASSERT_OK_AND_ASSIGN(const std::vector<nlohmann::json> second,
                       table.append_elements(event(2, "DmSecond", "b")));
  ASSERT_OK(transact_write(sessions(), first, hash_of(2).substr(0, 36)));
  EXPECT_STATUS(transact_write(sessions(), second, hash_of(2, "b").substr(0, 36)),
                absl::StatusCode::kAborted,
                "element 1 (Update of DatameshAuditLog {Chain: mesh, Sequence: 0}): "
                "ConditionalCheckFailed; element 2 (Put of DatameshAuditLog {Chain: mesh, "
                "Sequence: 2}): ConditionalCheckFailed");
  // The loser re-reads the head and appends after the winner.
  ChainedAuditEvent retried = event(3, "DmSecond");
  ASSERT_OK(table.append_audit_event(retried));
  ASSERT_OK_AND_ASSIGN(const std::vector<ChainedAuditEvent> chain, table.list_audit_chain({}));
  ASSERT_THAT(sequences(chain), ElementsAre(1, 2, 3));
  EXPECT_EQ(chain[1].event.subscription_id, "DmFirst");
}

TEST_F(AuditTableTest, AnAppendWhoseHeadMovedBeforeItsWriteIsAborted) {
  ASSERT_OK(AuditTable(sessions()).append_audit_event(event(1, "")));
  // Another writer appends event 2 between this append's read of the head and its write.
  const AwsSessions racing = interleaved("TransactWriteItems", [&] {
    EXPECT_OK(AuditTable(sessions()).append_audit_event(event(2, "DmWinner")));
  });
  EXPECT_STATUS(AuditTable(racing).append_audit_event(event(2, "DmLoser", "b")),
                absl::StatusCode::kAborted,
                "element 1 (Update of DatameshAuditLog {Chain: mesh, Sequence: 0})");
  ASSERT_OK_AND_ASSIGN(const auto chain, AuditTable(sessions()).list_audit_chain({}));
  ASSERT_THAT(sequences(chain), ElementsAre(1, 2));
  EXPECT_EQ(chain[1].event.subscription_id, "DmWinner");
}

TEST_F(AuditTableTest, ARepeatedAppendIsAnsweredAsTheFirstByItsToken) {
  const AuditTable table(sessions());
  ASSERT_OK_AND_ASSIGN(const std::vector<nlohmann::json> append,
                       table.append_elements(event(1, "DmRepeated")));
  const std::string token = hash_of(1).substr(0, 36);
  ASSERT_OK(transact_write(sessions(), append, token));
  // The client's retry of a call whose answer was lost: the same transaction, the same token.
  ASSERT_OK(transact_write(sessions(), append, token));
  ASSERT_OK_AND_ASSIGN(const auto chain, table.list_audit_chain({}));
  EXPECT_THAT(sequences(chain), ElementsAre(1));
  // Another transaction under the same token is refused, not run.
  ASSERT_OK_AND_ASSIGN(const std::vector<nlohmann::json> next,
                       table.append_elements(event(2, "DmRepeated")));
  EXPECT_STATUS(transact_write(sessions(), next, token), absl::StatusCode::kFailedPrecondition,
                "IdempotentParameterMismatchException");
  ASSERT_OK(transact_write(sessions(), next, hash_of(2).substr(0, 36)));
  ASSERT_OK_AND_ASSIGN(const AuditChainHead head, table.audit_chain_head());
  EXPECT_EQ(head.sequence, 2);
}

TEST_F(AuditTableTest, ChainPagesFollowTheLastSequence) {
  append(5, [](int) { return ""; });
  const AuditTable table(sessions());
  ASSERT_OK_AND_ASSIGN(auto page, table.list_audit_chain({.limit = 2}));
  EXPECT_THAT(sequences(page), ElementsAre(1, 2));
  ASSERT_OK_AND_ASSIGN(page, table.list_audit_chain({.after = "2", .limit = 2}));
  EXPECT_THAT(sequences(page), ElementsAre(3, 4));
  ASSERT_OK_AND_ASSIGN(page, table.list_audit_chain({.after = "4", .limit = 2}));
  EXPECT_THAT(sequences(page), ElementsAre(5));
  ASSERT_OK_AND_ASSIGN(const auto all, table.list_audit_events("", {.after = "3"}));
  EXPECT_THAT(sequences(all), ElementsAre(4, 5));
}

TEST_F(AuditTableTest, ListingsReadEveryDynamoPage) {
  // Six events of about 300 KB each: more than DynamoDB's 1 MB page.
  const AuditTable table(sessions());
  for (int i = 1; i <= 6; ++i) {
    ChainedAuditEvent big = event(i, i % 2 == 0 ? "DmBig" : "");
    big.event.notes = std::string(300 * 1000, 'n');
    ASSERT_OK(table.append_audit_event(big));
  }
  EXPECT_GE(pages_of(query_audit_chain(0)), 2);
  ASSERT_OK_AND_ASSIGN(const auto chain, table.list_audit_chain({.limit = 100}));
  EXPECT_THAT(sequences(chain), ElementsAre(1, 2, 3, 4, 5, 6));
  ASSERT_OK_AND_ASSIGN(const auto history, table.list_audit_events("DmBig", {.limit = 100}));
  EXPECT_THAT(sequences(history), ElementsAre(2, 4, 6));
  ASSERT_OK_AND_ASSIGN(const auto tail, table.list_audit_chain({.after = "1", .limit = 4}));
  EXPECT_THAT(sequences(tail), ElementsAre(2, 3, 4, 5));
}

TEST_F(AuditTableTest, HistoryOfASubscriptionIsItsEventsOnly) {
  append(6, [](int i) { return i % 3 == 0 ? std::string() : "Dm" + std::to_string(i % 2); });
  const AuditTable table(sessions());
  ASSERT_OK_AND_ASSIGN(auto history, table.list_audit_events("Dm1", {}));
  EXPECT_THAT(sequences(history), ElementsAre(1, 5));
  ASSERT_OK_AND_ASSIGN(history, table.list_audit_events("Dm0", {}));
  EXPECT_THAT(sequences(history), ElementsAre(2, 4));
  ASSERT_OK_AND_ASSIGN(history, table.list_audit_events("Dm0", {.after = "2", .limit = 5}));
  EXPECT_THAT(sequences(history), ElementsAre(4));
  ASSERT_OK_AND_ASSIGN(history, table.list_audit_events("DmNone", {}));
  EXPECT_TRUE(history.empty());
  ASSERT_OK_AND_ASSIGN(history, table.list_audit_events("", {}));
  EXPECT_THAT(sequences(history), ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST_F(AuditTableTest, BadPagesAreInvalid) {
  const AuditTable table(sessions());
  EXPECT_STATUS(table.list_audit_chain({.after = "two"}), absl::StatusCode::kInvalidArgument,
                "audit page token \"two\" is not a sequence number");
  EXPECT_STATUS(table.list_audit_events("Dm1", {.after = "-1"}),
                absl::StatusCode::kInvalidArgument, "is not a sequence number");
  EXPECT_STATUS(table.list_audit_chain({.limit = 0}), absl::StatusCode::kInvalidArgument,
                "page limit must be at least 1");
}

TEST_F(AuditTableTest, AChangeAndItsEventCommitTogetherOrNotAtAll) {
  const SubscriptionTable subscriptions(sessions());
  const AuditTable audit(sessions());
  Subscription sub = new_pending_subscription();
  ASSERT_OK_AND_ASSIGN(nlohmann::json insert, subscriptions.insert_element(sub));
  ASSERT_OK_AND_ASSIGN(std::vector<nlohmann::json> writes,
                       audit.append_elements(event(1, sub.subscription_id)));
  writes.insert(writes.begin(), insert);
  ASSERT_OK(transact_write(sessions(), writes, hash_of(1).substr(0, 36)));
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> stored,
                       subscriptions.get_subscription(sub.subscription_id));
  EXPECT_TRUE(stored.has_value());
  ASSERT_OK_AND_ASSIGN(AuditChainHead head, audit.audit_chain_head());
  EXPECT_EQ(head.sequence, 1);

  // A second insert of the same id with event 2: the put fails, so event 2 is not written.
  ASSERT_OK_AND_ASSIGN(writes, audit.append_elements(event(2, sub.subscription_id)));
  writes.insert(writes.begin(), insert);
  EXPECT_STATUS(transact_write(sessions(), writes, hash_of(2).substr(0, 36)),
                absl::StatusCode::kAborted,
                "element 1 (Put of AwsDataMeshSubscriptions {SubscriptionId: " +
                    sub.subscription_id + "}): ConditionalCheckFailed");
  ASSERT_OK_AND_ASSIGN(head, audit.audit_chain_head());
  EXPECT_EQ(head.sequence, 1);
  ASSERT_OK_AND_ASSIGN(const auto chain, audit.list_audit_chain({}));
  EXPECT_THAT(sequences(chain), ElementsAre(1));
}

}  // namespace
}  // namespace datamesh::store::aws::testing
