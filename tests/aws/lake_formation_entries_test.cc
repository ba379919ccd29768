// Grant rows as Lake Formation batch entries and back (store/aws/lake_formation_entries.h), and
// the rows a subscription's tracker state stands for (subscription_grants), without a server.
#include "store/aws/lake_formation_entries.h"

#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/aws/lake_formation_grants.h"
#include "support/grant_row_text.h"

namespace datamesh::store::aws {

// For gmock's messages.
void PrintTo(const PermissionEntry& entry, std::ostream* out) {
  *out << describe_entry(entry) << " " << entry.resource.dump();
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using datamesh::testing::grant_row_texts;

constexpr char kMesh[] = "111111111111";
constexpr char kConsumer[] = "333333333333";
constexpr char kDatabase[] = "sales-222222222222";

GrantRow row(std::string table, std::string permission, bool grantable = false,
             std::string principal = kConsumer) {
  return GrantRow{.principal = std::move(principal),
                  .catalog_id = kMesh,
                  .database_name = kDatabase,
                  .table_name = std::move(table),
                  .permission = std::move(permission),
                  .grantable = grantable};
}

std::vector<std::string> texts(const std::vector<GrantRow>& rows) {
  return grant_row_texts(rows);
}

nlohmann::json columns_of(const std::string& table) {
  return {{"TableWithColumns",
           {{"CatalogId", kMesh},
            {"DatabaseName", kDatabase},
            {"Name", table},
            {"ColumnWildcard", nlohmann::json::object()}}}};
}

TEST(LakeFormationEntriesTest, DatabaseRowsMakeOneDatabaseEntry) {
  EXPECT_THAT(permission_entries({row("", "CREATE_TABLE"), row("", "DESCRIBE", true)}),
              ElementsAre(PermissionEntry{kConsumer, database_resource(kMesh, kDatabase),
                                          {"CREATE_TABLE", "DESCRIBE"}, {"DESCRIBE"}}));
  EXPECT_EQ(database_resource(kMesh, kDatabase),
            nlohmann::json::parse(R"({"Database": {"CatalogId": "111111111111",
                                                   "Name": "sales-222222222222"}})"));
}

TEST(LakeFormationEntriesTest, SelectOnANamedTableIsAColumnEntryAndTheRestATableEntry) {
  const std::vector<PermissionEntry> entries = permission_entries(
      {row("orders", "SELECT", true), row("orders", "INSERT"), row("orders", "DESCRIBE", true)});
  EXPECT_THAT(entries,
              ElementsAre(
                  PermissionEntry{kConsumer, table_resource(kMesh, kDatabase, "orders"),
                                  {"INSERT", "DESCRIBE"}, {"DESCRIBE"}},
                  PermissionEntry{kConsumer, columns_of("orders"), {"SELECT"}, {"SELECT"}}));
  EXPECT_EQ(table_resource(kMesh, kDatabase, "orders"),
            nlohmann::json::parse(R"({"Table": {"CatalogId": "111111111111",
                                                "DatabaseName": "sales-222222222222",
                                                "Name": "orders"}})"));
}

TEST(LakeFormationEntriesTest, SelectAloneMakesOnlyAColumnEntry) {
  EXPECT_THAT(permission_entries({row("orders", "SELECT")}),
              ElementsAre(PermissionEntry{kConsumer, columns_of("orders"), {"SELECT"}, {}}));
}

TEST(LakeFormationEntriesTest, EveryTableIsATableWildcardEntryWithSelectInIt) {
  EXPECT_THAT(permission_entries({row("*", "SELECT", true), row("*", "DESCRIBE")}),
              ElementsAre(PermissionEntry{kConsumer, table_resource(kMesh, kDatabase, "*"),
                                          {"SELECT", "DESCRIBE"}, {"SELECT"}}));
  EXPECT_EQ(table_resource(kMesh, kDatabase, "*"),
            nlohmann::json::parse(R"({"Table": {"CatalogId": "111111111111",
                                                "DatabaseName": "sales-222222222222",
                                                "TableWildcard": {}}})"));
}

TEST(LakeFormationEntriesTest, EntriesComeTablesThenColumnsThenDatabasesGroupedPerPrincipal) {
  const std::string producer = "222222222222";
  const std::vector<PermissionEntry> entries = permission_entries(
      {row("", "DESCRIBE"), row("orders", "SELECT"), row("orders", "DESCRIBE"),
       row("orders", "SELECT", false, producer), row("customers", "DESCRIBE"),
       row("orders", "DESCRIBE")});
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0], (PermissionEntry{kConsumer, table_resource(kMesh, kDatabase, "orders"),
                                         {"DESCRIBE"}, {}}));
  EXPECT_EQ(entries[1], (PermissionEntry{kConsumer, table_resource(kMesh, kDatabase, "customers"),
                                         {"DESCRIBE"}, {}}));
  EXPECT_EQ(entries[2], (PermissionEntry{kConsumer, columns_of("orders"), {"SELECT"}, {}}));
  EXPECT_EQ(entries[3], (PermissionEntry{producer, columns_of("orders"), {"SELECT"}, {}}));
  EXPECT_EQ(entries[4], (PermissionEntry{kConsumer, database_resource(kMesh, kDatabase),
                                         {"DESCRIBE"}, {}}));
}

TEST(LakeFormationEntriesTest, AnEntryRequestNamesItsGrantOptionsOnlyWhenThereAreSome) {
  const PermissionEntry plain{kConsumer, database_resource(kMesh, kDatabase), {"DESCRIBE"}, {}};
  EXPECT_EQ(entry_request(plain, "7"), nlohmann::json::parse(R"({
      "Id": "7", "Principal": {"DataLakePrincipalIdentifier": "333333333333"},
      "Resource": {"Database": {"CatalogId": "111111111111", "Name": "sales-222222222222"}},
      "Permissions": ["DESCRIBE"]})"));
  PermissionEntry grantable = plain;
  grantable.grantable = {"DESCRIBE"};
  EXPECT_EQ(entry_request(grantable, "8")["PermissionsWithGrantOption"],
            nlohmann::json::array({"DESCRIBE"}));
}

TEST(LakeFormationEntriesTest, AnEntryOfGrantOptionsOnlyNamesNoPermissions) {
  const PermissionEntry options{kConsumer, database_resource(kMesh, kDatabase), {}, {"DESCRIBE"}};
  EXPECT_EQ(entry_request(options, "9"), nlohmann::json::parse(R"({
      "Id": "9", "Principal": {"DataLakePrincipalIdentifier": "333333333333"},
      "Resource": {"Database": {"CatalogId": "111111111111", "Name": "sales-222222222222"}},
      "PermissionsWithGrantOption": ["DESCRIBE"]})"));
}

TEST(LakeFormationEntriesTest, DescribesAnEntryForMessages) {
  EXPECT_EQ(describe_entry({kConsumer, table_resource(kMesh, kDatabase, "orders"),
                            {"INSERT", "DESCRIBE"}, {"DESCRIBE"}}),
            "INSERT, DESCRIBE (grantable: DESCRIBE) on table sales-222222222222.orders of "
            "catalog 111111111111 to 333333333333");
  EXPECT_EQ(describe_entry({kConsumer, columns_of("orders"), {"SELECT"}, {}}),
            "SELECT on every column of table sales-222222222222.orders of catalog 111111111111 "
            "to 333333333333");
  EXPECT_EQ(describe_entry({kConsumer, database_resource(kMesh, kDatabase), {"DESCRIBE"}, {}}),
            "DESCRIBE on database sales-222222222222 of catalog 111111111111 to 333333333333");
  EXPECT_EQ(describe_entry({kConsumer, table_resource(kMesh, kDatabase, "*"), {"DROP"}, {}}),
            "DROP on table sales-222222222222.* of catalog 111111111111 to 333333333333");
}

TEST(LakeFormationEntriesTest, NarrowerEntriesArePermissionByPermissionThenWithoutGrantOption) {
  const nlohmann::json table = table_resource(kMesh, kDatabase, "orders");
  EXPECT_THAT(narrower_entries({kConsumer, table, {"INSERT", "DESCRIBE"}, {"DESCRIBE"}}),
              ElementsAre(PermissionEntry{kConsumer, table, {"INSERT"}, {}},
                          PermissionEntry{kConsumer, table, {"DESCRIBE"}, {"DESCRIBE"}}));
  EXPECT_THAT(narrower_entries({kConsumer, table, {"DESCRIBE"}, {"DESCRIBE"}}),
              ElementsAre(PermissionEntry{kConsumer, table, {"DESCRIBE"}, {}}));
  EXPECT_THAT(narrower_entries({kConsumer, table, {"DESCRIBE"}, {}}), IsEmpty());
  // Grant options only: each alone, then nothing.
  EXPECT_THAT(narrower_entries({kConsumer, table, {}, {"INSERT", "DESCRIBE"}}),
              ElementsAre(PermissionEntry{kConsumer, table, {}, {"INSERT"}},
                          PermissionEntry{kConsumer, table, {}, {"DESCRIBE"}}));
  EXPECT_THAT(narrower_entries({kConsumer, table, {}, {"DESCRIBE"}}), IsEmpty());
}

TEST(LakeFormationEntriesTest, ListedPermissionsReadAsRows) {
  const nlohmann::json table_item = nlohmann::json::parse(R"({
      "Principal": {"DataLakePrincipalIdentifier": "333333333333"},
      "Resource": {"Table": {"CatalogId": "111111111111", "DatabaseName": "sales-222222222222",
                             "Name": "orders"}},
      "Permissions": ["INSERT", "DESCRIBE"], "PermissionsWithGrantOption": ["DESCRIBE"]})");
  EXPECT_EQ(grant_row_texts(grant_rows_of(table_item, kMesh)),
            texts({row("orders", "INSERT"), row("orders", "DESCRIBE", true)}));

  // A resource without CatalogId is in the catalog asked; TableWildcard is "*".
  const nlohmann::json wildcard_item = nlohmann::json::parse(R"({
      "Principal": {"DataLakePrincipalIdentifier": "333333333333"},
      "Resource": {"Table": {"DatabaseName": "sales-222222222222", "TableWildcard": {}}},
      "Permissions": ["SELECT"]})");
  EXPECT_EQ(grant_row_texts(grant_rows_of(wildcard_item, kMesh)), texts({row("*", "SELECT")}));

  nlohmann::json columns_item = {{"Principal", {{"DataLakePrincipalIdentifier", kConsumer}}},
                                 {"Resource", columns_of("orders")},
                                 {"Permissions", {"SELECT"}},
                                 {"PermissionsWithGrantOption", {"SELECT", "INSERT"}}};
  EXPECT_EQ(grant_row_texts(grant_rows_of(columns_item, kMesh)),
            texts({row("orders", "SELECT", true)}));

  const nlohmann::json database_item = {
      {"Principal", {{"DataLakePrincipalIdentifier", kConsumer}}},
      {"Resource", database_resource(kMesh, kDatabase)},
      {"Permissions", {"DESCRIBE"}}};
  EXPECT_EQ(grant_row_texts(grant_rows_of(database_item, kMesh)), texts({row("", "DESCRIBE")}));
}

TEST(LakeFormationEntriesTest, PermissionsOnWhatIsNotADatabaseOrAWholeTableGiveNoRows) {
  nlohmann::json some_columns = {{"Principal", {{"DataLakePrincipalIdentifier", kConsumer}}},
                                 {"Resource", columns_of("orders")},
                                 {"Permissions", {"SELECT"}}};
  some_columns["Resource"]["TableWithColumns"]["ColumnNames"] = {"id"};
  some_columns["Resource"]["TableWithColumns"].erase("ColumnWildcard");
  EXPECT_THAT(grant_rows_of(some_columns, kMesh), IsEmpty());
  nlohmann::json all_but_one = {{"Principal", {{"DataLakePrincipalIdentifier", kConsumer}}},
                                {"Resource", columns_of("orders")},
                                {"Permissions", {"SELECT"}}};
  all_but_one["Resource"]["TableWithColumns"]["ColumnWildcard"]["ExcludedColumnNames"] = {"ssn"};
  EXPECT_THAT(grant_rows_of(all_but_one, kMesh), IsEmpty());
  const nlohmann::json location = nlohmann::json::parse(R"({
      "Principal": {"DataLakePrincipalIdentifier": "333333333333"},
      "Resource": {"DataLocation": {"ResourceArn": "arn:aws:s3:::bucket"}},
      "Permissions": ["DATA_LOCATION_ACCESS"]})");
  EXPECT_THAT(grant_rows_of(location, kMesh), IsEmpty());
  EXPECT_THAT(grant_rows_of(nlohmann::json::parse(R"({"Permissions": ["SELECT"]})"), kMesh),
              IsEmpty());
}

TEST(LakeFormationEntriesTest, MergedRowsAreSortedAndEachOnceGrantableIfAnyWas) {
  EXPECT_EQ(grant_row_texts(merge_rows({row("orders", "SELECT"), row("", "DESCRIBE"),
                                        row("orders", "SELECT", true), row("*", "DROP")})),
            texts({row("", "DESCRIBE"), row("*", "DROP"), row("orders", "SELECT", true)}));
}

Subscription active_subscription() {
  Subscription s;
  s.subscription_id = "Sub123";
  s.status = SubscriptionStatus::kActive;
  s.database_name = kDatabase;
  s.table_names = {"orders"};
  s.subscriber_principal = kConsumer;
  s.owner_principal = "222222222222";
  s.permitted_grants = {"SELECT", "FANCY_NEW_PERMISSION"};
  s.grantable_grants = {"SELECT"};
  return s;
}

TEST(LakeFormationEntriesTest, AnActiveSubscriptionStandsForItsGrantsWithDescribe) {
  std::vector<GrantRow> expected = {row("orders", "SELECT", true), row("orders", "DESCRIBE"),
                                    row("", "DESCRIBE")};
  for (GrantRow& r : expected) r.subscription_id = "Sub123";
  EXPECT_EQ(grant_row_texts(subscription_grants(active_subscription(), kMesh)),
            grant_row_texts(expected));
}

TEST(LakeFormationEntriesTest, ADatabaseSubscriptionStandsForGrantsOnEveryTable) {
  Subscription s = active_subscription();
  s.table_names.clear();
  // As datamesh's approval records it.
  s.granted_table_arns = {std::string("arn:aws:glue:us-east-1:") + kMesh + ":table/" +
                          kDatabase + "/*"};
  const std::vector<GrantRow> rows = subscription_grants(s, kMesh);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].table_name, "*");
  EXPECT_EQ(rows[2].table_name, "");
  // As the original approved it (no table ARN): DESCRIBE on the database alone.
  s.granted_table_arns.clear();
  const std::vector<GrantRow> original = subscription_grants(s, kMesh);
  ASSERT_EQ(original.size(), 1u);
  EXPECT_EQ(original[0].table_name, "");
  EXPECT_EQ(original[0].permission, "DESCRIBE");
}

TEST(LakeFormationEntriesTest, OnlyAnActiveSubscriptionStandsForGrants) {
  for (SubscriptionStatus status : {SubscriptionStatus::kPending, SubscriptionStatus::kDenied,
                                    SubscriptionStatus::kDeleted}) {
    Subscription s = active_subscription();
    s.status = status;
    EXPECT_THAT(subscription_grants(s, kMesh), IsEmpty());
  }
}

// The bug this guards against: Lake Formation's rows carry no subscription id, so a consumer's
// check_permission said its subscription's grant was "granted by ownership of the data product".
TEST(LakeFormationEntriesTest, LakeFormationRowsAreTheSubscriptionsThatStandForThem) {
  Subscription narrower = active_subscription();
  narrower.subscription_id = "Sub456";
  narrower.grantable_grants.clear();
  const std::vector<GrantRow> listed = {row("", "DESCRIBE"), row("orders", "SELECT", true),
                                        row("orders", "INSERT"), row("*", "DROP", false, "P")};
  auto of = [](GrantRow r, std::string id, bool grantable) {
    r.subscription_id = std::move(id);
    r.grantable = grantable;
    return r;
  };
  EXPECT_EQ(grant_row_texts(attribute_to_subscriptions(
                listed, {active_subscription(), narrower}, kMesh)),
            texts({of(row("", "DESCRIBE"), "Sub123", false), of(row("", "DESCRIBE"), "Sub456", false),
                   of(row("orders", "SELECT"), "Sub123", true),
                   of(row("orders", "SELECT"), "Sub456", false),
                   // No subscription stands for these: a grant by hand, the producer's own.
                   row("orders", "INSERT"), row("*", "DROP", false, "P")}));
}

TEST(LakeFormationEntriesTest, WithoutSubscriptionsEveryRowStaysUnattributed) {
  const std::vector<GrantRow> listed = {row("", "DESCRIBE"), row("orders", "SELECT", true)};
  EXPECT_EQ(grant_row_texts(attribute_to_subscriptions(listed, {}, kMesh)), texts(listed));
  Subscription pending = active_subscription();
  pending.status = SubscriptionStatus::kPending;
  EXPECT_EQ(grant_row_texts(attribute_to_subscriptions(listed, {pending}, kMesh)), texts(listed));
}

}  // namespace
}  // namespace datamesh::store::aws
