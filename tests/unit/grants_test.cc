// core/grants.h: the grant rows a subscription holds, how rows group into effective grants, and
// the one evaluator behind check_permission. Pure functions over rows: no store.
#include "core/grants.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::core {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kMesh[] = "999999999999";

Subscription table_subscription() {
  return Subscription{.subscription_id = "S1",
                      .type = "TABLE",
                      .database_name = "sales-111111111111",
                      .table_names = {"orders", "refunds"},
                      .owner_principal = "111111111111",
                      .subscriber_principal = "222222222222"};
}

// "table PERMISSION grantable" for each row, for readable expectations.
std::vector<std::string> describe(const std::vector<store::GrantRow>& rows) {
  std::vector<std::string> out;
  for (const store::GrantRow& row : rows) {
    out.push_back(row.table_name + " " + row.permission + (row.grantable ? " grantable" : ""));
  }
  return out;
}

store::GrantRow row(std::string table, std::string permission, bool grantable = false,
                    std::string subscription = "S1", std::string database = "sales-111111111111") {
  return store::GrantRow{.principal = "222222222222",
                         .catalog_id = kMesh,
                         .database_name = std::move(database),
                         .table_name = std::move(table),
                         .permission = std::move(permission),
                         .grantable = grantable,
                         .subscription_id = std::move(subscription)};
}

// --- subscription_grant_rows ----------------------------------------------------------------

TEST(SubscriptionGrantRows, GrantsEachPermissionOnEachTableAndDescribeOnTheDatabase) {
  const auto rows = subscription_grant_rows(table_subscription(), kMesh,
                                            PermissionSet({Permission::kInsert, Permission::kSelect}),
                                            PermissionSet({Permission::kSelect}));
  // Permissions in canonical order (SELECT before INSERT), then DESCRIBE on the database ("").
  EXPECT_THAT(describe(rows), ElementsAre("orders SELECT grantable", "orders INSERT",
                                          "refunds SELECT grantable", "refunds INSERT",
                                          " DESCRIBE"));
  for (const store::GrantRow& r : rows) {
    EXPECT_EQ(r.principal, "222222222222");
    EXPECT_EQ(r.catalog_id, kMesh);
    EXPECT_EQ(r.database_name, "sales-111111111111");
    EXPECT_EQ(r.subscription_id, "S1");
  }
}

TEST(SubscriptionGrantRows, ADatabaseSubscriptionGrantsOnEveryTableThroughTheWildcard) {
  Subscription sub = table_subscription();
  sub.type = "DATABASE";
  sub.table_names.clear();
  const auto rows = subscription_grant_rows(sub, kMesh, PermissionSet({Permission::kSelect}), {});
  EXPECT_THAT(describe(rows), ElementsAre("* SELECT", " DESCRIBE"));
}

TEST(SubscriptionGrantRows, DescribeOnTheDatabaseIsGrantableOnlyWhenDescribeIs) {
  const auto rows = subscription_grant_rows(table_subscription(), kMesh,
                                            PermissionSet({Permission::kDescribe}),
                                            PermissionSet({Permission::kDescribe}));
  EXPECT_THAT(describe(rows), ElementsAre("orders DESCRIBE grantable",
                                          "refunds DESCRIBE grantable", " DESCRIBE grantable"));
}

// --- recorded_grant_rows --------------------------------------------------------------------

Subscription active_database_subscription(std::vector<std::string> granted_table_arns) {
  Subscription sub = table_subscription();
  sub.type = "DATABASE";
  sub.table_names.clear();
  sub.status = SubscriptionStatus::kActive;
  sub.permitted_grants = {"SELECT"};
  sub.granted_table_arns = std::move(granted_table_arns);
  return sub;
}

TEST(RecordedGrantRows, ADatabaseSubscriptionDatameshApprovedHoldsEveryTable) {
  const Subscription sub = active_database_subscription(
      {"arn:aws:glue:us-east-1:999999999999:table/sales-111111111111/*"});
  EXPECT_FALSE(granted_by_original_as_database_only(sub));
  EXPECT_THAT(describe(recorded_grant_rows(sub, kMesh)),
              ElementsAre("* SELECT", "* DESCRIBE", " DESCRIBE"));
}

TEST(RecordedGrantRows, ADatabaseSubscriptionTheOriginalApprovedHoldsDescribeOnTheDatabase) {
  const Subscription sub = active_database_subscription({});
  EXPECT_TRUE(granted_by_original_as_database_only(sub));
  EXPECT_THAT(describe(recorded_grant_rows(sub, kMesh)), ElementsAre(" DESCRIBE"));
}

TEST(RecordedGrantRows, TableSubscriptionsAndOtherStatusesAreNotTheOriginalsDatabaseCase) {
  Subscription table = table_subscription();
  table.status = SubscriptionStatus::kActive;
  EXPECT_FALSE(granted_by_original_as_database_only(table));
  Subscription pending = active_database_subscription({});
  pending.status = SubscriptionStatus::kPending;
  EXPECT_FALSE(granted_by_original_as_database_only(pending));
  EXPECT_THAT(recorded_grant_rows(pending, kMesh), IsEmpty());
}

// --- group_grants ---------------------------------------------------------------------------

TEST(GroupGrants, GroupsRowsByResourceAndSubscription) {
  const auto grants =
      group_grants({row("orders", "SELECT", true), row("orders", "INSERT"),
                    row("refunds", "SELECT"), row("orders", "SELECT", false, "S2")});
  ASSERT_EQ(grants.size(), 3u);
  EXPECT_EQ(grants[0].subscription_id, "S1");
  EXPECT_EQ(grants[0].table_name, "orders");
  EXPECT_THAT(grants[0].permissions, ElementsAre("SELECT", "INSERT"));
  EXPECT_THAT(grants[0].grantable_permissions, ElementsAre("SELECT"));
  EXPECT_EQ(grants[1].table_name, "refunds");
  EXPECT_THAT(grants[1].grantable_permissions, IsEmpty());
  EXPECT_EQ(grants[2].subscription_id, "S2");
  EXPECT_THAT(grants[2].permissions, ElementsAre("SELECT"));
}

TEST(GroupGrants, SkipsPermissionsItDoesNotKnow) {
  // A newer datamesh may write a permission this one cannot interpret: it is left out, not
  // misread as another.
  const auto grants = group_grants({row("orders", "SELECT"), row("orders", "TIME_TRAVEL")});
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_THAT(grants[0].permissions, ElementsAre("SELECT"));
  EXPECT_THAT(group_grants({row("orders", "TIME_TRAVEL")}), IsEmpty());
}

// --- evaluate_grants ------------------------------------------------------------------------

TEST(EvaluateGrants, AllowsAPermissionGrantedOnTheTable) {
  const PermissionCheck check = evaluate_grants({row("orders", "SELECT")}, Permission::kSelect,
                                                "sales-111111111111", "orders");
  EXPECT_TRUE(check.allowed);
  EXPECT_FALSE(check.grantable);
  EXPECT_EQ(check.reason, "SELECT on sales-111111111111.orders granted by subscription S1");
}

TEST(EvaluateGrants, AGrantOfNoSubscriptionIsTheOwnersOrLeftOver) {
  const std::vector<store::GrantRow> rows = {row("orders", "SELECT", false, "")};
  EXPECT_EQ(evaluate_grants(rows, Permission::kSelect, "sales-111111111111", "orders").reason,
            "SELECT on sales-111111111111.orders granted by ownership of the data product");
  const PermissionCheck left = evaluate_grants(rows, Permission::kSelect, "sales-111111111111",
                                               "orders", /*owner=*/false);
  EXPECT_TRUE(left.allowed);
  EXPECT_EQ(left.reason,
            "SELECT on sales-111111111111.orders granted by no subscription: a grant left after "
            "its subscription ended (admin reconcile lists it as Stray; --apply revokes it)");
}

TEST(EvaluateGrants, RefusesAnotherPermissionTableOrDatabaseNamingWhatWasAsked) {
  const std::vector<store::GrantRow> rows = {row("orders", "SELECT")};
  const PermissionCheck other_permission =
      evaluate_grants(rows, Permission::kInsert, "sales-111111111111", "orders");
  EXPECT_FALSE(other_permission.allowed);
  EXPECT_EQ(other_permission.reason, "no grant of INSERT on sales-111111111111.orders");
  EXPECT_FALSE(evaluate_grants(rows, Permission::kSelect, "sales-111111111111", "refunds")
                   .allowed);
  EXPECT_FALSE(evaluate_grants(rows, Permission::kSelect, "hr-111111111111", "orders").allowed);
  // A grant on a table is no grant on its database.
  const PermissionCheck on_database =
      evaluate_grants(rows, Permission::kSelect, "sales-111111111111", "");
  EXPECT_FALSE(on_database.allowed);
  EXPECT_EQ(on_database.reason, "no grant of SELECT on sales-111111111111");
}

TEST(EvaluateGrants, TheWildcardCoversEveryTableButNotTheDatabase) {
  const std::vector<store::GrantRow> rows = {row("*", "SELECT")};
  EXPECT_TRUE(evaluate_grants(rows, Permission::kSelect, "sales-111111111111", "any_table")
                  .allowed);
  EXPECT_FALSE(evaluate_grants(rows, Permission::kSelect, "sales-111111111111", "").allowed);
}

TEST(EvaluateGrants, AllImpliesEveryPermission) {
  const std::vector<store::GrantRow> rows = {row("orders", "ALL")};
  for (Permission p : {Permission::kSelect, Permission::kInsert, Permission::kDrop}) {
    EXPECT_TRUE(evaluate_grants(rows, p, "sales-111111111111", "orders").allowed)
        << permission_name(p);
  }
}

TEST(EvaluateGrants, DescribeOnTheDatabaseIsCheckedWithAnEmptyTable) {
  const PermissionCheck check = evaluate_grants({row("", "DESCRIBE")}, Permission::kDescribe,
                                                "sales-111111111111", "");
  EXPECT_TRUE(check.allowed);
  EXPECT_EQ(check.reason, "DESCRIBE on sales-111111111111 granted by subscription S1");
}

TEST(EvaluateGrants, AGrantableRowWinsAndIsTheOneTheReasonNames) {
  // Two subscriptions grant SELECT; only S2's is grantable. The answer is grantable whatever
  // the order of the rows, and the reason names the grantable source.
  for (bool grantable_first : {false, true}) {
    std::vector<store::GrantRow> rows = {row("orders", "SELECT", false, "S1"),
                                         row("orders", "SELECT", true, "S2")};
    if (grantable_first) std::swap(rows[0], rows[1]);
    const PermissionCheck check =
        evaluate_grants(rows, Permission::kSelect, "sales-111111111111", "orders");
    EXPECT_TRUE(check.allowed);
    EXPECT_TRUE(check.grantable);
    EXPECT_EQ(check.reason,
              "SELECT on sales-111111111111.orders granted by subscription S2 (grantable)");
  }
}

TEST(EvaluateGrants, TheReasonIsTheSameWhateverTheOrderOfTheRows) {
  // The store gives the rows in no set order: among equally grantable grants the reason names
  // the first by table, permission and subscription, in every order of the same rows.
  std::vector<store::GrantRow> rows = {row("orders", "SELECT", false, "S3"),
                                       row("*", "SELECT", false, "S2"),
                                       row("orders", "ALL", false, "S1"),
                                       row("orders", "SELECT", false, "S1")};
  const auto by_key = [](const store::GrantRow& a, const store::GrantRow& b) {
    return std::tie(a.table_name, a.permission, a.subscription_id) <
           std::tie(b.table_name, b.permission, b.subscription_id);
  };
  std::sort(rows.begin(), rows.end(), by_key);
  int orders = 0;
  do {
    const PermissionCheck check =
        evaluate_grants(rows, Permission::kSelect, "sales-111111111111", "orders");
    EXPECT_TRUE(check.allowed);
    EXPECT_FALSE(check.grantable);
    EXPECT_EQ(check.reason, "SELECT on sales-111111111111.* granted by subscription S2");
    ++orders;
  } while (std::next_permutation(rows.begin(), rows.end(), by_key));
  EXPECT_EQ(orders, 24);
}

TEST(EvaluateGrants, ARowWithoutSubscriptionIsTheProducersOwnership) {
  const PermissionCheck check =
      evaluate_grants({row("orders", "ALL", true, "")}, Permission::kSelect,
                      "sales-111111111111", "orders");
  EXPECT_EQ(check.reason,
            "ALL on sales-111111111111.orders granted by ownership of the data product "
            "(grantable)");
}

}  // namespace
}  // namespace datamesh::core
