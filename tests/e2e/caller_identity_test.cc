// DataMeshAdmin::get_caller_identity end to end: every authenticated account may ask who it is
// (like STS GetCallerIdentity), and the answer shows its roles as the mesh knows them now; a
// call with bad credentials is refused like any other.
#include <string>

#include "datamesh/admin.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;

class CallerIdentityTest : public MeshFixture {};

TEST_F(CallerIdentityTest, EachAccountSeesItselfItsKeyAndTheMesh) {
  ASSERT_OK_AND_ASSIGN(CallerIdentity producer, admin_as(kProducerAccount).get_caller_identity());
  EXPECT_EQ(producer.account_id, kProducerAccount);
  EXPECT_FALSE(producer.is_mesh_admin);
  // In AWS mode accounts have no datamesh name, and an admin-group call of an account runs with
  // its own session, which does not reach the mesh's registry of enabled accounts
  // (AwsReadTransaction::read_account): there only the ids are checked.
  if (!aws_mode()) {
    EXPECT_FALSE(producer.account_name.empty());
    EXPECT_TRUE(producer.producer_enabled);
    EXPECT_TRUE(producer.producer_initialized);
  }
  EXPECT_FALSE(producer.consumer_enabled);
  EXPECT_FALSE(producer.consumer_initialized);
  EXPECT_EQ(producer.access_key_id, credentials(kProducerAccount).access_key_id);
  EXPECT_EQ(producer.data_mesh_account_id, kMeshAccount);
  EXPECT_EQ(producer.region_name, "us-east-1");

  ASSERT_OK_AND_ASSIGN(CallerIdentity consumer, admin_as(kConsumerAccount).get_caller_identity());
  EXPECT_EQ(consumer.account_id, kConsumerAccount);
  EXPECT_FALSE(consumer.producer_enabled);
  if (!aws_mode()) {
    EXPECT_TRUE(consumer.consumer_enabled);
    EXPECT_TRUE(consumer.consumer_initialized);
  }

  ASSERT_OK_AND_ASSIGN(CallerIdentity mesh, admin().get_caller_identity());
  EXPECT_EQ(mesh.account_id, kMeshAccount);
  EXPECT_TRUE(mesh.is_mesh_admin);
  EXPECT_FALSE(mesh.producer_enabled);
  EXPECT_FALSE(mesh.consumer_enabled);
  EXPECT_EQ(mesh.access_key_id, credentials(kMeshAccount).access_key_id);
}

TEST_F(CallerIdentityTest, AnAccountWithoutRolesMayAskAndSeesTheAdminsChangesAtOnce) {
  if (aws_mode()) {
    GTEST_SKIP() << "in AWS mode an account the mesh admin has not enabled is not part of the "
                    "mesh (docs/DECISIONS.md)";
  }
  DataMeshAdmin& no_role = admin_as(kNoRoleAccount);
  ASSERT_OK_AND_ASSIGN(CallerIdentity before, no_role.get_caller_identity());
  EXPECT_EQ(before.account_id, kNoRoleAccount);
  EXPECT_FALSE(before.producer_enabled);
  EXPECT_FALSE(before.consumer_enabled);
  ASSERT_OK(admin().enable_account_as_producer(kNoRoleAccount));
  ASSERT_OK_AND_ASSIGN(CallerIdentity after, no_role.get_caller_identity());
  EXPECT_TRUE(after.producer_enabled);
  EXPECT_FALSE(after.producer_initialized);
  EXPECT_FALSE(after.consumer_enabled);
}

TEST_F(CallerIdentityTest, ASecondKeyIsNamedAsTheKeyInUse) {
  if (aws_mode()) GTEST_SKIP() << "AWS mode signs with the account's AWS keys, not datamesh keys";
  ASSERT_OK_AND_ASSIGN(AccountCredentials second, admin().create_access_key(kConsumerAccount));
  DataMeshAdmin with_second(options(Credentials{.access_key_id = second.access_key_id,
                                                .secret_access_key = second.secret_access_key}));
  ASSERT_OK_AND_ASSIGN(CallerIdentity identity, with_second.get_caller_identity());
  EXPECT_EQ(identity.account_id, kConsumerAccount);
  EXPECT_EQ(identity.access_key_id, second.access_key_id);
}

TEST_F(CallerIdentityTest, BadCredentialsAreUnauthenticated) {
  if (aws_mode()) GTEST_SKIP() << "datamesh access keys do not exist in AWS mode";
  Credentials wrong_secret = credentials(kProducerAccount);
  wrong_secret.secret_access_key[0] = wrong_secret.secret_access_key[0] == 'A' ? 'B' : 'A';
  DataMeshAdmin wrong(options(wrong_secret));
  EXPECT_STATUS_CODE(wrong.get_caller_identity(), StatusCode::kUnauthenticated);

  DataMeshAdmin unknown(options(Credentials{.access_key_id = "DMAKNOSUCHKEY0000000",
                                            .secret_access_key = wrong_secret.secret_access_key}));
  EXPECT_STATUS_CODE(unknown.get_caller_identity(), StatusCode::kUnauthenticated);

  ASSERT_OK(admin().revoke_access_key(credentials(kConsumerAccount).access_key_id));
  EXPECT_STATUS_CODE(admin_as(kConsumerAccount).get_caller_identity(),
                     StatusCode::kUnauthenticated);
}

// get_endpoints, for any account: in AWS mode where the original's tracker and its stream are;
// elsewhere nothing, the subscriptions being kept in the mesh's own database.
TEST_F(CallerIdentityTest, EveryAccountMayAskWhereSubscriptionChangesCanBeFollowed) {
  for (const char* account : {kMeshAccount, kProducerAccount, kConsumerAccount}) {
    ASSERT_OK_AND_ASSIGN(TrackerEndpoints endpoints, admin_as(account).get_endpoints());
    if (aws_mode()) {
      EXPECT_EQ(endpoints.table, std::string("arn:aws:dynamodb:us-east-1:") + kMeshAccount +
                                     ":table/AwsDataMeshSubscriptions")
          << account;
      EXPECT_TRUE(endpoints.stream.starts_with(endpoints.table + "/stream/")) << endpoints.stream;
    } else {
      EXPECT_EQ(endpoints.table, "") << account;
      EXPECT_EQ(endpoints.stream, "") << account;
    }
  }
}

}  // namespace
}  // namespace datamesh::test_support
