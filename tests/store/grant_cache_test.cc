// The grant cache alone (store/sql/grant_cache.h): what find answers for each version, what keep
// keeps, and its bounds. That the stores never answer stale grants through it is tested on every
// store by store_conformance_test.cc, sqlite_store_test.cc and postgres_store_test.cc.
#include "store/sql/grant_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace datamesh::store::sql {
namespace {

constexpr GrantCache::Place kSales{"444455556666", "111122223333", "sales"};
constexpr std::string_view kPrincipal = "444455556666";

GrantRow grant(std::string table, std::string permission, std::string principal = "444455556666") {
  return GrantRow{.principal = std::move(principal),
                  .catalog_id = "111122223333",
                  .database_name = "sales",
                  .table_name = std::move(table),
                  .permission = std::move(permission),
                  .subscription_id = "S1"};
}

// "table/permission" of each grant found.
std::set<std::string> places(const GrantCache::Found& found) {
  std::set<std::string> out;
  for (const GrantRow& row : found.grants) out.insert(row.table_name + "/" + row.permission);
  return out;
}

// Every grant of one principal, in the order the stores list them: four on sales, one on
// another database.
std::vector<GrantRow> sales_grants() {
  std::vector<GrantRow> grants = {grant("", "CREATE_TABLE"), grant("*", "DESCRIBE"),
                                  grant("customers", "SELECT"), grant("orders", "INSERT"),
                                  grant("orders", "SELECT")};
  GrantRow other = grant("orders", "DELETE");
  other.database_name = "stock";
  grants.push_back(other);
  return grants;
}

TEST(GrantCacheTest, NothingIsKnownOfGrantsNeverKept) {
  GrantCache cache;
  EXPECT_EQ(cache.find(kSales, 0, "orders").known, GrantCache::Known::kNothing);
  EXPECT_EQ(cache.counts().misses, 1);
  EXPECT_EQ(cache.counts().hits, 0);
}

TEST(GrantCacheTest, FindAnswersTheTableAndItsWildcardOfTheKeptVersionOnly) {
  GrantCache cache;
  cache.keep(kPrincipal, 3, sales_grants());
  const GrantCache::Found found = cache.find(kSales, 3, "orders");
  ASSERT_EQ(found.known, GrantCache::Known::kGrants);
  EXPECT_EQ(places(found), (std::set<std::string>{"*/DESCRIBE", "orders/INSERT", "orders/SELECT"}));
  EXPECT_EQ(cache.counts().hits, 1);
  // Another version or principal is not answered from this entry.
  EXPECT_EQ(cache.find(kSales, 4, "orders").known, GrantCache::Known::kNothing);
  EXPECT_EQ(cache.find(kSales, 2, "orders").known, GrantCache::Known::kNothing);
  EXPECT_EQ(cache.find({"777788889999", "111122223333", "sales"}, 3, "orders").known,
            GrantCache::Known::kNothing);
  // The principal's other databases are in the same entry.
  EXPECT_EQ(places(cache.find({kPrincipal, "111122223333", "stock"}, 3, "orders")),
            std::set<std::string>{"orders/DELETE"});
  const GrantCache::Found elsewhere = cache.find({kPrincipal, "000000000000", "sales"}, 3, "orders");
  EXPECT_EQ(elsewhere.known, GrantCache::Known::kGrants);
  EXPECT_TRUE(elsewhere.grants.empty());
  // A table without grants of its own has its database's "*".
  EXPECT_EQ(places(cache.find(kSales, 3, "unknown")), std::set<std::string>{"*/DESCRIBE"});
}

TEST(GrantCacheTest, TheDatabaseAndTheWildcardAskedAreAnsweredAlone) {
  GrantCache cache;
  cache.keep(kPrincipal, 1, sales_grants());
  EXPECT_EQ(places(cache.find(kSales, 1, "")), std::set<std::string>{"/CREATE_TABLE"});
  EXPECT_EQ(cache.find(kSales, 1, "").grants.size(), 1u);
  EXPECT_EQ(places(cache.find(kSales, 1, "*")), std::set<std::string>{"*/DESCRIBE"});
  EXPECT_EQ(cache.find(kSales, 1, "*").grants.size(), 1u);
}

TEST(GrantCacheTest, GrantsOutOfOrderAreSortedBeforeTheyAreSearched) {
  GrantCache cache;
  std::vector<GrantRow> reversed = sales_grants();
  std::reverse(reversed.begin(), reversed.end());
  cache.keep(kPrincipal, 1, reversed);
  EXPECT_EQ(places(cache.find(kSales, 1, "customers")),
            (std::set<std::string>{"*/DESCRIBE", "customers/SELECT"}));
}

TEST(GrantCacheTest, KeepAndAnswerAnswersAsFindThenDoesFromTheGrantsItKeeps) {
  for (const std::string_view table : {"orders", "customers", "*", "", "refunds"}) {
    SCOPED_TRACE(table);
    GrantCache cache;
    std::vector<GrantRow> reversed = sales_grants();
    std::reverse(reversed.begin(), reversed.end());  // out of order: sorted before the search
    const std::vector<GrantRow> answer =
        cache.keep_and_answer(kSales, 3, std::move(reversed), table);
    EXPECT_EQ(places(GrantCache::Found{.grants = answer}), places(cache.find(kSales, 3, table)));
    EXPECT_EQ(cache.rows(), sales_grants().size());
  }
  GrantCache cache;
  EXPECT_EQ(places(GrantCache::Found{.grants = cache.keep_and_answer(kSales, 3, sales_grants(),
                                                                     "orders")}),
            (std::set<std::string>{"*/DESCRIBE", "orders/INSERT", "orders/SELECT"}));
  // An older snapshot's load still answers from its own grants, and leaves the newer entry.
  cache.keep(kPrincipal, 5, {grant("orders", "DELETE")});
  EXPECT_EQ(places(GrantCache::Found{.grants = cache.keep_and_answer(kSales, 4, sales_grants(),
                                                                     "orders")}),
            (std::set<std::string>{"*/DESCRIBE", "orders/INSERT", "orders/SELECT"}));
  EXPECT_EQ(places(cache.find(kSales, 5, "orders")), std::set<std::string>{"orders/DELETE"});
}

TEST(GrantCacheTest, ANewerVersionReplacesTheEntryAndAnOlderOneDoesNot) {
  GrantCache cache;
  cache.keep(kPrincipal, 5, {grant("orders", "SELECT")});
  cache.keep(kPrincipal, 4, {grant("orders", "INSERT")});
  EXPECT_EQ(places(cache.find(kSales, 5, "orders")), std::set<std::string>{"orders/SELECT"});
  EXPECT_EQ(cache.find(kSales, 4, "orders").known, GrantCache::Known::kNothing);
  cache.keep(kPrincipal, 6, {});
  EXPECT_EQ(cache.find(kSales, 5, "orders").known, GrantCache::Known::kNothing);
  const GrantCache::Found now = cache.find(kSales, 6, "orders");
  EXPECT_EQ(now.known, GrantCache::Known::kGrants);
  EXPECT_TRUE(now.grants.empty());
  EXPECT_EQ(cache.rows(), 0u);
}

TEST(GrantCacheTest, MoreGrantsThanAnEntryHoldsAreKeptAsTooManyWithoutTheGrants) {
  GrantCache cache({.max_rows = 100, .max_rows_per_entry = 4});
  cache.keep(kPrincipal, 1, sales_grants());  // 6 grants
  EXPECT_EQ(cache.find(kSales, 1, "orders").known, GrantCache::Known::kTooMany);
  EXPECT_EQ(cache.rows(), 0u);
  const GrantCache::Place other{"777788889999", "111122223333", "sales"};
  cache.keep(other.principal, 1, {}, /*too_many=*/true);
  EXPECT_EQ(cache.find(other, 1, "orders").known, GrantCache::Known::kTooMany);
  // The fact holds for its version only.
  EXPECT_EQ(cache.find(kSales, 2, "orders").known, GrantCache::Known::kNothing);
}

TEST(GrantCacheTest, TheLeastRecentlyUsedPrincipalsGoFirstOnceTheRowsExceedTheBound) {
  GrantCache cache({.max_rows = 4, .max_rows_per_entry = 4});
  const auto key = [](const char* principal) {
    return GrantCache::Place{principal, "111122223333", "sales"};
  };
  const auto two = [](const std::string& principal) {
    return std::vector<GrantRow>{grant("a", "SELECT", principal), grant("b", "SELECT", principal)};
  };
  cache.keep("A", 1, two("A"));
  cache.keep("B", 1, two("B"));
  EXPECT_EQ(cache.rows(), 4u);
  // A is used, so B is now the least recent.
  EXPECT_EQ(cache.find(key("A"), 1, "a").known, GrantCache::Known::kGrants);
  cache.keep("C", 1, two("C"));
  EXPECT_EQ(cache.rows(), 4u);
  EXPECT_EQ(cache.find(key("B"), 1, "a").known, GrantCache::Known::kNothing);
  EXPECT_EQ(cache.find(key("A"), 1, "a").known, GrantCache::Known::kGrants);
  EXPECT_EQ(cache.find(key("C"), 1, "a").known, GrantCache::Known::kGrants);
  // An entry larger than the whole bound is still kept, alone.
  GrantCache small({.max_rows = 1, .max_rows_per_entry = 4});
  small.keep("A", 1, two("A"));
  EXPECT_EQ(small.find(key("A"), 1, "a").known, GrantCache::Known::kGrants);
  small.keep("B", 1, two("B"));
  EXPECT_EQ(small.find(key("A"), 1, "a").known, GrantCache::Known::kNothing);
  EXPECT_EQ(small.rows(), 2u);
}

TEST(GrantCacheTest, ThreadsFindingAndKeepingAtOnceSeeOnlyWhatWasKeptForTheirVersion) {
  GrantCache cache({.max_rows = 8, .max_rows_per_entry = 4});
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, &wrong, t] {
      const std::string principal = "P" + std::to_string(t % 2);
      const GrantCache::Place place{principal, "111122223333", "sales"};
      for (int version = 1; version <= 500; ++version) {
        // Version v holds exactly one grant, on table "t<v>".
        const std::string table = "t" + std::to_string(version);
        cache.keep(principal, version, {grant(table, "SELECT", principal)});
        const GrantCache::Found found = cache.find(place, version, table);
        if (found.known == GrantCache::Known::kGrants && found.grants.size() != 1) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.rows(), 8u);
}

}  // namespace
}  // namespace datamesh::store::sql
