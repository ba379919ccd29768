// The fixture's accounts: moto keeps each AssumeRole'd account apart, which the AWS store's
// tests rely on to give every test accounts of its own.
#include <string>

#include "awsmode/moto_fixture.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws::testing {
namespace {

class MotoAccountsTest : public MotoTest {};

TEST_F(MotoAccountsTest, EachAccountHasItsOwnIdentityAndCatalog) {
  const std::string producer = unique_account();
  const std::string mesh = unique_account();
  ASSERT_NE(producer, mesh);
  std::shared_ptr<const AwsClient> producer_client = moto_account_client(producer);
  std::shared_ptr<const AwsClient> mesh_client = moto_account_client(mesh);
  ASSERT_NE(producer_client, nullptr);
  ASSERT_NE(mesh_client, nullptr);

  absl::StatusOr<nlohmann::json> who = producer_client->call(Service::kSts, "GetCallerIdentity");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ((*who)["Account"], producer);

  const std::string database = unique_name("accounts");
  ASSERT_TRUE(producer_client
                  ->call(Service::kGlue, "CreateDatabase", {{"DatabaseInput", {{"Name", database}}}})
                  .ok());
  EXPECT_TRUE(producer_client->call(Service::kGlue, "GetDatabase", {{"Name", database}}).ok());
  absl::StatusOr<nlohmann::json> elsewhere =
      mesh_client->call(Service::kGlue, "GetDatabase", {{"Name", database}});
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kNotFound) << elsewhere.status();
}

}  // namespace
}  // namespace datamesh::aws::testing
