// DataMeshConsumer::list_data_products end to end: consumers browse the published products they
// may request; a product without public metadata shows its name only; filters and paging.
#include <string>
#include <vector>

#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

class BrowseTest : public MeshFixture {
 protected:
  void SetUp() override {
    MeshFixture::SetUp();
    if (HasFatalFailure()) return;
    // P publishes sales (public, domain retail); P2 publishes a private product.
    ASSERT_OK(publish_sales({.table_name_regex = "order.*",
                             .domain = "retail",
                             .data_product_name = "Sales"}));
    ASSERT_OK(create_sales_database(kProducer2Account));
    ASSERT_OK(producer(kProducer2Account)
                  .create_data_products(kSalesDatabase, {.create_public_metadata = false,
                                                         .domain = "retail",
                                                         .data_product_name = "Secret"})
                  .status());
  }
};

TEST_F(BrowseTest, ConsumerSeesPublicProductsWithTheirTablesAndPrivateOnesByNameOnly) {
  ASSERT_OK_AND_ASSIGN(PublishedProductPage page, consumer().list_data_products());
  ASSERT_EQ(page.data_products.size(), 2u);
  EXPECT_TRUE(page.next_token.empty());
  const PublishedProduct& sales = page.data_products[0];
  EXPECT_EQ(sales.database_name, kSalesProduct);
  EXPECT_TRUE(sales.public_metadata);
  EXPECT_EQ(sales.owner_account_id, kProducerAccount);
  EXPECT_EQ(sales.domain, "retail");
  EXPECT_EQ(sales.data_product_name, "Sales");
  EXPECT_EQ(sales.tables, (Strings{"order_items", "orders"}));
  const PublishedProduct& secret = page.data_products[1];
  EXPECT_EQ(secret.database_name, std::string("sales-") + kProducer2Account);
  EXPECT_FALSE(secret.public_metadata);
  EXPECT_TRUE(secret.owner_account_id.empty());
  EXPECT_TRUE(secret.domain.empty());
  EXPECT_TRUE(secret.data_product_name.empty());
  EXPECT_TRUE(secret.tables.empty());
}

TEST_F(BrowseTest, DomainFilterNeverMatchesAProductWithoutPublicMetadata) {
  ASSERT_OK_AND_ASSIGN(PublishedProductPage page,
                       consumer().list_data_products({.domain = "retail"}));
  ASSERT_EQ(page.data_products.size(), 1u);
  EXPECT_EQ(page.data_products[0].database_name, kSalesProduct);
  ASSERT_OK_AND_ASSIGN(PublishedProductPage none,
                       consumer().list_data_products({.domain = "finance"}));
  EXPECT_TRUE(none.data_products.empty());
}

TEST_F(BrowseTest, OwnerFilterGivesThatProducersProducts) {
  ASSERT_OK_AND_ASSIGN(PublishedProductPage page, consumer().list_data_products(
                                                      {.owner_account_id = kProducer2Account}));
  ASSERT_EQ(page.data_products.size(), 1u);
  EXPECT_EQ(page.data_products[0].database_name, std::string("sales-") + kProducer2Account);
}

TEST_F(BrowseTest, PagesFollowTheNextToken) {
  ASSERT_OK_AND_ASSIGN(PublishedProductPage first,
                       consumer().list_data_products({.page = {.max_results = 1}}));
  ASSERT_EQ(first.data_products.size(), 1u);
  EXPECT_EQ(first.data_products[0].database_name, kSalesProduct);
  ASSERT_FALSE(first.next_token.empty());
  ASSERT_OK_AND_ASSIGN(PublishedProductPage second,
                       consumer().list_data_products(
                           {.page = {.max_results = 1, .next_token = first.next_token}}));
  ASSERT_EQ(second.data_products.size(), 1u);
  EXPECT_EQ(second.data_products[0].database_name, std::string("sales-") + kProducer2Account);
  EXPECT_TRUE(second.next_token.empty());
  EXPECT_STATUS_CODE(consumer().list_data_products({.page = {.max_results = 0}}),
                     StatusCode::kInvalidArgument);
}

TEST_F(BrowseTest, OnlyConsumersBrowse) {
  DataMeshConsumer as_producer(options(credentials(kProducerAccount)));
  EXPECT_STATUS_CODE(as_producer.list_data_products(), StatusCode::kPermissionDenied);
  DataMeshConsumer as_admin(options(credentials(kMeshAccount)));
  EXPECT_STATUS_CODE(as_admin.list_data_products(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace datamesh::test_support
