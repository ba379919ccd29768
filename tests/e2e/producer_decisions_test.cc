// DataMeshProducer end to end, deciding on requests: list_pending_access_requests,
// approve_access_request, deny_access_request, update_subscription_permissions,
// delete_subscription, get_subscription.
#include <set>
#include <string>
#include <vector>

#include "datamesh/consumer.h"
#include "datamesh/json.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

class DecisionTest : public MeshFixture {
 protected:
  void SetUp() override {
    MeshFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_OK(publish_sales());
  }

  std::string status_of_subscription(const std::string& id) {
    auto sub = subscription(id);
    if (!sub.ok()) return sub.status().ToString();
    return std::string(to_string(sub->status));
  }

  bool allowed(const std::string& table, const std::string& permission) {
    auto check = consumer().check_permission(kSalesProduct, table, permission);
    EXPECT_TRUE(check.ok()) << check.status().ToString();
    return check.ok() && check->allowed;
  }

  bool grantable(const std::string& table, const std::string& permission) {
    auto check = consumer().check_permission(kSalesProduct, table, permission);
    EXPECT_TRUE(check.ok()) << check.status().ToString();
    return check.ok() && check->grantable;
  }
};

constexpr const char* kTablePermissions[] = {"ALL",   "SELECT", "INSERT",  "DELETE",
                                             "ALTER", "DROP",   "DESCRIBE"};

Strings permission_subset(int mask) {
  Strings permissions;
  for (int bit = 0; bit < 7; ++bit) {
    if ((mask & (1 << bit)) != 0) permissions.push_back(kTablePermissions[bit]);
  }
  return permissions;
}

// --- list_pending_access_requests ------------------------------------------------------------

TEST_F(DecisionTest, ListPendingAccessRequestsShowsOnlyPendingOldestFirst) {
  ASSERT_OK_AND_ASSIGN(std::string first, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string second, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string third, request({"SELECT"}, std::nullopt));
  ASSERT_OK_AND_ASSIGN(std::string fourth, request({"DELETE"}, Strings{"order_items"}));
  ASSERT_OK(producer().approve_access_request(second));
  ASSERT_OK(producer().deny_access_request(fourth));

  ASSERT_OK_AND_ASSIGN(SubscriptionPage page, producer().list_pending_access_requests());
  EXPECT_TRUE(page.next_token.empty());
  ASSERT_EQ(page.subscriptions.size(), 2u);
  EXPECT_EQ(page.subscriptions[0].subscription_id, first);
  EXPECT_EQ(page.subscriptions[1].subscription_id, third);

  const Subscription& sub = page.subscriptions[0];
  EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
  EXPECT_EQ(sub.database_name, kSalesProduct);
  EXPECT_EQ(sub.table_names, Strings{"orders"});
  EXPECT_EQ(sub.requested_grants, Strings{"SELECT"});
  EXPECT_EQ(sub.owner_principal, kProducerAccount);
  EXPECT_EQ(sub.subscriber_principal, kConsumerAccount);
  EXPECT_TRUE(is_utc_date(sub.creation_date)) << sub.creation_date;
  EXPECT_NE(sub.created_by.find(kConsumerAccount), std::string::npos) << sub.created_by;
  EXPECT_EQ(page.subscriptions[1].type, "DATABASE");
  EXPECT_TRUE(page.subscriptions[1].table_names.empty());
}

TEST_F(DecisionTest, ListPendingAccessRequestsShowsOnlyTheCallersProducts) {
  ASSERT_OK(request());
  ASSERT_OK(create_sales_database(kProducer2Account));
  ASSERT_OK(producer(kProducer2Account).create_data_products(kSalesDatabase));
  ASSERT_OK_AND_ASSIGN(SubscriptionPage theirs,
                       producer(kProducer2Account).list_pending_access_requests());
  EXPECT_TRUE(theirs.subscriptions.empty());
  ASSERT_OK_AND_ASSIGN(SubscriptionPage ours, producer().list_pending_access_requests());
  EXPECT_EQ(ours.subscriptions.size(), 1u);
}

TEST_F(DecisionTest, ListPendingAccessRequestsPagesWithNextTokenOver250Requests) {
  const std::optional<Strings> table_sets[] = {
      std::nullopt, Strings{"orders"}, Strings{"order_items"}, Strings{"orders", "order_items"}};
  constexpr int kRequests = 260;
  Strings created;
  for (int i = 0; i < kRequests; ++i) {
    const Strings permissions = permission_subset(i / 4 + 1);
    ASSERT_OK_AND_ASSIGN(
        std::string id,
        request(permissions, table_sets[i % 4], i % 2 == 0 ? kConsumerAccount : kConsumer2Account));
    created.push_back(id);
  }
  ASSERT_EQ(std::set<std::string>(created.begin(), created.end()).size(),
            static_cast<size_t>(kRequests));

  Strings listed;
  std::vector<size_t> page_sizes;
  PageRequest page;  // default: 100 per page
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    ASSERT_OK_AND_ASSIGN(SubscriptionPage got, producer().list_pending_access_requests(page));
    page_sizes.push_back(got.subscriptions.size());
    for (const Subscription& sub : got.subscriptions) {
      EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
      listed.push_back(sub.subscription_id);
    }
    if (got.next_token.empty()) break;
    page.next_token = got.next_token;
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{100, 100, 60}));
  EXPECT_EQ(listed, created);  // every request once, oldest first

  ASSERT_OK_AND_ASSIGN(SubscriptionPage all,
                       producer().list_pending_access_requests({.max_results = 1000}));
  EXPECT_EQ(all.subscriptions.size(), static_cast<size_t>(kRequests));
  EXPECT_TRUE(all.next_token.empty());

  // Decided requests leave the listing; paging still covers the rest exactly once.
  for (int i = 0; i < 10; ++i) ASSERT_OK(producer().deny_access_request(created[i * 7]));
  ASSERT_OK_AND_ASSIGN(SubscriptionPage after,
                       producer().list_pending_access_requests({.max_results = 1000}));
  EXPECT_EQ(after.subscriptions.size(), static_cast<size_t>(kRequests - 10));
}

TEST_F(DecisionTest, ListPendingAccessRequestsRejectsPageSizeOutOfRange) {
  EXPECT_STATUS_CODE(producer().list_pending_access_requests({.max_results = 0}),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(producer().list_pending_access_requests({.max_results = 1001}),
                     StatusCode::kInvalidArgument);
}

// --- approve -----------------------------------------------------------------------------------

TEST_F(DecisionTest, ApproveAsRequestedGrantsRequestedPermissionsPlusDescribe) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().approve_access_request(id, {.decision_notes = "approved for reporting"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kActive);
  EXPECT_EQ(sub.requested_grants, (Strings{"SELECT", "INSERT"}));
  EXPECT_EQ(sub.permitted_grants, (Strings{"SELECT", "INSERT", "DESCRIBE"}));
  EXPECT_EQ(sub.grantable_grants, (Strings{"SELECT", "INSERT", "DESCRIBE"}));
  EXPECT_EQ(sub.notes, Strings{"approved for reporting"});
  EXPECT_NE(sub.updated_by.find(kProducerAccount), std::string::npos) << sub.updated_by;
  EXPECT_TRUE(is_utc_date(sub.updated_date)) << sub.updated_date;
  ASSERT_EQ(sub.granted_table_arns.size(), 1u);
  EXPECT_NE(sub.granted_table_arns[0].find(std::string(kSalesProduct) + "/orders"),
            std::string::npos)
      << sub.granted_table_arns[0];
  EXPECT_EQ(sub.ram_shares.size(), 1u);
  EXPECT_GT(sub.version, 1);

  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants, producer().get_subscription_grants(id));
  const EffectiveGrant* on_orders = find_grant(grants, "orders");
  ASSERT_NE(on_orders, nullptr) << ::testing::PrintToString(describe_grants(grants));
  EXPECT_EQ(on_orders->principal, kConsumerAccount);
  EXPECT_EQ(on_orders->catalog_id, kMeshAccount);
  EXPECT_EQ(on_orders->database_name, kSalesProduct);
  EXPECT_EQ(on_orders->subscription_id, id);
  EXPECT_EQ(on_orders->permissions, (Strings{"SELECT", "INSERT", "DESCRIBE"}));
  EXPECT_EQ(on_orders->grantable_permissions, (Strings{"SELECT", "INSERT", "DESCRIBE"}));
  EXPECT_EQ(find_grant(grants, "order_items"), nullptr);
  EXPECT_TRUE(allowed("orders", "SELECT"));
  EXPECT_TRUE(allowed("orders", "INSERT"));
  EXPECT_FALSE(allowed("orders", "DELETE"));
}

TEST_F(DecisionTest, ApproveDatabaseRequestGrantsOnEveryTable) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT"}, std::nullopt));
  ASSERT_OK(producer().approve_access_request(id));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  ASSERT_EQ(sub.granted_table_arns.size(), 1u);
  EXPECT_NE(sub.granted_table_arns[0].find(std::string(kSalesProduct) + "/*"), std::string::npos)
      << sub.granted_table_arns[0];
  EXPECT_TRUE(allowed("orders", "SELECT"));
  EXPECT_TRUE(allowed("order_items", "SELECT"));
}

TEST_F(DecisionTest, ApproveNarrowerGrantsOnlyTheChosenPermissions) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().approve_access_request(id, {.grant_permissions = Strings{"SELECT"}}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.permitted_grants, (Strings{"SELECT", "DESCRIBE"}));
  EXPECT_EQ(sub.grantable_grants, (Strings{"SELECT", "DESCRIBE"}));
  EXPECT_TRUE(allowed("orders", "SELECT"));
  EXPECT_FALSE(allowed("orders", "INSERT"));
}

TEST_F(DecisionTest, ApproveWithoutGrantableMakesEveryGrantedPermissionGrantable) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().approve_access_request(id, {.grant_permissions = Strings{"SELECT", "INSERT"},
                                                   .grantable_permissions = std::nullopt}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.grantable_grants, sub.permitted_grants);
  EXPECT_TRUE(grantable("orders", "SELECT"));
  EXPECT_TRUE(grantable("orders", "INSERT"));
}

TEST_F(DecisionTest, ApproveWithEmptyGrantableMakesNothingGrantable) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().approve_access_request(id, {.grantable_permissions = Strings{}}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.permitted_grants, (Strings{"SELECT", "INSERT", "DESCRIBE"}));
  EXPECT_TRUE(sub.grantable_grants.empty());
  EXPECT_TRUE(allowed("orders", "SELECT"));
  EXPECT_FALSE(grantable("orders", "SELECT"));
  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants, producer().get_subscription_grants(id));
  for (const EffectiveGrant& grant : grants) EXPECT_TRUE(grant.grantable_permissions.empty());
}

TEST_F(DecisionTest, ApproveWithSomeGrantableMakesOnlyThoseGrantable) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().approve_access_request(id, {.grantable_permissions = Strings{"SELECT"}}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.grantable_grants, Strings{"SELECT"});
  EXPECT_TRUE(grantable("orders", "SELECT"));
  EXPECT_TRUE(allowed("orders", "INSERT"));
  EXPECT_FALSE(grantable("orders", "INSERT"));
}

TEST_F(DecisionTest, ApproveGrantingMoreThanRequestedIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(
      producer().approve_access_request(id, {.grant_permissions = Strings{"SELECT", "INSERT"}}),
      StatusCode::kInvalidArgument, "INSERT");
  EXPECT_EQ(snapshot(id).value_or(""), before);
  EXPECT_FALSE(allowed("orders", "SELECT"));
}

TEST_F(DecisionTest, ApproveGrantableBeyondGrantedIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(producer().approve_access_request(id, {.grant_permissions = Strings{"SELECT"},
                                                       .grantable_permissions = Strings{"INSERT"}}),
                StatusCode::kInvalidArgument, "INSERT");
  EXPECT_EQ(snapshot(id).value_or(""), before);
}

TEST_F(DecisionTest, ApproveWithEmptyGrantListIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(producer().approve_access_request(id, {.grant_permissions = Strings{}}),
                StatusCode::kInvalidArgument, "grant_permissions");
  EXPECT_EQ(snapshot(id).value_or(""), before);
}

TEST_F(DecisionTest, ApproveWithUnknownPermissionIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT"}, Strings{"orders"}));
  EXPECT_STATUS(producer().approve_access_request(id, {.grant_permissions = Strings{"READ"}}),
                StatusCode::kInvalidArgument, "READ");
  EXPECT_EQ(status_of_subscription(id), "Pending");
}

TEST_F(DecisionTest, ApproveActiveSubscriptionFailsAsAlreadyActive) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(producer().approve_access_request(id), StatusCode::kFailedPrecondition,
                "already Active");
  EXPECT_EQ(snapshot(id).value_or(""), before);
}

TEST_F(DecisionTest, ApproveDeniedSubscriptionMakesItActive) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(producer().deny_access_request(id, "not yet"));
  ASSERT_OK(producer().approve_access_request(id, {.decision_notes = "reconsidered"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kActive);
  EXPECT_EQ(sub.notes, (Strings{"not yet", "reconsidered"}));
  EXPECT_TRUE(allowed("orders", "SELECT"));
}

TEST_F(DecisionTest, ApproveRejectsDeletedSubscription) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK(producer().delete_subscription(id, "retired"));
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS_CODE(producer().approve_access_request(id), StatusCode::kNotFound);
  EXPECT_EQ(snapshot(id).value_or(""), before);
  EXPECT_FALSE(allowed("orders", "SELECT"));
}

TEST_F(DecisionTest, ApproveRejectsWithdrawnRequest) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(consumer().delete_subscription(id, "no longer needed"));
  EXPECT_STATUS_CODE(producer().approve_access_request(id), StatusCode::kNotFound);
  EXPECT_EQ(status_of_subscription(id), "Deleted");
}

// --- deny --------------------------------------------------------------------------------------

TEST_F(DecisionTest, DenyPendingRequestRecordsNotesAndGrantsNothing) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(producer().deny_access_request(id, "personal data"));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kDenied);
  EXPECT_EQ(sub.notes, Strings{"personal data"});
  EXPECT_TRUE(sub.permitted_grants.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants, producer().get_subscription_grants(id));
  EXPECT_TRUE(grants.empty());
  EXPECT_FALSE(allowed("orders", "SELECT"));
}

TEST_F(DecisionTest, DenyWithoutNotesIsAllowed) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(producer().deny_access_request(id));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kDenied);
  EXPECT_TRUE(sub.notes.empty());
}

TEST_F(DecisionTest, DenyActiveSubscriptionIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(producer().deny_access_request(id), StatusCode::kFailedPrecondition, "Active");
  EXPECT_EQ(snapshot(id).value_or(""), before);
  EXPECT_TRUE(allowed("orders", "SELECT"));
}

TEST_F(DecisionTest, DenyDeniedSubscriptionIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(producer().deny_access_request(id, "first"));
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(producer().deny_access_request(id, "second"), StatusCode::kFailedPrecondition,
                "Denied");
  EXPECT_EQ(snapshot(id).value_or(""), before);
}

TEST_F(DecisionTest, DenyDeletedSubscriptionIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(producer().delete_subscription(id, "gone"));
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(producer().deny_access_request(id), StatusCode::kFailedPrecondition, "Deleted");
  EXPECT_EQ(snapshot(id).value_or(""), before);
}

// --- update_subscription_permissions -----------------------------------------------------------

TEST_F(DecisionTest, UpdateSubscriptionPermissionsGrantsExactlyTheNewSet) {
  ASSERT_OK_AND_ASSIGN(std::string id,
                       active_subscription({"SELECT", "INSERT", "DELETE"}, Strings{"orders"},
                                           {.grant_permissions = Strings{"SELECT"}}));
  ASSERT_OK(producer().update_subscription_permissions(id, {"INSERT", "DELETE"}, "write only"));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kActive);
  EXPECT_EQ(sub.permitted_grants, (Strings{"INSERT", "DELETE", "DESCRIBE"}));
  EXPECT_EQ(sub.notes, Strings{"write only"});

  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants, producer().get_subscription_grants(id));
  const EffectiveGrant* on_orders = find_grant(grants, "orders");
  ASSERT_NE(on_orders, nullptr) << ::testing::PrintToString(describe_grants(grants));
  EXPECT_EQ(on_orders->permissions, (Strings{"INSERT", "DELETE", "DESCRIBE"}));
  EXPECT_FALSE(allowed("orders", "SELECT"));
  EXPECT_TRUE(allowed("orders", "INSERT"));
  EXPECT_TRUE(allowed("orders", "DELETE"));
  EXPECT_TRUE(allowed("orders", "DESCRIBE"));
}

TEST_F(DecisionTest, UpdateKeepsPreviouslyGrantablePermissionsThatAreStillGranted) {
  ASSERT_OK_AND_ASSIGN(std::string id,
                       active_subscription({"SELECT", "INSERT", "DELETE"}, Strings{"orders"},
                                           {.grant_permissions = Strings{"SELECT", "INSERT"}}));
  ASSERT_OK(producer().update_subscription_permissions(id, {"INSERT", "DELETE"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.permitted_grants, (Strings{"INSERT", "DELETE", "DESCRIBE"}));
  // INSERT and DESCRIBE were grantable and stay so; DELETE is new and not made grantable.
  EXPECT_EQ(sub.grantable_grants, (Strings{"INSERT", "DESCRIBE"}));
  EXPECT_TRUE(grantable("orders", "INSERT"));
  EXPECT_TRUE(allowed("orders", "DELETE"));
  EXPECT_FALSE(grantable("orders", "DELETE"));
}

TEST_F(DecisionTest, UpdateWithNothingGrantableBeforeKeepsNothingGrantable) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT", "INSERT"}, Strings{"orders"},
                                                           {.grantable_permissions = Strings{}}));
  ASSERT_OK(producer().update_subscription_permissions(id, {"SELECT"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_TRUE(sub.grantable_grants.empty());
  EXPECT_FALSE(grantable("orders", "SELECT"));
}

TEST_F(DecisionTest, UpdateWithExplicitGrantableSetsExactlyThose) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT", "INSERT"}, Strings{"orders"},
                                                           {.grantable_permissions = Strings{}}));
  ASSERT_OK(
      producer().update_subscription_permissions(id, {"SELECT", "INSERT"}, "", Strings{"INSERT"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.grantable_grants, Strings{"INSERT"});
  EXPECT_TRUE(grantable("orders", "INSERT"));
  EXPECT_FALSE(grantable("orders", "SELECT"));
}

TEST_F(DecisionTest, UpdateWithExplicitGrantableDropsOnlyTheGrantOptionOfAKeptPermission) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT", "INSERT"}, Strings{"orders"},
                                                           {.grantable_permissions = Strings{
                                                                "SELECT", "INSERT"}}));
  ASSERT_TRUE(grantable("orders", "INSERT"));
  ASSERT_OK(
      producer().update_subscription_permissions(id, {"SELECT", "INSERT"}, "", Strings{"SELECT"}));
  EXPECT_TRUE(allowed("orders", "INSERT"));
  EXPECT_FALSE(grantable("orders", "INSERT"));
  EXPECT_TRUE(grantable("orders", "SELECT"));
}

TEST_F(DecisionTest, UpdateBeyondRequestedIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS(producer().update_subscription_permissions(id, {"SELECT", "DROP"}),
                StatusCode::kInvalidArgument, "DROP");
  EXPECT_STATUS(producer().update_subscription_permissions(id, {"SELECT"}, "", Strings{"INSERT"}),
                StatusCode::kInvalidArgument, "INSERT");
  EXPECT_EQ(snapshot(id).value_or(""), before);
}

TEST_F(DecisionTest, UpdateWithEmptyGrantListIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription());
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
  EXPECT_STATUS_CODE(producer().update_subscription_permissions(id, {}),
                     StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(id).value_or(""), before);
}

TEST_F(DecisionTest, UpdateRequiresAnActiveSubscription) {
  ASSERT_OK_AND_ASSIGN(std::string pending, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string denied, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(denied));
  ASSERT_OK_AND_ASSIGN(std::string deleted, active_subscription({"DELETE"}, Strings{"orders"}));
  ASSERT_OK(producer().delete_subscription(deleted, "gone"));
  for (const auto& [id, status] : {std::pair{pending, "Pending"}, std::pair{denied, "Denied"},
                                   std::pair{deleted, "Deleted"}}) {
    SCOPED_TRACE(status);
    ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
    EXPECT_STATUS(producer().update_subscription_permissions(id, {"DESCRIBE"}),
                  StatusCode::kFailedPrecondition, status);
    EXPECT_EQ(snapshot(id).value_or(""), before);
  }
  EXPECT_FALSE(allowed("orders", "SELECT"));
}

// --- delete_subscription (producer) ------------------------------------------------------------

TEST_F(DecisionTest, ProducerDeleteOfActiveSubscriptionRevokesGrantsAndKeepsTheRecord) {
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, std::nullopt));
  ASSERT_TRUE(allowed("orders", "SELECT"));
  ASSERT_OK(producer().delete_subscription(id, "contract ended"));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kDeleted);
  EXPECT_EQ(sub.notes, Strings{"contract ended"});
  EXPECT_TRUE(sub.permitted_grants.empty());
  EXPECT_TRUE(sub.grantable_grants.empty());
  EXPECT_EQ(sub.requested_grants, Strings{"SELECT"});
  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants, producer().get_subscription_grants(id));
  EXPECT_TRUE(grants.empty()) << ::testing::PrintToString(describe_grants(grants));
  EXPECT_FALSE(allowed("orders", "SELECT"));
  EXPECT_FALSE(allowed("order_items", "SELECT"));
  // The consumer still sees the record.
  ASSERT_OK_AND_ASSIGN(Subscription seen, consumer().get_subscription(id));
  EXPECT_EQ(seen.status, SubscriptionStatus::kDeleted);
}

TEST_F(DecisionTest, ProducerDeleteOfPendingRequestMarksItDeleted) {
  ASSERT_OK_AND_ASSIGN(std::string id, request());
  ASSERT_OK(producer().delete_subscription(id, "product retired"));
  EXPECT_EQ(status_of_subscription(id), "Deleted");
  ASSERT_OK_AND_ASSIGN(SubscriptionPage pending, producer().list_pending_access_requests());
  EXPECT_TRUE(pending.subscriptions.empty());
}

TEST_F(DecisionTest, ProducerDeleteOfDeniedOrDeletedIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::string denied, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(denied));
  ASSERT_OK_AND_ASSIGN(std::string deleted, request({"INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().delete_subscription(deleted, "first"));
  for (const auto& [id, status] : {std::pair{denied, "Denied"}, std::pair{deleted, "Deleted"}}) {
    SCOPED_TRACE(status);
    ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
    EXPECT_STATUS(producer().delete_subscription(id, "again"), StatusCode::kFailedPrecondition,
                  status);
    EXPECT_EQ(snapshot(id).value_or(""), before);
  }
}

// --- get_subscription --------------------------------------------------------------------------

TEST_F(DecisionTest, GetSubscriptionShowsTheDocumentFields) {
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT"}, Strings{"order.*"}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, producer().get_subscription(id));
  EXPECT_EQ(sub.subscription_id, id);
  EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
  EXPECT_EQ(sub.type, "TABLE");
  EXPECT_EQ(sub.database_name, kSalesProduct);
  EXPECT_EQ(sub.table_names, (Strings{"order_items", "orders"}));
  EXPECT_EQ(sub.requested_grants, Strings{"SELECT"});
  EXPECT_TRUE(sub.permitted_grants.empty());
  EXPECT_EQ(sub.owner_principal, kProducerAccount);
  EXPECT_EQ(sub.subscriber_principal, kConsumerAccount);
  EXPECT_TRUE(is_utc_date(sub.creation_date)) << sub.creation_date;
  EXPECT_TRUE(is_utc_date(sub.updated_date)) << sub.updated_date;
  EXPECT_FALSE(sub.imported_to_consumer);

  const std::string json = to_json(sub);
  for (const char* key : {"SubscriptionId", "Status", "DatabaseName", "TableName",
                          "RequestedGrants", "PermittedGrants", "GrantableGrants", "OwnerPrincipal",
                          "SubscriberPrincipal", "CreationDate", "CreatedBy", "UpdatedDate",
                          "UpdatedBy", "Notes", "RamShares", "GrantedTableARNs"}) {
    EXPECT_NE(json.find(std::string("\"") + key + "\""), std::string::npos)
        << key << " in " << json;
  }
  EXPECT_NE(json.find("\"Pending\""), std::string::npos) << json;
}

}  // namespace
}  // namespace datamesh::test_support
