#include "api/json_codec.h"

#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "base/text.h"
#include "datamesh/json.h"

namespace datamesh::api {
namespace {

using nlohmann::json;

// Checks that `value` is written exactly as `expected`, and that reading it back and writing again
// gives the same JSON (so the reader keeps every field the writer gives).
template <class T, class Read>
void expect_round_trip(const T& value, std::string_view expected, Read read) {
  const json written = to_json_value(value);
  EXPECT_EQ(written, json::parse(expected));
  absl::StatusOr<T> back = read(written);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(to_json_value(*back), written);
}

Subscription full_subscription() {
  return Subscription{.subscription_id = "7xKb2mQpLrTzWvYs3nHcDe",
                      .status = SubscriptionStatus::kActive,
                      .type = "TABLE",
                      .database_name = "sales-111122223333",
                      .table_names = {"orders", "customers"},
                      .requested_grants = {"SELECT", "INSERT"},
                      .permitted_grants = {"SELECT", "DESCRIBE"},
                      .grantable_grants = {"SELECT"},
                      .owner_principal = "111122223333",
                      .subscriber_principal = "444455556666",
                      .creation_date = "2024-01-02 03:04:05",
                      .created_by = "arn:datamesh:iam::444455556666:user/consumer",
                      .updated_date = "2024-01-03 04:05:06",
                      .updated_by = "arn:datamesh:iam::111122223333:user/producer",
                      .notes = {"please", "approved for Q1"},
                      .ram_shares = {"share-1"},
                      .granted_table_arns = {"arn:datamesh:glue::999:table/sales/orders"},
                      .imported_to_consumer = true,
                      .version = 4};
}

Table full_table() {
  StorageDescriptor sd{
      .columns = {{.name = "id", .type = "bigint"},
                  {.name = "amount",
                   .type = "decimal(10,2)",
                   .comment = "in EUR",
                   .parameters = {{"iceberg.field.id", "2"}}}},
      .location = "s3://bucket/orders/",
      .input_format = "org.apache.hadoop.mapred.TextInputFormat",
      .output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
      .compressed = true,
      .number_of_buckets = -1,
      .serde_info = {.name = "csv",
                     .serialization_library = "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                     .parameters = {{"separatorChar", ","}}},
      .bucket_columns = {"id"},
      .sort_columns = {{.column = "id", .sort_order = 1}},
      .parameters = {{"classification", "csv"}},
      .stored_as_sub_directories = true};
  return Table{.input = {.name = "orders",
                         .description = "Orders",
                         .owner = "hadoop",
                         .retention = 7,
                         .storage_descriptor = sd,
                         .partition_keys = {{.name = "dt", .type = "string"}},
                         .view_original_text = "SELECT 1",
                         .view_expanded_text = "SELECT 1",
                         .table_type = "EXTERNAL_TABLE",
                         .parameters = {{"EXTERNAL", "TRUE"}},
                         .target_table = TableIdentifier{.catalog_id = "111122223333",
                                                         .database_name = "src",
                                                         .name = "orders"}},
               .database_name = "sales",
               .catalog_id = "999988887777",
               .create_time = "2024-01-02 03:04:05",
               .update_time = "2024-01-03 04:05:06",
               .created_by = "arn:datamesh:iam::999988887777:user/mesh",
               .version_id = 12};
}

constexpr std::string_view kFullTableJson = R"json({
  "Name": "orders", "Description": "Orders", "Owner": "hadoop", "Retention": 7,
  "StorageDescriptor": {
    "Columns": [{"Name": "id", "Type": "bigint"},
                {"Name": "amount", "Type": "decimal(10,2)", "Comment": "in EUR",
                 "Parameters": {"iceberg.field.id": "2"}}],
    "Location": "s3://bucket/orders/",
    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    "Compressed": true, "NumberOfBuckets": -1,
    "SerdeInfo": {"Name": "csv",
                  "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                  "Parameters": {"separatorChar": ","}},
    "BucketColumns": ["id"], "SortColumns": [{"Column": "id", "SortOrder": 1}],
    "Parameters": {"classification": "csv"}, "StoredAsSubDirectories": true},
  "PartitionKeys": [{"Name": "dt", "Type": "string"}],
  "ViewOriginalText": "SELECT 1", "ViewExpandedText": "SELECT 1", "TableType": "EXTERNAL_TABLE",
  "Parameters": {"EXTERNAL": "TRUE"},
  "TargetTable": {"CatalogId": "111122223333", "DatabaseName": "src", "Name": "orders"},
  "DatabaseName": "sales", "CatalogId": "999988887777", "CreateTime": "2024-01-02 03:04:05",
  "UpdateTime": "2024-01-03 04:05:06", "CreatedBy": "arn:datamesh:iam::999988887777:user/mesh",
  "VersionId": "12"})json";

// What `aws glue get-tables` prints, with output-only keys, times as ISO strings and as numbers,
// and keys a newer Glue might add at the top level and nested.
constexpr std::string_view kGetTablesOutput = R"json({
  "TableList": [
    {
      "Name": "orders",
      "DatabaseName": "sales",
      "Description": "Customer orders",
      "Owner": "hadoop",
      "CreateTime": "2023-03-14T09:26:53+00:00",
      "UpdateTime": 1678786013.0,
      "LastAccessTime": "1970-01-01T00:00:00+00:00",
      "LastAnalyzedTime": 0,
      "Retention": 0,
      "StorageDescriptor": {
        "Columns": [
          {"Name": "order_id", "Type": "bigint"},
          {"Name": "customer_id", "Type": "string", "Comment": "FK to customers"},
          {"Name": "amount", "Type": "decimal(10,2)", "Parameters": {"iceberg.field.id": "3"},
           "ColumnStatisticsHint": {"Kind": "future"}}
        ],
        "Location": "s3://sales-bucket/orders/",
        "AdditionalLocations": [],
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "Compressed": false,
        "NumberOfBuckets": -1,
        "SerdeInfo": {
          "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
          "Parameters": {"serialization.format": "1"}
        },
        "BucketColumns": [],
        "SortColumns": [],
        "Parameters": {"classification": "parquet"},
        "SkewedInfo": {"SkewedColumnNames": [], "SkewedColumnValues": [],
                       "SkewedColumnValueLocationMaps": {}},
        "StoredAsSubDirectories": false
      },
      "PartitionKeys": [{"Name": "dt", "Type": "string"}],
      "TableType": "EXTERNAL_TABLE",
      "Parameters": {"EXTERNAL": "TRUE", "classification": "parquet"},
      "CreatedBy": "arn:aws:sts::111122223333:assumed-role/AWSGlueServiceRole/crawler",
      "IsRegisteredWithLakeFormation": false,
      "CatalogId": "111122223333",
      "VersionId": "3",
      "IsMultiDialectView": false,
      "FederatedTable": null,
      "Tags": {"team": "sales"},
      "Status": {"State": "SUCCESS"},
      "LakeHouseSettingsFromTheFuture": {"Enabled": true}
    },
    {
      "Name": "customers_link",
      "DatabaseName": "sales",
      "CreateTime": 1678786013,
      "TargetTable": {"CatalogId": "444455556666", "DatabaseName": "crm", "Name": "customers",
                      "Region": "us-east-1"},
      "IsRegisteredWithLakeFormation": false,
      "CatalogId": "111122223333",
      "VersionId": "0"
    }
  ]
})json";

// --- The documents' shapes ---------------------------------------------------------------------

TEST(JsonCodecTest, SubscriptionHasExactlyTheDocumentsKeys) {
  const json written = to_json_value(Subscription{});
  std::set<std::string> keys;
  for (const auto& [key, value] : written.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{
                      "SubscriptionId", "Status", "Type", "DatabaseName", "TableName",
                      "RequestedGrants", "PermittedGrants", "GrantableGrants", "OwnerPrincipal",
                      "SubscriberPrincipal", "CreationDate", "CreatedBy", "UpdatedDate",
                      "UpdatedBy", "Notes", "RamShares", "GrantedTableARNs",
                      "ImportedToConsumer", "Version"}));
  // Empty values keep their type so that the shape is stable.
  EXPECT_EQ(written["TableName"], json::array());
  EXPECT_EQ(written["Notes"], json::array());
  EXPECT_EQ(written["GrantedTableARNs"], json::array());
  EXPECT_EQ(written["UpdatedBy"], "");
  EXPECT_EQ(written["Status"], "Pending");
  EXPECT_EQ(written["ImportedToConsumer"], false);
  EXPECT_EQ(written["Version"], 0);
}

TEST(JsonCodecTest, SubscriptionRoundTrips) {
  expect_round_trip(full_subscription(), R"({
    "SubscriptionId": "7xKb2mQpLrTzWvYs3nHcDe", "Status": "Active", "Type": "TABLE",
    "DatabaseName": "sales-111122223333", "TableName": ["orders", "customers"],
    "RequestedGrants": ["SELECT", "INSERT"], "PermittedGrants": ["SELECT", "DESCRIBE"],
    "GrantableGrants": ["SELECT"], "OwnerPrincipal": "111122223333",
    "SubscriberPrincipal": "444455556666", "CreationDate": "2024-01-02 03:04:05",
    "CreatedBy": "arn:datamesh:iam::444455556666:user/consumer",
    "UpdatedDate": "2024-01-03 04:05:06",
    "UpdatedBy": "arn:datamesh:iam::111122223333:user/producer",
    "Notes": ["please", "approved for Q1"], "RamShares": ["share-1"],
    "GrantedTableARNs": ["arn:datamesh:glue::999:table/sales/orders"],
    "ImportedToConsumer": true, "Version": 4})",
                    subscription_from_json);
  absl::StatusOr<Subscription> back = subscription_from_json(to_json_value(full_subscription()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->status, SubscriptionStatus::kActive);
  EXPECT_EQ(back->table_names, full_subscription().table_names);
  EXPECT_EQ(back->version, 4);
}

TEST(JsonCodecTest, StatusStringsAreExact) {
  EXPECT_EQ(to_string(SubscriptionStatus::kPending), "Pending");
  EXPECT_EQ(to_string(SubscriptionStatus::kActive), "Active");
  EXPECT_EQ(to_string(SubscriptionStatus::kDenied), "Denied");
  EXPECT_EQ(to_string(SubscriptionStatus::kDeleted), "Deleted");
  for (SubscriptionStatus status : {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
                                    SubscriptionStatus::kDenied, SubscriptionStatus::kDeleted}) {
    EXPECT_EQ(subscription_status_from_string(to_string(status)).value(), status);
  }
  EXPECT_EQ(subscription_status_from_string("ACTIVE").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Subscription> bad = subscription_from_json({{"Status", "Approved"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "Subscription.Status must be one of Pending, Active, Denied, Deleted; "
            "got \"Approved\"");
}

TEST(JsonCodecTest, PublicToJsonIsCompactAndParsesBack) {
  const std::string text = to_json(full_subscription());
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(text.find("\": "), std::string::npos);
  EXPECT_EQ(json::parse(text), to_json_value(full_subscription()));
}

TEST(JsonCodecTest, SubscriptionPageHasNextTokenOnlyWhenSet) {
  EXPECT_EQ(to_json_value(SubscriptionPage{}), json::parse(R"({"Subscriptions": []})"));
  SubscriptionPage page{.subscriptions = {full_subscription(), Subscription{}},
                        .next_token = "tok"};
  const json written = to_json_value(page);
  EXPECT_EQ(written["NextToken"], "tok");
  EXPECT_EQ(written["Subscriptions"][0], to_json_value(full_subscription()));
  absl::StatusOr<SubscriptionPage> back = subscription_page_from_json(written);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(to_json_value(*back), written);
}

TEST(JsonCodecTest, AccountValuesRoundTrip) {
  expect_round_trip(AccountCredentials{.account_id = "111122223333",
                                       .account_name = "sales",
                                       .access_key_id = "DMAKEXAMPLE",
                                       .secret_access_key = "s3cr3t"},
                    R"({"AccountId": "111122223333", "AccountName": "sales",
                        "AccessKeyId": "DMAKEXAMPLE", "SecretAccessKey": "s3cr3t"})",
                    account_credentials_from_json);
  expect_round_trip(Account{.account_id = "111122223333",
                            .name = "sales",
                            .is_mesh = true,
                            .producer_enabled = true,
                            .consumer_enabled = true,
                            .producer_initialized = true,
                            .consumer_initialized = true,
                            .creation_date = "2024-01-02 03:04:05"},
                    R"({"AccountId": "111122223333", "AccountName": "sales", "IsMesh": true,
                        "ProducerEnabled": true, "ConsumerEnabled": true,
                        "ProducerInitialized": true, "ConsumerInitialized": true,
                        "CreationDate": "2024-01-02 03:04:05"})",
                    account_from_json);
  expect_round_trip(AccessKey{.access_key_id = "DMAK1",
                              .account_id = "111122223333",
                              .status = "Revoked",
                              .creation_date = "2024-01-02 03:04:05",
                              .revocation_date = "2024-02-02 03:04:05"},
                    R"({"AccessKeyId": "DMAK1", "AccountId": "111122223333", "Status": "Revoked",
                        "CreationDate": "2024-01-02 03:04:05",
                        "RevocationDate": "2024-02-02 03:04:05"})",
                    access_key_from_json);
  EXPECT_FALSE(to_json_value(AccessKey{.status = "Active"}).contains("RevocationDate"));
  expect_round_trip(AccountRole{.role_arn = "arn:datamesh:iam::1:role/r",
                                .user_arn = "arn:datamesh:iam::1:user/u",
                                .group_arn = "arn:datamesh:iam::1:group/g"},
                    R"({"RoleArn": "arn:datamesh:iam::1:role/r",
                        "UserArn": "arn:datamesh:iam::1:user/u",
                        "GroupArn": "arn:datamesh:iam::1:group/g"})",
                    account_role_from_json);
}

TEST(JsonCodecTest, PrintedAccountCredentialsAreReadableAsCredentials) {
  const AccountCredentials printed{.account_id = "111122223333",
                                   .account_name = "sales",
                                   .access_key_id = "DMAKEXAMPLE",
                                   .secret_access_key = "s3cr3t"};
  EXPECT_EQ(json::parse(to_json(printed)), to_json_value(printed));
  absl::StatusOr<Credentials> credentials = credentials_from_json(json::parse(to_json(printed)));
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_EQ(credentials->account_id, "111122223333");
  EXPECT_EQ(credentials->access_key_id, "DMAKEXAMPLE");
  EXPECT_EQ(credentials->secret_access_key, "s3cr3t");
  EXPECT_EQ(credentials->session_token, "");
}

TEST(JsonCodecTest, CredentialsRoundTripAndRejectMissingKeys) {
  expect_round_trip(Credentials{.account_id = "1",
                                .access_key_id = "AK",
                                .secret_access_key = "SK",
                                .session_token = "ST"},
                    R"({"AccountId": "1", "AccessKeyId": "AK", "SecretAccessKey": "SK",
                        "SessionToken": "ST"})",
                    credentials_from_json);
  EXPECT_FALSE(to_json_value(Credentials{.access_key_id = "AK"}).contains("SessionToken"));
  for (std::string_view text : {R"({"AccountId": "1", "AccessKeyId": "AK"})",
                                R"({"SecretAccessKey": "SK"})",
                                R"({"AccessKeyId": "", "SecretAccessKey": "SK"})"}) {
    absl::StatusOr<Credentials> bad = credentials_from_json(json::parse(text));
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.status().message(),
              "Malformed credentials: missing AccessKeyId or SecretAccessKey");
  }
  absl::StatusOr<Credentials> wrong_type =
      credentials_from_json({{"AccessKeyId", 5}, {"SecretAccessKey", "SK"}});
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.status().message(),
            "Malformed credentials: Credentials.AccessKeyId must be a string");
  EXPECT_FALSE(credentials_from_json(json::array()).ok());
}

TEST(JsonCodecTest, ProductValuesRoundTrip) {
  expect_round_trip(DataProduct{.database_name = "sales-111122223333",
                                .tables = {{.source_table = "orders",
                                            .link_table = "orders_link"}}},
                    R"({"DatabaseName": "sales-111122223333",
                        "Tables": [{"SourceTable": "orders", "LinkTable": "orders_link"}]})",
                    data_product_from_json);
  const DataProductTable table{
      .database_name = "sales-1", .table_name = "orders", .location = "s3://b/orders/"};
  expect_round_trip(table,
                    R"({"DatabaseName": "sales-1", "TableName": "orders",
                        "Location": "s3://b/orders/"})",
                    data_product_table_from_json);
  absl::StatusOr<std::vector<DataProductTable>> list =
      data_product_tables_from_json(to_json_list(std::vector<DataProductTable>{table, table}));
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].location, "s3://b/orders/");
  EXPECT_EQ(data_product_tables_from_json(json::parse(R"([{"Location": 1}])")).status().message(),
            "DataProductTables[0].Location must be a string");
}

TEST(JsonCodecTest, AccessRequestHasTableOnlyForTableRequests) {
  expect_round_trip(AccessRequest{.type = "TABLE",
                                  .database = "sales-1",
                                  .tables = {"orders"},
                                  .subscription_id = "abc"},
                    R"({"Type": "TABLE", "Database": "sales-1", "Table": ["orders"],
                        "SubscriptionId": "abc"})",
                    access_request_from_json);
  expect_round_trip(AccessRequest{.type = "DATABASE", .database = "sales-1",
                                  .subscription_id = "abc"},
                    R"({"Type": "DATABASE", "Database": "sales-1", "SubscriptionId": "abc"})",
                    access_request_from_json);
}

TEST(JsonCodecTest, GrantValuesRoundTrip) {
  expect_round_trip(EffectiveGrant{.principal = "444455556666",
                                   .catalog_id = "999988887777",
                                   .database_name = "sales-1",
                                   .table_name = "*",
                                   .permissions = {"DESCRIBE", "SELECT"},
                                   .grantable_permissions = {"SELECT"},
                                   .subscription_id = "abc"},
                    R"({"Principal": "444455556666", "CatalogId": "999988887777",
                        "DatabaseName": "sales-1", "TableName": "*",
                        "Permissions": ["DESCRIBE", "SELECT"],
                        "GrantablePermissions": ["SELECT"], "SubscriptionId": "abc"})",
                    effective_grant_from_json);
  expect_round_trip(PermissionCheck{.allowed = true, .grantable = true, .reason = "granted by abc"},
                    R"({"Allowed": true, "Grantable": true, "Reason": "granted by abc"})",
                    permission_check_from_json);
}

TEST(JsonCodecTest, AuditEventDetailsAreAnObject) {
  const AuditEvent event{.sequence = 42,
                         .event_date = "2024-01-02 03:04:05",
                         .actor_account = "111122223333",
                         .actor_principal = "arn:datamesh:iam::111122223333:user/p",
                         .action = "approve_access_request",
                         .subscription_id = "abc",
                         .resource = "sales-1/orders",
                         .details_json = R"({"PermittedGrants":["SELECT"],"Status":"Active"})",
                         .notes = "ok"};
  const AuditPage page{.events = {event, AuditEvent{.sequence = 43}}, .next_token = "n"};
  const json written = to_json_value(page);
  EXPECT_EQ(written["Events"][0]["Details"],
            json::parse(R"({"PermittedGrants": ["SELECT"], "Status": "Active"})"));
  EXPECT_EQ(written["Events"][1]["Details"], json::object());
  EXPECT_EQ(written["NextToken"], "n");
  absl::StatusOr<AuditPage> back = audit_page_from_json(written);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->events[0].details_json, event.details_json);
  EXPECT_EQ(back->events[1].details_json, "");
  EXPECT_EQ(to_json_value(*back), written);
  EXPECT_EQ(audit_event_from_json({{"Details", "text"}}).status().message(),
            "AuditEvent.Details must be an object");
}

// --- Glue shapes -------------------------------------------------------------------------------

TEST(JsonCodecTest, TableRoundTripsInGlueShape) {
  expect_round_trip(full_table(), kFullTableJson, table_from_json);
  absl::StatusOr<Table> back = table_from_json(to_json_value(full_table()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->version_id, 12);
  ASSERT_TRUE(back->input.storage_descriptor.has_value());
  EXPECT_EQ(back->input.storage_descriptor->columns[1].parameters.at("iceberg.field.id"), "2");
}

TEST(JsonCodecTest, PublicTableJsonIsGetTableShape) {
  const json written = json::parse(to_json(full_table()));
  ASSERT_TRUE(written.contains("Table"));
  EXPECT_EQ(written.size(), 1u);
  EXPECT_EQ(written["Table"], json::parse(kFullTableJson));
  absl::StatusOr<Table> wrapped = table_from_json(written);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();
  EXPECT_EQ(to_json_value(*wrapped), json::parse(kFullTableJson));
}

TEST(JsonCodecTest, GlueShapesOmitEmptyOptionalFields) {
  const TableInput input{.name = "t",
                         .storage_descriptor = StorageDescriptor{.columns = {{.name = "c"}}}};
  EXPECT_EQ(to_json_value(input),
            json::parse(R"({"Name": "t",
                            "StorageDescriptor": {"Columns": [{"Name": "c", "Type": ""}]}})"));
  EXPECT_EQ(to_json_value(Table{.input = {.name = "t"}}),
            json::parse(R"({"Name": "t", "VersionId": "1"})"));
  EXPECT_EQ(to_json_value(DatabaseInput{.name = "d"}), json::parse(R"({"Name": "d"})"));
}

TEST(JsonCodecTest, TableFromGlueGetTableOutputConvertsTimesAndVersion) {
  absl::StatusOr<Table> table = table_from_json(json::parse(R"({"Table": {
      "Name": "orders", "DatabaseName": "sales", "CreateTime": 1678786013.5,
      "UpdateTime": "2023-03-14T09:26:53+00:00", "VersionId": "3",
      "IsRegisteredWithLakeFormation": false}})"));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->create_time, "2023-03-14 09:26:53");
  EXPECT_EQ(table->update_time, "2023-03-14T09:26:53+00:00");
  EXPECT_EQ(table->version_id, 3);
  EXPECT_EQ(table_from_json({{"Name", "t"}, {"VersionId", "three"}}).status().message(),
            "Table.VersionId must be an integer or a string of digits");
}

TEST(JsonCodecTest, DatabaseValuesRoundTrip) {
  const Database database{
      .input = {.name = "sales-1",
                .description = "mesh copy",
                .location_uri = "s3://b/",
                .parameters = {{"Domain", "sales"}},
                .target_database = DatabaseIdentifier{.catalog_id = "1", .database_name = "src"}},
      .catalog_id = "999988887777",
      .create_time = "2024-01-02 03:04:05"};
  constexpr std::string_view kDatabaseJson = R"({
      "Name": "sales-1", "Description": "mesh copy", "LocationUri": "s3://b/",
      "Parameters": {"Domain": "sales"},
      "TargetDatabase": {"CatalogId": "1", "DatabaseName": "src"},
      "CatalogId": "999988887777", "CreateTime": "2024-01-02 03:04:05"})";
  expect_round_trip(database, kDatabaseJson, database_from_json);
  absl::StatusOr<Database> wrapped =
      database_from_json({{"Database", json::parse(kDatabaseJson)}});
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();
  EXPECT_EQ(wrapped->input.name, "sales-1");

  const DatabasePage page{.databases = {database, Database{.input = {.name = "other"}}},
                          .next_token = "next"};
  expect_round_trip(page,
                    base::cat(R"({"DatabaseList": [)", kDatabaseJson,
                              R"(, {"Name": "other"}], "NextToken": "next"})"),
                    database_page_from_json);
  expect_round_trip(DatabaseInput{.name = "d", .description = "x"},
                    R"({"Name": "d", "Description": "x"})", [](const json& value) {
                      return database_input_from_json(value, Strictness::kStrict);
                    });
}

TEST(JsonCodecTest, TablePageRoundTrips) {
  const TablePage page{.tables = {full_table(), Table{.input = {.name = "t"}}}};
  expect_round_trip(page,
                    base::cat(R"({"TableList": [)", kFullTableJson,
                              R"(, {"Name": "t", "VersionId": "1"}]})"),
                    table_page_from_json);
}

TEST(JsonCodecTest, TableInputRoundTripsStrictly) {
  expect_round_trip(full_table().input, R"json({
      "Name": "orders", "Description": "Orders", "Owner": "hadoop", "Retention": 7,
      "StorageDescriptor": {
        "Columns": [{"Name": "id", "Type": "bigint"},
                    {"Name": "amount", "Type": "decimal(10,2)", "Comment": "in EUR",
                     "Parameters": {"iceberg.field.id": "2"}}],
        "Location": "s3://bucket/orders/",
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "Compressed": true, "NumberOfBuckets": -1,
        "SerdeInfo": {"Name": "csv",
                      "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                      "Parameters": {"separatorChar": ","}},
        "BucketColumns": ["id"], "SortColumns": [{"Column": "id", "SortOrder": 1}],
        "Parameters": {"classification": "csv"}, "StoredAsSubDirectories": true},
      "PartitionKeys": [{"Name": "dt", "Type": "string"}],
      "ViewOriginalText": "SELECT 1", "ViewExpandedText": "SELECT 1",
      "TableType": "EXTERNAL_TABLE", "Parameters": {"EXTERNAL": "TRUE"},
      "TargetTable": {"CatalogId": "111122223333", "DatabaseName": "src", "Name": "orders"}})json",
                    [](const json& value) {
                      return table_input_from_json(value, Strictness::kStrict);
                    });
}

// --- Strict parsing of what users write --------------------------------------------------------

TEST(JsonCodecTest, StrictRejectsUnknownKeyNamingTheAllowedOnes) {
  absl::StatusOr<TableInput> input =
      parse_table_input(R"({"Name": "t", "StorageDescripter": {}})");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(input.status().message(),
            "unknown field \"StorageDescripter\" in TableInput; allowed: Name, Description, "
            "Owner, Retention, StorageDescriptor, PartitionKeys, ViewOriginalText, "
            "ViewExpandedText, TableType, Parameters, TargetTable");
}

TEST(JsonCodecTest, StrictRejectsUnknownNestedKeyWithItsPath) {
  absl::StatusOr<TableInput> input = parse_table_input(R"({"Name": "t", "StorageDescriptor": {
      "Columns": [{"Name": "a", "Type": "int"}, {"Name": "b", "Nullable": true}]}})");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.status().message(),
            "unknown field \"Nullable\" in TableInput.StorageDescriptor.Columns[1]; allowed: "
            "Name, Type, Comment, Parameters");
}

TEST(JsonCodecTest, StrictRejectsGlueOutputOnlyKeys) {
  absl::StatusOr<TableInput> input =
      parse_table_input(R"({"Name": "t", "DatabaseName": "sales"})");
  ASSERT_FALSE(input.ok());
  EXPECT_TRUE(absl::StrContains(input.status().message(), "unknown field \"DatabaseName\""))
      << input.status();
  absl::StatusOr<DatabaseInput> database =
      parse_database_input(R"({"Name": "d", "CreateTableDefaultPermissions": []})");
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().message(),
            "unknown field \"CreateTableDefaultPermissions\" in DatabaseInput; allowed: Name, "
            "Description, LocationUri, Parameters, TargetDatabase");
}

TEST(JsonCodecTest, WrongTypesNameThePathAndExpectedType) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"Name": "t", "StorageDescriptor": {"Columns": [{"Name": "a"}, {"Name": "b"},
          {"Name": 3}]}})",
       "TableInput.StorageDescriptor.Columns[2].Name must be a string"},
      {R"({"Name": "t", "Retention": "7"})", "TableInput.Retention must be an integer"},
      {R"({"Name": "t", "Retention": 1.5})", "TableInput.Retention must be an integer"},
      {R"({"Name": "t", "Retention": 4294967296})",
       "TableInput.Retention must be an integer from -2147483648 to 2147483647, not 4294967296"},
      {R"({"Name": "t", "Retention": 9223372036854775807})",
       "TableInput.Retention must be an integer from -2147483648 to 2147483647, not "
       "9223372036854775807"},
      {R"({"Name": "t", "Retention": 18446744073709551615})",
       "TableInput.Retention must be an integer from -2147483648 to 2147483647, not "
       "18446744073709551615"},
      {R"({"Name": "t", "StorageDescriptor": {"Compressed": "no"}})",
       "TableInput.StorageDescriptor.Compressed must be a boolean"},
      {R"({"Name": "t", "StorageDescriptor": {"Columns": {}}})",
       "TableInput.StorageDescriptor.Columns must be a list"},
      {R"({"Name": "t", "StorageDescriptor": []})",
       "TableInput.StorageDescriptor must be an object"},
      {R"({"Name": "t", "StorageDescriptor": {"BucketColumns": ["a", 1]}})",
       "TableInput.StorageDescriptor.BucketColumns[1] must be a string"},
      {R"({"Name": "t", "Parameters": {"k": 1}})", "TableInput.Parameters.k must be a string"},
      {R"({"Name": "t", "Parameters": []})", "TableInput.Parameters must be an object of strings"},
      {R"({"Name": "t", "TargetTable": "db.t"})", "TableInput.TargetTable must be an object"},
      {R"({"Description": "no name"})", "TableInput.Name is required and must not be empty"},
      {R"({"Name": ""})", "TableInput.Name is required and must not be empty"},
      {R"({"Name": "t", "PartitionKeys": [{"Type": "string"}]})",
       "TableInput.PartitionKeys[0].Name is required and must not be empty"},
      {R"(["t"])", "TableInput must be an object"},
  };
  for (const auto& [text, message] : cases) {
    absl::StatusOr<TableInput> input = parse_table_input(text);
    ASSERT_FALSE(input.ok()) << text;
    EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(std::string(input.status().message()), message) << text;
  }
}

TEST(JsonCodecTest, NullCountsAsAbsent) {
  absl::StatusOr<TableInput> input =
      parse_table_input(R"({"Name": "t", "Description": null, "StorageDescriptor": null})");
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(input->description, "");
  EXPECT_FALSE(input->storage_descriptor.has_value());
}

TEST(JsonCodecTest, MalformedJsonGivesThePosition) {
  for (auto parse : {+[](std::string_view text) { return parse_table_input(text).status(); },
                     +[](std::string_view text) { return parse_database_input(text).status(); },
                     +[](std::string_view text) { return import_table_list(text).status(); }}) {
    absl::Status status = parse("{\"Name\": \"t\",\n \"Owner\" }");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(status.message(), "malformed JSON: parse error at line 2, column"))
        << status;
  }
  EXPECT_FALSE(parse_json("").ok());
}

// --- Import of `aws glue get-tables` output ----------------------------------------------------

TEST(JsonCodecTest, ImportReadsGetTablesOutputDroppingOutputOnlyAndNewKeys) {
  absl::StatusOr<std::vector<TableInput>> tables = import_table_list(kGetTablesOutput);
  ASSERT_TRUE(tables.ok()) << tables.status();
  ASSERT_EQ(tables->size(), 2u);
  const TableInput& orders = (*tables)[0];
  EXPECT_EQ(orders.name, "orders");
  EXPECT_EQ(orders.description, "Customer orders");
  EXPECT_EQ(orders.owner, "hadoop");
  EXPECT_EQ(orders.table_type, "EXTERNAL_TABLE");
  EXPECT_EQ(orders.parameters, (Parameters{{"EXTERNAL", "TRUE"}, {"classification", "parquet"}}));
  ASSERT_EQ(orders.partition_keys.size(), 1u);
  EXPECT_EQ(orders.partition_keys[0].name, "dt");
  ASSERT_TRUE(orders.storage_descriptor.has_value());
  const StorageDescriptor& sd = *orders.storage_descriptor;
  ASSERT_EQ(sd.columns.size(), 3u);
  EXPECT_EQ(sd.columns[1].comment, "FK to customers");
  EXPECT_EQ(sd.columns[2].parameters.at("iceberg.field.id"), "3");
  EXPECT_EQ(sd.location, "s3://sales-bucket/orders/");
  EXPECT_EQ(sd.number_of_buckets, -1);
  EXPECT_EQ(sd.serde_info.parameters.at("serialization.format"), "1");
  EXPECT_FALSE(orders.target_table.has_value());

  const TableInput& link = (*tables)[1];
  EXPECT_EQ(link.name, "customers_link");
  ASSERT_TRUE(link.target_table.has_value());
  EXPECT_EQ(link.target_table->catalog_id, "444455556666");
  EXPECT_EQ(link.target_table->database_name, "crm");
  EXPECT_EQ(link.target_table->name, "customers");

  // What was imported is a valid strict TableInput: nothing output-only came through.
  for (const TableInput& table : *tables) {
    absl::StatusOr<TableInput> strict = parse_table_input(dump_json(to_json_value(table)));
    EXPECT_TRUE(strict.ok()) << strict.status();
  }
}

TEST(JsonCodecTest, ImportStillChecksTypesOfKnownKeys) {
  json output = json::parse(kGetTablesOutput);
  output["TableList"][0]["StorageDescriptor"]["Columns"][2]["Name"] = 7;
  absl::StatusOr<std::vector<TableInput>> tables = import_table_list(output.dump());
  ASSERT_FALSE(tables.ok());
  EXPECT_EQ(tables.status().message(),
            "TableList[0].StorageDescriptor.Columns[2].Name must be a string");

  output = json::parse(kGetTablesOutput);
  output["TableList"][1]["TargetTable"]["Name"] = json::array();
  EXPECT_EQ(import_table_list(output.dump()).status().message(),
            "TableList[1].TargetTable.Name must be a string");

  absl::StatusOr<TableInput> strict_table =
      table_input_from_json(json::parse(kGetTablesOutput)["TableList"][1], Strictness::kStrict);
  EXPECT_FALSE(strict_table.ok());
  absl::StatusOr<TableInput> import_table =
      table_input_from_json(json::parse(kGetTablesOutput)["TableList"][1], Strictness::kImport);
  EXPECT_TRUE(import_table.ok()) << import_table.status();
}

TEST(JsonCodecTest, ImportAcceptsBareListAndGetTableOutput) {
  absl::StatusOr<std::vector<TableInput>> list =
      import_table_list(R"([{"Name": "a"}, {"Name": "b", "CatalogId": "1"}])");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].name, "b");

  absl::StatusOr<std::vector<TableInput>> single =
      import_table_list(R"({"Table": {"Name": "a", "DatabaseName": "d", "VersionId": "0"}})");
  ASSERT_TRUE(single.ok()) << single.status();
  ASSERT_EQ(single->size(), 1u);
  EXPECT_EQ((*single)[0].name, "a");
}

TEST(JsonCodecTest, ImportRejectsEmptyAndOtherShapes) {
  for (std::string_view text : {R"({"TableList": []})", "[]"}) {
    absl::StatusOr<std::vector<TableInput>> tables = import_table_list(text);
    ASSERT_FALSE(tables.ok()) << text;
    EXPECT_EQ(tables.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(tables.status().message(), "TableList is empty: no tables to import");
  }
  for (std::string_view text : {R"({"TableList": {"Name": "a"}})", "\"orders\"", "42"}) {
    absl::StatusOr<std::vector<TableInput>> tables = import_table_list(text);
    ASSERT_FALSE(tables.ok()) << text;
    EXPECT_TRUE(absl::StartsWith(tables.status().message(), "TableList must be a list"))
        << tables.status();
  }
  EXPECT_EQ(import_table_list(R"({"TableList": [{"Name": "a"}, {"Description": "x"}]})")
                .status()
                .message(),
            "TableList[1].Name is required and must not be empty");
}

// --- Readers of results --------------------------------------------------------------------------

TEST(JsonCodecTest, ResultReadersIgnoreUnknownKeysButCheckTypes) {
  json written = to_json_value(full_subscription());
  written["AddedInVersion2"] = {{"x", 1}};
  absl::StatusOr<Subscription> lenient = subscription_from_json(written);
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(lenient->subscription_id, "7xKb2mQpLrTzWvYs3nHcDe");

  written["TableName"] = "orders";
  EXPECT_EQ(subscription_from_json(written).status().message(),
            "Subscription.TableName must be a list of strings");
  EXPECT_EQ(subscription_page_from_json(json::parse(R"({"Subscriptions": [{"Version": "4"}]})"))
                .status()
                .message(),
            "SubscriptionPage.Subscriptions[0].Version must be an integer");
  EXPECT_EQ(permission_check_from_json({{"Allowed", "yes"}}).status().message(),
            "PermissionCheck.Allowed must be a boolean");
  EXPECT_EQ(account_from_json(json::array()).status().message(), "Account must be an object");
  EXPECT_EQ(table_page_from_json(json::parse(R"({"TableList": [{"Name": 1}]})")).status().message(),
            "TablePage.TableList[0].Name must be a string");
}

}  // namespace
}  // namespace datamesh::api
