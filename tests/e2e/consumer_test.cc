// DataMeshConsumer end to end: request_access_to_product, finalize_subscription,
// get_table_info, list_product_access, delete_subscription, get_subscription(_grants).
#include "datamesh/consumer.h"

#include <set>
#include <string>
#include <vector>

#include "datamesh/catalog.h"
#include "datamesh/json.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

class ConsumerTest : public MeshFixture {
 protected:
  void SetUp() override {
    MeshFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_OK(publish_sales());  // order_items and orders
  }

  absl::StatusOr<AccessRequest> ask(const Strings& permissions,
                                    const std::optional<Strings>& tables,
                                    const std::string& owner = kProducerAccount,
                                    const std::string& database = kSalesProduct) {
    return consumer().request_access_to_product(owner, database, permissions, tables);
  }

  Strings link_tables_of_consumer() {
    Strings names;
    auto page = catalog(kConsumerAccount).get_tables(kSalesProduct);
    if (!page.ok()) return {page.status().ToString()};
    for (const Table& table : page->tables) names.push_back(table.input.name);
    return names;
  }
};

// --- request_access_to_product -----------------------------------------------------------------

TEST_F(ConsumerTest, RequestWithoutTablesIsForTheWholeDatabase) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, ask({"SELECT"}, std::nullopt));
  EXPECT_EQ(made.type, "DATABASE");
  EXPECT_EQ(made.database, kSalesProduct);
  EXPECT_TRUE(made.tables.empty());
  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(made.subscription_id));
  EXPECT_EQ(sub.type, "DATABASE");
  EXPECT_TRUE(sub.table_names.empty());
  EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
  EXPECT_EQ(sub.subscription_id.size(), 22u);
}

TEST_F(ConsumerTest, RequestWithTablesIsForThoseTables) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, ask({"SELECT"}, Strings{"orders"}));
  EXPECT_EQ(made.type, "TABLE");
  EXPECT_EQ(made.tables, Strings{"orders"});
  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(made.subscription_id));
  EXPECT_EQ(sub.type, "TABLE");
  EXPECT_EQ(sub.table_names, Strings{"orders"});
  EXPECT_EQ(sub.requested_grants, Strings{"SELECT"});
}

TEST_F(ConsumerTest, RequestWithPatternResolvesToTableNames) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, ask({"SELECT"}, Strings{"order.*"}));
  EXPECT_EQ(made.type, "TABLE");
  EXPECT_EQ(made.tables, (Strings{"order_items", "orders"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(made.subscription_id));
  EXPECT_EQ(sub.table_names, (Strings{"order_items", "orders"}));
}

TEST_F(ConsumerTest, RequestMixingNamesAndPatternsResolvesToTheirUnion) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, ask({"SELECT"}, Strings{"orders", "order_i.*"}));
  EXPECT_EQ(made.tables, (Strings{"order_items", "orders"}));
  ASSERT_OK_AND_ASSIGN(AccessRequest same_twice, ask({"INSERT"}, Strings{"orders", "orders"}));
  EXPECT_EQ(same_twice.tables, Strings{"orders"});
}

TEST_F(ConsumerTest, RequestForMissingTableNameIsNotFound) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  // refunds exists in the source database but was not published.
  EXPECT_STATUS(ask({"SELECT"}, Strings{"refunds"}), StatusCode::kNotFound, "refunds");
  EXPECT_STATUS(ask({"SELECT"}, Strings{"orders", "invoices"}), StatusCode::kNotFound, "invoices");
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(ConsumerTest, RequestWithPatternMatchingNothingIsNotFound) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS(ask({"SELECT"}, Strings{"ref.*"}), StatusCode::kNotFound, "ref.*");
  // Full match: "order" alone is a name, and no table is called that.
  EXPECT_STATUS_CODE(ask({"SELECT"}, Strings{"order"}), StatusCode::kNotFound);
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(ConsumerTest, RequestWithBadPatternIsInvalidArgument) {
  EXPECT_STATUS_CODE(ask({"SELECT"}, Strings{"order[s"}), StatusCode::kInvalidArgument);
}

TEST_F(ConsumerTest, RequestWithUnknownPermissionIsInvalidArgumentNamingIt) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS(ask({"SELECT", "SELCT"}, Strings{"orders"}), StatusCode::kInvalidArgument, "SELCT");
  EXPECT_STATUS(ask({"select"}, Strings{"orders"}), StatusCode::kInvalidArgument, "select");
  EXPECT_STATUS(ask({"CREATE_DATABASE"}, Strings{"orders"}), StatusCode::kInvalidArgument,
                "CREATE_DATABASE");
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(ConsumerTest, RequestWithEmptyPermissionListIsInvalidArgument) {
  EXPECT_STATUS(ask({}, Strings{"orders"}), StatusCode::kInvalidArgument, "request_permissions");
}

TEST_F(ConsumerTest, RequestWithEmptyTableListIsInvalidArgument) {
  EXPECT_STATUS(ask({"SELECT"}, Strings{}), StatusCode::kInvalidArgument, "tables");
  EXPECT_STATUS_CODE(ask({"SELECT"}, Strings{""}), StatusCode::kInvalidArgument);
}

TEST_F(ConsumerTest, RequestNamingTheWrongOwnerIsNotFound) {
  EXPECT_STATUS(ask({"SELECT"}, Strings{"orders"}, kProducer2Account), StatusCode::kNotFound,
                kProducer2Account);
  EXPECT_STATUS_CODE(ask({"SELECT"}, Strings{"orders"}, "777777777777"), StatusCode::kNotFound);
}

TEST_F(ConsumerTest, RequestForUnknownDatabaseIsNotFoundNamingBothCandidates) {
  // Neither a mesh database of that name nor one published from a source database of that
  // name under the default name: the error names both, so the consumer sees what was tried.
  EXPECT_STATUS(ask({"SELECT"}, std::nullopt, kProducerAccount, "refunds"),
                StatusCode::kNotFound, "refunds or refunds-111111111111");
  EXPECT_STATUS_CODE(ask({"SELECT"}, std::nullopt, kProducerAccount, "sales-999999999999"),
                     StatusCode::kNotFound);
}

TEST_F(ConsumerTest, RequestBySourceDatabaseNameIsForTheMeshDatabase) {
  // "sales" is P's source database; P published it as sales-111111111111 (the default name),
  // which get_data_product also accepts by its source name.
  ASSERT_OK_AND_ASSIGN(AccessRequest made,
                       ask({"SELECT"}, Strings{"orders"}, kProducerAccount, kSalesDatabase));
  EXPECT_EQ(made.database, kSalesProduct);
  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(made.subscription_id));
  EXPECT_EQ(sub.database_name, kSalesProduct);
  EXPECT_EQ(sub.table_names, Strings{"orders"});
  // The same request by the mesh database's name is the same live request.
  ASSERT_OK_AND_ASSIGN(AccessRequest again, ask({"SELECT"}, Strings{"orders"}));
  EXPECT_EQ(again.subscription_id, made.subscription_id);
}

TEST_F(ConsumerTest, RequestBySourceDatabaseNameOfAnotherOwnerIsNotFound) {
  // The source name resolves with the owner the consumer names: P2 has no sales-333333333333.
  EXPECT_STATUS(ask({"SELECT"}, std::nullopt, kProducer2Account, kSalesDatabase),
                StatusCode::kNotFound, "sales-333333333333");
}

TEST_F(ConsumerTest, RequestForOwnProductIsInvalidArgument) {
  ASSERT_OK(make_consumer(kProducerAccount));
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS_CODE(consumer(kProducerAccount)
                         .request_access_to_product(kProducerAccount, kSalesProduct, {"SELECT"}),
                     StatusCode::kInvalidArgument);
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(ConsumerTest, IdenticalLiveRequestReturnsTheSameSubscription) {
  ASSERT_OK_AND_ASSIGN(AccessRequest first, ask({"SELECT", "INSERT"}, Strings{"order.*"}));
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  // Same tables (as resolved) and permissions (in any order): the same subscription.
  ASSERT_OK_AND_ASSIGN(AccessRequest again,
                       ask({"INSERT", "SELECT"}, Strings{"orders", "order_items"}));
  EXPECT_EQ(again.subscription_id, first.subscription_id);
  EXPECT_EQ(audit_count().value_or(0), before);

  ASSERT_OK(producer().approve_access_request(first.subscription_id));
  ASSERT_OK_AND_ASSIGN(AccessRequest while_active, ask({"SELECT", "INSERT"}, Strings{"order.*"}));
  EXPECT_EQ(while_active.subscription_id, first.subscription_id);
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(first.subscription_id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kActive);  // never overwritten
}

TEST_F(ConsumerTest, DifferentRequestCreatesANewSubscription) {
  ASSERT_OK_AND_ASSIGN(AccessRequest first, ask({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(AccessRequest other_permissions, ask({"INSERT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(AccessRequest other_tables, ask({"SELECT"}, Strings{"order_items"}));
  ASSERT_OK_AND_ASSIGN(AccessRequest whole_database, ask({"SELECT"}, std::nullopt));
  const std::set<std::string> ids = {first.subscription_id, other_permissions.subscription_id,
                                     other_tables.subscription_id, whole_database.subscription_id};
  EXPECT_EQ(ids.size(), 4u);
  // Another consumer asking the same gets its own subscription.
  ASSERT_OK_AND_ASSIGN(AccessRequest theirs,
                       consumer(kConsumer2Account)
                           .request_access_to_product(kProducerAccount, kSalesProduct, {"SELECT"},
                                                      Strings{"orders"}));
  EXPECT_EQ(ids.count(theirs.subscription_id), 0u);
}

TEST_F(ConsumerTest, RequestAfterDenialCreatesANewSubscription) {
  ASSERT_OK_AND_ASSIGN(AccessRequest first, ask({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(first.subscription_id, "no"));
  ASSERT_OK_AND_ASSIGN(AccessRequest second, ask({"SELECT"}, Strings{"orders"}));
  EXPECT_NE(second.subscription_id, first.subscription_id);
  ASSERT_OK_AND_ASSIGN(Subscription old, subscription(first.subscription_id));
  EXPECT_EQ(old.status, SubscriptionStatus::kDenied);
  ASSERT_OK_AND_ASSIGN(Subscription fresh, subscription(second.subscription_id));
  EXPECT_EQ(fresh.status, SubscriptionStatus::kPending);
}

TEST_F(ConsumerTest, RequestAfterDeletionCreatesANewSubscription) {
  ASSERT_OK_AND_ASSIGN(AccessRequest first, ask({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(first.subscription_id, "changed my mind"));
  ASSERT_OK_AND_ASSIGN(AccessRequest second, ask({"SELECT"}, Strings{"orders"}));
  EXPECT_NE(second.subscription_id, first.subscription_id);
}

// --- finalize_subscription ---------------------------------------------------------------------

TEST_F(ConsumerTest, FinalizeRequiresAnActiveSubscription) {
  ASSERT_OK_AND_ASSIGN(std::string pending, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string denied, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(denied));
  ASSERT_OK_AND_ASSIGN(std::string deleted, request({"DELETE"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(deleted, "withdrawn"));
  for (const auto& [id, status] : {std::pair{pending, "Pending"}, std::pair{denied, "Denied"},
                                   std::pair{deleted, "Deleted"}}) {
    SCOPED_TRACE(status);
    ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
    EXPECT_STATUS(consumer().finalize_subscription(id), StatusCode::kFailedPrecondition, status);
    EXPECT_EQ(snapshot(id).value_or(""), before);
  }
  EXPECT_STATUS_CODE(catalog(kConsumerAccount).get_database(kSalesProduct), StatusCode::kNotFound);
}

TEST_F(ConsumerTest, FinalizeCreatesLinkDatabaseAndLinkTables) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(id));

  ASSERT_OK_AND_ASSIGN(Database link_db, catalog(kConsumerAccount).get_database(kSalesProduct));
  EXPECT_EQ(link_db.catalog_id, kConsumerAccount);
  ASSERT_TRUE(link_db.input.target_database.has_value());
  EXPECT_EQ(link_db.input.target_database->catalog_id, kMeshAccount);
  EXPECT_EQ(link_db.input.target_database->database_name, kSalesProduct);

  ASSERT_OK_AND_ASSIGN(TablePage tables, catalog(kConsumerAccount).get_tables(kSalesProduct));
  ASSERT_EQ(tables.tables.size(), 1u);
  const Table& link = tables.tables[0];
  EXPECT_EQ(link.input.name, "orders");
  ASSERT_TRUE(link.input.target_table.has_value());
  EXPECT_EQ(link.input.target_table->catalog_id, kMeshAccount);
  EXPECT_EQ(link.input.target_table->database_name, kSalesProduct);
  EXPECT_EQ(link.input.target_table->name, "orders");

  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(id));
  EXPECT_TRUE(sub.imported_to_consumer);
  EXPECT_EQ(sub.status, SubscriptionStatus::kActive);
}

TEST_F(ConsumerTest, FinalizeOfDatabaseSubscriptionLinksEveryTable) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, std::nullopt));
  ASSERT_OK(consumer().finalize_subscription(id));
  EXPECT_EQ(link_tables_of_consumer(), (Strings{"order_items", "orders"}));
}

TEST_F(ConsumerTest, FinalizeTwiceSucceedsAndKeepsTheLinks) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"order.*"}));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK_AND_ASSIGN(const Subscription finalized, consumer().get_subscription(id));
  ASSERT_OK_AND_ASSIGN(const std::size_t events, audit_count());
  ASSERT_OK(consumer().finalize_subscription(id));
  EXPECT_EQ(link_tables_of_consumer(), (Strings{"order_items", "orders"}));
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "orders"));
  // The repeat found everything done: no new version, no audit event.
  ASSERT_OK_AND_ASSIGN(const Subscription again, consumer().get_subscription(id));
  EXPECT_EQ(again.version, finalized.version);
  EXPECT_EQ(again.updated_date, finalized.updated_date);
  EXPECT_EQ(audit_count().value_or(0), events);
}

TEST_F(ConsumerTest, FinalizeAgainLinksTablesPublishedSinceAndIsAudited) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, std::nullopt));
  ASSERT_OK(consumer().finalize_subscription(id));
  // A new table the product's pattern (order.*) takes in when it is published again.
  ASSERT_OK(catalog(kProducerAccount).create_table(kSalesDatabase, sales_table("order_notes")));
  ASSERT_OK(producer().create_data_products(kSalesDatabase));
  ASSERT_OK_AND_ASSIGN(const std::size_t events, audit_count());
  ASSERT_OK(consumer().finalize_subscription(id));
  EXPECT_EQ(link_tables_of_consumer(), (Strings{"order_items", "order_notes", "orders"}));
  EXPECT_EQ(audit_count().value_or(0), events + 1);
}

TEST_F(ConsumerTest, FinalizeRefusesToOverwriteTheConsumersOwnDatabase) {
  ASSERT_OK(catalog(kConsumerAccount).create_database({.name = kSalesProduct}));
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  EXPECT_STATUS_CODE(consumer().finalize_subscription(id), StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(Database own, catalog(kConsumerAccount).get_database(kSalesProduct));
  EXPECT_FALSE(own.input.target_database.has_value());
}

// A consumer may hold several subscriptions to one product: each finalizes, the link database
// the first made serves the next (on AWS the store reads a table through it as the mesh's own).
TEST_F(ConsumerTest, ASecondSubscriptionToTheSameProductFinalizes) {
  ASSERT_OK_AND_ASSIGN(std::string first, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(first));
  ASSERT_OK_AND_ASSIGN(std::string second,
                       active_subscription({"SELECT"}, Strings{"order_items"}));
  ASSERT_OK(consumer().finalize_subscription(second));
  for (const std::string& id : {first, second}) {
    ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(id));
    EXPECT_TRUE(sub.imported_to_consumer) << id;
  }
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "orders"));
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "order_items"));
}

TEST_F(ConsumerTest, ASubscriptionAfterARevokedOneFinalizes) {
  ASSERT_OK_AND_ASSIGN(std::string revoked, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(revoked));
  ASSERT_OK(producer().delete_subscription(revoked, "revoked"));
  ASSERT_OK_AND_ASSIGN(std::string again, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(again));
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "orders"));
}

// The link database stays while another Active subscription uses it, and goes with the last.
TEST_F(ConsumerTest, TheLinkDatabaseGoesWithTheLastSubscriptionThatUsesIt) {
  ASSERT_OK_AND_ASSIGN(std::string keep, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string leave,
                       active_subscription({"SELECT"}, Strings{"order_items"}));
  ASSERT_OK(consumer().finalize_subscription(keep));
  ASSERT_OK(consumer().finalize_subscription(leave));
  ASSERT_OK(consumer().delete_subscription(leave, "no longer needed"));
  EXPECT_OK(catalog(kConsumerAccount).get_database(kSalesProduct));
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "orders"));
  ASSERT_OK(consumer().delete_subscription(keep, "done"));
  EXPECT_STATUS_CODE(catalog(kConsumerAccount).get_database(kSalesProduct), StatusCode::kNotFound);
}

// --- get_table_info ----------------------------------------------------------------------------

TEST_F(ConsumerTest, GetTableInfoBeforeFinalizeIsNotFound) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  EXPECT_STATUS_CODE(consumer().get_table_info(kSalesProduct, "orders"), StatusCode::kNotFound);
}

TEST_F(ConsumerTest, GetTableInfoAfterFinalizeReturnsTheMeshTable) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK_AND_ASSIGN(Table table, consumer().get_table_info(kSalesProduct, "orders"));
  EXPECT_EQ(table.catalog_id, kMeshAccount);
  EXPECT_EQ(table.database_name, kSalesProduct);
  EXPECT_EQ(table.input.name, "orders");
  EXPECT_FALSE(table.input.target_table.has_value());
  ASSERT_TRUE(table.input.storage_descriptor.has_value());
  const TableInput source = sales_table("orders");
  EXPECT_EQ(table.input.storage_descriptor->location, sales_location("orders"));
  EXPECT_EQ(table.input.storage_descriptor->columns, source.storage_descriptor->columns);
  EXPECT_EQ(table.input.storage_descriptor->serde_info, source.storage_descriptor->serde_info);
  EXPECT_EQ(table.input.partition_keys, source.partition_keys);
  EXPECT_EQ(table.input.table_type, "EXTERNAL_TABLE");
}

TEST_F(ConsumerTest, GetTableInfoOfATableNotSubscribedIsNotFound) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(id));
  EXPECT_STATUS_CODE(consumer().get_table_info(kSalesProduct, "order_items"),
                     StatusCode::kNotFound);
  EXPECT_STATUS_CODE(consumer().get_table_info("elsewhere", "orders"), StatusCode::kNotFound);
}

TEST_F(ConsumerTest, GetTableInfoAfterProducerDeleteIsNotFound) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, std::nullopt));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK(consumer().get_table_info(kSalesProduct, "orders"));
  ASSERT_OK(producer().delete_subscription(id, "revoked"));
  EXPECT_STATUS_CODE(consumer().get_table_info(kSalesProduct, "orders"), StatusCode::kNotFound);
  EXPECT_STATUS_CODE(catalog(kConsumerAccount).get_database(kSalesProduct), StatusCode::kNotFound);
}

// --- list_product_access -----------------------------------------------------------------------

TEST_F(ConsumerTest, ListProductAccessExcludesDeletedSubscriptions) {
  ASSERT_OK_AND_ASSIGN(std::string pending, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string active, active_subscription({"INSERT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string denied, request({"DELETE"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(denied));
  ASSERT_OK_AND_ASSIGN(std::string deleted, request({"ALTER"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(deleted, "withdrawn"));
  ASSERT_OK(request({"SELECT"}, Strings{"orders"}, kConsumer2Account));  // not ours

  ASSERT_OK_AND_ASSIGN(SubscriptionPage page, consumer().list_product_access());
  Strings ids;
  for (const Subscription& sub : page.subscriptions) {
    ids.push_back(sub.subscription_id);
    EXPECT_NE(sub.status, SubscriptionStatus::kDeleted);
    EXPECT_EQ(sub.subscriber_principal, kConsumerAccount);
    EXPECT_EQ(sub.owner_principal, kProducerAccount);
  }
  EXPECT_EQ(ids, (Strings{pending, active, denied}));
  EXPECT_TRUE(page.next_token.empty());
}

// A subscription the producer revoked leaves the default listing; its consumer still finds it,
// and the producer's reason, by asking for Deleted.
TEST_F(ConsumerTest, ListProductAccessByStatusShowsRevokedSubscriptionsWithTheirReason) {
  ASSERT_OK_AND_ASSIGN(std::string pending, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string active, active_subscription({"INSERT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string revoked, active_subscription({"ALTER"}, Strings{"orders"}));
  ASSERT_OK(producer().delete_subscription(revoked, "contract ended"));
  ASSERT_OK_AND_ASSIGN(std::string theirs,
                       request({"SELECT"}, Strings{"orders"}, kConsumer2Account));
  ASSERT_OK(consumer(kConsumer2Account).delete_subscription(theirs, "not ours to see"));

  auto listed = [&](Strings statuses) {
    Strings ids;
    absl::StatusOr<SubscriptionPage> page =
        consumer().list_product_access(ListProductAccessRequest{.status = std::move(statuses)});
    EXPECT_OK(page);
    if (page.ok()) {
      for (const Subscription& sub : page->subscriptions) ids.push_back(sub.subscription_id);
    }
    return ids;
  };
  EXPECT_EQ(listed({}), (Strings{pending, active}));
  EXPECT_EQ(listed({"Deleted"}), Strings{revoked});
  EXPECT_EQ(listed({"Active", "Deleted"}), (Strings{active, revoked}));
  EXPECT_EQ(listed({"Pending", "Active", "Denied", "Deleted"}),
            (Strings{pending, active, revoked}));

  ASSERT_OK_AND_ASSIGN(
      SubscriptionPage deleted,
      consumer().list_product_access(ListProductAccessRequest{.status = {"Deleted"}}));
  ASSERT_EQ(deleted.subscriptions.size(), 1u);
  EXPECT_EQ(deleted.subscriptions[0].status, SubscriptionStatus::kDeleted);
  EXPECT_EQ(deleted.subscriptions[0].notes, Strings{"contract ended"});
}

TEST_F(ConsumerTest, ListProductAccessRejectsAnUnknownStatus) {
  EXPECT_STATUS(
      consumer().list_product_access(ListProductAccessRequest{.status = {"Active", "Revoked"}}),
      StatusCode::kInvalidArgument,
      "unknown status \"Revoked\"; allowed: Pending, Active, Denied, Deleted");
}

TEST_F(ConsumerTest, ListProductAccessPagesWithNextToken) {
  Strings created;
  for (const char* permission : {"SELECT", "INSERT", "DELETE", "ALTER", "DROP"}) {
    ASSERT_OK_AND_ASSIGN(std::string id, request({permission}, Strings{"orders"}));
    created.push_back(id);
  }
  Strings listed;
  PageRequest page{.max_results = 2};
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    ASSERT_OK_AND_ASSIGN(SubscriptionPage got, consumer().list_product_access(page));
    EXPECT_LE(got.subscriptions.size(), 2u);
    for (const Subscription& sub : got.subscriptions) listed.push_back(sub.subscription_id);
    if (got.next_token.empty()) break;
    page.next_token = got.next_token;
  }
  EXPECT_EQ(listed, created);
}

// --- delete_subscription (consumer) ------------------------------------------------------------

TEST_F(ConsumerTest, ConsumerDeleteOfActiveSubscriptionRemovesLinksAndGrants) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"order.*"}));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK(consumer().delete_subscription(id, "project finished"));

  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kDeleted);
  EXPECT_EQ(sub.notes, Strings{"project finished"});
  EXPECT_NE(sub.updated_by.find(kConsumerAccount), std::string::npos) << sub.updated_by;
  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants, consumer().get_subscription_grants(id));
  EXPECT_TRUE(grants.empty()) << ::testing::PrintToString(describe_grants(grants));
  EXPECT_STATUS_CODE(catalog(kConsumerAccount).get_database(kSalesProduct), StatusCode::kNotFound);
  EXPECT_STATUS_CODE(consumer().get_table_info(kSalesProduct, "orders"), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(PermissionCheck check,
                       consumer().check_permission(kSalesProduct, "orders", "SELECT"));
  EXPECT_FALSE(check.allowed);
}

TEST_F(ConsumerTest, ConsumerDeleteOfPendingRequestWithdrawsIt) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(consumer().delete_subscription(id, "asked by mistake"));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kDeleted);
  ASSERT_OK_AND_ASSIGN(SubscriptionPage pending, producer().list_pending_access_requests());
  EXPECT_TRUE(pending.subscriptions.empty());
}

TEST_F(ConsumerTest, ConsumerDeleteOfDeniedOrDeletedIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::string denied, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(denied));
  ASSERT_OK_AND_ASSIGN(std::string deleted, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(deleted, "first"));
  for (const auto& [id, status] : {std::pair{denied, "Denied"}, std::pair{deleted, "Deleted"}}) {
    SCOPED_TRACE(status);
    ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
    EXPECT_STATUS(consumer().delete_subscription(id, "again"), StatusCode::kFailedPrecondition,
                  status);
    EXPECT_EQ(snapshot(id).value_or(""), before);
  }
}

TEST_F(ConsumerTest, ConsumerDeleteKeepsLinksCoveredByAnotherActiveSubscription) {
  ASSERT_OK_AND_ASSIGN(std::string keep, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string leave, active_subscription({"INSERT"}, Strings{"order.*"}));
  ASSERT_OK(consumer().finalize_subscription(keep));
  ASSERT_OK(consumer().finalize_subscription(leave));
  ASSERT_EQ(link_tables_of_consumer(), (Strings{"order_items", "orders"}));

  ASSERT_OK(consumer().delete_subscription(leave, "insert no longer needed"));
  EXPECT_EQ(link_tables_of_consumer(), Strings{"orders"});
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "orders"));
  EXPECT_STATUS_CODE(consumer().get_table_info(kSalesProduct, "order_items"),
                     StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(PermissionCheck select,
                       consumer().check_permission(kSalesProduct, "orders", "SELECT"));
  EXPECT_TRUE(select.allowed);
  ASSERT_OK_AND_ASSIGN(PermissionCheck insert,
                       consumer().check_permission(kSalesProduct, "orders", "INSERT"));
  EXPECT_FALSE(insert.allowed);
}

TEST_F(ConsumerTest, ConsumerDeleteKeepsEveryLinkWhileADatabaseSubscriptionIsActive) {
  ASSERT_OK_AND_ASSIGN(std::string whole, active_subscription({"SELECT"}, std::nullopt));
  ASSERT_OK_AND_ASSIGN(std::string part, active_subscription({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(whole));
  ASSERT_OK(consumer().finalize_subscription(part));
  ASSERT_OK(consumer().delete_subscription(part, "done"));
  EXPECT_EQ(link_tables_of_consumer(), (Strings{"order_items", "orders"}));
}

TEST_F(ConsumerTest, ConsumerDeleteLeavesTheConsumersOwnTablesAlone) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK(catalog(kConsumerAccount).create_table(kSalesProduct, sales_table("my_notes")));
  ASSERT_OK(consumer().delete_subscription(id, "done"));
  EXPECT_EQ(link_tables_of_consumer(), Strings{"my_notes"});
}

// --- get_subscription / get_subscription_grants ------------------------------------------------

TEST_F(ConsumerTest, ConsumerSeesTheSameSubscriptionAsTheProducer) {
  ASSERT_OK_AND_ASSIGN(
      std::string id, active_subscription({"SELECT"}, Strings{"orders"}, {.decision_notes = "ok"}));
  ASSERT_OK_AND_ASSIGN(Subscription mine, consumer().get_subscription(id));
  ASSERT_OK_AND_ASSIGN(Subscription theirs, subscription(id));
  EXPECT_EQ(to_json(mine), to_json(theirs));
  EXPECT_EQ(mine.notes, Strings{"ok"});
}

TEST_F(ConsumerTest, ConsumerSeesTheGrantsOfItsSubscription) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> mine, consumer().get_subscription_grants(id));
  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> theirs, producer().get_subscription_grants(id));
  EXPECT_EQ(describe_grants(mine), describe_grants(theirs));
  const EffectiveGrant* on_orders = find_grant(mine, "orders");
  ASSERT_NE(on_orders, nullptr) << ::testing::PrintToString(describe_grants(mine));
  EXPECT_EQ(on_orders->principal, kConsumerAccount);
  EXPECT_EQ(on_orders->permissions, (Strings{"SELECT", "DESCRIBE"}));
}

}  // namespace
}  // namespace datamesh::test_support
