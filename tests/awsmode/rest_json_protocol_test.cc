// The rest-json protocol against moto: Lake Formation (POST /<Operation>) and RAM
// (POST /<operation>, DELETE with a query string for Delete*).
#include <string>

#include "aws/client.h"
#include "aws/pagination.h"
#include "awsmode/moto_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using testing::kMotoAccount;
using testing::MotoTest;

class RestJsonProtocolTest : public MotoTest {};

TEST_F(RestJsonProtocolTest, LakeFormationSettingsGrantsAndListsPermissions) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string admin =
      std::string("arn:aws:iam::") + kMotoAccount + ":role/" + unique_name("admin");
  ASSERT_OK(aws->call(
      Service::kLakeFormation, "PutDataLakeSettings",
      {{"DataLakeSettings", {{"DataLakeAdmins", {{{"DataLakePrincipalIdentifier", admin}}}}}}}));
  ASSERT_OK_AND_ASSIGN(nlohmann::json settings,
                       aws->call(Service::kLakeFormation, "GetDataLakeSettings"));
  EXPECT_EQ(settings["DataLakeSettings"]["DataLakeAdmins"][0]["DataLakePrincipalIdentifier"],
            admin);

  const std::string database = unique_name("db");
  const std::string consumer =
      std::string("arn:aws:iam::") + kMotoAccount + ":role/" + unique_name("consumer");
  ASSERT_OK(aws->call(Service::kGlue, "CreateDatabase", {{"DatabaseInput", {{"Name", database}}}}));
  ASSERT_OK(aws->call(Service::kLakeFormation, "GrantPermissions",
                      {{"Principal", {{"DataLakePrincipalIdentifier", consumer}}},
                       {"Resource", {{"Database", {{"Name", database}}}}},
                       {"Permissions", {"DESCRIBE", "ALTER"}},
                       {"PermissionsWithGrantOption", {"DESCRIBE"}}}));
  const PageFetch list = [&](const nlohmann::json& request) {
    return aws->call(Service::kLakeFormation, "ListPermissions", request);
  };
  ASSERT_OK_AND_ASSIGN(nlohmann::json permissions,
                       all_items(list,
                                 {{"Principal", {{"DataLakePrincipalIdentifier", consumer}}},
                                  {"Resource", {{"Database", {{"Name", database}}}}}},
                                 kNextToken, "PrincipalResourcePermissions"));
  ASSERT_EQ(permissions.size(), 1u) << permissions.dump();
  EXPECT_EQ(permissions[0]["Resource"]["Database"]["Name"], database);
  EXPECT_EQ(permissions[0]["Permissions"].size(), 2u);
  // Lake Formation's own validation errors come back as InvalidArgument.
  EXPECT_STATUS(aws->call(Service::kLakeFormation, "ListPermissions",
                          {{"Principal", {{"DataLakePrincipalIdentifier", consumer}}}}),
                absl::StatusCode::kInvalidArgument,
                "lakeformation ListPermissions: InvalidInputException");
}

TEST_F(RestJsonProtocolTest, RamCreatesListsAndDeletesAResourceShare) {
  std::unique_ptr<AwsClient> aws = moto_client();
  ASSERT_NE(aws, nullptr);
  const std::string name = unique_name("share");
  ASSERT_OK_AND_ASSIGN(nlohmann::json created,
                       aws->call(Service::kRam, "CreateResourceShare",
                                 {{"name", name}, {"principals", {"111122223333"}}}));
  const std::string arn = created["resourceShare"]["resourceShareArn"];
  ASSERT_FALSE(arn.empty());
  const PageFetch list = [&](const nlohmann::json& request) {
    return aws->call(Service::kRam, "GetResourceShares", request);
  };
  ASSERT_OK_AND_ASSIGN(nlohmann::json shares, all_items(list, {{"resourceOwner", "SELF"}},
                                                        kLowerNextToken, "resourceShares"));
  // Other tests share the server: look for this test's share among all.
  int found = 0;
  for (const nlohmann::json& share : shares) {
    if (share["name"] != name) continue;
    ++found;
    EXPECT_EQ(share["resourceShareArn"], arn);
    EXPECT_EQ(share["status"], "ACTIVE");
  }
  EXPECT_EQ(found, 1);
  ASSERT_OK_AND_ASSIGN(nlohmann::json deleted, aws->call(Service::kRam, "DeleteResourceShare",
                                                         {{"resourceShareArn", arn}}));
  EXPECT_EQ(deleted["returnValue"], true);
  EXPECT_STATUS(
      aws->call(Service::kRam, "DeleteResourceShare", {{"resourceShareArn", arn + "-absent"}}),
      absl::StatusCode::kNotFound, "ram DeleteResourceShare: UnknownResourceException");
}

}  // namespace
}  // namespace datamesh::aws
