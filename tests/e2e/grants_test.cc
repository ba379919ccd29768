// Grants are real: what check_permission answers follows every decision on a subscription.
#include <string>
#include <vector>

#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

class GrantsTest : public MeshFixture {
 protected:
  static std::string describe_drift(const std::vector<GrantDrift>& drift) {
    std::string text;
    for (const GrantDrift& d : drift) {
      text += d.drift + " " + d.principal + " " + d.table_name + " " + d.permission + "; ";
    }
    return text;
  }

  // check_permission of `account` on sales-111111111111.<table>.
  PermissionCheck check(const std::string& table, const std::string& permission,
                        const std::string& account = kConsumerAccount,
                        const std::string& database = kSalesProduct) {
    auto answer = consumer(account).check_permission(database, table, permission);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? *answer : PermissionCheck{.reason = answer.status().ToString()};
  }
};

TEST_F(GrantsTest, SelectIsAllowedOnlyAfterApproval) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT"}, Strings{"orders"}));
  EXPECT_FALSE(check("orders", "SELECT").allowed);
  ASSERT_OK(producer().approve_access_request(id));
  const PermissionCheck after = check("orders", "SELECT");
  EXPECT_TRUE(after.allowed);
  EXPECT_NE(after.reason.find(id), std::string::npos) << after.reason;
}

TEST_F(GrantsTest, DeniedRequestGrantsNothing) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::string id, request({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(producer().deny_access_request(id));
  EXPECT_FALSE(check("orders", "SELECT").allowed);
}

TEST_F(GrantsTest, GrantsCoverOnlyTheSubscribedTables) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(active_subscription({"SELECT"}, Strings{"orders"}));
  EXPECT_TRUE(check("orders", "SELECT").allowed);
  EXPECT_FALSE(check("order_items", "SELECT").allowed);
}

TEST_F(GrantsTest, DatabaseSubscriptionCoversEveryTable) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(active_subscription({"SELECT"}, std::nullopt));
  EXPECT_TRUE(check("orders", "SELECT").allowed);
  EXPECT_TRUE(check("order_items", "SELECT").allowed);
  EXPECT_FALSE(check("orders", "INSERT").allowed);
}

TEST_F(GrantsTest, GrantsBelongToTheSubscriberOnly) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(active_subscription({"SELECT"}, Strings{"orders"}));
  EXPECT_TRUE(check("orders", "SELECT").allowed);
  EXPECT_FALSE(check("orders", "SELECT", kConsumer2Account).allowed);
}

TEST_F(GrantsTest, AllCoversEveryTablePermission) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(active_subscription({"ALL"}, Strings{"orders"}));
  for (const char* permission : {"SELECT", "INSERT", "DELETE", "ALTER", "DROP", "DESCRIBE"}) {
    SCOPED_TRACE(permission);
    EXPECT_TRUE(check("orders", permission).allowed);
  }
  EXPECT_FALSE(check("order_items", "SELECT").allowed);
}

TEST_F(GrantsTest, GrantableFollowsTheApproval) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(active_subscription({"INSERT"}, Strings{"order_items"},
                                {.grantable_permissions = Strings{}}));
  const PermissionCheck select = check("orders", "SELECT");
  EXPECT_TRUE(select.allowed);
  EXPECT_TRUE(select.grantable);
  const PermissionCheck insert = check("order_items", "INSERT");
  EXPECT_TRUE(insert.allowed);
  EXPECT_FALSE(insert.grantable);
}

TEST_F(GrantsTest, UpdateIsReflectedInPermissions) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::string id,
                       active_subscription({"SELECT", "INSERT"}, Strings{"orders"},
                                           {.grant_permissions = Strings{"SELECT"}}));
  EXPECT_TRUE(check("orders", "SELECT").allowed);
  EXPECT_FALSE(check("orders", "INSERT").allowed);
  ASSERT_OK(producer().update_subscription_permissions(id, {"INSERT"}, "swap"));
  EXPECT_FALSE(check("orders", "SELECT").allowed);
  EXPECT_TRUE(check("orders", "INSERT").allowed);
}

TEST_F(GrantsTest, NothingIsAllowedAfterProducerDelete) {
  ASSERT_OK(publish_sales({.create_public_metadata = false, .table_name_regex = "order.*"}));
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, std::nullopt));
  ASSERT_TRUE(check("orders", "DESCRIBE").allowed);
  ASSERT_OK(producer().delete_subscription(id, "ended"));
  EXPECT_FALSE(check("orders", "SELECT").allowed);
  EXPECT_FALSE(check("order_items", "SELECT").allowed);
  EXPECT_FALSE(check("orders", "DESCRIBE").allowed);
  EXPECT_FALSE(check("", "DESCRIBE").allowed);
}

TEST_F(GrantsTest, NothingIsAllowedAfterConsumerDelete) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().delete_subscription(id, "left"));
  // The audit event says whether the grants still hold until reconcile (AWS mode only).
  ASSERT_OK_AND_ASSIGN(const std::vector<AuditEvent> events, audit_events(id));
  ASSERT_FALSE(events.empty());
  ASSERT_EQ(events.back().action, "delete_subscription");
  const nlohmann::json details = nlohmann::json::parse(events.back().details_json);
  EXPECT_FALSE(details["RevokedGrants"].empty()) << details.dump();
  EXPECT_EQ(details.value("GrantsHeldUntilReconcile", false), aws_mode()) << details.dump();
  if (aws_mode()) {
    // A consumer's mesh role may not revoke in Lake Formation (docs/AWS.md, "What datamesh
    // does not do on AWS"): the grant stays until the mesh admin's reconcile revokes it, and
    // the check says that it is one no subscription stands for.
    const PermissionCheck left = check("orders", "SELECT");
    EXPECT_TRUE(left.allowed);
    EXPECT_NE(left.reason.find("no subscription"), std::string::npos) << left.reason;
    EXPECT_NE(left.reason.find("Stray"), std::string::npos) << left.reason;
    ASSERT_OK_AND_ASSIGN(ReconcileReport report, admin().reconcile(/*apply=*/true));
    ASSERT_FALSE(report.drift.empty());
    for (const GrantDrift& drift : report.drift) {
      EXPECT_EQ(drift.drift, "Stray");
      EXPECT_EQ(drift.principal, kConsumerAccount);
    }
  }
  EXPECT_FALSE(check("orders", "SELECT").allowed);
}

TEST_F(GrantsTest, OtherSubscriptionsGrantsSurviveADelete) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::string first, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string second,
                       active_subscription({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().delete_subscription(second, "narrow down"));
  EXPECT_TRUE(check("orders", "SELECT").allowed);
  EXPECT_FALSE(check("orders", "INSERT").allowed);
  ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants,
                       producer().get_subscription_grants(first));
  const EffectiveGrant* on_orders = find_grant(grants, "orders");
  ASSERT_NE(on_orders, nullptr) << ::testing::PrintToString(describe_grants(grants));
  EXPECT_EQ(on_orders->permissions, (Strings{"SELECT", "DESCRIBE"}));
}

// What approvals, a grantable update and a delete leave held is what the Active subscriptions
// stand for, in every store (AWS mode: Lake Formation): admin reconcile finds nothing to repair.
TEST_F(GrantsTest, ReconcileFindsNoDriftAfterApprovalsUpdatesAndADelete) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::string first, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::string second,
                       active_subscription({"SELECT", "INSERT"}, Strings{"orders"}));
  ASSERT_OK(producer().update_subscription_permissions(first, {"SELECT"}, "", Strings{}));
  ASSERT_OK(producer().delete_subscription(second, "narrow down"));
  ASSERT_OK_AND_ASSIGN(std::size_t events, audit_count());

  ASSERT_OK_AND_ASSIGN(ReconcileReport report, admin().reconcile());
  EXPECT_TRUE(report.dry_run);
  EXPECT_TRUE(report.consistent);
  EXPECT_EQ(report.databases_checked, 1);
  EXPECT_GT(report.grants_checked, 0);
  EXPECT_TRUE(report.drift.empty()) << describe_drift(report.drift);
  ASSERT_OK_AND_ASSIGN(ReconcileReport applied, admin().reconcile(/*apply=*/true));
  EXPECT_FALSE(applied.dry_run);
  EXPECT_TRUE(applied.drift.empty()) << describe_drift(applied.drift);
  EXPECT_EQ(audit_count().value_or(0), events);  // nothing repaired, nothing audited
  EXPECT_TRUE(check("orders", "SELECT").allowed);

  for (const char* account : {kProducerAccount, kConsumerAccount}) {
    EXPECT_STATUS_CODE(admin_as(account).reconcile(), StatusCode::kPermissionDenied) << account;
    EXPECT_STATUS_CODE(admin_as(account).reconcile(true), StatusCode::kPermissionDenied)
        << account;
  }
}

TEST_F(GrantsTest, DescribeOnPublicProductIsAllowedWithoutAGrant) {
  ASSERT_OK(publish_sales());  // create_public_metadata defaults to true
  const PermissionCheck describe = check("orders", "DESCRIBE", kConsumer2Account);
  EXPECT_TRUE(describe.allowed);
  EXPECT_FALSE(describe.grantable);
  EXPECT_NE(describe.reason.find("public"), std::string::npos) << describe.reason;
  EXPECT_FALSE(check("orders", "SELECT", kConsumer2Account).allowed);
}

TEST_F(GrantsTest, DescribeOnNonPublicProductNeedsAGrant) {
  ASSERT_OK(publish_sales({.create_public_metadata = false, .table_name_regex = "order.*"}));
  EXPECT_FALSE(check("orders", "DESCRIBE").allowed);
  EXPECT_FALSE(check("", "DESCRIBE").allowed);
  ASSERT_OK(active_subscription({"SELECT"}, Strings{"orders"}));
  EXPECT_TRUE(check("orders", "DESCRIBE").allowed);
  EXPECT_TRUE(check("", "DESCRIBE").allowed);  // the database itself
  EXPECT_FALSE(check("order_items", "DESCRIBE").allowed);
  EXPECT_FALSE(check("orders", "DESCRIBE", kConsumer2Account).allowed);
}

TEST_F(GrantsTest, GetTableInfoOfNonPublicProductWorksThroughTheGrant) {
  ASSERT_OK(publish_sales({.create_public_metadata = false, .table_name_regex = "order.*"}));
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, Strings{"orders"}));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK_AND_ASSIGN(Table table, consumer().get_table_info(kSalesProduct, "orders"));
  EXPECT_EQ(table.input.storage_descriptor->location, sales_location("orders"));
}

TEST_F(GrantsTest, CheckPermissionRejectsUnknownPermission) {
  ASSERT_OK(publish_sales());
  EXPECT_STATUS(consumer().check_permission(kSalesProduct, "orders", "READ"),
                StatusCode::kInvalidArgument, "unknown permission \"READ\"; allowed: ALL, SELECT");
}

TEST_F(GrantsTest, CheckPermissionWithTheSourceDatabaseNameSaysWhichNameItTakes) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(active_subscription({"SELECT"}, Strings{"orders"}));
  for (const char* permission : {"SELECT", "DESCRIBE"}) {
    SCOPED_TRACE(permission);
    const PermissionCheck by_source = check("orders", permission, kConsumerAccount, "sales");
    EXPECT_FALSE(by_source.allowed);
    EXPECT_THAT(by_source.reason,
                ::testing::HasSubstr("no data product is published as mesh database sales; "
                                     "check_permission takes the mesh database's name, "
                                     "<source database>-<producer account>"));
  }
  // A denied check on a published product's name gives no such hint.
  const PermissionCheck denied = check("order_items", "SELECT");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.reason, "no grant of SELECT on sales-111111111111.order_items");
}

TEST_F(GrantsTest, CheckPermissionOnATableTheProductDoesNotHaveIsNotAllowed) {
  ASSERT_OK(publish_sales());  // with public metadata
  ASSERT_OK(active_subscription({"SELECT"}, std::nullopt));
  const std::string no_table =
      "no table \"ordrs\" in data product sales-111111111111; get_data_product lists its tables";
  // Neither a grant on the database's tables nor public metadata covers a name of no table.
  const PermissionCheck select = check("ordrs", "SELECT");
  EXPECT_FALSE(select.allowed);
  EXPECT_FALSE(select.grantable);
  EXPECT_EQ(select.reason, no_table);
  const PermissionCheck describe = check("ordrs", "DESCRIBE", kConsumer2Account);
  EXPECT_FALSE(describe.allowed);
  EXPECT_EQ(describe.reason, no_table);
  // The tables it has are allowed as before, and the database itself.
  EXPECT_TRUE(check("orders", "SELECT").allowed);
  EXPECT_TRUE(check("orders", "DESCRIBE", kConsumer2Account).allowed);
  EXPECT_TRUE(check("", "DESCRIBE", kConsumer2Account).allowed);
}

TEST_F(GrantsTest, CheckPermissionOnUnknownProductIsNotAllowed) {
  ASSERT_OK(publish_sales());
  EXPECT_FALSE(check("orders", "SELECT", kConsumerAccount, "nothing").allowed);
  EXPECT_FALSE(check("orders", "DESCRIBE", kConsumerAccount, "nothing").allowed);
}

}  // namespace
}  // namespace datamesh::test_support
