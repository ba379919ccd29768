// A listing's page is bounded in bytes as well as in count (issue 15.4): with tables of up to
// 1 MiB, 1,000 of them made one answer of a gigabyte. A page ends once it holds 8 MiB of text
// (at least one row), with a NextToken, and paging through gives every row once: get_tables,
// with and without an expression, and get_databases (core/paging.h has the other listings'
// unit tests).
#include <set>
#include <string>
#include <vector>

#include "datamesh/catalog.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using AnswerSizeTest = MeshFixture;

constexpr int kBigTables = 12;
std::string big_name(int n) { return "big_" + std::to_string(10 + n); }

// Two parameters of 450,000 bytes (Glue allows 512,000 each): 9 tables make 8.1 MB, 10 go past
// 8 MiB.
constexpr size_t kParameterBytes = 450'000;

TableInput big_table(const std::string& name) {
  TableInput table{.name = name};
  table.parameters["blob1"] = std::string(kParameterBytes, 'v');
  table.parameters["blob2"] = std::string(kParameterBytes, 'w');
  return table;
}


// Pages through `database` with `expression` and max_results 1000; the size of each page.
std::vector<size_t> page_sizes(DataMeshCatalog& catalog, const std::string& expression,
                               std::set<std::string>& seen) {
  std::vector<size_t> sizes;
  PageRequest page{.max_results = 1000};
  do {
    absl::StatusOr<TablePage> tables = catalog.get_tables("big", expression, page);
    EXPECT_OK(tables);
    if (!tables.ok()) break;
    sizes.push_back(tables->tables.size());
    for (const Table& table : tables->tables) {
      EXPECT_TRUE(seen.insert(table.input.name).second) << table.input.name << " came twice";
    }
    page.next_token = tables->next_token;
  } while (!page.next_token.empty() && sizes.size() < 2 * kBigTables);
  return sizes;
}

TEST_F(AnswerSizeTest, GetTablesPagesByBytesAsWellAsByCount) {
  DataMeshCatalog& as_producer = catalog(kProducerAccount);
  ASSERT_OK(as_producer.create_database(DatabaseInput{.name = "big"}));
  for (int n = 0; n < kBigTables; ++n) {
    ASSERT_OK(as_producer.create_table("big", big_table(big_name(n))));
  }
  for (const std::string expression : {"", "big_.*"}) {
    SCOPED_TRACE(expression);
    std::set<std::string> seen;
    EXPECT_EQ(page_sizes(as_producer, expression, seen), (std::vector<size_t>{9, 3}));
    EXPECT_EQ(seen.size(), static_cast<size_t>(kBigTables));
  }
}

TEST_F(AnswerSizeTest, GetDatabasesPagesByBytesAsWellAsByCount) {
  // Every listing reads its page through core::read_page: databases of 900 KB of parameters
  // (Glue allows 1 MiB of text per DatabaseInput) end a page at 9, whatever max_results says.
  DataMeshCatalog& as_producer = catalog(kProducerAccount);
  for (int n = 0; n < kBigTables; ++n) {
    DatabaseInput database{.name = big_name(n)};
    database.parameters["blob1"] = std::string(kParameterBytes, 'v');
    database.parameters["blob2"] = std::string(kParameterBytes, 'w');
    ASSERT_OK(as_producer.create_database(database));
  }
  std::vector<std::vector<std::string>> pages;
  PageRequest page{.max_results = 1000};
  do {
    ASSERT_OK_AND_ASSIGN(DatabasePage databases, as_producer.get_databases(page));
    std::vector<std::string>& names = pages.emplace_back();
    for (const Database& database : databases.databases) names.push_back(database.input.name);
    page.next_token = databases.next_token;
  } while (!page.next_token.empty() && pages.size() < 10);
  ASSERT_EQ(pages.size(), 2u);
  std::vector<std::string> first;
  for (int n = 0; n < 9; ++n) first.push_back(big_name(n));
  EXPECT_EQ(pages[0], first);
  ASSERT_GE(pages[1].size(), 3u);
  EXPECT_EQ(pages[1][0], big_name(9));
  EXPECT_EQ(pages[1][2], big_name(11));
}

TEST_F(AnswerSizeTest, APageHoldsAtLeastOneTableAndCountStillLimits) {
  DataMeshCatalog& as_producer = catalog(kProducerAccount);
  ASSERT_OK(as_producer.create_database(DatabaseInput{.name = "big"}));
  for (int n = 0; n < 3; ++n) {
    ASSERT_OK(as_producer.create_table("big", big_table(big_name(n))));
  }
  ASSERT_OK_AND_ASSIGN(TablePage first,
                       as_producer.get_tables("big", "", PageRequest{.max_results = 2}));
  ASSERT_EQ(first.tables.size(), 2u);
  EXPECT_EQ(first.next_token, big_name(1));
  ASSERT_OK_AND_ASSIGN(TablePage rest,
                       as_producer.get_tables("big", "", PageRequest{.max_results = 2,
                                                                     .next_token = first.next_token}));
  ASSERT_EQ(rest.tables.size(), 1u);
  EXPECT_EQ(rest.tables[0].input.name, big_name(2));
  EXPECT_EQ(rest.next_token, "");
}

}  // namespace
}  // namespace datamesh::test_support
