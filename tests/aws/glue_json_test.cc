// Glue's JSON for databases and tables (store/aws/glue_json.h), without a server: the request
// shapes carry the member names of botocore's Glue model, answers read back into the values
// that were written, resource links included, and malformed answers are refused naming the
// member.
#include "store/aws/glue_json.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using nlohmann::json;

TableInput full_table_input() {
  StorageDescriptor sd;
  sd.columns = {
      Column{.name = "id", .type = "bigint", .comment = "key", .parameters = {{"a", "b"}}},
      Column{.name = "amount", .type = "double"}};
  sd.location = "s3://bucket/orders/";
  sd.input_format = "org.apache.hadoop.mapred.TextInputFormat";
  sd.output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
  sd.compressed = true;
  sd.number_of_buckets = 4;
  sd.serde_info = SerDeInfo{.name = "csv",
                            .serialization_library = "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                            .parameters = {{"separatorChar", ","}}};
  sd.bucket_columns = {"id"};
  sd.sort_columns = {SortColumn{.column = "id", .sort_order = 0},
                     SortColumn{.column = "amount", .sort_order = 1}};
  sd.parameters = {{"classification", "csv"}};
  sd.stored_as_sub_directories = true;
  TableInput input;
  input.name = "orders";
  input.description = "every order";
  input.owner = "111122223333";
  input.retention = 7;
  input.storage_descriptor = sd;
  input.partition_keys = {Column{.name = "day", .type = "string"}};
  input.view_original_text = "select 1";
  input.view_expanded_text = "select 1 as x";
  input.table_type = "EXTERNAL_TABLE";
  input.parameters = {{"EXTERNAL", "TRUE"}};
  return input;
}

TEST(GlueJsonTest, TableInputHasTheModelsMemberNames) {
  const json input = table_input_json(full_table_input());
  EXPECT_EQ(input["Name"], "orders");
  EXPECT_EQ(input["Description"], "every order");
  EXPECT_EQ(input["Owner"], "111122223333");
  EXPECT_EQ(input["Retention"], 7);
  EXPECT_EQ(input["TableType"], "EXTERNAL_TABLE");
  EXPECT_EQ(input["ViewOriginalText"], "select 1");
  EXPECT_EQ(input["ViewExpandedText"], "select 1 as x");
  EXPECT_EQ(input["Parameters"], json({{"EXTERNAL", "TRUE"}}));
  EXPECT_EQ(input["PartitionKeys"], json::parse(R"([{"Name":"day","Type":"string"}])"));
  const json& sd = input["StorageDescriptor"];
  EXPECT_EQ(sd["Columns"][0],
            json::parse(R"({"Name":"id","Type":"bigint","Comment":"key","Parameters":{"a":"b"}})"));
  EXPECT_EQ(sd["Location"], "s3://bucket/orders/");
  EXPECT_EQ(sd["Compressed"], true);
  EXPECT_EQ(sd["NumberOfBuckets"], 4);
  EXPECT_EQ(sd["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.serde2.OpenCSVSerde");
  EXPECT_EQ(sd["BucketColumns"], json({"id"}));
  // SortOrder is required by the model, so 0 (descending) is written too.
  EXPECT_EQ(sd["SortColumns"],
            json::parse(R"([{"Column":"id","SortOrder":0},{"Column":"amount","SortOrder":1}])"));
  EXPECT_EQ(sd["StoredAsSubDirectories"], true);
  EXPECT_FALSE(input.contains("TargetTable"));
}

TEST(GlueJsonTest, EmptyMembersAreLeftOutButAPresentStorageDescriptorIsWritten) {
  TableInput input;
  input.name = "bare";
  EXPECT_EQ(table_input_json(input), json({{"Name", "bare"}}));
  input.storage_descriptor = StorageDescriptor{};
  EXPECT_EQ(table_input_json(input),
            json({{"Name", "bare"}, {"StorageDescriptor", json::object()}}));
}

TEST(GlueJsonTest, ATableReadsBackAsItWasWritten) {
  json answer = table_input_json(full_table_input());
  answer["DatabaseName"] = "sales";
  answer["CatalogId"] = "111122223333";
  answer["CreateTime"] = 1767225600.25;  // 2026-01-01 00:00:00.25 UTC
  answer["UpdateTime"] = 1767229200;
  answer["CreatedBy"] = "arn:aws:iam::111122223333:role/x";
  answer["VersionId"] = "3";
  answer["IsRegisteredWithLakeFormation"] = false;  // members the store does not keep
  ASSERT_OK_AND_ASSIGN(Table table, table_from_json(answer));
  EXPECT_EQ(table.input, full_table_input());
  EXPECT_EQ(table.database_name, "sales");
  EXPECT_EQ(table.catalog_id, "111122223333");
  EXPECT_EQ(table.create_time, "2026-01-01 00:00:00");
  EXPECT_EQ(table.update_time, "2026-01-01 01:00:00");
  EXPECT_EQ(table.created_by, "arn:aws:iam::111122223333:role/x");
  EXPECT_EQ(table.version_id, 3);
}

TEST(GlueJsonTest, ATableResourceLinkNamesItsTarget) {
  TableInput link;
  link.name = "orders_link";
  link.target_table =
      TableIdentifier{.catalog_id = "444455556666", .database_name = "sales-1", .name = "orders"};
  const json input = table_input_json(link);
  EXPECT_EQ(input, json::parse(R"({"Name":"orders_link","TargetTable":
      {"CatalogId":"444455556666","DatabaseName":"sales-1","Name":"orders"}})"));
  ASSERT_OK_AND_ASSIGN(Table table, table_from_json(input));
  EXPECT_EQ(table.input, link);
  EXPECT_FALSE(table.input.storage_descriptor.has_value());
}

TEST(GlueJsonTest, ADatabaseAndADatabaseResourceLinkReadBack) {
  DatabaseInput database{.name = "sales",
                         .description = "Sales",
                         .location_uri = "s3://bucket/sales",
                         .parameters = {{"k", "v"}}};
  EXPECT_EQ(database_input_json(database),
            json::parse(R"({"Name":"sales","Description":"Sales","LocationUri":"s3://bucket/sales",
                            "Parameters":{"k":"v"}})"));
  json answer = database_input_json(database);
  answer["CatalogId"] = "111122223333";
  answer["CreateTime"] = 0;
  answer["CreateTableDefaultPermissions"] = json::array();
  ASSERT_OK_AND_ASSIGN(Database read, database_from_json(answer));
  EXPECT_EQ(read.input, database);
  EXPECT_EQ(read.catalog_id, "111122223333");
  EXPECT_EQ(read.create_time, "1970-01-01 00:00:00");

  DatabaseInput link{.name = "sales-1",
                     .target_database = DatabaseIdentifier{.catalog_id = "444455556666",
                                                           .database_name = "sales-1"}};
  EXPECT_EQ(database_input_json(link), json::parse(R"({"Name":"sales-1","TargetDatabase":
                {"CatalogId":"444455556666","DatabaseName":"sales-1"}})"));
  ASSERT_OK_AND_ASSIGN(Database read_link, database_from_json(database_input_json(link)));
  EXPECT_EQ(read_link.input, link);
}

TEST(GlueJsonTest, NullMembersReadAsAbsent) {
  ASSERT_OK_AND_ASSIGN(Database database, database_from_json(json::parse(
                                              R"({"Name":"d","Description":null,"Parameters":null,
                               "TargetDatabase":null})")));
  EXPECT_EQ(database.input, DatabaseInput{.name = "d"});
}

TEST(GlueJsonTest, AMalformedAnswerIsRefusedNamingTheMember) {
  EXPECT_STATUS(table_from_json(json::parse(R"({"Name":"t","Retention":"long"})")).status(),
                absl::StatusCode::kInternal, "member Retention");
  EXPECT_STATUS(
      table_from_json(json::parse(R"({"Name":"t","StorageDescriptor":{"Columns":[{"Name":3}]}})"))
          .status(),
      absl::StatusCode::kInternal, "member StorageDescriptor.Columns.Name");
  EXPECT_STATUS(table_from_json(json::parse(R"({"Name":"t","StorageDescriptor":[]})")).status(),
                absl::StatusCode::kInternal, "member StorageDescriptor: an object expected");
  EXPECT_STATUS(table_from_json(json::parse(R"({"Name":"t","VersionId":"v2"})")).status(),
                absl::StatusCode::kInternal, "member VersionId");
  EXPECT_STATUS(database_from_json(json::parse(R"({"Name":"d","Parameters":{"k":1}})")).status(),
                absl::StatusCode::kInternal, "member Parameters");
}

TEST(GlueJsonTest, APartitionInputKeepsOnlyTheRequestsMembers) {
  const json partition = json::parse(R"({
      "Values": ["2026-01-01"], "DatabaseName": "sales", "TableName": "orders",
      "CatalogId": "111122223333", "CreationTime": 1767225600,
      "LastAccessTime": 1767225601, "LastAnalyzedTime": 1767225602,
      "StorageDescriptor": {"Location": "s3://bucket/orders/day=2026-01-01/"},
      "Parameters": {"p": "q"}})");
  EXPECT_EQ(partition_input_json(partition), json::parse(R"({
      "Values": ["2026-01-01"], "LastAccessTime": 1767225601, "LastAnalyzedTime": 1767225602,
      "StorageDescriptor": {"Location": "s3://bucket/orders/day=2026-01-01/"},
      "Parameters": {"p": "q"}})"));
}

TEST(GlueJsonTest, TimestampsAreUtcText) {
  EXPECT_EQ(glue_time_text(json(1767225600)), "2026-01-01 00:00:00");
  EXPECT_EQ(glue_time_text(json(1767225659.999)), "2026-01-01 00:00:59");
  EXPECT_EQ(glue_time_text(json("2026-01-01 00:00:00")), "2026-01-01 00:00:00");
  EXPECT_EQ(glue_time_text(json()), "");
}

}  // namespace
}  // namespace datamesh::store::aws
