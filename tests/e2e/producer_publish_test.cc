// DataMeshProducer end to end, publishing: create_data_products and get_data_product.
#include <string>
#include <vector>

#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;

using PublishTest = MeshFixture;

std::vector<std::string> source_tables(const DataProduct& product) {
  std::vector<std::string> names;
  for (const ProductTable& table : product.tables) names.push_back(table.source_table);
  return names;
}

std::vector<std::string> link_tables(const DataProduct& product) {
  std::vector<std::string> names;
  for (const ProductTable& table : product.tables) names.push_back(table.link_table);
  return names;
}

std::vector<std::string> table_names(const std::vector<DataProductTable>& tables) {
  std::vector<std::string> names;
  for (const DataProductTable& table : tables) names.push_back(table.table_name);
  return names;
}

TEST_F(PublishTest, CreateDataProductsNamesMeshDatabaseAfterSourceAndProducer) {
  ASSERT_OK_AND_ASSIGN(DataProduct product, publish_sales());
  EXPECT_EQ(product.database_name, kSalesProduct);
  EXPECT_EQ(source_tables(product), (std::vector<std::string>{"order_items", "orders"}));
  EXPECT_EQ(link_tables(product), (std::vector<std::string>{"order_items_link", "orders_link"}));
}

TEST_F(PublishTest, CreateDataProductsWithoutRegexPublishesEveryTable) {
  ASSERT_OK_AND_ASSIGN(DataProduct product, publish_sales({}));
  EXPECT_EQ(source_tables(product), (std::vector<std::string>{"order_items", "orders", "refunds"}));
}

// Publishing again without a pattern, to change an option or pick up the source's new
// tables, keeps the product's pattern: it does not widen the product (and its whole-database
// subscriptions) to every table. ".*" does, on purpose.
TEST_F(PublishTest, PublishingAgainWithoutAPatternKeepsTheProductsPattern) {
  ASSERT_OK(publish_sales({.table_name_regex = "order.*"}));
  ASSERT_OK_AND_ASSIGN(DataProduct again, publish_sales({.create_public_metadata = false}));
  EXPECT_EQ(source_tables(again), (std::vector<std::string>{"order_items", "orders"}));
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> published,
                       producer().get_data_product(kSalesProduct));
  EXPECT_EQ(published.size(), 2u);
  ASSERT_OK_AND_ASSIGN(DataProduct every, publish_sales({.table_name_regex = ".*"}));
  EXPECT_EQ(source_tables(every), (std::vector<std::string>{"order_items", "orders", "refunds"}));
  // The product now has ".*": a later call without a pattern publishes every table.
  ASSERT_OK_AND_ASSIGN(DataProduct after, publish_sales({}));
  EXPECT_EQ(source_tables(after).size(), 3u);
}

TEST_F(PublishTest, CreateDataProductsSelectsALiteralTableName) {
  ASSERT_OK_AND_ASSIGN(DataProduct product, publish_sales({.table_name_regex = "refunds"}));
  EXPECT_EQ(source_tables(product), (std::vector<std::string>{"refunds"}));
}

TEST_F(PublishTest, CreateDataProductsRegexMustMatchTheWholeName) {
  // "order" is a prefix of every order table but matches none of them in full.
  EXPECT_STATUS_CODE(publish_sales({.table_name_regex = "order"}), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(DataProduct product, publish_sales({.table_name_regex = "orders|refunds"}));
  EXPECT_EQ(source_tables(product), (std::vector<std::string>{"orders", "refunds"}));
}

TEST_F(PublishTest, CreateDataProductsLinksTablesBackIntoProducerCatalog) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(Database link_db, catalog(kProducerAccount).get_database(kSalesProduct));
  EXPECT_EQ(link_db.catalog_id, kProducerAccount);
  ASSERT_OK_AND_ASSIGN(Table link,
                       catalog(kProducerAccount).get_table(kSalesProduct, "orders_link"));
  ASSERT_TRUE(link.input.target_table.has_value());
  EXPECT_EQ(link.input.target_table->catalog_id, kMeshAccount);
  EXPECT_EQ(link.input.target_table->database_name, kSalesProduct);
  EXPECT_EQ(link.input.target_table->name, "orders");
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_table(kSalesProduct, "refunds_link"),
                     StatusCode::kNotFound);
}

TEST_F(PublishTest, CreateDataProductsCopiesTheDefinitionIntoTheMeshCatalog) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(Table mesh_table, catalog(kMeshAccount).get_table(kSalesProduct, "orders"));
  EXPECT_EQ(mesh_table.catalog_id, kMeshAccount);
  EXPECT_EQ(mesh_table.database_name, kSalesProduct);
  ASSERT_TRUE(mesh_table.input.storage_descriptor.has_value());
  EXPECT_EQ(mesh_table.input.storage_descriptor->location, sales_location("orders"));
  EXPECT_EQ(mesh_table.input.storage_descriptor->columns,
            sales_table("orders").storage_descriptor->columns);
  EXPECT_EQ(mesh_table.input.owner, kProducerAccount);
}

TEST_F(PublishTest, CreateDataProductsTagsDomainAndProductName) {
  ASSERT_OK(publish_sales(
      {.table_name_regex = "order.*", .domain = "commerce", .data_product_name = "orders"}));
  ASSERT_OK_AND_ASSIGN(Database mesh_db, catalog(kMeshAccount).get_database(kSalesProduct));
  EXPECT_EQ(mesh_db.catalog_id, kMeshAccount);
  EXPECT_EQ(mesh_db.input.parameters["Domain"], "commerce");
  EXPECT_EQ(mesh_db.input.parameters["DataProduct"], "orders");
}

// Publishing again to add tables, without the tags, keeps them: consumers still find the
// product by its domain.
TEST_F(PublishTest, CreateDataProductsRerunWithoutTagsKeepsThem) {
  ASSERT_OK(publish_sales(
      {.table_name_regex = "orders", .domain = "commerce", .data_product_name = "orders"}));
  ASSERT_OK(publish_sales({.table_name_regex = "order_items"}));
  ASSERT_OK_AND_ASSIGN(Database mesh_db, catalog(kMeshAccount).get_database(kSalesProduct));
  EXPECT_EQ(mesh_db.input.parameters["Domain"], "commerce");
  EXPECT_EQ(mesh_db.input.parameters["DataProduct"], "orders");
  ASSERT_OK_AND_ASSIGN(PublishedProductPage page,
                       consumer().list_data_products({.domain = "commerce"}));
  ASSERT_EQ(page.data_products.size(), 1u);
  EXPECT_EQ(page.data_products[0].data_product_name, "orders");
  // A tag given again replaces the one before.
  ASSERT_OK(publish_sales({.table_name_regex = "orders", .domain = "retail"}));
  ASSERT_OK_AND_ASSIGN(Database retagged, catalog(kMeshAccount).get_database(kSalesProduct));
  EXPECT_EQ(retagged.input.parameters["Domain"], "retail");
  EXPECT_EQ(retagged.input.parameters["DataProduct"], "orders");
}

// Publishing again without the crawler's role and schedule keeps them, as the tags: the record
// must not say there is no crawler while the product's crawlers go on running. The audit event
// says what the product holds after the call.
TEST_F(PublishTest, CreateDataProductsRerunWithoutTheCrawlerKeepsIt) {
  const std::string role = "arn:aws:iam::111111111111:role/GlueCrawler";
  ASSERT_OK(publish_sales({.table_name_regex = "orders",
                           .sync_mesh_catalog_schedule = "cron(0 1 * * ? *)",
                           .sync_mesh_crawler_role_arn = role}));
  ASSERT_OK(publish_sales({.table_name_regex = "order_items"}));
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, audit_events());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().action, "create_data_products");
  const nlohmann::json details = nlohmann::json::parse(events.back().details_json);
  EXPECT_EQ(details["SyncSchedule"], "cron(0 1 * * ? *)") << details.dump();
  EXPECT_EQ(details["CrawlerRoleArn"], role) << details.dump();
}

// The links database that publishing made in the producer's catalog holds links, not data:
// publishing it is refused, and nothing is made.
TEST_F(PublishTest, CreateDataProductsRefusesADatabaseOfLinks) {
  ASSERT_OK(publish_sales());
  EXPECT_STATUS(producer().create_data_products(kSalesProduct),
                StatusCode::kInvalidArgument,
                std::string(kSalesProduct) + ".order_items_link is a resource link to " +
                    kSalesProduct + ".order_items, not a table with data");
  EXPECT_STATUS_CODE(
      catalog(kMeshAccount).get_database(std::string(kSalesProduct) + "-" + kProducerAccount),
      StatusCode::kNotFound);
}

TEST_F(PublishTest, CreateDataProductsExposesACustomDatabaseName) {
  ASSERT_OK_AND_ASSIGN(
      DataProduct product,
      publish_sales({.table_name_regex = "order.*", .expose_data_mesh_db_name = "shop_sales"}));
  EXPECT_EQ(product.database_name, "shop_sales");
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> tables,
                       producer().get_data_product("shop_sales"));
  EXPECT_EQ(table_names(tables), (std::vector<std::string>{"order_items", "orders"}));
  EXPECT_STATUS_CODE(producer().get_data_product(kSalesProduct), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(AccessRequest custom,
                       consumer().request_access_to_product(kProducerAccount, "shop_sales",
                                                            {"SELECT"}, std::nullopt));
  EXPECT_EQ(custom.database, "shop_sales");
}

TEST_F(PublishTest, CreateDataProductsUsesTheGivenLinkSuffix) {
  ASSERT_OK_AND_ASSIGN(
      DataProduct product,
      publish_sales({.table_name_regex = "orders", .expose_table_references_with_suffix = "_ref"}));
  EXPECT_EQ(link_tables(product), (std::vector<std::string>{"orders_ref"}));
  EXPECT_OK(catalog(kProducerAccount).get_table(kSalesProduct, "orders_ref"));
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_table(kSalesProduct, "orders_link"),
                     StatusCode::kNotFound);
}

TEST_F(PublishTest, CreateDataProductsWithRegexMatchingNothingIsNotFound) {
  ASSERT_OK(create_sales_database());
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS(producer().create_data_products(kSalesDatabase, {.table_name_regex = "invoice.*"}),
                StatusCode::kNotFound, "invoice.*");
  EXPECT_EQ(audit_count().value_or(0), before);
  EXPECT_STATUS_CODE(producer().get_data_product(kSalesProduct), StatusCode::kNotFound);
}

TEST_F(PublishTest, CreateDataProductsWithBadRegexIsInvalidArgument) {
  ASSERT_OK(create_sales_database());
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS(producer().create_data_products(kSalesDatabase, {.table_name_regex = "order["}),
                StatusCode::kInvalidArgument, "order[");
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(PublishTest, CreateDataProductsOfUnknownSourceDatabaseIsNotFound) {
  EXPECT_STATUS(producer().create_data_products("nothing"), StatusCode::kNotFound, "nothing");
}

TEST_F(PublishTest, CreateDataProductsAcceptsAValidScheduleWithACrawlerRole) {
  EXPECT_OK(publish_sales(
      {.table_name_regex = "order.*",
       .sync_mesh_catalog_schedule = "cron(0 */4 * * ? *)",
       .sync_mesh_crawler_role_arn = "arn:aws:iam::111111111111:role/service/GlueCrawler"}));
}

TEST_F(PublishTest, CreateDataProductsAcceptsACrawlerRoleWithoutSchedule) {
  EXPECT_OK(
      publish_sales({.table_name_regex = "order.*",
                     .sync_mesh_crawler_role_arn = "arn:aws:iam::111111111111:role/GlueCrawler"}));
}

TEST_F(PublishTest, CreateDataProductsRejectsMalformedCronSchedule) {
  ASSERT_OK(create_sales_database());
  const std::string role = "arn:aws:iam::111111111111:role/GlueCrawler";
  for (const char* schedule :
       {"every 4 hours", "cron(0 25 * * ? *)", "cron(0 */4 * *)", "0 */4 * * ? *"}) {
    SCOPED_TRACE(schedule);
    EXPECT_STATUS(
        producer().create_data_products(kSalesDatabase, {.sync_mesh_catalog_schedule = schedule,
                                                         .sync_mesh_crawler_role_arn = role}),
        StatusCode::kInvalidArgument, "sync_mesh_catalog_schedule");
  }
  EXPECT_STATUS_CODE(producer().get_data_product(kSalesProduct), StatusCode::kNotFound);
}

TEST_F(PublishTest, CreateDataProductsScheduleWithoutCrawlerRoleIsInvalidArgument) {
  ASSERT_OK(create_sales_database());
  EXPECT_STATUS(producer().create_data_products(
                    kSalesDatabase, {.sync_mesh_catalog_schedule = "cron(0 */4 * * ? *)"}),
                StatusCode::kInvalidArgument, "sync_mesh_crawler_role_arn");
}

TEST_F(PublishTest, CreateDataProductsRejectsMalformedCrawlerRole) {
  ASSERT_OK(create_sales_database());
  EXPECT_STATUS_CODE(producer().create_data_products(kSalesDatabase,
                                                     {.sync_mesh_crawler_role_arn = "GlueCrawler"}),
                     StatusCode::kInvalidArgument);
}

TEST_F(PublishTest, CreateDataProductsReportsProgressOnAnEmbeddedMeshOnly) {
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ASSERT_OK_AND_ASSIGN(DataProduct product,
                       publish_sales({.table_name_regex = "order.*",
                                      .on_progress = [&](uint64_t done, uint64_t total) {
                                        calls.emplace_back(done, total);
                                      }}));
  ASSERT_EQ(product.tables.size(), 2u);
  if (!endpoint().starts_with("sqlite://")) {
    // One HTTP request: a server has no way to report progress during it.
    EXPECT_TRUE(calls.empty());
    return;
  }
  // From nothing done to every table done, never backwards, always out of the same total.
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls.front(), (std::pair<uint64_t, uint64_t>{0, 2}));
  EXPECT_EQ(calls.back(), (std::pair<uint64_t, uint64_t>{2, 2}));
  for (size_t i = 1; i < calls.size(); ++i) {
    EXPECT_LE(calls[i - 1].first, calls[i].first);
    EXPECT_EQ(calls[i].second, 2u);
  }
}

TEST_F(PublishTest, CreateDataProductsRerunIsIdempotent) {
  ASSERT_OK_AND_ASSIGN(DataProduct first, publish_sales());
  ASSERT_OK_AND_ASSIGN(Table mesh_before, catalog(kMeshAccount).get_table(kSalesProduct, "orders"));
  ASSERT_OK_AND_ASSIGN(DataProduct second, publish_sales());
  EXPECT_EQ(second.database_name, first.database_name);
  EXPECT_EQ(source_tables(second), source_tables(first));
  EXPECT_EQ(link_tables(second), link_tables(first));
  ASSERT_OK_AND_ASSIGN(Table mesh_after, catalog(kMeshAccount).get_table(kSalesProduct, "orders"));
  EXPECT_EQ(mesh_after.version_id, mesh_before.version_id);
  EXPECT_EQ(mesh_after.input, mesh_before.input);
  ASSERT_OK_AND_ASSIGN(TablePage links, catalog(kProducerAccount).get_tables(kSalesProduct));
  EXPECT_EQ(links.tables.size(), 2u);
}

TEST_F(PublishTest, CreateDataProductsRerunRefreshesAChangedDefinition) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::string id, active_subscription({"SELECT"}, std::nullopt));
  ASSERT_OK(consumer().finalize_subscription(id));
  ASSERT_OK_AND_ASSIGN(Table before, consumer().get_table_info(kSalesProduct, "orders"));
  EXPECT_EQ(before.input.storage_descriptor->location, sales_location("orders"));

  TableInput changed = sales_table("orders");
  changed.storage_descriptor->location = "s3://acme-sales-data/v2/orders/";
  changed.storage_descriptor->columns.push_back(Column{.name = "currency", .type = "string"});
  ASSERT_OK(catalog(kProducerAccount).update_table(kSalesDatabase, changed));
  // Not yet republished: the mesh still has the old definition.
  ASSERT_OK_AND_ASSIGN(Table stale, consumer().get_table_info(kSalesProduct, "orders"));
  EXPECT_EQ(stale.input.storage_descriptor->location, sales_location("orders"));

  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(Table after, consumer().get_table_info(kSalesProduct, "orders"));
  EXPECT_EQ(after.input.storage_descriptor->location, "s3://acme-sales-data/v2/orders/");
  ASSERT_EQ(after.input.storage_descriptor->columns.size(), 4u);
  EXPECT_EQ(after.input.storage_descriptor->columns[3].name, "currency");
  EXPECT_EQ(after.version_id, before.version_id + 1);
  // The unchanged table keeps its version.
  ASSERT_OK_AND_ASSIGN(Table items, consumer().get_table_info(kSalesProduct, "order_items"));
  EXPECT_EQ(items.version_id, 1);
}

TEST_F(PublishTest, CreateDataProductsRerunAddsNewlyMatchingTables) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(catalog(kProducerAccount).create_table(kSalesDatabase, sales_table("order_notes")));
  ASSERT_OK_AND_ASSIGN(DataProduct product, publish_sales());
  EXPECT_EQ(source_tables(product),
            (std::vector<std::string>{"order_items", "order_notes", "orders"}));
  EXPECT_OK(catalog(kProducerAccount).get_table(kSalesProduct, "order_notes_link"));
}

TEST_F(PublishTest, CreateDataProductsRefusesAMeshDatabaseOfAnotherProducer) {
  ASSERT_OK(publish_sales());
  ASSERT_OK(create_sales_database(kProducer2Account));
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS(
      producer(kProducer2Account)
          .create_data_products(kSalesDatabase, {.expose_data_mesh_db_name = kSalesProduct}),
      StatusCode::kAlreadyExists, kSalesProduct);
  EXPECT_EQ(audit_count().value_or(0), before);
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> tables,
                       producer().get_data_product(kSalesProduct));
  EXPECT_EQ(table_names(tables), (std::vector<std::string>{"order_items", "orders"}));
  // Under its own default name P2 publishes fine.
  ASSERT_OK_AND_ASSIGN(DataProduct theirs,
                       producer(kProducer2Account).create_data_products(kSalesDatabase));
  EXPECT_EQ(theirs.database_name, "sales-333333333333");
}

// --- get_data_product --------------------------------------------------------------------------

TEST_F(PublishTest, GetDataProductByMeshNameListsTablesWithLocations) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> tables,
                       producer().get_data_product(kSalesProduct));
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].database_name, kSalesProduct);
  EXPECT_EQ(tables[0].table_name, "order_items");
  EXPECT_EQ(tables[0].location, sales_location("order_items"));
  EXPECT_EQ(tables[1].table_name, "orders");
  EXPECT_EQ(tables[1].location, sales_location("orders"));
}

TEST_F(PublishTest, GetDataProductBySourceNameFindsTheMeshDatabase) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> by_source,
                       producer().get_data_product(kSalesDatabase));
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> by_mesh,
                       producer().get_data_product(kSalesProduct));
  ASSERT_EQ(by_source.size(), by_mesh.size());
  for (size_t i = 0; i < by_mesh.size(); ++i) {
    EXPECT_EQ(by_source[i].database_name, kSalesProduct);
    EXPECT_EQ(by_source[i].table_name, by_mesh[i].table_name);
    EXPECT_EQ(by_source[i].location, by_mesh[i].location);
  }
}

TEST_F(PublishTest, GetDataProductFiltersByFullMatchRegex) {
  ASSERT_OK(publish_sales({}));
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> orders,
                       producer().get_data_product(kSalesProduct, "orders"));
  EXPECT_EQ(table_names(orders), (std::vector<std::string>{"orders"}));
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> starting,
                       producer().get_data_product(kSalesProduct, "order.*"));
  EXPECT_EQ(table_names(starting), (std::vector<std::string>{"order_items", "orders"}));
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> none,
                       producer().get_data_product(kSalesProduct, "order"));
  EXPECT_TRUE(none.empty());
}

TEST_F(PublishTest, GetDataProductOfUnknownDatabaseIsNotFound) {
  ASSERT_OK(publish_sales());
  EXPECT_STATUS_CODE(producer().get_data_product("nothing"), StatusCode::kNotFound);
}

TEST_F(PublishTest, GetDataProductWithBadRegexIsInvalidArgument) {
  ASSERT_OK(publish_sales());
  EXPECT_STATUS_CODE(producer().get_data_product(kSalesProduct, "(orders"),
                     StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datamesh::test_support
