// Data products as parameters of their mesh database (store/aws/product_parameters.h), without
// a server: every field round-trips, a database whose product is not written yet is no
// product, and a mesh database the original library made reads as one, from its description
// or, once the original's set_default_db_permissions has dropped that, from its name.
#include "store/aws/product_parameters.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using ::testing::Pair;
using ::testing::UnorderedElementsAre;

ProductRow full_product() {
  return ProductRow{.mesh_database = "sales-111122223333",
                    .producer_account = "111122223333",
                    .source_database = "sales",
                    .table_name_regex = "^orders.*",
                    .domain = "Retail",
                    .data_product_name = "Orders",
                    .public_metadata = false,
                    .sync_schedule = "cron(0 */4 * * ? *)",
                    .crawler_role_arn = "arn:aws:iam::111122223333:role/Crawler",
                    .link_suffix = "_ref",
                    .creation_date = "2026-01-01 00:00:00",
                    .updated_date = "2026-01-02 00:00:00"};
}

std::string fields(const ProductRow& p) {
  return p.mesh_database + "|" + p.producer_account + "|" + p.source_database + "|" +
         p.table_name_regex + "|" + p.domain + "|" + p.data_product_name + "|" +
         (p.public_metadata ? "public" : "private") + "|" + p.sync_schedule + "|" +
         p.crawler_role_arn + "|" + p.link_suffix + "|" + p.creation_date + "|" + p.updated_date;
}

Database mesh_database(DatabaseInput input, std::string create_time = "2025-06-01 10:00:00") {
  return Database{.input = std::move(input),
                  .catalog_id = "999988887777",
                  .create_time = std::move(create_time)};
}

TEST(ProductParametersTest, EveryFieldRoundTrips) {
  Parameters parameters = product_parameters(full_product());
  EXPECT_EQ(parameters.at("datamesh:ProducerAccount"), "111122223333");
  EXPECT_EQ(parameters.at("datamesh:PublicMetadata"), "false");
  EXPECT_EQ(parameters.at("datamesh:Managed"), "true");
  parameters["own"] = "kept apart";
  ASSERT_OK_AND_ASSIGN(
      std::optional<ProductRow> read,
      product_of_database(mesh_database(
          {.name = "sales-111122223333", .description = "anything", .parameters = parameters})));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(fields(*read), fields(full_product()));
}

TEST(ProductParametersTest, EmptyFieldsRoundTripEmpty) {
  ProductRow product{.mesh_database = "m", .producer_account = "111122223333"};
  ASSERT_OK_AND_ASSIGN(
      std::optional<ProductRow> read,
      product_of_database(mesh_database({.name = "m", .parameters = product_parameters(product)})));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(fields(*read), fields(product));
}

TEST(ProductParametersTest, StoreParametersAreSeparatedFromTheDatabasesOwn) {
  const Parameters mixed = {{"datamesh:Managed", "true"}, {"own", "1"}, {"datamesh", "x"}};
  EXPECT_THAT(without_store_parameters(mixed),
              UnorderedElementsAre(Pair("own", "1"), Pair("datamesh", "x")));
  EXPECT_THAT(store_parameters_of(mixed), UnorderedElementsAre(Pair("datamesh:Managed", "true")));
}

TEST(ProductParametersTest, ADatabaseWrittenByDatameshWithoutItsProductIsNoProduct) {
  ASSERT_OK_AND_ASSIGN(
      std::optional<ProductRow> read,
      product_of_database(mesh_database(
          {.name = "sales-111122223333",
           .description = "Database to contain objects from Source Database 111122223333.sales",
           .parameters = {{"datamesh:Managed", "true"}}})));
  EXPECT_FALSE(read.has_value());
}

TEST(ProductParametersTest, TheOriginalsMeshDatabaseReadsFromItsDescription) {
  ASSERT_OK_AND_ASSIGN(
      std::optional<ProductRow> read,
      product_of_database(mesh_database(
          {.name = "exposed",  // expose_data_mesh_db_name: the name says nothing
           .description = "Database to contain objects from Source Database 111122223333.sales"})));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(fields(*read), fields(ProductRow{.mesh_database = "exposed",
                                             .producer_account = "111122223333",
                                             .source_database = "sales",
                                             .public_metadata = true,
                                             .link_suffix = "_link",
                                             .creation_date = "2025-06-01 10:00:00",
                                             .updated_date = "2025-06-01 10:00:00"}));
}

TEST(ProductParametersTest, TheOriginalsMeshDatabaseWithoutDescriptionReadsFromItsName) {
  ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> read,
                       product_of_database(mesh_database({.name = "sales-data-111122223333"})));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->producer_account, "111122223333");
  EXPECT_EQ(read->source_database, "sales-data");
  EXPECT_TRUE(read->public_metadata);
  EXPECT_EQ(read->link_suffix, "_link");
}

TEST(ProductParametersTest, OtherDatabasesAreNoProducts) {
  for (const DatabaseInput& input :
       {DatabaseInput{.name = "sales"}, DatabaseInput{.name = "sales-12345"},
        DatabaseInput{.name = "-111122223333"}, DatabaseInput{.name = "sales-11112222333x"},
        DatabaseInput{.name = "x",
        .description = "Database to contain objects from Source Database 1.sales"},
        DatabaseInput{.name = "sales-111122223333",
        .target_database = DatabaseIdentifier{.catalog_id = "999988887777",
                           .database_name = "sales-111122223333"}}}) {
    ASSERT_OK_AND_ASSIGN(std::optional<ProductRow> read, product_of_database(mesh_database(input)));
    EXPECT_FALSE(read.has_value()) << input.name;
  }
}

TEST(ProductParametersTest, AMalformedPublicMetadataIsRefusedNamingIt) {
  Parameters parameters = product_parameters(full_product());
  parameters["datamesh:PublicMetadata"] = "yes";
  EXPECT_STATUS(
      product_of_database(mesh_database({.name = "m", .parameters = parameters})).status(),
      absl::StatusCode::kInvalidArgument, "datamesh:PublicMetadata is \"yes\"");
}

}  // namespace
}  // namespace datamesh::store::aws
