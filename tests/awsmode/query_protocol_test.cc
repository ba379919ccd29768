// The query protocol with XML answers against moto: IAM (signed for us-east-1 on AWS, for the
// client's region on an overridden endpoint) and STS, Marker pagination, and assumed credentials
// (with their session token) used for the next call.
#include <string>

#include "aws/client.h"
#include "aws/pagination.h"
#include "awsmode/moto_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using testing::kMotoAccount;
using testing::MotoTest;

class QueryProtocolTest : public MotoTest {};

constexpr char kTrustPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})";

TEST_F(QueryProtocolTest, IamCreatesAndReadsARoleWithTags) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string role = unique_name("role");
  ASSERT_OK_AND_ASSIGN(nlohmann::json created,
                       aws->call(Service::kIam, "CreateRole",
                                 {{"RoleName", role},
                                  {"Path", "/AwsDataMesh/"},
                                  {"AssumeRolePolicyDocument", kTrustPolicy},
                                  {"Tags", {{{"Key", "Domain"}, {"Value", "sales & ops"}}}}}));
  EXPECT_EQ(created["Role"]["RoleName"], role);
  EXPECT_EQ(created["Role"]["Arn"],
            std::string("arn:aws:iam::") + kMotoAccount + ":role/AwsDataMesh/" + role);
  EXPECT_FALSE(created["ResponseMetadata"]["RequestId"].get<std::string>().empty());

  ASSERT_OK_AND_ASSIGN(nlohmann::json got,
                       aws->call(Service::kIam, "GetRole", {{"RoleName", role}}));
  EXPECT_EQ(got["Role"]["Path"], "/AwsDataMesh/");
  EXPECT_EQ(got["Role"]["Tags"],
            nlohmann::json::parse(R"([{"Key":"Domain","Value":"sales & ops"}])"));
}

TEST_F(QueryProtocolTest, IamErrorsCarryTheirCodeAndRequestId) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string role = unique_name("role");
  const absl::StatusOr<nlohmann::json> missing =
      aws->call(Service::kIam, "GetRole", {{"RoleName", role}});
  EXPECT_STATUS(missing, absl::StatusCode::kNotFound, "iam GetRole: NoSuchEntity");
  EXPECT_THAT(std::string(missing.status().message()),
              ::testing::ContainsRegex("\\(HTTP 404, request id [A-Za-z0-9]+\\)"));
  const nlohmann::json create = {{"RoleName", role}, {"AssumeRolePolicyDocument", kTrustPolicy}};
  ASSERT_OK(aws->call(Service::kIam, "CreateRole", create));
  EXPECT_STATUS(aws->call(Service::kIam, "CreateRole", create), absl::StatusCode::kAlreadyExists,
                "iam CreateRole: EntityAlreadyExists");
}

TEST_F(QueryProtocolTest, IamPagesThroughRolesByMarker) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string path = "/" + unique_name("p") + "/";
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(aws->call(Service::kIam, "CreateRole",
                        {{"RoleName", unique_name("role")},
                         {"Path", path},
                         {"AssumeRolePolicyDocument", kTrustPolicy}}));
  }
  int pages = 0;
  std::size_t roles = 0;
  ASSERT_OK(for_each_page(
      [&](const nlohmann::json& request) { return aws->call(Service::kIam, "ListRoles", request); },
      {{"PathPrefix", path}, {"MaxItems", 2}}, kMarker,
      [&](const nlohmann::json& page) {
        ++pages;
        // XML lists: an array of <member>s (a page always has some roles here).
        if (page["Roles"].is_array()) roles += page["Roles"].size();
        return absl::OkStatus();
      }));
  EXPECT_EQ(roles, 5u);
  EXPECT_EQ(pages, 3);
}

TEST_F(QueryProtocolTest, StsNamesTheCallerAndAssumesARole) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  ASSERT_OK_AND_ASSIGN(nlohmann::json caller, aws->call(Service::kSts, "GetCallerIdentity"));
  EXPECT_EQ(caller["Account"], kMotoAccount);
  EXPECT_FALSE(caller["Arn"].get<std::string>().empty());

  const std::string role = unique_name("role");
  ASSERT_OK_AND_ASSIGN(nlohmann::json created,
                       aws->call(Service::kIam, "CreateRole",
                                 {{"RoleName", role}, {"AssumeRolePolicyDocument", kTrustPolicy}}));
  ASSERT_OK_AND_ASSIGN(nlohmann::json assumed, aws->call(Service::kSts, "AssumeRole",
                                                         {{"RoleArn", created["Role"]["Arn"]},
                                                          {"RoleSessionName", "datamesh-test"},
                                                          {"DurationSeconds", 900}}));
  const nlohmann::json& credentials = assumed["Credentials"];
  ASSERT_TRUE(credentials.is_object()) << assumed.dump();
  EXPECT_FALSE(credentials["SessionToken"].get<std::string>().empty());
  EXPECT_FALSE(credentials["Expiration"].get<std::string>().empty());
  EXPECT_NE(assumed["AssumedRoleUser"]["Arn"].get<std::string>().find(role + "/datamesh-test"),
            std::string::npos);

  // The assumed session (with its X-Amz-Security-Token) signs the next call.
  AwsClient::Options options = moto_options();
  options.credentials = fixed_credentials(
      {credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<AwsClient> session, AwsClient::create(std::move(options)));
  ASSERT_OK_AND_ASSIGN(nlohmann::json as_role, session->call(Service::kSts, "GetCallerIdentity"));
  EXPECT_NE(as_role["Arn"].get<std::string>().find("assumed-role/" + role), std::string::npos)
      << as_role.dump();
}

}  // namespace
}  // namespace datamesh::aws
