// DataMeshCatalog end to end: each account's own Glue-like databases and tables.
#include "datamesh/catalog.h"

#include <set>
#include <string>
#include <vector>

#include "datamesh/json.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;

using CatalogTest = MeshFixture;

// What `aws glue get-tables --database-name raw` prints for two tables (output-only keys such
// as DatabaseName, CreateTime, CatalogId and VersionId included).
constexpr char kGetTablesOutput[] = R"({
    "TableList": [
        {
            "Name": "clickstream",
            "DatabaseName": "raw",
            "Description": "web click events",
            "Owner": "hadoop",
            "CreateTime": "2023-03-14T09:26:53+00:00",
            "UpdateTime": "2023-03-15T10:00:00+00:00",
            "LastAccessTime": "1970-01-01T00:00:00+00:00",
            "Retention": 0,
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "event_id", "Type": "string"},
                    {"Name": "user_id", "Type": "bigint", "Comment": "who clicked"},
                    {"Name": "url", "Type": "string"}
                ],
                "Location": "s3://acme-raw/clickstream/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "Compressed": false,
                "NumberOfBuckets": -1,
                "SerdeInfo": {
                    "SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
                    "Parameters": {"paths": "event_id,url,user_id"}
                },
                "BucketColumns": [],
                "SortColumns": [],
                "Parameters": {"classification": "json", "compressionType": "none"},
                "StoredAsSubDirectories": false
            },
            "PartitionKeys": [
                {"Name": "dt", "Type": "string"}
            ],
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "json", "CrawlerSchemaSerializerVersion": "1.0"},
            "CreatedBy": "arn:aws:sts::111111111111:assumed-role/AWSGlueServiceRole/crawler",
            "IsRegisteredWithLakeFormation": false,
            "CatalogId": "111111111111",
            "VersionId": "3"
        },
        {
            "Name": "sessions",
            "DatabaseName": "raw",
            "CreateTime": "2023-03-14T09:26:54+00:00",
            "UpdateTime": "2023-03-14T09:26:54+00:00",
            "Retention": 0,
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "session_id", "Type": "string"},
                    {"Name": "started", "Type": "timestamp"}
                ],
                "Location": "s3://acme-raw/sessions/",
                "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "Compressed": false,
                "NumberOfBuckets": -1,
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                    "Parameters": {"serialization.format": "1"}
                },
                "StoredAsSubDirectories": false
            },
            "PartitionKeys": [],
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "parquet"},
            "IsRegisteredWithLakeFormation": false,
            "CatalogId": "111111111111",
            "VersionId": "0"
        }
    ]
})";

std::vector<std::string> names_of(const std::vector<Table>& tables) {
  std::vector<std::string> names;
  for (const Table& table : tables) names.push_back(table.input.name);
  return names;
}

// --- databases ---------------------------------------------------------------------------------

TEST_F(CatalogTest, CreateDatabaseThenGetDatabaseReturnsIt) {
  const DatabaseInput input{.name = "marketing",
                            .description = "campaign data",
                            .location_uri = "s3://acme-marketing/",
                            .parameters = {{"team", "growth"}}};
  ASSERT_OK(catalog(kProducerAccount).create_database(input));
  ASSERT_OK_AND_ASSIGN(Database database, catalog(kProducerAccount).get_database("marketing"));
  EXPECT_EQ(database.input, input);
  EXPECT_EQ(database.catalog_id, kProducerAccount);
  EXPECT_TRUE(is_utc_date(database.create_time)) << database.create_time;
}

TEST_F(CatalogTest, CreateDatabaseTwiceFailsWithAlreadyExists) {
  ASSERT_OK(catalog(kProducerAccount).create_database({.name = "marketing"}));
  EXPECT_STATUS(catalog(kProducerAccount).create_database({.name = "marketing"}),
                StatusCode::kAlreadyExists, "marketing");
}

TEST_F(CatalogTest, CreateDatabaseRejectsResourceLinkInput) {
  DatabaseInput input{.name = "linked"};
  input.target_database = DatabaseIdentifier{.catalog_id = kMeshAccount, .database_name = "x"};
  EXPECT_STATUS(catalog(kProducerAccount).create_database(input), StatusCode::kInvalidArgument,
                "TargetDatabase");
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_database("linked"), StatusCode::kNotFound);
}

TEST_F(CatalogTest, GetDatabaseOfUnknownNameIsNotFound) {
  EXPECT_STATUS(catalog(kProducerAccount).get_database("nothing"), StatusCode::kNotFound,
                "nothing");
}

TEST_F(CatalogTest, CatalogsAreSeparatePerAccount) {
  ASSERT_OK(create_sales_database(kProducerAccount));
  EXPECT_STATUS_CODE(catalog(kProducer2Account).get_database(kSalesDatabase),
                     StatusCode::kNotFound);
  EXPECT_STATUS_CODE(catalog(kProducer2Account).get_table(kSalesDatabase, "orders"),
                     StatusCode::kNotFound);
  EXPECT_OK(create_sales_database(kProducer2Account));
  ASSERT_OK_AND_ASSIGN(Database theirs, catalog(kProducer2Account).get_database(kSalesDatabase));
  EXPECT_EQ(theirs.catalog_id, kProducer2Account);
}

TEST_F(CatalogTest, GetDatabasesPagesWithNextTokenInNameOrder) {
  const std::vector<std::string> names = {"db_a", "db_b", "db_c", "db_d", "db_e"};
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    ASSERT_OK(catalog(kProducerAccount).create_database({.name = *it}));
  }
  std::vector<std::string> seen;
  PageRequest page{.max_results = 2};
  int pages = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(DatabasePage listed, catalog(kProducerAccount).get_databases(page));
    ASSERT_LE(listed.databases.size(), 2u);
    for (const Database& database : listed.databases) seen.push_back(database.input.name);
    ++pages;
    ASSERT_LT(pages, 10);
    if (listed.next_token.empty()) break;
    page.next_token = listed.next_token;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, names);
}

TEST_F(CatalogTest, DeleteDatabaseRemovesItAndItsTables) {
  ASSERT_OK(create_sales_database());
  ASSERT_OK(catalog(kProducerAccount).delete_database(kSalesDatabase));
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_database(kSalesDatabase), StatusCode::kNotFound);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_table(kSalesDatabase, "orders"),
                     StatusCode::kNotFound);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).delete_database(kSalesDatabase),
                     StatusCode::kNotFound);
  // A new database of that name starts empty.
  ASSERT_OK(catalog(kProducerAccount).create_database({.name = kSalesDatabase}));
  ASSERT_OK_AND_ASSIGN(TablePage tables, catalog(kProducerAccount).get_tables(kSalesDatabase));
  EXPECT_TRUE(tables.tables.empty());
}

TEST_F(CatalogTest, MeshAccountCannotChangeTheCatalog) {
  EXPECT_STATUS_CODE(catalog(kMeshAccount).create_database({.name = "direct"}),
                     StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(catalog(kMeshAccount).import_tables("direct", kGetTablesOutput),
                     StatusCode::kPermissionDenied);
}

// --- tables ------------------------------------------------------------------------------------

TEST_F(CatalogTest, CreateTableThenGetTableReturnsTheDefinition) {
  ASSERT_OK(catalog(kProducerAccount).create_database({.name = kSalesDatabase}));
  const TableInput input = sales_table("orders");
  ASSERT_OK(catalog(kProducerAccount).create_table(kSalesDatabase, input));
  ASSERT_OK_AND_ASSIGN(Table table, catalog(kProducerAccount).get_table(kSalesDatabase, "orders"));
  EXPECT_EQ(table.input, input);
  EXPECT_EQ(table.database_name, kSalesDatabase);
  EXPECT_EQ(table.catalog_id, kProducerAccount);
  EXPECT_EQ(table.version_id, 1);
  EXPECT_TRUE(is_utc_date(table.create_time)) << table.create_time;
  EXPECT_NE(table.created_by.find(kProducerAccount), std::string::npos) << table.created_by;
}

TEST_F(CatalogTest, CreateTableTwiceFailsWithAlreadyExists) {
  ASSERT_OK(create_sales_database());
  EXPECT_STATUS(catalog(kProducerAccount).create_table(kSalesDatabase, sales_table("orders")),
                StatusCode::kAlreadyExists, "orders");
}

TEST_F(CatalogTest, CreateTableInMissingDatabaseIsNotFound) {
  EXPECT_STATUS(catalog(kProducerAccount).create_table("nothing", sales_table("orders")),
                StatusCode::kNotFound, "nothing");
}

TEST_F(CatalogTest, CreateTableRejectsResourceLinkInput) {
  ASSERT_OK(catalog(kProducerAccount).create_database({.name = kSalesDatabase}));
  TableInput input = sales_table("orders");
  input.target_table =
      TableIdentifier{.catalog_id = kMeshAccount, .database_name = "x", .name = "y"};
  EXPECT_STATUS(catalog(kProducerAccount).create_table(kSalesDatabase, input),
                StatusCode::kInvalidArgument, "TargetTable");
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_table(kSalesDatabase, "orders"),
                     StatusCode::kNotFound);
}

TEST_F(CatalogTest, CreateTableRejectsColumnWithoutName) {
  ASSERT_OK(catalog(kProducerAccount).create_database({.name = kSalesDatabase}));
  TableInput input = sales_table("orders");
  input.storage_descriptor->columns.push_back(Column{.name = "", .type = "string"});
  EXPECT_STATUS(catalog(kProducerAccount).create_table(kSalesDatabase, input),
                StatusCode::kInvalidArgument, "Columns[3]");
  input = sales_table("orders");
  input.partition_keys.push_back(Column{.type = "int"});
  EXPECT_STATUS(catalog(kProducerAccount).create_table(kSalesDatabase, input),
                StatusCode::kInvalidArgument, "PartitionKeys");
}

TEST_F(CatalogTest, ParseTableInputAcceptsGlueTableInputJson) {
  ASSERT_OK_AND_ASSIGN(TableInput input, parse_table_input(R"({
      "Name": "orders",
      "Description": "all orders",
      "TableType": "EXTERNAL_TABLE",
      "Parameters": {"classification": "parquet"},
      "StorageDescriptor": {
          "Columns": [{"Name": "id", "Type": "bigint"}],
          "Location": "s3://acme-sales-data/warehouse/orders/"
      },
      "PartitionKeys": [{"Name": "order_date", "Type": "date"}]
  })"));
  EXPECT_EQ(input.name, "orders");
  EXPECT_EQ(input.description, "all orders");
  EXPECT_EQ(input.table_type, "EXTERNAL_TABLE");
  ASSERT_TRUE(input.storage_descriptor.has_value());
  EXPECT_EQ(input.storage_descriptor->location, "s3://acme-sales-data/warehouse/orders/");
  ASSERT_EQ(input.storage_descriptor->columns.size(), 1u);
  EXPECT_EQ(input.storage_descriptor->columns[0].type, "bigint");
  ASSERT_EQ(input.partition_keys.size(), 1u);
  EXPECT_EQ(input.partition_keys[0].name, "order_date");
  EXPECT_EQ(input.parameters.at("classification"), "parquet");
}

TEST_F(CatalogTest, ParseTableInputRejectsUnknownFieldsAtAnyLevel) {
  EXPECT_STATUS(parse_table_input(R"({"Name": "orders", "StorageDescripter": {}})"),
                StatusCode::kInvalidArgument, "StorageDescripter");
  EXPECT_STATUS(
      parse_table_input(
          R"({"Name": "orders", "StorageDescriptor": {"Columns": [{"Name": "a", "Typo": "x"}]}})"),
      StatusCode::kInvalidArgument, "Typo");
  // Output-only keys of GetTable are not input.
  EXPECT_STATUS(parse_table_input(R"({"Name": "orders", "CreateTime": "2023-01-01"})"),
                StatusCode::kInvalidArgument, "CreateTime");
  EXPECT_STATUS_CODE(parse_table_input(R"({"Name": 7})"), StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(parse_table_input(R"({"Description": "no name"})"),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(parse_table_input("{not json"), StatusCode::kInvalidArgument);
}

TEST_F(CatalogTest, ParseDatabaseInputRejectsUnknownFields) {
  ASSERT_OK_AND_ASSIGN(DatabaseInput input,
                       parse_database_input(R"({"Name": "sales", "LocationUri": "s3://x/"})"));
  EXPECT_EQ(input.name, "sales");
  EXPECT_EQ(input.location_uri, "s3://x/");
  EXPECT_STATUS(parse_database_input(R"({"Name": "sales", "LocationURI": "s3://x/"})"),
                StatusCode::kInvalidArgument, "LocationURI");
}

TEST_F(CatalogTest, UpdateTableReplacesTheDefinitionAndBumpsTheVersion) {
  ASSERT_OK(create_sales_database());
  TableInput changed = sales_table("orders");
  changed.description = "orders, now with currency";
  changed.storage_descriptor->location = "s3://acme-sales-data/v2/orders/";
  changed.storage_descriptor->columns.push_back(Column{.name = "currency", .type = "string"});
  ASSERT_OK(catalog(kProducerAccount).update_table(kSalesDatabase, changed));
  ASSERT_OK_AND_ASSIGN(Table table, catalog(kProducerAccount).get_table(kSalesDatabase, "orders"));
  EXPECT_EQ(table.input, changed);
  EXPECT_EQ(table.version_id, 2);
}

TEST_F(CatalogTest, UpdateTableOfUnknownTableIsNotFound) {
  ASSERT_OK(create_sales_database());
  EXPECT_STATUS_CODE(catalog(kProducerAccount).update_table(kSalesDatabase, sales_table("nope")),
                     StatusCode::kNotFound);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_table(kSalesDatabase, "nope"),
                     StatusCode::kNotFound);
}

TEST_F(CatalogTest, UpdateTableRefusesResourceLinks) {
  ASSERT_OK(publish_sales());
  ASSERT_OK_AND_ASSIGN(Table link,
                       catalog(kProducerAccount).get_table(kSalesProduct, "orders_link"));
  ASSERT_TRUE(link.input.target_table.has_value());
  EXPECT_STATUS_CODE(
      catalog(kProducerAccount).update_table(kSalesProduct, sales_table("orders_link")),
      StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(Table after,
                       catalog(kProducerAccount).get_table(kSalesProduct, "orders_link"));
  EXPECT_EQ(after.input, link.input);
}

TEST_F(CatalogTest, GetTablesFiltersByExpressionAndPages) {
  ASSERT_OK(create_sales_database());
  ASSERT_OK(catalog(kProducerAccount).create_table(kSalesDatabase, sales_table("customers")));
  ASSERT_OK(catalog(kProducerAccount).create_table(kSalesDatabase, sales_table("returns")));

  ASSERT_OK_AND_ASSIGN(TablePage all, catalog(kProducerAccount).get_tables(kSalesDatabase));
  EXPECT_EQ(names_of(all.tables),
            (std::vector<std::string>{"customers", "order_items", "orders", "refunds", "returns"}));
  EXPECT_TRUE(all.next_token.empty());

  ASSERT_OK_AND_ASSIGN(TablePage orders,
                       catalog(kProducerAccount).get_tables(kSalesDatabase, "order.*"));
  EXPECT_EQ(names_of(orders.tables), (std::vector<std::string>{"order_items", "orders"}));
  // Full match: "order" alone matches nothing.
  ASSERT_OK_AND_ASSIGN(TablePage none,
                       catalog(kProducerAccount).get_tables(kSalesDatabase, "order"));
  EXPECT_TRUE(none.tables.empty());

  std::vector<std::string> paged;
  PageRequest page{.max_results = 2};
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    ASSERT_OK_AND_ASSIGN(TablePage listed,
                         catalog(kProducerAccount).get_tables(kSalesDatabase, "", page));
    for (const Table& table : listed.tables) paged.push_back(table.input.name);
    if (listed.next_token.empty()) break;
    page.next_token = listed.next_token;
  }
  EXPECT_EQ(paged, names_of(all.tables));

  std::vector<std::string> paged_filtered;
  page = PageRequest{.max_results = 1};
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    ASSERT_OK_AND_ASSIGN(TablePage listed,
                         catalog(kProducerAccount).get_tables(kSalesDatabase, "re.*", page));
    for (const Table& table : listed.tables) paged_filtered.push_back(table.input.name);
    if (listed.next_token.empty()) break;
    page.next_token = listed.next_token;
  }
  EXPECT_EQ(paged_filtered, (std::vector<std::string>{"refunds", "returns"}));
}

TEST_F(CatalogTest, GetTablesExpressionFindsEveryMatchAroundItsLiteralPrefix) {
  // Only names from the expression's literal prefix on are read: names just below it
  // ("orders-eu" sorts before "orders_"), at it and just past it must come out right.
  ASSERT_OK(create_sales_database());
  for (const char* name : {"orders-eu", "orders_", "orders_eu", "orders_eu_2", "ordersx", "ordert"}) {
    ASSERT_OK(catalog(kProducerAccount).create_table(kSalesDatabase, sales_table(name)));
  }
  ASSERT_OK_AND_ASSIGN(TablePage under,
                       catalog(kProducerAccount).get_tables(kSalesDatabase, "orders_.*"));
  EXPECT_EQ(names_of(under.tables),
            (std::vector<std::string>{"orders_", "orders_eu", "orders_eu_2"}));
  ASSERT_OK_AND_ASSIGN(TablePage plus,
                       catalog(kProducerAccount).get_tables(kSalesDatabase, "orders.+"));
  EXPECT_EQ(names_of(plus.tables), (std::vector<std::string>{"orders-eu", "orders_", "orders_eu",
                                                             "orders_eu_2", "ordersx"}));
  ASSERT_OK_AND_ASSIGN(TablePage optional,
                       catalog(kProducerAccount).get_tables(kSalesDatabase, "orders?t?"));
  EXPECT_EQ(names_of(optional.tables), (std::vector<std::string>{"orders", "ordert"}));
}

TEST_F(CatalogTest, GetTablesRejectsBadExpressionAndUnknownDatabase) {
  ASSERT_OK(create_sales_database());
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_tables(kSalesDatabase, "order["),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_tables("nothing"), StatusCode::kNotFound);
}

TEST_F(CatalogTest, DeleteTableRemovesOnlyThatTable) {
  ASSERT_OK(create_sales_database());
  ASSERT_OK(catalog(kProducerAccount).delete_table(kSalesDatabase, "refunds"));
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_table(kSalesDatabase, "refunds"),
                     StatusCode::kNotFound);
  EXPECT_OK(catalog(kProducerAccount).get_table(kSalesDatabase, "orders"));
  EXPECT_STATUS_CODE(catalog(kProducerAccount).delete_table(kSalesDatabase, "refunds"),
                     StatusCode::kNotFound);
}

// --- import_tables -----------------------------------------------------------------------------

TEST_F(CatalogTest, ImportTablesAcceptsAwsGlueGetTablesOutput) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> imported,
                       catalog(kProducerAccount).import_tables("raw", kGetTablesOutput));
  EXPECT_EQ(imported, (std::vector<std::string>{"clickstream", "sessions"}));
  EXPECT_OK(catalog(kProducerAccount).get_database("raw"));

  ASSERT_OK_AND_ASSIGN(Table clicks, catalog(kProducerAccount).get_table("raw", "clickstream"));
  EXPECT_EQ(clicks.catalog_id, kProducerAccount);  // not the CatalogId of the JSON
  EXPECT_EQ(clicks.input.description, "web click events");
  EXPECT_EQ(clicks.input.table_type, "EXTERNAL_TABLE");
  EXPECT_EQ(clicks.input.parameters.at("classification"), "json");
  ASSERT_TRUE(clicks.input.storage_descriptor.has_value());
  const StorageDescriptor& storage = *clicks.input.storage_descriptor;
  EXPECT_EQ(storage.location, "s3://acme-raw/clickstream/");
  ASSERT_EQ(storage.columns.size(), 3u);
  EXPECT_EQ(storage.columns[1].name, "user_id");
  EXPECT_EQ(storage.columns[1].type, "bigint");
  EXPECT_EQ(storage.columns[1].comment, "who clicked");
  EXPECT_EQ(storage.serde_info.serialization_library, "org.openx.data.jsonserde.JsonSerDe");
  EXPECT_EQ(storage.serde_info.parameters.at("paths"), "event_id,url,user_id");
  EXPECT_EQ(storage.number_of_buckets, -1);
  ASSERT_EQ(clicks.input.partition_keys.size(), 1u);
  EXPECT_EQ(clicks.input.partition_keys[0].name, "dt");

  ASSERT_OK_AND_ASSIGN(Table sessions, catalog(kProducerAccount).get_table("raw", "sessions"));
  EXPECT_EQ(sessions.input.storage_descriptor->location, "s3://acme-raw/sessions/");
}

TEST_F(CatalogTest, ImportedTablesCanBePublished) {
  ASSERT_OK(catalog(kProducerAccount).import_tables("raw", kGetTablesOutput));
  ASSERT_OK_AND_ASSIGN(DataProduct product, producer().create_data_products("raw"));
  EXPECT_EQ(product.database_name, "raw-111111111111");
  ASSERT_OK_AND_ASSIGN(std::vector<DataProductTable> tables,
                       producer().get_data_product("raw-111111111111", "click.*"));
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].location, "s3://acme-raw/clickstream/");
}

TEST_F(CatalogTest, ImportTablesReplacesExistingTables) {
  ASSERT_OK(catalog(kProducerAccount).import_tables("raw", kGetTablesOutput));
  std::string moved = kGetTablesOutput;
  const std::string from = "s3://acme-raw/clickstream/";
  moved.replace(moved.find(from), from.size(), "s3://acme-raw/v2/clickstream/");
  ASSERT_OK(catalog(kProducerAccount).import_tables("raw", moved));
  ASSERT_OK_AND_ASSIGN(Table clicks, catalog(kProducerAccount).get_table("raw", "clickstream"));
  EXPECT_EQ(clicks.input.storage_descriptor->location, "s3://acme-raw/v2/clickstream/");
  EXPECT_EQ(clicks.version_id, 2);
  ASSERT_OK_AND_ASSIGN(TablePage tables, catalog(kProducerAccount).get_tables("raw"));
  EXPECT_EQ(tables.tables.size(), 2u);
}

TEST_F(CatalogTest, ImportTablesRejectsMalformedJsonAndChangesNothing) {
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS(catalog(kProducerAccount).import_tables("raw", R"({"TableList": [ {"Name": )"),
                StatusCode::kInvalidArgument, "JSON");
  EXPECT_STATUS_CODE(catalog(kProducerAccount).import_tables("raw", R"({"TableList": []})"),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).import_tables("raw", R"({"TableList": 5})"),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS(catalog(kProducerAccount).import_tables("raw", R"({"TableList": [{"Name": 12}]})"),
                StatusCode::kInvalidArgument, "Name");
  EXPECT_STATUS_CODE(catalog(kProducerAccount).import_tables("raw", R"("just text")"),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_database("raw"), StatusCode::kNotFound);
  EXPECT_EQ(audit_count().value_or(0), before);
}

TEST_F(CatalogTest, ImportTablesRejectsInvalidTableNameAndImportsNothing) {
  std::string bad = kGetTablesOutput;
  const std::string from = R"("Name": "sessions")";
  bad.replace(bad.find(from), from.size(), R"("Name": "Sessions Table")");
  EXPECT_STATUS_CODE(catalog(kProducerAccount).import_tables("raw", bad),
                     StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_table("raw", "clickstream"),
                     StatusCode::kNotFound);
}

}  // namespace
}  // namespace datamesh::test_support
