// The AWS store's catalogs and products on Glue (store/aws/glue_catalog.h) against moto: the
// store port's promises (core/store.h, tests/store/store_conformance_test.cc) kept on Glue,
// each account's catalog through its own session, products kept in the mesh catalog and read
// from mesh databases the original library made, and partitions copied in batches of 100.
#include "store/aws/glue_catalog.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awsmode/moto_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using datamesh::aws::AwsClient;
using datamesh::aws::Service;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

class GlueCatalogTest : public datamesh::aws::testing::MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    producer_ = unique_account();
    mesh_client_ = moto_account_client(mesh_);
    producer_client_ = moto_account_client(producer_);
    ASSERT_NE(mesh_client_, nullptr);
    ASSERT_NE(producer_client_, nullptr);
    sessions_ = std::make_unique<AwsSessions>(
        "us-east-1", mesh_,
        std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>>{
            {mesh_, mesh_client_}, {producer_, producer_client_}});
    catalog_ = std::make_unique<GlueCatalog>(*sessions_);
  }

  static Database database(const std::string& catalog_id, const std::string& name) {
    return Database{.input = {.name = name,
                              .description = "the " + name + " database",
                              .location_uri = "s3://bucket/" + name,
                              .parameters = {{"owner", "team-" + name}}},
                    .catalog_id = catalog_id};
  }

  static Table table(const std::string& catalog_id, const std::string& database_name,
                     const std::string& name) {
    StorageDescriptor sd;
    sd.columns = {Column{.name = "id", .type = "bigint"}, Column{.name = "day", .type = "date"}};
    sd.location = "s3://bucket/" + database_name + "/" + name + "/";
    sd.serde_info.serialization_library = "org.apache.hadoop.hive.serde2.OpenCSVSerde";
    return Table{.input = {.name = name,
                           .description = "the " + name + " table",
                           .owner = catalog_id,
                           .storage_descriptor = sd,
                           .partition_keys = {Column{.name = "region", .type = "string"}},
                           .table_type = "EXTERNAL_TABLE",
                           .parameters = {{"classification", "csv"}}},
                 .database_name = database_name,
                 .catalog_id = catalog_id};
  }

  json glue(const AwsClient& client, std::string_view operation, const json& request) {
    absl::StatusOr<json> answer = client.call(Service::kGlue, operation, request);
    EXPECT_TRUE(answer.ok()) << operation << ": " << answer.status();
    return answer.ok() ? *answer : json();
  }

  // Every partition Glue holds for a table, by its first value.
  std::map<std::string, std::string> partition_locations(const AwsClient& client,
                                                         const std::string& database_name,
                                                         const std::string& table_name) {
    std::map<std::string, std::string> locations;
    json request = {{"DatabaseName", database_name}, {"TableName", table_name}};
    while (true) {
      json page = glue(client, "GetPartitions", request);
      for (const json& partition : page.value("Partitions", json::array())) {
        locations[partition["Values"][0]] = partition["StorageDescriptor"]["Location"];
      }
      if (!page.contains("NextToken")) break;
      request["NextToken"] = page["NextToken"];
    }
    return locations;
  }

  std::string mesh_;
  std::string producer_;
  std::shared_ptr<const AwsClient> mesh_client_;
  std::shared_ptr<const AwsClient> producer_client_;
  std::unique_ptr<AwsSessions> sessions_;
  std::unique_ptr<GlueCatalog> catalog_;
};

std::string product_fields(const ProductRow& p) {
  return p.mesh_database + "|" + p.producer_account + "|" + p.source_database + "|" +
         p.table_name_regex + "|" + p.domain + "|" + p.data_product_name + "|" +
         (p.public_metadata ? "public" : "private") + "|" + p.sync_schedule + "|" +
         p.crawler_role_arn + "|" + p.link_suffix + "|" + p.creation_date + "|" + p.updated_date;
}

// Databases -------------------------------------------------------------------------------------

TEST_F(GlueCatalogTest, ADatabaseRoundTripsAndIsReplaced) {
  Database sales = database(producer_, unique_name("sales"));
  ASSERT_OK(catalog_->put_database(sales));
  ASSERT_OK_AND_ASSIGN(std::optional<Database> got,
                       catalog_->get_database(producer_, sales.input.name));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->input, sales.input);
  EXPECT_EQ(got->catalog_id, producer_);
  EXPECT_FALSE(got->create_time.empty());

  sales.input.description = "changed";
  sales.input.parameters = {{"other", "x"}};
  ASSERT_OK(catalog_->put_database(sales));
  ASSERT_OK(catalog_->put_database(sales));  // idempotent
  ASSERT_OK_AND_ASSIGN(got, catalog_->get_database(producer_, sales.input.name));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->input, sales.input);
}

TEST_F(GlueCatalogTest, ADatabaseResourceLinkRoundTrips) {
  const std::string name = unique_name("link");
  Database link{
      .input = {.name = name,
                .target_database = DatabaseIdentifier{.catalog_id = mesh_, .database_name = name}},
      .catalog_id = producer_};
  ASSERT_OK(catalog_->put_database(link));
  ASSERT_OK_AND_ASSIGN(std::optional<Database> got, catalog_->get_database(producer_, name));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->input, link.input);

  // Reading a table through the link answers the target's, as Glue follows resource links.
  ASSERT_OK(catalog_->put_database(database(mesh_, name)));
  ASSERT_OK(catalog_->put_table(table(mesh_, name, "orders")));
  ASSERT_OK_AND_ASSIGN(std::optional<Table> through,
                       catalog_->get_table(producer_, name, "orders"));
  ASSERT_TRUE(through.has_value());
  EXPECT_EQ(through->catalog_id, mesh_);
  EXPECT_EQ(through->input, table(mesh_, name, "orders").input);
}

TEST_F(GlueCatalogTest, MissingDatabasesAndTablesAreNotThere) {
  const std::string name = unique_name("missing");
  ASSERT_OK_AND_ASSIGN(std::optional<Database> absent, catalog_->get_database(producer_, name));
  EXPECT_FALSE(absent.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<Table> in_missing,
                       catalog_->get_table(producer_, name, "orders"));
  EXPECT_FALSE(in_missing.has_value());
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  ASSERT_OK_AND_ASSIGN(std::optional<Table> missing, catalog_->get_table(producer_, name, "nope"));
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<Table> none,
                       catalog_->list_tables(producer_, unique_name("nodb"), Page{}));
  EXPECT_THAT(none, IsEmpty());
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> no_names,
                       catalog_->list_table_names(producer_, unique_name("nodb")));
  EXPECT_THAT(no_names, IsEmpty());
  ASSERT_OK_AND_ASSIGN(no_names,
                       catalog_->list_table_names_page(producer_, unique_name("nodb"), Page{}));
  EXPECT_THAT(no_names, IsEmpty());
  EXPECT_STATUS(catalog_->put_table(table(producer_, unique_name("nodb"), "orders")),
                absl::StatusCode::kNotFound, "EntityNotFoundException");
}

TEST_F(GlueCatalogTest, DeleteDatabaseDeletesItsTablesAndAnythingGoneIsOk) {
  const std::string name = unique_name("deleted");
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  ASSERT_OK(catalog_->put_table(table(producer_, name, "orders")));
  ASSERT_OK(catalog_->delete_table(producer_, name, "nope"));
  ASSERT_OK(catalog_->delete_database(producer_, name));
  ASSERT_OK(catalog_->delete_database(producer_, name));
  ASSERT_OK(catalog_->delete_table(producer_, name, "orders"));
  ASSERT_OK_AND_ASSIGN(std::optional<Database> gone, catalog_->get_database(producer_, name));
  EXPECT_FALSE(gone.has_value());
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, catalog_->list_table_names(producer_, name));
  EXPECT_THAT(names, IsEmpty());
}

TEST_F(GlueCatalogTest, ListDatabasesPagesByNameWithinOneCatalog) {
  for (const char* name : {"g", "c", "a", "e", "b", "f", "d"}) {
    ASSERT_OK(catalog_->put_database(database(producer_, name)));
  }
  ASSERT_OK(catalog_->put_database(database(mesh_, "a0")));  // another catalog: never listed
  std::vector<std::string> listed;
  std::string after;
  int pages = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(std::vector<Database> page,
                         catalog_->list_databases(producer_, Page{.after = after, .limit = 3}));
    if (page.empty()) break;
    ++pages;
    for (const Database& d : page) listed.push_back(d.input.name);
    after = page.back().input.name;
    if (page.size() < 3) break;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(listed, ElementsAre("a", "b", "c", "d", "e", "f", "g"));
}

// Tables ----------------------------------------------------------------------------------------

TEST_F(GlueCatalogTest, ATableRoundTripsAndIsReplaced) {
  const std::string name = unique_name("tables");
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  Table orders = table(producer_, name, "orders");
  ASSERT_OK(catalog_->put_table(orders));
  ASSERT_OK_AND_ASSIGN(std::optional<Table> got, catalog_->get_table(producer_, name, "orders"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->input, orders.input);
  EXPECT_EQ(got->database_name, name);
  EXPECT_EQ(got->catalog_id, producer_);
  EXPECT_FALSE(got->create_time.empty());

  orders.input.description = "changed";
  orders.input.storage_descriptor->columns.push_back(Column{.name = "amount", .type = "double"});
  ASSERT_OK(catalog_->put_table(orders));
  ASSERT_OK(catalog_->put_table(orders));  // idempotent
  ASSERT_OK_AND_ASSIGN(got, catalog_->get_table(producer_, name, "orders"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->input, orders.input);
  EXPECT_GT(got->version_id, 1);
}

TEST_F(GlueCatalogTest, ATableResourceLinkRoundTrips) {
  const std::string name = unique_name("links");
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  Table link{
      .input = {.name = "orders_link",
                .target_table =
                    TableIdentifier{.catalog_id = mesh_, .database_name = name, .name = "orders"}},
      .database_name = name,
      .catalog_id = producer_};
  ASSERT_OK(catalog_->put_table(link));
  ASSERT_OK_AND_ASSIGN(std::optional<Table> got,
                       catalog_->get_table(producer_, name, "orders_link"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->input, link.input);
}

TEST_F(GlueCatalogTest, TablesListByNameAcrossGluePages) {
  // 105 tables: more than one page of GetTables (100 at most).
  const std::string name = unique_name("many");
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  std::vector<std::string> names;
  for (int i = 104; i >= 0; --i) {
    char table_name[16];
    std::snprintf(table_name, sizeof(table_name), "t%03d", i);
    names.push_back(table_name);
    ASSERT_OK(catalog_->put_table(table(producer_, name, table_name)));
  }
  std::ranges::sort(names);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> all, catalog_->list_table_names(producer_, name));
  EXPECT_THAT(all, ElementsAreArray(names));

  std::vector<std::string> listed;
  std::vector<std::string> paged_names;
  std::string after;
  int pages = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(std::vector<Table> page,
                         catalog_->list_tables(producer_, name, Page{.after = after, .limit = 40}));
    ASSERT_OK_AND_ASSIGN(
        std::vector<std::string> name_page,
        catalog_->list_table_names_page(producer_, name, Page{.after = after, .limit = 40}));
    if (page.empty()) break;
    ++pages;
    for (const Table& t : page) {
      listed.push_back(t.input.name);
      EXPECT_EQ(t.input.storage_descriptor,
                table(producer_, name, t.input.name).input.storage_descriptor);
    }
    paged_names.insert(paged_names.end(), name_page.begin(), name_page.end());
    after = page.back().input.name;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(listed, ElementsAreArray(names));
  EXPECT_THAT(paged_names, ElementsAreArray(names));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> tail,
                       catalog_->list_table_names_page(producer_, name, Page{.after = "t102"}));
  EXPECT_THAT(tail, ElementsAre("t103", "t104"));
}

// Errors ----------------------------------------------------------------------------------------

TEST_F(GlueCatalogTest, ACatalogOfAnAccountWithoutSessionIsPermissionDenied) {
  const std::string stranger = unique_account();
  const std::string name = unique_name("stranger");
  EXPECT_STATUS(catalog_->get_database(stranger, name).status(),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->put_database(database(stranger, name)),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->delete_database(stranger, name), absl::StatusCode::kPermissionDenied,
                stranger);
  EXPECT_STATUS(catalog_->list_databases(stranger, Page{}).status(),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->get_table(stranger, name, "t").status(),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->put_table(table(stranger, name, "t")),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->delete_table(stranger, name, "t"), absl::StatusCode::kPermissionDenied,
                stranger);
  EXPECT_STATUS(catalog_->list_tables(stranger, name, Page{}).status(),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->list_table_names(stranger, name).status(),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->list_table_names_page(stranger, name, Page{}).status(),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->copy_partitions({stranger, name, "t"}, {producer_, name, "t"}),
                absl::StatusCode::kPermissionDenied, stranger);
  EXPECT_STATUS(catalog_->copy_partitions({producer_, name, "t"}, {stranger, name, "t"}),
                absl::StatusCode::kPermissionDenied, stranger);
}

TEST_F(GlueCatalogTest, ProductsNeedTheMeshSession) {
  AwsSessions producer_only("us-east-1", mesh_,
                            std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>>{
                                {producer_, producer_client_}});
  GlueCatalog catalog(producer_only);
  EXPECT_STATUS(catalog.get_product("m").status(), absl::StatusCode::kPermissionDenied, mesh_);
  EXPECT_STATUS(catalog.put_product(ProductRow{.mesh_database = "m"}),
                absl::StatusCode::kPermissionDenied, mesh_);
  EXPECT_STATUS(catalog.list_products({}, Page{}).status(), absl::StatusCode::kPermissionDenied,
                mesh_);
}

TEST_F(GlueCatalogTest, APageLimitBelowOneIsRefused) {
  const Page zero{.limit = 0};
  EXPECT_STATUS(catalog_->list_databases(producer_, zero).status(),
                absl::StatusCode::kInvalidArgument, "page limit");
  EXPECT_STATUS(catalog_->list_tables(producer_, "d", zero).status(),
                absl::StatusCode::kInvalidArgument, "page limit");
  EXPECT_STATUS(catalog_->list_table_names_page(producer_, "d", zero).status(),
                absl::StatusCode::kInvalidArgument, "page limit");
  EXPECT_STATUS(catalog_->list_products({}, zero).status(), absl::StatusCode::kInvalidArgument,
                "page limit");
}

TEST_F(GlueCatalogTest, TheStoresParameterKeysAreRefusedInADatabase) {
  Database sneaky = database(mesh_, unique_name("sneaky"));
  sneaky.input.parameters["datamesh:ProducerAccount"] = producer_;
  EXPECT_STATUS(catalog_->put_database(sneaky), absl::StatusCode::kInvalidArgument,
                "datamesh:ProducerAccount");
  ASSERT_OK_AND_ASSIGN(std::optional<Database> none,
                       catalog_->get_database(mesh_, sneaky.input.name));
  EXPECT_FALSE(none.has_value());
}

// Products --------------------------------------------------------------------------------------

TEST_F(GlueCatalogTest, AProductIsWrittenIntoItsMeshDatabaseAndReadBack) {
  const std::string name = unique_name("sales") + "-" + producer_;
  ProductRow product{.mesh_database = name,
                     .producer_account = producer_,
                     .source_database = "sales",
                     .table_name_regex = "^o.*",
                     .domain = "Retail",
                     .data_product_name = "Orders",
                     .public_metadata = false,
                     .sync_schedule = "cron(0 */4 * * ? *)",
                     .crawler_role_arn = "arn:aws:iam::" + producer_ + ":role/Crawler",
                     .link_suffix = "_link",
                     .creation_date = "2026-01-01 00:00:00",
                     .updated_date = "2026-01-01 00:00:00"};
  EXPECT_STATUS(catalog_->put_product(product), absl::StatusCode::kFailedPrecondition,
                "mesh database is not in the mesh catalog");

  Database mesh_database = database(mesh_, name);
  ASSERT_OK(catalog_->put_database(mesh_database));
  ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> before, catalog_->get_product(name));
  EXPECT_FALSE(before.has_value()) << "a database without its product is not published";

  ASSERT_OK(catalog_->put_product(product));
  ASSERT_OK(catalog_->put_product(product));  // idempotent
  ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> got, catalog_->get_product(name));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(product_fields(*got), product_fields(product));

  // The database reads as it was put, and putting it again keeps the product.
  ASSERT_OK_AND_ASSIGN(std::optional<Database> read, catalog_->get_database(mesh_, name));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->input, mesh_database.input);
  mesh_database.input.description = "changed";
  ASSERT_OK(catalog_->put_database(mesh_database));
  ASSERT_OK_AND_ASSIGN(got, catalog_->get_product(name));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(product_fields(*got), product_fields(product));

  // Replacing the product replaces every field, and keeps the database's own parameters.
  product.domain = "";
  product.public_metadata = true;
  product.updated_date = "2026-02-01 00:00:00";
  ASSERT_OK(catalog_->put_product(product));
  ASSERT_OK_AND_ASSIGN(got, catalog_->get_product(name));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(product_fields(*got), product_fields(product));
  ASSERT_OK_AND_ASSIGN(read, catalog_->get_database(mesh_, name));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->input, mesh_database.input);

  ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> missing,
                       catalog_->get_product(unique_name("nothing")));
  EXPECT_FALSE(missing.has_value());
}

TEST_F(GlueCatalogTest, ProductsListByMeshDatabaseFilteredAndPaged) {
  const std::string other_producer = unique_account();
  struct Made {
    std::string name, producer, domain;
    bool public_metadata;
  };
  const std::vector<Made> made = {{"p-e", producer_, "Retail", true},
                                  {"p-a", producer_, "Retail", false},
                                  {"p-c", other_producer, "Retail", true},
                                  {"p-b", producer_, "Finance", true},
                                  {"p-d", other_producer, "Finance", true}};
  for (const Made& m : made) {
    ASSERT_OK(catalog_->put_database(database(mesh_, m.name)));
    ASSERT_OK(catalog_->put_product(ProductRow{.mesh_database = m.name,
                                               .producer_account = m.producer,
                                               .source_database = "src",
                                               .domain = m.domain,
                                               .public_metadata = m.public_metadata}));
  }
  ASSERT_OK(catalog_->put_database(database(mesh_, "not-a-product")));

  const auto names = [&](const ProductFilter& filter, const Page& page) {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<ProductRow>> products = catalog_->list_products(filter, page);
    EXPECT_TRUE(products.ok()) << products.status();
    if (products.ok()) {
      for (const ProductRow& p : *products) out.push_back(p.mesh_database);
    }
    return out;
  };
  EXPECT_THAT(names({}, Page{}), ElementsAre("p-a", "p-b", "p-c", "p-d", "p-e"));
  EXPECT_THAT(names({}, Page{.after = "p-a", .limit = 2}), ElementsAre("p-b", "p-c"));
  EXPECT_THAT(names({.producer_account = producer_}, Page{}), ElementsAre("p-a", "p-b", "p-e"));
  EXPECT_THAT(names({.domain = "Retail"}, Page{}), ElementsAre("p-a", "p-c", "p-e"));
  EXPECT_THAT(names({.domain = "Retail", .public_metadata_only = true}, Page{}),
              ElementsAre("p-c", "p-e"));
  EXPECT_THAT(names({.producer_account = other_producer, .domain = "Finance"}, Page{}),
              ElementsAre("p-d"));
}

TEST_F(GlueCatalogTest, MeshDatabasesTheOriginalMadeReadAsProducts) {
  // As the original's create_data_products makes them (reference §2.5): CreateDatabase with its
  // description, then set_default_db_permissions' UpdateDatabase, which drops the description.
  const std::string source = unique_name("orig");
  const std::string by_name = source + "-" + producer_;
  glue(*mesh_client_, "CreateDatabase",
       {{"DatabaseInput",
         {{"Name", by_name},
          {"Description",
           "Database to contain objects from Source Database " + producer_ + "." + source}}}});
  glue(*mesh_client_, "UpdateDatabase",
       {{"CatalogId", mesh_},
        {"Name", by_name},
        {"DatabaseInput", {{"Name", by_name}, {"CreateTableDefaultPermissions", json::array()}}}});
  // expose_data_mesh_db_name, its description kept.
  const std::string exposed = unique_name("exposed");
  glue(*mesh_client_, "CreateDatabase",
       {{"DatabaseInput",
         {{"Name", exposed},
          {"Description",
           "Database to contain objects from Source Database " + producer_ + ".shop"}}}});

  ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> from_name, catalog_->get_product(by_name));
  ASSERT_TRUE(from_name.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<Database> made, catalog_->get_database(mesh_, by_name));
  ASSERT_TRUE(made.has_value());
  EXPECT_EQ(product_fields(*from_name),
            product_fields(ProductRow{.mesh_database = by_name,
                                      .producer_account = producer_,
                                      .source_database = source,
                                      .public_metadata = true,
                                      .link_suffix = "_link",
                                      .creation_date = made->create_time,
                                      .updated_date = made->create_time}));
  ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> from_description, catalog_->get_product(exposed));
  ASSERT_TRUE(from_description.has_value());
  EXPECT_EQ(from_description->producer_account, producer_);
  EXPECT_EQ(from_description->source_database, "shop");

  ASSERT_OK_AND_ASSIGN(std::vector<ProductRow> listed,
                       catalog_->list_products({.producer_account = producer_}, Page{}));
  std::vector<std::string> listed_names;
  for (const ProductRow& p : listed) listed_names.push_back(p.mesh_database);
  EXPECT_THAT(listed_names, ::testing::UnorderedElementsAre(by_name, exposed));

  // datamesh writing the database keeps it a product, and keeps the original's
  // CreateTableDefaultPermissions.
  ASSERT_OK(catalog_->put_database(
      Database{.input = {.name = by_name, .description = "taken over"}, .catalog_id = mesh_}));
  ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> kept, catalog_->get_product(by_name));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(product_fields(*kept), product_fields(*from_name));
  const json raw = glue(*mesh_client_, "GetDatabase", {{"Name", by_name}});
  EXPECT_EQ(raw["Database"]["CreateTableDefaultPermissions"], json::array());
  EXPECT_EQ(raw["Database"]["Description"], "taken over");
}

// Partitions ------------------------------------------------------------------------------------

TEST_F(GlueCatalogTest, PartitionsAreCopiedInBatchesAndACopyAgainConverges) {
  // 1001 partitions: two pages of GetPartitions (1000 at most) and eleven batches of 100.
  const std::string name = unique_name("parts");
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  ASSERT_OK(catalog_->put_table(table(producer_, name, "orders")));
  ASSERT_OK(catalog_->put_database(database(mesh_, name)));
  ASSERT_OK(catalog_->put_table(table(mesh_, name, "orders")));
  constexpr int kPartitions = 1001;
  const auto location = [&](int i, const std::string& version) {
    return "s3://bucket/" + name + "/orders/region=r" + std::to_string(i) + "/" + version;
  };
  for (int start = 0; start < kPartitions; start += 100) {
    json inputs = json::array();
    for (int i = start; i < std::min(kPartitions, start + 100); ++i) {
      inputs.push_back({{"Values", {"r" + std::to_string(i)}},
                        {"StorageDescriptor", {{"Location", location(i, "v1")}}},
                        {"Parameters", {{"n", std::to_string(i)}}}});
    }
    json answer =
        glue(*producer_client_, "BatchCreatePartition",
             {{"DatabaseName", name}, {"TableName", "orders"}, {"PartitionInputList", inputs}});
    ASSERT_FALSE(answer.contains("Errors") && !answer["Errors"].empty()) << answer.dump();
  }
  const TableIdentifier source{producer_, name, "orders"};
  const TableIdentifier target{mesh_, name, "orders"};
  ASSERT_OK(catalog_->copy_partitions(source, target));
  std::map<std::string, std::string> copied = partition_locations(*mesh_client_, name, "orders");
  EXPECT_EQ(copied, partition_locations(*producer_client_, name, "orders"));
  EXPECT_EQ(copied.size(), static_cast<size_t>(kPartitions));

  // The source changes; copying again updates what the target has.
  glue(*producer_client_, "UpdatePartition",
       {{"DatabaseName", name},
        {"TableName", "orders"},
        {"PartitionValueList", {"r7"}},
        {"PartitionInput",
         {{"Values", {"r7"}}, {"StorageDescriptor", {{"Location", location(7, "v2")}}}}}});
  ASSERT_OK(catalog_->copy_partitions(source, target));
  copied = partition_locations(*mesh_client_, name, "orders");
  EXPECT_EQ(copied.at("r7"), location(7, "v2"));
  EXPECT_EQ(copied.size(), static_cast<size_t>(kPartitions));

  // Partitions deleted at the source (30: two batches of BatchDeletePartition) go from the
  // target too.
  json deleted = json::array();
  for (int i = 0; i < 30; ++i) deleted.push_back({{"Values", {"r" + std::to_string(i)}}});
  const json answer =
      glue(*producer_client_, "BatchDeletePartition",
           {{"DatabaseName", name}, {"TableName", "orders"}, {"PartitionsToDelete", deleted}});
  ASSERT_FALSE(answer.contains("Errors") && !answer["Errors"].empty()) << answer.dump();
  ASSERT_OK(catalog_->copy_partitions(source, target));
  copied = partition_locations(*mesh_client_, name, "orders");
  EXPECT_EQ(copied, partition_locations(*producer_client_, name, "orders"));
  EXPECT_EQ(copied.size(), static_cast<size_t>(kPartitions - 30));
  EXPECT_FALSE(copied.contains("r0"));
}

TEST_F(GlueCatalogTest, CopyingPartitionsOfOrIntoAMissingTableIsNotFound) {
  const std::string name = unique_name("noparts");
  ASSERT_OK(catalog_->put_database(database(producer_, name)));
  ASSERT_OK(catalog_->put_table(table(producer_, name, "orders")));
  glue(*producer_client_, "CreatePartition",
       {{"DatabaseName", name}, {"TableName", "orders"}, {"PartitionInput", {{"Values", {"r1"}}}}});
  EXPECT_STATUS(catalog_->copy_partitions({producer_, name, "nope"}, {mesh_, name, "orders"}),
                absl::StatusCode::kNotFound, "EntityNotFoundException");
  EXPECT_STATUS(catalog_->copy_partitions({producer_, name, "orders"}, {mesh_, name, "orders"}),
                absl::StatusCode::kNotFound, "EntityNotFoundException");
  // A source without partitions leaves none in the target.
  ASSERT_OK(catalog_->put_table(table(producer_, name, "empty")));
  ASSERT_OK(catalog_->put_database(database(mesh_, name)));
  ASSERT_OK(catalog_->put_table(table(mesh_, name, "orders")));
  const auto mesh_partitions = [&] {
    return glue(*mesh_client_, "GetPartitions", {{"DatabaseName", name}, {"TableName", "orders"}})
        .value("Partitions", json::array())
        .size();
  };
  ASSERT_OK(catalog_->copy_partitions({producer_, name, "orders"}, {mesh_, name, "orders"}));
  EXPECT_EQ(mesh_partitions(), 1u);
  EXPECT_OK(catalog_->copy_partitions({producer_, name, "empty"}, {mesh_, name, "orders"}));
  EXPECT_EQ(mesh_partitions(), 0u);
}

// Crawlers --------------------------------------------------------------------------------------

TEST_F(GlueCatalogTest, AProductsCrawlersAreMadeInTheProducerAccountAndKeptUpToDate) {
  const std::string name = unique_name("crawled") + "-" + producer_;
  ProductRow product{.mesh_database = name,
                     .producer_account = producer_,
                     .source_database = "sales",
                     .sync_schedule = "cron(0 1 * * ? *)",
                     .crawler_role_arn = "arn:aws:iam::" + producer_ + ":role/Crawler"};
  const std::vector<GlueCatalog::CrawledTable> tables = {{"orders", "s3://bucket/orders/"},
                                                         {"customers", "s3://bucket/customers/"}};
  ASSERT_OK(catalog_->ensure_crawlers(product, tables));
  ASSERT_OK(catalog_->ensure_crawlers(product, tables));  // idempotent: nothing changes
  json orders = glue(*producer_client_, "GetCrawler", {{"Name", name + "-orders"}})["Crawler"];
  EXPECT_EQ(orders["Role"], product.crawler_role_arn);
  EXPECT_EQ(orders["DatabaseName"], name);
  EXPECT_EQ(orders["Targets"]["S3Targets"][0]["Path"], "s3://bucket/orders/");
  EXPECT_EQ(orders["Schedule"]["ScheduleExpression"], "cron(0 1 * * ? *)");
  EXPECT_EQ(orders["Version"], 1);
  json customers =
      glue(*producer_client_, "GetCrawler", {{"Name", name + "-customers"}})["Crawler"];
  EXPECT_EQ(customers["Targets"]["S3Targets"][0]["Path"], "s3://bucket/customers/");
  const json tags = glue(
      *producer_client_, "GetTags",
      {{"ResourceArn", "arn:aws:glue:us-east-1:" + producer_ + ":crawler/" + name + "-orders"}});
  EXPECT_EQ(tags["Tags"], json({{"Solution", "DataMeshUtils"}}));
  absl::StatusOr<json> in_mesh =
      mesh_client_->call(Service::kGlue, "GetCrawler", {{"Name", name + "-orders"}});
  EXPECT_STATUS(in_mesh.status(), absl::StatusCode::kNotFound, "EntityNotFoundException");

  // A new schedule reaches the crawler.
  product.sync_schedule = "cron(30 2 * * ? *)";
  ASSERT_OK(catalog_->ensure_crawlers(product, tables));
  orders = glue(*producer_client_, "GetCrawler", {{"Name", name + "-orders"}})["Crawler"];
  EXPECT_EQ(orders["Schedule"]["ScheduleExpression"], "cron(30 2 * * ? *)");
  EXPECT_EQ(orders["Version"], 2);

  // A crawler that must change while it runs is Glue's error.
  glue(*producer_client_, "StartCrawler", {{"Name", name + "-orders"}});
  product.sync_schedule = "cron(45 3 * * ? *)";
  const absl::Status running = catalog_->ensure_crawlers(product, tables);
  EXPECT_FALSE(running.ok());
  EXPECT_THAT(running.message(), ::testing::HasSubstr("CrawlerRunningException"));
}

TEST_F(GlueCatalogTest, AProductWithoutCrawlerRoleGetsNoCrawler) {
  const std::string name = unique_name("uncrawled");
  ASSERT_OK(catalog_->ensure_crawlers(
      ProductRow{.mesh_database = name, .producer_account = producer_, .sync_schedule = "x"},
      {{"orders", "s3://bucket/orders/"}}));
  absl::StatusOr<json> none =
      producer_client_->call(Service::kGlue, "GetCrawler", {{"Name", name + "-orders"}});
  EXPECT_STATUS(none.status(), absl::StatusCode::kNotFound, "EntityNotFoundException");
}

TEST_F(GlueCatalogTest, ACrawlerOfAProducerWithoutSessionIsPermissionDenied) {
  const std::string stranger = unique_account();
  EXPECT_STATUS(catalog_->ensure_crawlers(
                    ProductRow{.mesh_database = "m",
                               .producer_account = stranger,
                               .crawler_role_arn = "arn:aws:iam::" + stranger + ":role/Crawler"},
                    {{"orders", "s3://bucket/orders/"}}),
                absl::StatusCode::kPermissionDenied, stranger);
}

}  // namespace
}  // namespace datamesh::store::aws
