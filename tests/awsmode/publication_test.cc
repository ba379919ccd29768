// What publishing and approving make on AWS beside the Glue copies and the grants
// (store/aws/product_publication.h), checked in moto with raw clients against the names the
// original library gives them (shared/spec/reference-original.md §1.3, §2.2, §2.5): the Lake
// Formation registration of the table's S3 location and DATA_LOCATION_ACCESS for the producer's
// mesh role, the LF tags of the mesh table, the producer-side bucket statement
// AwsDataMeshUtilsBucketPolicyStatement-<bucket> (an existing policy's other statements kept),
// the Glue crawler; that making them again changes nothing, and that a product published again
// with another domain or schedule tags and crawls its unchanged tables accordingly.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "awsmode/aws_mesh_fixture.h"
#include "awsmode/failing_transport.h"
#include "store/aws/aws_parts.h"
#include "store/aws/product_publication.h"
#include "support/status_matchers.h"

namespace datamesh::aws::testing {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::UnorderedElementsAre;

class PublicationTest : public AwsMeshTest {
 protected:
  // `operation` on `client`, which must succeed.
  static json call_ok(const AwsClient& client, Service service, std::string_view operation,
                      const json& request = json::object()) {
    absl::StatusOr<json> answer = client.call(service, operation, request);
    EXPECT_TRUE(answer.ok()) << operation << ": " << answer.status();
    return answer.ok() ? *answer : json();
  }

  std::string lf_role(const std::string& account) const {
    return "arn:aws:iam::" + account +
           ":role/aws-service-role/lakeformation.amazonaws.com/"
           "AWSServiceRoleForLakeFormationDataAccess";
  }

  // The mesh table's own LF tags, key -> values.
  static std::map<std::string, json> table_tags(const AwsClient& lakeformation,
                                                const std::string& catalog,
                                                const std::string& database,
                                                const std::string& table) {
    const json answer = call_ok(
        lakeformation, Service::kLakeFormation, "GetResourceLFTags",
        {{"CatalogId", catalog},
         {"Resource", {{"Table", {{"CatalogId", catalog}, {"DatabaseName", database}, {"Name", table}}}}},
         {"ShowAssignedLFTags", true}});
    std::map<std::string, json> tags;
    for (const json& tag : answer.value("LFTagsOnTable", json::array())) {
      tags[tag["TagKey"]] = tag["TagValues"];
    }
    return tags;
  }
};

TEST_F(PublicationTest, PublishingAndApprovingMakeTheOriginalsResourcesOnceEach) {
  set_up_mesh();
  const std::shared_ptr<const AwsClient> in_mesh = moto_account_client(mesh());
  const std::shared_ptr<const AwsClient> in_producer = moto_account_client(producer());
  ASSERT_NE(in_mesh, nullptr);
  ASSERT_NE(in_producer, nullptr);

  // The producer's data: a bucket whose policy already says something, a source table in it
  // carrying an LF tag of the producer's.
  const std::string bucket = "pub-" + producer();
  call_ok(*in_producer, Service::kS3, "CreateBucket", {{"Bucket", bucket}});
  const json kept = {{"Sid", "KeepMe"},
                     {"Effect", "Allow"},
                     {"Principal", {{"AWS", "arn:aws:iam::" + producer() + ":root"}}},
                     {"Action", "s3:GetObject"},
                     {"Resource", "arn:aws:s3:::" + bucket + "/*"}};
  call_ok(*in_producer, Service::kS3, "PutBucketPolicy",
          {{"Bucket", bucket},
           {"Policy", json({{"Version", "2012-10-17"}, {"Statement", {kept}}}).dump()}});
  ASSERT_TRUE(call(producer(), "catalog", "create_database", {{"database_input", {{"Name", "sales"}}}}).ok());
  const std::string location = "s3://" + bucket + "/orders/";
  ASSERT_TRUE(call(producer(), "catalog", "create_table",
                   {{"database_name", "sales"},
                    {"table_input",
                     {{"Name", "orders"},
                      {"StorageDescriptor",
                       {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}}, {"Location", location}}}}}})
                  .ok());
  call_ok(*in_producer, Service::kLakeFormation, "CreateLFTag",
          {{"TagKey", "Confidentiality"}, {"TagValues", {"low", "high"}}});
  call_ok(*in_producer, Service::kLakeFormation, "AddLFTagsToResource",
          {{"Resource", {{"Table", {{"DatabaseName", "sales"}, {"Name", "orders"}}}}},
           {"LFTags", {{{"TagKey", "Confidentiality"}, {"TagValues", {"low"}}}}}});

  const std::string role = "arn:aws:iam::" + producer() + ":role/Crawler";
  absl::StatusOr<json> product = call(producer(), "producer", "create_data_products",
                                      {{"source_database_name", "sales"},
                                       {"table_name_regex", "orders"},
                                       {"domain", "sales"},
                                       {"data_product_name", "orders"},
                                       {"sync_mesh_catalog_schedule", "cron(0 1 * * ? *)"},
                                       {"sync_mesh_crawler_role_arn", role}});
  ASSERT_TRUE(product.ok()) << product.status();
  const std::string mesh_db = "sales-" + producer();

  // Lake Formation in M: the location registered with the service-linked role (which the
  // registration makes), DATA_LOCATION_ACCESS for DataMeshAdminProducer-<P>.
  const std::string location_arn = "arn:aws:s3:::" + bucket + "/orders/";
  const json resources = call_ok(*in_mesh, Service::kLakeFormation, "ListResources");
  EXPECT_THAT(resources["ResourceInfoList"],
              Contains(json({{"ResourceArn", location_arn}, {"RoleArn", lf_role(mesh())}})));
  const json located = call_ok(
      *in_mesh, Service::kLakeFormation, "ListPermissions",
      {{"CatalogId", mesh()},
       {"Resource", {{"DataLocation", {{"CatalogId", mesh()}, {"ResourceArn", location_arn}}}}}});
  ASSERT_EQ(located["PrincipalResourcePermissions"].size(), 1u) << located.dump();
  const json& permission = located["PrincipalResourcePermissions"][0];
  EXPECT_EQ(permission["Principal"]["DataLakePrincipalIdentifier"],
            "arn:aws:iam::" + mesh() + ":role/AwsDataMesh/DataMeshAdminProducer-" + producer());
  EXPECT_EQ(permission["Permissions"], json({"DATA_LOCATION_ACCESS"}));

  // The mesh table's LF tags: the producer's copied (its key with every value it allows), then
  // Domain and DataProduct.
  EXPECT_EQ(table_tags(*in_mesh, mesh(), mesh_db, "orders"),
            (std::map<std::string, json>{{"Confidentiality", {"low"}},
                                         {"DataProduct", {"orders"}},
                                         {"Domain", {"sales"}}}));
  EXPECT_THAT(call_ok(*in_mesh, Service::kLakeFormation, "GetLFTag",
                      {{"TagKey", "Confidentiality"}})["TagValues"],
              UnorderedElementsAre("low", "high"));

  // The producer's bucket: its statement kept, the original's statement for M's role added.
  const auto policy_of = [&] {
    return json::parse(call_ok(*in_producer, Service::kS3, "GetBucketPolicy",
                               {{"Bucket", bucket}})["Policy"]
                           .get<std::string>());
  };
  const json ours = {{"Sid", "AwsDataMeshUtilsBucketPolicyStatement-" + bucket},
                     {"Effect", "Allow"},
                     {"Principal", {{"AWS", {lf_role(mesh())}}}},
                     {"Action", {"s3:Get*", "s3:List*"}},
                     {"Resource", {"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"}}};
  EXPECT_EQ(policy_of()["Statement"], json({kept, ours}));

  // The crawler, in P, named <mesh database>-<table>.
  const json crawler = call_ok(*in_producer, Service::kGlue, "GetCrawler",
                               {{"Name", mesh_db + "-orders"}})["Crawler"];
  EXPECT_EQ(crawler["Role"], role);
  EXPECT_EQ(crawler["DatabaseName"], mesh_db);
  EXPECT_EQ(crawler["Targets"]["S3Targets"][0]["Path"], location);
  EXPECT_EQ(crawler["Schedule"]["ScheduleExpression"], "cron(0 1 * * ? *)");
  EXPECT_EQ(crawler["Version"], 1);

  // Made again (as a replay of the plan after a failure makes them): only reads and the calls
  // AWS treats as idempotent; nothing changes.
  const json policy_before = policy_of();
  auto counting = std::make_shared<FailingTransport>();
  const std::shared_ptr<const AwsClient> mesh_again = moto_account_client(mesh(), "us-east-1", counting);
  const std::shared_ptr<const AwsClient> producer_again =
      moto_account_client(producer(), "us-east-1", counting);
  const store::aws::AwsSessions sessions(
      "us-east-1", mesh(),
      std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>>{
          {mesh(), mesh_again}, {producer(), producer_again}});
  const store::aws::AwsParts parts(sessions, /*audit_sealer=*/nullptr);
  const store::ProductRow row{.mesh_database = mesh_db,
                              .producer_account = producer(),
                              .source_database = "sales",
                              .domain = "sales",
                              .data_product_name = "orders",
                              .sync_schedule = "cron(0 1 * * ? *)",
                              .crawler_role_arn = role};
  counting->count_only();
  ASSERT_OK(store::aws::publish_tables(parts, row, {{"orders", location}}));
  ASSERT_OK(store::aws::let_read_buckets(parts, {{producer(), bucket, mesh()}}));
  for (const std::string& operation : counting->operations()) {
    SCOPED_TRACE(operation);
    EXPECT_FALSE(operation.starts_with("PUT ") || operation.starts_with("Create") ||
                 operation.starts_with("Update"));
  }
  EXPECT_EQ(policy_of(), policy_before);
  EXPECT_EQ(call_ok(*in_mesh, Service::kLakeFormation, "ListResources")["ResourceInfoList"],
            resources["ResourceInfoList"]);
  EXPECT_EQ(table_tags(*in_mesh, mesh(), mesh_db, "orders").size(), 3u);
  EXPECT_EQ(call_ok(*in_producer, Service::kGlue, "GetCrawler",
                    {{"Name", mesh_db + "-orders"}})["Crawler"]["Version"],
            1);

  // Published again with another domain and schedule, its tables unchanged: the tables get the
  // product's new tag and crawler all the same.
  ASSERT_TRUE(call(producer(), "producer", "create_data_products",
                   {{"source_database_name", "sales"},
                    {"table_name_regex", "orders"},
                    {"domain", "retail"},
                    {"data_product_name", "orders"},
                    {"sync_mesh_catalog_schedule", "cron(0 2 * * ? *)"},
                    {"sync_mesh_crawler_role_arn", role}})
                  .ok());
  EXPECT_EQ(table_tags(*in_mesh, mesh(), mesh_db, "orders")["Domain"], json({"retail"}));
  EXPECT_EQ(call_ok(*in_producer, Service::kGlue, "GetCrawler",
                    {{"Name", mesh_db + "-orders"}})["Crawler"]["Schedule"]["ScheduleExpression"],
            "cron(0 2 * * ? *)");

  // Approving adds the consumer's Lake Formation role to the same statement.
  absl::StatusOr<json> request = request_access(mesh_db);
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_TRUE(call(producer(), "producer", "approve_access_request",
                   {{"request_id", (*request)["SubscriptionId"]}})
                  .ok());
  json both = ours;
  both["Principal"]["AWS"].push_back(lf_role(consumer()));
  EXPECT_EQ(policy_of()["Statement"], json({kept, both}));
}

// The consumers of Active subscriptions read the buckets of the tables they are granted: a
// DATABASE subscription's approval lets its consumer read every table's bucket, and a table a
// publication moves to another bucket lets its Active subscribers read the new one.
TEST_F(PublicationTest, ConsumersReadTheBucketsOfEveryTableTheyAreGrantedAlsoWhenOneMoves) {
  set_up_mesh();
  const std::shared_ptr<const AwsClient> in_producer = moto_account_client(producer());
  ASSERT_NE(in_producer, nullptr);
  const std::string first = "first-" + producer();
  const std::string moved = "moved-" + producer();
  for (const std::string& bucket : {first, moved}) {
    call_ok(*in_producer, Service::kS3, "CreateBucket", {{"Bucket", bucket}});
  }
  const auto table_input = [](const std::string& bucket) {
    return json{{"Name", "orders"},
                {"StorageDescriptor", {{"Location", "s3://" + bucket + "/orders/"}}}};
  };
  ASSERT_TRUE(
      call(producer(), "catalog", "create_database", {{"database_input", {{"Name", "sales"}}}})
          .ok());
  ASSERT_TRUE(call(producer(), "catalog", "create_table",
                   {{"database_name", "sales"}, {"table_input", table_input(first)}})
                  .ok());
  const auto publish = [&] {
    return call(producer(), "producer", "create_data_products",
                {{"source_database_name", "sales"}});
  };
  ASSERT_TRUE(publish().ok());
  const std::string mesh_db = "sales-" + producer();
  // The readers of `bucket`'s datamesh statement.
  const auto readers_of = [&](const std::string& bucket) {
    const json policy = json::parse(
        call_ok(*in_producer, Service::kS3, "GetBucketPolicy", {{"Bucket", bucket}})
            .value("Policy", std::string("{}")));
    for (const json& statement : policy.value("Statement", json::array())) {
      if (statement.value("Sid", "") == "AwsDataMeshUtilsBucketPolicyStatement-" + bucket) {
        return statement["Principal"]["AWS"];
      }
    }
    return json();
  };

  const absl::StatusOr<json> request = call(consumer(), "consumer", "request_access_to_product",
                                            {{"owner_account_id", producer()},
                                             {"database_name", mesh_db},
                                             {"request_permissions", {"SELECT"}}});
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_TRUE(call(producer(), "producer", "approve_access_request",
                   {{"request_id", (*request)["SubscriptionId"]}})
                  .ok());
  EXPECT_THAT(readers_of(first).get<std::vector<std::string>>(),
              UnorderedElementsAre(lf_role(mesh()), lf_role(consumer())));

  ASSERT_TRUE(call(producer(), "catalog", "update_table",
                   {{"database_name", "sales"}, {"table_input", table_input(moved)}})
                  .ok());
  const absl::StatusOr<json> again = publish();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(readers_of(moved).get<std::vector<std::string>>(),
              UnorderedElementsAre(lf_role(mesh()), lf_role(consumer())));
}

// A publication run again converges on the source's partitions, also for a table whose
// definition did not change (Transaction::republish_table): a partition added at the source
// since reaches the mesh table, one deleted there goes from it.
TEST_F(PublicationTest, PublishingAgainUnchangedCopiesThePartitionsAddedAndDeletedSince) {
  set_up_mesh();
  const std::shared_ptr<const AwsClient> in_mesh = moto_account_client(mesh());
  const std::shared_ptr<const AwsClient> in_producer = moto_account_client(producer());
  ASSERT_NE(in_mesh, nullptr);
  ASSERT_NE(in_producer, nullptr);
  ASSERT_TRUE(
      call(producer(), "catalog", "create_database", {{"database_input", {{"Name", "sales"}}}})
          .ok());
  ASSERT_TRUE(call(producer(), "catalog", "create_table",
                   {{"database_name", "sales"},
                    {"table_input",
                     {{"Name", "events"},
                      {"PartitionKeys", {{{"Name", "dt"}, {"Type", "string"}}}},
                      {"StorageDescriptor", {{"Location", "s3://events/"}}}}}})
                  .ok());
  const auto add_partition = [&](const std::string& day) {
    call_ok(*in_producer, Service::kGlue, "CreatePartition",
            {{"DatabaseName", "sales"},
             {"TableName", "events"},
             {"PartitionInput",
              {{"Values", {day}}, {"StorageDescriptor", {{"Location", "s3://events/" + day}}}}}});
  };
  const auto mesh_partitions = [&] {
    std::vector<std::string> days;
    const json answer = call_ok(*in_mesh, Service::kGlue, "GetPartitions",
                                {{"DatabaseName", "sales-" + producer()}, {"TableName", "events"}});
    for (const json& partition : answer.value("Partitions", json::array())) {
      days.push_back(partition["Values"][0]);
    }
    std::sort(days.begin(), days.end());
    return days;
  };
  const auto publish = [&] {
    return call(producer(), "producer", "create_data_products",
                {{"source_database_name", "sales"}});
  };
  add_partition("2026-12-01");
  ASSERT_TRUE(publish().ok());
  EXPECT_EQ(mesh_partitions(), std::vector<std::string>({"2026-12-01"}));
  const json before = call_ok(*in_mesh, Service::kGlue, "GetTable",
                              {{"DatabaseName", "sales-" + producer()}, {"Name", "events"}});

  add_partition("2026-12-02");
  call_ok(*in_producer, Service::kGlue, "DeletePartition",
          {{"DatabaseName", "sales"},
           {"TableName", "events"},
           {"PartitionValues", {"2026-12-01"}}});
  const absl::StatusOr<json> again = publish();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(mesh_partitions(), std::vector<std::string>({"2026-12-02"}));
  // The table itself is as it was: not written again.
  const json after = call_ok(*in_mesh, Service::kGlue, "GetTable",
                             {{"DatabaseName", "sales-" + producer()}, {"Name", "events"}});
  ASSERT_TRUE(before.contains("Table")) << before.dump();
  ASSERT_TRUE(after.contains("Table")) << after.dump();
  EXPECT_EQ(after["Table"].value("VersionId", ""), before["Table"].value("VersionId", ""));
  EXPECT_EQ(after["Table"].value("UpdateTime", json()),
            before["Table"].value("UpdateTime", json()));
}

// Glue allows table names the mesh's rules do not (upper case, dots). Publishing a database that
// holds one names that source table and how to leave it out, and copies nothing; without it, the
// rest publishes.
TEST_F(PublicationTest, ASourceTableWithANameTheMeshRefusesIsNamedBeforeAnythingIsCopied) {
  set_up_mesh();
  const std::shared_ptr<const AwsClient> in_producer = moto_account_client(producer());
  ASSERT_NE(in_producer, nullptr);
  ASSERT_TRUE(
      call(producer(), "catalog", "create_database", {{"database_input", {{"Name", "legacy"}}}})
          .ok());
  ASSERT_TRUE(call(producer(), "catalog", "create_table",
                   {{"database_name", "legacy"}, {"table_input", {{"Name", "orders"}}}})
                  .ok());
  call_ok(*in_producer, Service::kGlue, "CreateTable",
          {{"DatabaseName", "legacy"}, {"TableInput", {{"Name", "my.table"}}}});

  const absl::StatusOr<json> refused =
      call(producer(), "producer", "create_data_products",
           {{"source_database_name", "legacy"}, {"table_name_regex", ".*"}});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_EQ(refused.status().message(),
            "table \"my.table\" of database legacy cannot be published: invalid table name "
            "\"my.table\": use 1 to 255 characters of lower-case letters, digits, '_' and '-'; "
            "leave it out with table_name_regex");
  EXPECT_FALSE(moto_account_client(mesh())
                   ->call(Service::kGlue, "GetDatabase", {{"Name", "legacy-" + producer()}})
                   .ok());

  const absl::StatusOr<json> published =
      call(producer(), "producer", "create_data_products",
           {{"source_database_name", "legacy"}, {"table_name_regex", "orders"}});
  EXPECT_TRUE(published.ok()) << published.status();
}

}  // namespace
}  // namespace datamesh::aws::testing
