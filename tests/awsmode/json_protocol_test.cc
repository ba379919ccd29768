// The json protocol against moto: Glue (application/x-amz-json-1.1) and DynamoDB (1.0),
// pagination by NextToken and LastEvaluatedKey, and their errors as statuses.
#include <set>
#include <string>

#include "aws/client.h"
#include "aws/pagination.h"
#include "awsmode/moto_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using testing::MotoTest;

class JsonProtocolTest : public MotoTest {};

PageFetch fetch_of(const AwsClient& client, Service service, std::string operation) {
  return [&client, service, operation](const nlohmann::json& request) {
    return client.call(service, operation, request);
  };
}

TEST_F(JsonProtocolTest, GlueCreatesDatabasesAndListsThemAll) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  std::set<std::string> created;
  for (int i = 0; i < 3; ++i) {
    const std::string name = unique_name("db");
    ASSERT_OK(aws->call(Service::kGlue, "CreateDatabase",
                        {{"DatabaseInput", {{"Name", name}, {"Description", "sales data"}}}}));
    created.insert(name);
  }
  ASSERT_OK_AND_ASSIGN(nlohmann::json databases,
                       all_items(fetch_of(*aws, Service::kGlue, "GetDatabases"),
                                 {{"MaxResults", 1}}, kNextToken, "DatabaseList"));
  std::set<std::string> listed;
  for (const nlohmann::json& database : databases) listed.insert(database["Name"]);
  for (const std::string& name : created) EXPECT_TRUE(listed.contains(name)) << name;

  ASSERT_OK_AND_ASSIGN(nlohmann::json one,
                       aws->call(Service::kGlue, "GetDatabase", {{"Name", *created.begin()}}));
  EXPECT_EQ(one["Database"]["Description"], "sales data");
}

TEST_F(JsonProtocolTest, GluePagesThroughJobsByNextToken) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string prefix = unique_name("job");
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(aws->call(Service::kGlue, "CreateJob",
                        {{"Name", prefix + "-" + std::to_string(i)},
                         {"Role", "arn:aws:iam::123456789012:role/glue"},
                         {"Command", {{"Name", "glueetl"}, {"ScriptLocation", "s3://b/s.py"}}}}));
  }
  int pages = 0;
  std::set<std::string> seen;
  ASSERT_OK(for_each_page(fetch_of(*aws, Service::kGlue, "GetJobs"), {{"MaxResults", 2}},
                          kNextToken, [&](const nlohmann::json& page) {
                            ++pages;
                            EXPECT_LE(page["Jobs"].size(), 2u);
                            for (const auto& job : page["Jobs"]) seen.insert(job["Name"]);
                            return absl::OkStatus();
                          }));
  EXPECT_GE(pages, 3);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(seen.contains(prefix + "-" + std::to_string(i)));
}

TEST_F(JsonProtocolTest, GlueErrorsCarryTheirCodeAndRequestId) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string name = unique_name("db");
  const absl::StatusOr<nlohmann::json> missing =
      aws->call(Service::kGlue, "GetDatabase", {{"Name", name}});
  EXPECT_STATUS(missing, absl::StatusCode::kNotFound, "glue GetDatabase: EntityNotFoundException");
  EXPECT_THAT(std::string(missing.status().message()),
              ::testing::ContainsRegex("request id [A-Za-z0-9]+"));
  ASSERT_OK(aws->call(Service::kGlue, "CreateDatabase", {{"DatabaseInput", {{"Name", name}}}}));
  EXPECT_STATUS(aws->call(Service::kGlue, "CreateDatabase", {{"DatabaseInput", {{"Name", name}}}}),
                absl::StatusCode::kAlreadyExists, "glue CreateDatabase: AlreadyExistsException");
}

TEST_F(JsonProtocolTest, DynamoDbPutsGetsAndScansEveryPage) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string table = unique_name("tracker");
  ASSERT_OK(aws->call(
      Service::kDynamoDb, "CreateTable",
      {{"TableName", table},
       {"AttributeDefinitions", {{{"AttributeName", "SubscriptionId"}, {"AttributeType", "S"}}}},
       {"KeySchema", {{{"AttributeName", "SubscriptionId"}, {"KeyType", "HASH"}}}},
       {"BillingMode", "PAY_PER_REQUEST"}}));
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(aws->call(Service::kDynamoDb, "PutItem",
                        {{"TableName", table},
                         {"Item",
                          {{"SubscriptionId", {{"S", "sub-" + std::to_string(i)}}},
                           {"Status", {{"S", "Pending"}}},
                           {"Notes", {{"SS", {"first", "second"}}}}}}}));
  }
  ASSERT_OK_AND_ASSIGN(
      nlohmann::json item,
      aws->call(Service::kDynamoDb, "GetItem",
                {{"TableName", table}, {"Key", {{"SubscriptionId", {{"S", "sub-3"}}}}}}));
  EXPECT_EQ(item["Item"]["Status"]["S"], "Pending");
  EXPECT_EQ(item["Item"]["Notes"]["SS"].size(), 2u);

  int pages = 0;
  std::size_t items = 0;
  ASSERT_OK(for_each_page(fetch_of(*aws, Service::kDynamoDb, "Scan"),
                          {{"TableName", table}, {"Limit", 2}}, kLastEvaluatedKey,
                          [&](const nlohmann::json& page) {
                            ++pages;
                            items += page["Items"].size();
                            return absl::OkStatus();
                          }));
  EXPECT_EQ(items, 5u);
  EXPECT_GE(pages, 3);
}

TEST_F(JsonProtocolTest, DynamoDbConditionFailuresAndTakenTableNamesMapToTheirCodes) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string table = unique_name("tracker");
  const nlohmann::json create = {
      {"TableName", table},
      {"AttributeDefinitions", {{{"AttributeName", "Id"}, {"AttributeType", "S"}}}},
      {"KeySchema", {{{"AttributeName", "Id"}, {"KeyType", "HASH"}}}},
      {"BillingMode", "PAY_PER_REQUEST"}};
  ASSERT_OK(aws->call(Service::kDynamoDb, "CreateTable", create));
  EXPECT_STATUS(aws->call(Service::kDynamoDb, "CreateTable", create),
                absl::StatusCode::kAlreadyExists, "dynamodb CreateTable: ResourceInUseException");
  const nlohmann::json put = {{"TableName", table},
                              {"Item", {{"Id", {{"S", "a"}}}}},
                              {"ConditionExpression", "attribute_not_exists(Id)"}};
  ASSERT_OK(aws->call(Service::kDynamoDb, "PutItem", put));
  EXPECT_STATUS(aws->call(Service::kDynamoDb, "PutItem", put),
                absl::StatusCode::kFailedPrecondition,
                "dynamodb PutItem: ConditionalCheckFailedException");
  EXPECT_STATUS(aws->call(Service::kDynamoDb, "GetItem",
                          {{"TableName", unique_name("absent")}, {"Key", {{"Id", {{"S", "a"}}}}}}),
                absl::StatusCode::kNotFound, "dynamodb GetItem: ResourceNotFoundException");
}

}  // namespace
}  // namespace datamesh::aws
