// core::Engine::list_data_products pages by what it answers: each product carries its table
// names, which the product rows read by the page do not hold. A product may have 200,000
// tables, so without counting the names a page of 1,000 products could be gigabytes. The
// products are written into the store directly: through the API, 34,500 tables take minutes in
// a Debug build.
#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/engine.h"
#include "core/paging.h"
#include "gtest/gtest.h"
#include "support/engine_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

using Strings = std::vector<std::string>;

constexpr char kPublishingProducer[] = "111111111111";
// Tables of each big product, and the length of their names: 11,500 × 250 bytes is 2.9 MB, so
// two products make 5.8 MB and three go past kMaxPageBytes (8 MiB).
constexpr int kTables = 11'500;
constexpr std::size_t kNameBytes = 250;
static_assert(2 * kTables * kNameBytes < kMaxPageBytes && 3 * kTables * kNameBytes > kMaxPageBytes);

class PublishedProductsPageTest : public test_support::EngineMeshTest {
 protected:
  PublishedProductsPageTest()
      : EngineMeshTest(std::chrono::system_clock::time_point{}, {"orders"}) {}

  // Publishes mesh database `name` of P, as the engine would, with `tables` tables whose names
  // take kNameBytes.
  absl::Status publish(const std::string& name, int tables) {
    return store_->run(store::TxMode::kWrite, [&](store::Transaction& tx) -> absl::Status {
      DATAMESH_RETURN_IF_ERROR(tx.put_database(
          Database{.input = {.name = name}, .catalog_id = test_support::kMeshAccount}));
      for (int i = 0; i < tables; ++i) {
        std::string table_name = name + "_" + std::to_string(100000 + i) + "_";
        table_name.resize(kNameBytes, 'x');
        DATAMESH_RETURN_IF_ERROR(tx.put_table(Table{.input = {.name = std::move(table_name)},
                                                    .database_name = name,
                                                    .catalog_id = test_support::kMeshAccount}));
      }
      return tx.put_product(store::ProductRow{.mesh_database = name,
                                              .producer_account = kPublishingProducer,
                                              .source_database = name});
    });
  }
};

TEST_F(PublishedProductsPageTest, APageEndsOnceTheTableNamesItAnswersPass8MiB) {
  for (const std::string name : {"wide_a", "wide_b", "wide_c"}) {
    ASSERT_OK(publish(name, kTables));
  }
  ListDataProductsRequest request{.page = {.max_results = 1000}};
  std::vector<Strings> pages;
  do {
    ASSERT_OK_AND_ASSIGN(PublishedProductPage page,
                         engine_->list_data_products(consumer_, request));
    Strings& names = pages.emplace_back();
    for (const PublishedProduct& product : page.data_products) {
      names.push_back(product.database_name);
      if (product.database_name != "sales-111111111111") {
        EXPECT_EQ(product.tables.size(), static_cast<std::size_t>(kTables))
            << product.database_name;
      }
    }
    request.page.next_token = page.next_token;
  } while (!request.page.next_token.empty() && pages.size() < 5);
  // The fixture's own product is small and comes first, in name order.
  EXPECT_EQ(pages, (std::vector<Strings>{{"sales-111111111111", "wide_a", "wide_b"}, {"wide_c"}}));
}

TEST_F(PublishedProductsPageTest, AProductPastTheBudgetAloneStillAnswersWhole) {
  ASSERT_OK(publish("huge", 3 * kTables + 1));
  ListDataProductsRequest request{.page = {.max_results = 1000}};
  ASSERT_OK_AND_ASSIGN(PublishedProductPage first,
                       engine_->list_data_products(consumer_, request));
  ASSERT_EQ(first.data_products.size(), 1u);
  EXPECT_EQ(first.data_products[0].database_name, "huge");
  EXPECT_EQ(first.data_products[0].tables.size(), static_cast<std::size_t>(3 * kTables + 1));
  EXPECT_EQ(first.next_token, "huge");
  request.page.next_token = first.next_token;
  ASSERT_OK_AND_ASSIGN(PublishedProductPage rest,
                       engine_->list_data_products(consumer_, request));
  ASSERT_EQ(rest.data_products.size(), 1u);
  EXPECT_EQ(rest.data_products[0].database_name, "sales-111111111111");
  EXPECT_EQ(rest.next_token, "");
}

}  // namespace
}  // namespace datamesh::core
