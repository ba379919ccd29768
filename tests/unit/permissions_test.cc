#include "core/permissions.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(PermissionTable, ListsEveryPermissionInEnumOrderWithItsLevels) {
  struct Expected {
    Permission permission;
    const char* name;
    bool on_table;
    bool on_database;
  };
  const std::vector<Expected> expected = {
      {Permission::kAll, "ALL", true, true},
      {Permission::kSelect, "SELECT", true, false},
      {Permission::kInsert, "INSERT", true, false},
      {Permission::kDelete, "DELETE", true, false},
      {Permission::kAlter, "ALTER", true, true},
      {Permission::kDrop, "DROP", true, true},
      {Permission::kDescribe, "DESCRIBE", true, true},
      {Permission::kCreateDatabase, "CREATE_DATABASE", false, false},
      {Permission::kCreateTable, "CREATE_TABLE", false, true},
      {Permission::kDataLocationAccess, "DATA_LOCATION_ACCESS", false, false},
  };
  const std::vector<PermissionInfo>& table = permission_table();
  ASSERT_EQ(table.size(), expected.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(table[i].permission, expected[i].permission);
    EXPECT_EQ(static_cast<std::size_t>(table[i].permission), i);
    EXPECT_EQ(table[i].name, expected[i].name);
    EXPECT_EQ(table[i].on_table, expected[i].on_table);
    EXPECT_EQ(table[i].on_database, expected[i].on_database);
  }
}

TEST(PermissionName, RoundTripsThroughParsePermission) {
  for (const PermissionInfo& info : permission_table()) {
    EXPECT_EQ(permission_name(info.permission), info.name);
    EXPECT_EQ(parse_permission(info.name), info.permission);
  }
}

TEST(ParsePermission, IsCaseSensitiveAndRejectsUnknownNames) {
  EXPECT_EQ(parse_permission("select"), std::nullopt);
  EXPECT_EQ(parse_permission("Select"), std::nullopt);
  EXPECT_EQ(parse_permission("SELEKT"), std::nullopt);
  EXPECT_EQ(parse_permission(""), std::nullopt);
  EXPECT_EQ(parse_permission(" SELECT"), std::nullopt);
}

TEST(PermissionSet, AddsRemovesAndTestsMembers) {
  PermissionSet set;
  EXPECT_TRUE(set.empty());
  set.add(Permission::kSelect);
  set.add(Permission::kDataLocationAccess);
  EXPECT_TRUE(set.contains(Permission::kSelect));
  EXPECT_TRUE(set.contains(Permission::kDataLocationAccess));
  EXPECT_FALSE(set.contains(Permission::kInsert));
  EXPECT_FALSE(set.contains(Permission::kAll));
  set.remove(Permission::kSelect);
  EXPECT_FALSE(set.contains(Permission::kSelect));
  set.remove(Permission::kDataLocationAccess);
  EXPECT_TRUE(set.empty());
}

TEST(PermissionSet, AllCoversEverything) {
  const PermissionSet all = PermissionSet({Permission::kAll});
  for (const PermissionInfo& info : permission_table()) {
    EXPECT_TRUE(all.covers(PermissionSet({info.permission}))) << info.name;
  }
  EXPECT_TRUE(all.covers(PermissionSet({Permission::kSelect, Permission::kCreateTable})));
}

TEST(PermissionSet, CoversOnlyWhatItHoldsWithoutAll) {
  const PermissionSet held = PermissionSet({Permission::kSelect, Permission::kDescribe});
  EXPECT_TRUE(held.covers(PermissionSet()));
  EXPECT_TRUE(held.covers(PermissionSet({Permission::kSelect})));
  EXPECT_TRUE(held.covers(held));
  EXPECT_FALSE(held.covers(PermissionSet({Permission::kSelect, Permission::kInsert})));
  // Holding every individual permission is still not holding ALL.
  PermissionSet every_other;
  for (const PermissionInfo& info : permission_table()) {
    if (info.permission != Permission::kAll) every_other.add(info.permission);
  }
  EXPECT_FALSE(every_other.covers(PermissionSet({Permission::kAll})));
  EXPECT_TRUE(PermissionSet().covers(PermissionSet()));
  EXPECT_FALSE(PermissionSet().covers(PermissionSet({Permission::kDescribe})));
}

TEST(PermissionSet, MinusAndIntersectWorkMemberByMember) {
  const PermissionSet a = PermissionSet({Permission::kSelect, Permission::kInsert, Permission::kAll});
  const PermissionSet b = PermissionSet({Permission::kInsert, Permission::kDescribe});
  EXPECT_EQ(a.minus(b), PermissionSet({Permission::kSelect, Permission::kAll}));
  EXPECT_EQ(b.minus(a), PermissionSet({Permission::kDescribe}));
  EXPECT_EQ(a.intersect(b), PermissionSet({Permission::kInsert}));
  EXPECT_TRUE(a.minus(a).empty());
}

TEST(PermissionSet, NamesComeInCanonicalOrder) {
  const PermissionSet set = PermissionSet(
      {Permission::kDescribe, Permission::kSelect, Permission::kCreateTable, Permission::kAll});
  EXPECT_THAT(set.names(), ElementsAre("ALL", "SELECT", "DESCRIBE", "CREATE_TABLE"));
  EXPECT_THAT(PermissionSet().names(), IsEmpty());
}

TEST(ParseSubscriptionPermissions, AcceptsTablePermissionsAndDropsDuplicates) {
  const absl::StatusOr<PermissionSet> parsed = parse_subscription_permissions(
      "request_permissions",
      {"SELECT", "DESCRIBE", "SELECT", "ALL", "INSERT", "DELETE", "ALTER", "DROP"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->names(),
              ElementsAre("ALL", "SELECT", "INSERT", "DELETE", "ALTER", "DROP", "DESCRIBE"));
}

TEST(ParseSubscriptionPermissions, RejectsAnUnknownNameListingTheAllowedOnes) {
  const absl::StatusOr<PermissionSet> parsed =
      parse_subscription_permissions("request_permissions", {"SELECT", "SELEKT"});
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(parsed.status().message()),
            "unknown permission \"SELEKT\" in request_permissions; allowed: ALL, SELECT, INSERT, "
            "DELETE, ALTER, DROP, DESCRIBE");
}

TEST(ParseSubscriptionPermissions, RejectsLowerCaseNamesPointingOutTheCase) {
  const absl::StatusOr<PermissionSet> parsed =
      parse_subscription_permissions("grant_permissions", {"select"});
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(parsed.status().message()),
            "unknown permission \"select\" in grant_permissions (permission names are upper "
            "case); allowed: ALL, SELECT, INSERT, DELETE, ALTER, DROP, DESCRIBE");
}

TEST(ParseSubscriptionPermissions, RejectsPermissionsThatDoNotApplyToTables) {
  for (const char* name : {"CREATE_DATABASE", "CREATE_TABLE", "DATA_LOCATION_ACCESS"}) {
    const absl::StatusOr<PermissionSet> parsed =
        parse_subscription_permissions("request_permissions", {"SELECT", name});
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(parsed.status().message()),
              std::string("permission \"") + name +
                  "\" in request_permissions does not apply to tables; allowed: ALL, SELECT, "
                  "INSERT, DELETE, ALTER, DROP, DESCRIBE");
  }
}

TEST(ParseSubscriptionPermissions, RejectsAnEmptyListUnlessAllowed) {
  const absl::StatusOr<PermissionSet> refused =
      parse_subscription_permissions("request_permissions", {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(refused.status().message()),
            "request_permissions is empty; give at least one of: ALL, SELECT, INSERT, DELETE, "
            "ALTER, DROP, DESCRIBE");

  const absl::StatusOr<PermissionSet> allowed =
      parse_subscription_permissions("grantable_permissions", {}, /*allow_empty=*/true);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_TRUE(allowed->empty());
}

TEST(ParseSubscriptionPermissions, EscapesOddBytesInTheRejectedName) {
  const absl::StatusOr<PermissionSet> parsed =
      parse_subscription_permissions("request_permissions", {"SEL\nECT"});
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("\"SEL\\nECT\""));
}

}  // namespace
}  // namespace datamesh::core
