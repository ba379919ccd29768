// The STS calls of the credential chain (sts_client.h) against moto: AssumeRole's keys sign the
// next call, a producer's persona chain ends as its role in the mesh account, and STS errors
// keep their AWS code.
#include "aws/sts_client.h"

#include <chrono>
#include <memory>
#include <random>
#include <string>

#include "aws/credentials_provider.h"
#include "aws/mesh_names.h"
#include "aws/persona_chain.h"
#include "awsmode/moto_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::kMotoAccount;
using testing::MotoTest;

constexpr char kAnyoneMayAssumePolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]})";

class StsClientMotoTest : public MotoTest {
 protected:
  // The fixture's keys (moto's default account).
  static SigningKey moto_key() { return {"AKIDMOTOTESTING", "moto-testing-secret", ""}; }

  StsCalls moto_sts() const {
    absl::StatusOr<StsCalls> sts = sts_calls(moto_options());
    EXPECT_TRUE(sts.ok()) << sts.status();
    return sts.ok() ? *std::move(sts) : StsCalls{};
  }

  // A client of moto signing with `key`.
  std::unique_ptr<AwsClient> client_as(const SigningKey& key) const {
    AwsClient::Options options = moto_options();
    options.credentials = fixed_credentials(key);
    absl::StatusOr<std::unique_ptr<AwsClient>> client = AwsClient::create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // A 12-digit account no other test uses (moto makes an account on first use).
  static std::string fresh_account() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return std::to_string(100000000000ULL + random() % 800000000000ULL);
  }

  // Keys of an administrator of `account`: moto lets any key assume a role anywhere.
  SigningKey admin_of(const std::string& account, const StsCalls& sts) const {
    absl::StatusOr<AssumedCredentials> admin = sts.assume_role(
        moto_key(), "arn:aws:iam::" + account + ":role/test-admin", "test-admin");
    EXPECT_TRUE(admin.ok()) << admin.status();
    return admin.ok() ? admin->key : SigningKey{};
  }

  // Creates `role` under the mesh's IAM path in the account of `admin`; returns its ARN.
  std::string create_mesh_role(const SigningKey& admin, const std::string& role) const {
    std::unique_ptr<AwsClient> iam = client_as(admin);
    if (iam == nullptr) return "";
    absl::StatusOr<nlohmann::json> created =
        iam->call(Service::kIam, "CreateRole",
                  {{"RoleName", role},
                   {"Path", std::string(names::kIamPath)},
                   {"AssumeRolePolicyDocument", kAnyoneMayAssumePolicy}});
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? (*created)["Role"]["Arn"].get<std::string>() : "";
  }
};

TEST_F(StsClientMotoTest, GetCallerIdentityNamesTheKeysAccount) {
  const StsCalls sts = moto_sts();
  ASSERT_TRUE(sts.get_caller_identity);
  ASSERT_OK_AND_ASSIGN(const CallerIdentity caller, sts.get_caller_identity(moto_key()));
  EXPECT_EQ(caller.account, kMotoAccount);
  // moto names its default identity arn:aws:sts::<account>:user/moto (AWS: arn:aws:iam::...).
  EXPECT_THAT(caller.arn, HasSubstr(std::string("::") + kMotoAccount + ":user/"));
  EXPECT_FALSE(caller.user_id.empty());
}

TEST_F(StsClientMotoTest, AssumeRoleGivesKeysThatSignTheNextCall) {
  const StsCalls sts = moto_sts();
  ASSERT_TRUE(sts.assume_role);
  const std::string role = unique_name("role");
  const std::string role_arn = create_mesh_role(moto_key(), role);
  ASSERT_FALSE(role_arn.empty());

  const auto before = std::chrono::system_clock::now();
  ASSERT_OK_AND_ASSIGN(const AssumedCredentials assumed,
                       sts.assume_role(moto_key(), role_arn, "datamesh-sts-test"));
  EXPECT_FALSE(assumed.key.access_key_id.empty());
  EXPECT_FALSE(assumed.key.secret_access_key.empty());
  EXPECT_FALSE(assumed.key.session_token.empty());
  EXPECT_NE(assumed.key.access_key_id, moto_key().access_key_id);
  EXPECT_GT(assumed.expiration, before);  // moto's default hour, read from ISO 8601

  // The assumed keys (with their session token) sign GetCallerIdentity: the answer is the role.
  ASSERT_OK_AND_ASSIGN(const CallerIdentity as_role, sts.get_caller_identity(assumed.key));
  EXPECT_EQ(as_role.account, kMotoAccount);
  EXPECT_EQ(as_role.arn, std::string("arn:aws:sts::") + kMotoAccount + ":assumed-role/" + role +
                             "/datamesh-sts-test");
  EXPECT_THAT(as_role.user_id, HasSubstr(":datamesh-sts-test"));
}

TEST_F(StsClientMotoTest, ProducerChainEndsAsItsRoleInTheMeshAccount) {
  const StsCalls sts = moto_sts();
  ASSERT_TRUE(sts.assume_role);
  const std::string producer_account = fresh_account();
  const std::string mesh_account = fresh_account();
  ASSERT_NE(producer_account, mesh_account);
  const SigningKey producer_admin = admin_of(producer_account, sts);
  const SigningKey mesh_admin = admin_of(mesh_account, sts);
  ASSERT_FALSE(producer_admin.access_key_id.empty());
  ASSERT_FALSE(mesh_admin.access_key_id.empty());
  EXPECT_EQ(create_mesh_role(producer_admin, std::string(names::kProducerRole)),
            names::role_arn(producer_account, names::kProducerRole));
  const std::string mesh_role = names::mesh_producer_role(producer_account);
  EXPECT_EQ(create_mesh_role(mesh_admin, mesh_role), names::role_arn(mesh_account, mesh_role));

  // The caller: keys of an identity in the producer account.
  const PersonaChainCalls calls{.assume_role = sts.assume_role,
                                .get_caller_identity = sts.get_caller_identity,
                                .now = [] { return std::chrono::system_clock::now(); }};
  ASSERT_OK_AND_ASSIGN(
      const ProducerSessions sessions,
      producer_chain(std::make_shared<StaticCredentialsProvider>(producer_admin), mesh_account,
                     calls));
  EXPECT_EQ(sessions.producer_account, producer_account);

  ASSERT_OK_AND_ASSIGN(const SigningKey producer_key, sessions.producer->signing_key());
  ASSERT_OK_AND_ASSIGN(const CallerIdentity producer, sts.get_caller_identity(producer_key));
  EXPECT_EQ(producer.account, producer_account);
  EXPECT_THAT(producer.arn, StartsWith("arn:aws:sts::" + producer_account + ":assumed-role/" +
                                       std::string(names::kProducerRole) + "/"));

  ASSERT_OK_AND_ASSIGN(const SigningKey mesh_key, sessions.mesh->signing_key());
  ASSERT_OK_AND_ASSIGN(const CallerIdentity mesh, sts.get_caller_identity(mesh_key));
  EXPECT_EQ(mesh.account, mesh_account);
  EXPECT_THAT(mesh.arn,
              StartsWith("arn:aws:sts::" + mesh_account + ":assumed-role/" + mesh_role + "/"));
  // The mesh session signs the mesh account's calls: it reads the role it is.
  ASSERT_OK_AND_ASSIGN(nlohmann::json got,
                       client_as(mesh_key)->call(Service::kIam, "GetRole",
                                                 {{"RoleName", mesh_role}}));
  EXPECT_EQ(got["Role"]["Arn"], names::role_arn(mesh_account, mesh_role));
}

TEST_F(StsClientMotoTest, AssumeRoleErrorsKeepTheAwsCode) {
  const StsCalls sts = moto_sts();
  ASSERT_TRUE(sts.assume_role);
  // moto assumes any role ARN, even of a role that does not exist, but checks the session
  // name's length (at most 64, as AWS does).
  const std::string too_long(names::kMaxRoleSessionName + 1, 's');
  EXPECT_STATUS(sts.assume_role(moto_key(),
                                std::string("arn:aws:iam::") + kMotoAccount + ":role/any",
                                too_long),
                absl::StatusCode::kInvalidArgument, "sts AssumeRole: ValidationError: ");
}

}  // namespace
}  // namespace datamesh::aws
