// The subscription tracker of the AWS store (store/aws/subscription_table.h) against moto's
// DynamoDB: each store::Transaction method and its errors, listings that span several DynamoDB
// pages, and shares kept in items the original library wrote.
#include "store/aws/subscription_table.h"

#include <algorithm>
#include <string>
#include <vector>

#include "aws/tracker_fixtures.h"
#include "awsmode/mesh_tables_fixture.h"
#include "store/aws/tracker_requests.h"

namespace datamesh::store::aws::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kOwner[] = "222222222222";
constexpr char kSubscriber[] = "333333333333";

Subscription pending(std::string id, std::string created) {
  Subscription sub = new_pending_subscription();
  sub.subscription_id = std::move(id);
  sub.creation_date = created;
  sub.updated_date = std::move(created);
  return sub;
}

std::vector<std::string> ids(const std::vector<Subscription>& subscriptions) {
  std::vector<std::string> out;
  for (const Subscription& sub : subscriptions) out.push_back(sub.subscription_id);
  return out;
}

// A note this long makes an item of about 240 KB (Notes and DatameshNotes both hold it), so a
// handful of items exceed the 1 MB that one DynamoDB page answers.
std::string bulky_note(const std::string& id) { return id + std::string(120 * 1000, 'n'); }

class SubscriptionTableTest : public MeshTablesTest {
 protected:
  // The change commit_change makes: version + 1, a new status and date.
  static Subscription changed(Subscription sub, SubscriptionStatus status, std::string date) {
    sub.status = status;
    sub.updated_date = std::move(date);
    sub.version += 1;
    if (status != SubscriptionStatus::kPending) sub.permitted_grants = sub.requested_grants;
    return sub;
  }

  // Writes an item exactly as the original library wrote it.
  void put_original_item(const std::string& fixture) const {
    send({.operation = "PutItem",
          .body = {{"TableName", std::string(tracker::kTable)},
                   {"Item", tracker_fixture(fixture)["item"]}}});
  }

  nlohmann::json raw_item(const std::string& id) const {
    return send(aws::get_subscription(id)).value("Item", nlohmann::json());
  }
};

TEST_F(SubscriptionTableTest, InsertedSubscriptionReadsBackAsWritten) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmInsertRead1", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read,
                       table.get_subscription(sub.subscription_id));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->subscription_id, sub.subscription_id);
  EXPECT_EQ(read->status, SubscriptionStatus::kPending);
  EXPECT_EQ(read->table_names, sub.table_names);
  EXPECT_EQ(read->version, 1);
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> missing,
                       table.get_subscription("DmNoSuchSubscription"));
  EXPECT_FALSE(missing.has_value());
}

TEST_F(SubscriptionTableTest, InsertOfATakenIdIsAlreadyExists) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmInsertTwice", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  Subscription other = sub;
  other.database_name = "other-222222222222";
  EXPECT_STATUS(table.insert_subscription(other), absl::StatusCode::kAlreadyExists,
                "subscription DmInsertTwice already exists");
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read, table.get_subscription("DmInsertTwice"));
  EXPECT_EQ(read->database_name, sub.database_name);  // the first write stays
}

TEST_F(SubscriptionTableTest, UpdateWritesTheChange) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmUpdate", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  Subscription active = changed(sub, SubscriptionStatus::kActive, "2026-12-03 11:00:00");
  active.notes = {"approved", "approved"};
  ASSERT_OK(table.update_subscription(active, 1));
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read, table.get_subscription("DmUpdate"));
  EXPECT_EQ(read->status, SubscriptionStatus::kActive);
  EXPECT_EQ(read->version, 2);
  EXPECT_EQ(read->updated_date, "2026-12-03 11:00:00");
  EXPECT_THAT(read->notes, ElementsAre("approved", "approved"));
}

TEST_F(SubscriptionTableTest, UpdateWithAStaleVersionIsAborted) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmStale", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  ASSERT_OK(table.update_subscription(
      changed(sub, SubscriptionStatus::kActive, "2026-12-03 11:00:00"), 1));
  // A writer that read version 1 too.
  EXPECT_STATUS(table.update_subscription(
                    changed(sub, SubscriptionStatus::kDenied, "2026-12-03 11:00:01"), 1),
                absl::StatusCode::kAborted, "expected version 1, found 2");
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read, table.get_subscription("DmStale"));
  EXPECT_EQ(read->status, SubscriptionStatus::kActive);
}

TEST_F(SubscriptionTableTest, AWriteOfTheOriginalBetweenTheReadAndTheUpdateAbortsIt) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmRace", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  // The original's deny_access_request lands between the update's read and its write: it does
  // not know DatameshVersion, but sets Status and UpdatedDate.
  const AwsSessions racing = interleaved("UpdateItem", [&] {
    send({.operation = "UpdateItem",
          .body = {{"TableName", std::string(tracker::kTable)},
                   {"Key", tracker_key("DmRace")},
                   {"UpdateExpression", "SET #status = :denied, #updated = :date"},
                   {"ExpressionAttributeNames", {{"#status", "Status"}, {"#updated", "UpdatedDate"}}},
                   {"ExpressionAttributeValues",
                    {{":denied", {{"S", "Denied"}}}, {":date", {{"S", "2026-12-03 10:30:00"}}}}}}});
  });
  EXPECT_STATUS(SubscriptionTable(racing).update_subscription(
                    changed(sub, SubscriptionStatus::kActive, "2026-12-03 11:00:00"), 1),
                absl::StatusCode::kAborted,
                "changed concurrently between its read and its update (read at version 1, "
                "status Pending; now version 1, status Denied)");
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read, table.get_subscription("DmRace"));
  EXPECT_EQ(read->status, SubscriptionStatus::kDenied);  // the original's write stands
}

TEST_F(SubscriptionTableTest, UpdateOfAMissingSubscriptionIsNotFound) {
  const SubscriptionTable table(sessions());
  Subscription ghost = pending("DmGhost", "2026-12-03 10:00:00");
  ghost.version = 2;
  EXPECT_STATUS(table.update_subscription(ghost, 1), absl::StatusCode::kNotFound,
                "subscription DmGhost does not exist");
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read, table.get_subscription("DmGhost"));
  EXPECT_FALSE(read.has_value());  // the update made no item
}

TEST_F(SubscriptionTableTest, UpdateThatDoesNotRaiseTheVersionIsInvalid) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmSameVersion", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  Subscription same = sub;
  same.status = SubscriptionStatus::kDenied;
  EXPECT_STATUS_CODE(table.update_subscription(same, 1), absl::StatusCode::kInvalidArgument);
}

TEST_F(SubscriptionTableTest, UpdateOfAnItemTheOriginalWroteKeepsItsShares) {
  const SubscriptionTable table(sessions());
  put_original_item("active_table");
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read,
                       table.get_subscription("GUxwswjEFRzgwow8zqVwGC"));
  ASSERT_EQ(read->version, 0);
  Subscription finalized = *read;
  finalized.imported_to_consumer = true;
  finalized.updated_date = "2026-12-04 09:00:00";
  finalized.version = 1;
  ASSERT_OK(table.update_subscription(finalized, 0));
  const nlohmann::json item = raw_item("GUxwswjEFRzgwow8zqVwGC");
  EXPECT_EQ(item["RamShares"], tracker_fixture("active_table")["item"]["RamShares"]);
  EXPECT_EQ(item["ImportedToConsumer"], nlohmann::json({{"BOOL", true}}));
  EXPECT_EQ(item["DatameshVersion"], nlohmann::json({{"N", "1"}}));
}

TEST_F(SubscriptionTableTest, UpdateElementOfAStaleReadIsAbortedNamingTheElement) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmElement", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  const Subscription active = changed(sub, SubscriptionStatus::kActive, "2026-12-03 11:00:00");
  ASSERT_OK_AND_ASSIGN(const nlohmann::json stale, table.update_element(sub, active));
  ASSERT_OK(table.update_subscription(active, 1));  // another writer got there first
  EXPECT_STATUS(transact_write(sessions(), {stale}, ""), absl::StatusCode::kAborted,
                "element 1 (Update of AwsDataMeshSubscriptions {SubscriptionId: DmElement}): "
                "ConditionalCheckFailed");

  const Subscription denied = changed(active, SubscriptionStatus::kDenied, "2026-12-03 12:00:00");
  ASSERT_OK_AND_ASSIGN(const nlohmann::json fresh, table.update_element(active, denied));
  ASSERT_OK(transact_write(sessions(), {fresh}, ""));
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read, table.get_subscription("DmElement"));
  EXPECT_EQ(read->status, SubscriptionStatus::kDenied);
  EXPECT_EQ(read->version, 3);
}

TEST_F(SubscriptionTableTest, InsertElementOfATakenIdIsAborted) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmInsertElement", "2026-12-03 10:00:00");
  ASSERT_OK_AND_ASSIGN(const nlohmann::json insert, table.insert_element(sub));
  ASSERT_OK(transact_write(sessions(), {insert}, ""));
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read,
                       table.get_subscription("DmInsertElement"));
  EXPECT_TRUE(read.has_value());
  EXPECT_STATUS(transact_write(sessions(), {insert}, ""), absl::StatusCode::kAborted,
                "element 1 (Put of AwsDataMeshSubscriptions {SubscriptionId: DmInsertElement})");
  EXPECT_STATUS_CODE(table.update_element(sub, sub), absl::StatusCode::kInvalidArgument);
}

TEST_F(SubscriptionTableTest, TransactWriteTakesOneToAHundredElements) {
  const SubscriptionTable table(sessions());
  EXPECT_STATUS(transact_write(sessions(), {}, ""), absl::StatusCode::kInvalidArgument,
                "1 to 100 writes, not 0");
  std::vector<nlohmann::json> elements;
  for (int i = 0; i < 101; ++i) {
    ASSERT_OK_AND_ASSIGN(nlohmann::json element,
                         table.insert_element(pending("DmMany" + std::to_string(i), "2026")));
    elements.push_back(std::move(element));
  }
  EXPECT_STATUS(transact_write(sessions(), elements, ""), absl::StatusCode::kInvalidArgument,
                "not 101");
  elements.resize(100);
  ASSERT_OK(transact_write(sessions(), elements, ""));
  ASSERT_OK_AND_ASSIGN(const auto counts, table.count_subscriptions_by_status());
  EXPECT_THAT(counts, ElementsAre(std::pair(SubscriptionStatus::kPending, int64_t{100})));
}

// Subscriptions of two owners and two subscribers in every status, written out of creation
// order, each about 240 KB so that every listing reads several DynamoDB pages.
class SubscriptionListingTest : public SubscriptionTableTest {
 protected:
  void SetUp() override {
    SubscriptionTableTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const SubscriptionTable table(sessions());
    struct Row {
      const char* id;
      const char* created;
      SubscriptionStatus status;
      const char* owner;
      const char* subscriber;
      const char* database;
    };
    using enum SubscriptionStatus;
    const Row rows[] = {
        {"DmL06", "2026-12-03 10:06:00", kPending, kOwner, kSubscriber, "sales"},
        {"DmL01", "2026-12-03 10:01:00", kPending, kOwner, kSubscriber, "sales"},
        {"DmL04", "2026-12-03 10:03:00", kActive, kOwner, kSubscriber, "hr"},
        {"DmL03", "2026-12-03 10:03:00", kDeleted, kOwner, kSubscriber, "sales"},
        {"DmL02", "2026-12-03 10:02:00", kPending, kOwner, "444444444444", "sales"},
        {"DmL05", "2026-12-03 10:05:00", kDenied, kOwner, kSubscriber, "sales"},
        {"DmL07", "2026-12-03 10:07:00", kPending, "555555555555", kSubscriber, "sales"},
        {"DmL08", "2026-12-03 10:08:00", kActive, kOwner, kSubscriber, "sales"},
    };
    for (const Row& row : rows) {
      Subscription sub = pending(row.id, row.created);
      sub.status = row.status;
      sub.owner_principal = row.owner;
      sub.subscriber_principal = row.subscriber;
      sub.database_name = row.database;
      sub.notes = {bulky_note(row.id)};
      ASSERT_OK(table.insert_subscription(sub));
    }
  }

  std::vector<std::string> listed(const SubscriptionFilter& filter, int limit = 100,
                                  std::string after = "") const {
    const absl::StatusOr<std::vector<Subscription>> listing =
        SubscriptionTable(sessions()).list_subscriptions(filter, {.after = after, .limit = limit});
    EXPECT_TRUE(listing.ok()) << listing.status();
    return listing.ok() ? ids(*listing) : std::vector<std::string>{};
  }
};

TEST_F(SubscriptionListingTest, TheDataSpansSeveralDynamoPages) {
  EXPECT_GE(pages_of(scan_subscriptions()), 2);
  EXPECT_GE(pages_of(query_owner(kOwner, std::nullopt)), 2);
  EXPECT_GE(pages_of(query_subscriber(kSubscriber)), 2);
}

TEST_F(SubscriptionListingTest, ByOwnerInCreationOrderThenIdWithoutDeleted) {
  EXPECT_THAT(listed({.owner = kOwner}),
              ElementsAre("DmL01", "DmL02", "DmL04", "DmL05", "DmL06", "DmL08"));
  EXPECT_THAT(listed({.owner = kOwner, .include_deleted = true}),
              ElementsAre("DmL01", "DmL02", "DmL03", "DmL04", "DmL05", "DmL06", "DmL08"));
}

TEST_F(SubscriptionListingTest, ByOwnerAndStatus) {
  EXPECT_THAT(listed({.owner = kOwner, .status = SubscriptionStatus::kPending}),
              ElementsAre("DmL01", "DmL02", "DmL06"));
  EXPECT_THAT(listed({.owner = kOwner, .status = SubscriptionStatus::kDeleted}),
              ElementsAre("DmL03"));
}

TEST_F(SubscriptionListingTest, BySubscriberAndDatabase) {
  EXPECT_THAT(listed({.subscriber = kSubscriber}),
              ElementsAre("DmL01", "DmL04", "DmL05", "DmL06", "DmL07", "DmL08"));
  EXPECT_THAT(listed({.subscriber = kSubscriber, .database_name = "hr"}), ElementsAre("DmL04"));
  EXPECT_THAT(listed({.subscriber = kSubscriber,
                      .status = SubscriptionStatus::kActive,
                      .database_name = "sales"}),
              ElementsAre("DmL08"));
}

TEST_F(SubscriptionListingTest, WithoutOwnerOrSubscriberScansTheTable) {
  EXPECT_THAT(listed({.include_deleted = true}),
              ElementsAre("DmL01", "DmL02", "DmL03", "DmL04", "DmL05", "DmL06", "DmL07", "DmL08"));
  EXPECT_THAT(listed({.database_name = "sales"}),
              ElementsAre("DmL01", "DmL02", "DmL05", "DmL06", "DmL07", "DmL08"));
}

TEST_F(SubscriptionListingTest, PagesFollowTheLastIdOfThePreviousPage) {
  const SubscriptionFilter filter{.owner = kOwner, .include_deleted = true};
  EXPECT_THAT(listed(filter, 3), ElementsAre("DmL01", "DmL02", "DmL03"));
  EXPECT_THAT(listed(filter, 3, "DmL03"), ElementsAre("DmL04", "DmL05", "DmL06"));
  EXPECT_THAT(listed(filter, 3, "DmL06"), ElementsAre("DmL08"));
  EXPECT_THAT(listed(filter, 3, "DmL08"), ElementsAre());
  // A token the filter leaves out still says where the page starts.
  EXPECT_THAT(listed({.owner = kOwner}, 2, "DmL03"), ElementsAre("DmL04", "DmL05"));
  EXPECT_THAT(listed({.owner = kOwner}, 2, "DmL07"), ElementsAre("DmL08"));
}

TEST_F(SubscriptionListingTest, BadPagesAreInvalid) {
  const SubscriptionTable table(sessions());
  EXPECT_STATUS(table.list_subscriptions({.owner = kOwner}, {.after = "DmNoSuch", .limit = 3}),
                absl::StatusCode::kInvalidArgument,
                "page token \"DmNoSuch\" is not the id of a stored subscription");
  EXPECT_STATUS(table.list_subscriptions({.owner = kOwner}, {.limit = 0}),
                absl::StatusCode::kInvalidArgument, "page limit must be at least 1");
}

TEST_F(SubscriptionListingTest, CountsEveryStatusAcrossPages) {
  ASSERT_OK_AND_ASSIGN(const auto counts, SubscriptionTable(sessions()).count_subscriptions_by_status());
  EXPECT_THAT(counts, ElementsAre(std::pair(SubscriptionStatus::kPending, int64_t{4}),
                                  std::pair(SubscriptionStatus::kActive, int64_t{2}),
                                  std::pair(SubscriptionStatus::kDenied, int64_t{1}),
                                  std::pair(SubscriptionStatus::kDeleted, int64_t{1})));
}

TEST_F(SubscriptionListingTest, DuplicatesAreTheLiveSameRequestsAcrossPages) {
  const SubscriptionTable table(sessions());
  Subscription request = pending("DmNewRequest", "2026-12-04 00:00:00");
  request.database_name = "sales";
  // DmL01, DmL06 (Pending) and DmL08 (Active) ask the same; DmL03 is Deleted, DmL05 Denied,
  // DmL02 another subscriber's, DmL07 another owner's, DmL04 another database's.
  ASSERT_OK_AND_ASSIGN(const std::vector<Subscription> duplicates,
                       table.find_live_duplicates(request));
  EXPECT_THAT(ids(duplicates), ElementsAre("DmL01", "DmL06", "DmL08"));

  request.table_names = {"orders", "customers"};
  ASSERT_OK_AND_ASSIGN(const std::vector<Subscription> none, table.find_live_duplicates(request));
  EXPECT_THAT(ids(none), ElementsAre());
}

TEST_F(SubscriptionTableTest, EmptyTableCountsNothing) {
  ASSERT_OK_AND_ASSIGN(const auto counts, SubscriptionTable(sessions()).count_subscriptions_by_status());
  EXPECT_THAT(counts, ElementsAre());
}

TEST_F(SubscriptionTableTest, SharesAreKeptInTheTrackerItem) {
  const SubscriptionTable table(sessions());
  const Subscription sub = pending("DmShares", "2026-12-03 10:00:00");
  ASSERT_OK(table.insert_subscription(sub));
  const std::string arn = "arn:aws:ram:us-east-1:" + mesh() + ":resource-share/abc-123";
  ShareRow share{.share_arn = arn,
                 .subscription_id = "DmShares",
                 .owner_account = mesh(),
                 .recipient_account = kSubscriber,
                 .status = "PENDING",
                 .creation_date = "2026-12-03 11:00:00"};
  ASSERT_OK(table.put_share(share));
  ShareRow second = share;
  second.share_arn = arn + "-second";
  second.creation_date = "2026-12-03 10:30:00";
  ASSERT_OK(table.put_share(second));
  share.status = "ACCEPTED";
  ASSERT_OK(table.put_share(share));  // replaces

  ASSERT_OK_AND_ASSIGN(const std::vector<ShareRow> shares, table.list_subscription_shares("DmShares"));
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0].share_arn, second.share_arn);  // created first
  EXPECT_EQ(shares[0].status, "PENDING");
  EXPECT_EQ(shares[1].share_arn, arn);
  EXPECT_EQ(shares[1].status, "ACCEPTED");
  EXPECT_EQ(shares[1].owner_account, mesh());
  EXPECT_EQ(shares[1].recipient_account, kSubscriber);
  EXPECT_EQ(shares[1].creation_date, "2026-12-03 11:00:00");

  // The original reads the ARNs from RamShares; the subscription lists them; the share's
  // writes left the subscription's version alone, so its update still holds.
  const nlohmann::json item = raw_item("DmShares");
  EXPECT_EQ(item["RamShares"]["M"][arn]["M"]["arn"], nlohmann::json({{"S", arn}}));
  EXPECT_EQ(item["RamShares"]["M"][arn]["M"]["type"], nlohmann::json({{"S", "Table"}}));
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> read, table.get_subscription("DmShares"));
  EXPECT_THAT(read->ram_shares, ElementsAre(arn, second.share_arn));
  Subscription active = changed(*read, SubscriptionStatus::kActive, "2026-12-03 12:00:00");
  active.ram_shares = {arn};
  ASSERT_OK(table.update_subscription(active, 1));
  ASSERT_OK_AND_ASSIGN(const std::vector<ShareRow> after, table.list_subscription_shares("DmShares"));
  EXPECT_EQ(after.size(), 2u);  // DatameshShares keeps the second share's state
}

TEST_F(SubscriptionTableTest, SharesOfAnItemTheOriginalWrote) {
  const SubscriptionTable table(sessions());
  put_original_item("finalized");
  const std::string id = "GUxwswjEFRzgwow8zqVwGC";
  ASSERT_OK_AND_ASSIGN(std::vector<ShareRow> shares, table.list_subscription_shares(id));
  ASSERT_EQ(shares.size(), 2u);  // three entries; the two table entries name one share
  for (const ShareRow& share : shares) {
    EXPECT_EQ(share.status, "ACCEPTED") << share.share_arn;  // finalized: ImportedToConsumer
    EXPECT_EQ(share.owner_account, "111111111111");
    EXPECT_EQ(share.recipient_account, "333333333333");
    EXPECT_EQ(share.subscription_id, id);
  }
  ShareRow left = shares[0];
  left.status = "DISASSOCIATED";
  left.creation_date = "2026-12-04 08:00:00";
  ASSERT_OK(table.put_share(left));
  ASSERT_OK_AND_ASSIGN(shares, table.list_subscription_shares(id));
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[1].share_arn, left.share_arn);  // the only one with a date sorts last
  EXPECT_EQ(shares[1].status, "DISASSOCIATED");
  EXPECT_EQ(shares[0].status, "ACCEPTED");
  // The original's map keeps its keys and types: the share was already there.
  EXPECT_EQ(raw_item(id)["RamShares"], tracker_fixture("finalized")["item"]["RamShares"]);

  put_original_item("deleted");
  ASSERT_OK_AND_ASSIGN(shares, table.list_subscription_shares(id));
  for (const ShareRow& share : shares) EXPECT_EQ(share.status, "DISASSOCIATED");
}

TEST_F(SubscriptionTableTest, ShareOfAPendingItemTheOriginalWroteStartsItsRamShares) {
  const SubscriptionTable table(sessions());
  put_original_item("pending_database");
  const std::string arn = "arn:aws:ram:us-east-1:111111111111:resource-share/new";
  ASSERT_OK(table.put_share({.share_arn = arn,
                             .subscription_id = "Hk3mNpQrStUvWxYz23456a",
                             .owner_account = "111111111111",
                             .recipient_account = "333333333333",
                             .status = "PENDING",
                             .creation_date = "2026-12-04 08:00:00"}));
  const nlohmann::json item = raw_item("Hk3mNpQrStUvWxYz23456a");
  EXPECT_EQ(item["RamShares"]["M"][arn]["M"]["type"], nlohmann::json({{"S", "Database"}}));
  ASSERT_OK_AND_ASSIGN(const std::vector<ShareRow> shares,
                       table.list_subscription_shares("Hk3mNpQrStUvWxYz23456a"));
  ASSERT_EQ(shares.size(), 1u);
  EXPECT_EQ(shares[0].status, "PENDING");
}

TEST_F(SubscriptionTableTest, AShareWrittenWhileTheItemsMapsAppearIsAborted) {
  const SubscriptionTable table(sessions());
  ASSERT_OK(table.insert_subscription(pending("DmShareRace", "2026-12-03 10:00:00")));
  const std::string arn = "arn:aws:ram:us-east-1:" + mesh() + ":resource-share/";
  const ShareRow first{.share_arn = arn + "first",
                       .subscription_id = "DmShareRace",
                       .owner_account = mesh(),
                       .recipient_account = kSubscriber,
                       .status = "PENDING"};
  ShareRow second = first;
  second.share_arn = arn + "second";
  // Both read an item without RamShares nor DatameshShares; the first to write creates them.
  const AwsSessions racing = interleaved("UpdateItem", [&] { EXPECT_OK(table.put_share(first)); });
  EXPECT_STATUS(SubscriptionTable(racing).put_share(second), absl::StatusCode::kAborted,
                "changed between its read and the write; re-read and retry");
  ASSERT_OK(table.put_share(second));  // the retry
  ASSERT_OK_AND_ASSIGN(const std::vector<ShareRow> shares,
                       table.list_subscription_shares("DmShareRace"));
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0].share_arn, first.share_arn);
  EXPECT_EQ(shares[1].share_arn, second.share_arn);
}

TEST_F(SubscriptionTableTest, ShareErrors) {
  const SubscriptionTable table(sessions());
  ShareRow share{.share_arn = "arn:aws:ram:us-east-1:111111111111:resource-share/x",
                 .subscription_id = "DmNoSuch",
                 .owner_account = "111111111111",
                 .recipient_account = kSubscriber,
                 .status = "PENDING"};
  EXPECT_STATUS(table.put_share(share), absl::StatusCode::kNotFound,
                "subscription DmNoSuch does not exist");
  ASSERT_OK_AND_ASSIGN(const std::vector<ShareRow> none, table.list_subscription_shares("DmNoSuch"));
  EXPECT_TRUE(none.empty());

  ASSERT_OK(table.insert_subscription(pending("DmShareErrors", "2026-12-03 10:00:00")));
  share.subscription_id = "DmShareErrors";
  share.status = "SHARED";
  EXPECT_STATUS(table.put_share(share), absl::StatusCode::kInvalidArgument,
                "expected PENDING, ACCEPTED or DISASSOCIATED");
  share.status = "PENDING";
  share.share_arn = "";
  EXPECT_STATUS_CODE(table.put_share(share), absl::StatusCode::kInvalidArgument);
}

TEST_F(SubscriptionTableTest, MalformedItemsAreInvalid) {
  const SubscriptionTable table(sessions());
  nlohmann::json item = tracker_fixture("denied")["item"];
  item["Notes"] = {{"L", {{{"S", "a list, not a set"}}}}};
  send({.operation = "PutItem", .body = {{"TableName", std::string(tracker::kTable)}, {"Item", item}}});
  EXPECT_STATUS(table.get_subscription("Jq7RsTuVwXyZ234567abcd"),
                absl::StatusCode::kInvalidArgument, "attribute Notes must be SS");
  EXPECT_STATUS(table.list_subscriptions({.owner = kOwner}, {}), absl::StatusCode::kInvalidArgument,
                "attribute Notes must be SS");
  EXPECT_STATUS(table.list_subscription_shares("Jq7RsTuVwXyZ234567abcd"),
                absl::StatusCode::kInvalidArgument, "attribute Notes must be SS");
}

TEST_F(SubscriptionTableTest, EnsuringTheTablesAgainLeavesThemAsTheyAre) {
  const SubscriptionTable table(sessions());
  ASSERT_OK(table.insert_subscription(pending("DmKept", "2026-12-03 10:00:00")));
  ASSERT_OK(ensure_mesh_tables(sessions()));
  ASSERT_OK_AND_ASSIGN(const std::optional<Subscription> kept, table.get_subscription("DmKept"));
  EXPECT_TRUE(kept.has_value());

  const nlohmann::json tracker =
      send({.operation = "DescribeTable", .body = {{"TableName", "AwsDataMeshSubscriptions"}}});
  EXPECT_EQ(tracker["Table"]["TableStatus"], "ACTIVE");
  EXPECT_EQ(tracker["Table"]["GlobalSecondaryIndexes"].size(), 2u);
  EXPECT_EQ(tracker["Table"]["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES");
  const nlohmann::json journal =
      send({.operation = "DescribeTable", .body = {{"TableName", "DatameshJournal"}}});
  EXPECT_EQ(journal["Table"]["KeySchema"],
            nlohmann::json::parse(R"([{"AttributeName": "JournalId", "KeyType": "HASH"}])"));
  EXPECT_EQ(journal["Table"]["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
  const nlohmann::json audit =
      send({.operation = "DescribeTable", .body = {{"TableName", "DatameshAuditLog"}}});
  EXPECT_EQ(audit["Table"]["DeletionProtectionEnabled"], true);
}

TEST_F(SubscriptionTableTest, WithoutTheMeshSessionEveryCallIsPermissionDenied) {
  const AwsSessions elsewhere("us-east-1", "999999999999", {});
  const SubscriptionTable table(elsewhere);
  EXPECT_STATUS(table.get_subscription("DmAny"), absl::StatusCode::kPermissionDenied,
                "no AWS session for account 999999999999");
  EXPECT_STATUS_CODE(ensure_mesh_tables(elsewhere), absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(table.list_subscriptions({}, {}), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace datamesh::store::aws::testing
