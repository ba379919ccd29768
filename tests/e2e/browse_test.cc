// DataMeshConsumer::list_data_products and get_published_table end to end: consumers browse the
// published products they may request; a product without public metadata shows its name only,
// and its tables' definitions to nobody but its subscribers; filters and paging.
#include <string>
#include <vector>

#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gmock/gmock.h"
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
    if (IsSkipped() || HasFatalFailure()) return;
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
  ASSERT_OK_AND_ASSIGN(PublishedProductPage page, consumer().list_data_products({}));
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
  EXPECT_STATUS_CODE(as_producer.list_data_products({}), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(as_producer.get_published_table(kSalesProduct, "orders"),
                     StatusCode::kPermissionDenied);
  DataMeshConsumer as_admin(options(credentials(kMeshAccount)));
  EXPECT_STATUS_CODE(as_admin.list_data_products({}), StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(as_admin.get_published_table(kSalesProduct, "orders"),
                     StatusCode::kPermissionDenied);
}

TEST_F(BrowseTest, APublicProductsTableShowsItsColumnsToAnyConsumer) {
  ASSERT_OK_AND_ASSIGN(Table orders, consumer().get_published_table(kSalesProduct, "orders"));
  EXPECT_EQ(orders.input.name, "orders");
  EXPECT_EQ(orders.database_name, kSalesProduct);
  ASSERT_TRUE(orders.input.storage_descriptor.has_value());
  std::vector<std::string> columns;
  for (const Column& column : orders.input.storage_descriptor->columns) {
    columns.push_back(column.name + " " + column.type);
  }
  EXPECT_EQ(columns, (Strings{"id bigint", "customer_id bigint", "amount decimal(12,2)"}));
  ASSERT_EQ(orders.input.partition_keys.size(), 1u);
  EXPECT_EQ(orders.input.partition_keys[0].name, "order_date");
  // The same answer as the producer's own catalog holds under the mesh's name: no subscription
  // needed, none made.
  ASSERT_OK_AND_ASSIGN(SubscriptionPage mine, consumer().list_product_access());
  EXPECT_TRUE(mine.subscriptions.empty());
}

TEST_F(BrowseTest, APrivateProductsTablesAreNotShownNorToldApart) {
  const std::string secret = std::string("sales-") + kProducer2Account;
  const absl::StatusOr<Table> existing = consumer().get_published_table(secret, "orders");
  EXPECT_STATUS_CODE(existing, StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(existing.status().message()),
              ::testing::HasSubstr("does not publish public metadata"));
  // A table it does not have gets the same answer: nothing tells which tables it holds.
  const absl::StatusOr<Table> missing = consumer().get_published_table(secret, "no_such_table");
  EXPECT_EQ(missing.status(), existing.status());
}

TEST_F(BrowseTest, AnUnknownProductOrTableIsNotFoundAndABadNameInvalid) {
  const absl::StatusOr<Table> product = consumer().get_published_table("nothing-here", "orders");
  EXPECT_STATUS_CODE(product, StatusCode::kNotFound);
  EXPECT_THAT(std::string(product.status().message()),
              ::testing::HasSubstr("list_data_products names the published products"));
  // refunds is in the producer's source database but not in the product (order.*).
  const absl::StatusOr<Table> table = consumer().get_published_table(kSalesProduct, "refunds");
  EXPECT_STATUS_CODE(table, StatusCode::kNotFound);
  EXPECT_THAT(std::string(table.status().message()),
              ::testing::HasSubstr("table \"refunds\" not found in data product"));
  EXPECT_STATUS_CODE(consumer().get_published_table("", "orders"), StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(consumer().get_published_table(kSalesProduct, "bad name!"),
                     StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datamesh::test_support
