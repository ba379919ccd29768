// The credential chain of AWS mode: each source, the order between them, profile role chains
// (with source_profile loops refused), malformed and partial sources, as botocore resolves them
// with the original library's credentials file ahead.
#include "aws/credential_chain.h"

#include <map>
#include <string>

#include "credentials_test_support.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using test::AssumeCall;
using test::FakeSts;
using test::ManualTime;
using test::ScratchDir;
using Variables = std::map<std::string, std::string, std::less<>>;

constexpr std::string_view kOriginalFile = R"({
  "AWS_REGION": "eu-west-1",
  "Mesh": {"AccountId": "111122223333", "AccessKeyId": "AKIAMESH", "SecretAccessKey": "mesh-secret"},
  "Producer": {"AccountId": "444455556666", "AccessKeyId": "ASIAPRODUCER",
               "SecretAccessKey": "producer-secret", "SessionToken": "producer-token",
               "Expiration": "ignored"},
  "Consumer": {"AccountId": "777788889999", "AccessKeyId": "AKIACONSUMER"}
})";

class CredentialChainTest : public ::testing::Test {
 protected:
  CredentialChainTest() : sts_(time_) { variables_["HOME"] = home_.path().string(); }

  absl::StatusOr<ResolvedCredentials> resolve(const CredentialChainOptions& options = {}) {
    return resolve_credential_chain(options, environment_of(variables_), sts_.assume_role(),
                                    time_.source());
  }
  // The keys the chain resolves to now.
  absl::StatusOr<SigningKey> key(const CredentialChainOptions& options = {}) {
    absl::StatusOr<ResolvedCredentials> resolved = resolve(options);
    if (!resolved.ok()) return resolved.status();
    return resolved->provider->signing_key();
  }
  void set_environment_keys() {
    variables_["AWS_ACCESS_KEY_ID"] = "AKIAENV";
    variables_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  }
  void write_profiles() {
    home_.write(".aws/credentials",
                "[default]\naws_access_key_id = AKIADEFAULT\n"
                "aws_secret_access_key = default-secret\n"
                "[dev]\naws_access_key_id = AKIADEV\n"
                "aws_secret_access_key = dev-secret\n"
                "aws_session_token = dev-token\n");
  }

  ScratchDir home_;
  ManualTime time_;
  FakeSts sts_;
  Variables variables_;
};

// --- one source at a time ---

TEST_F(CredentialChainTest, ExplicitKeys) {
  const SigningKey given{"AKIAGIVEN", "given-secret", "given-token"};
  ASSERT_OK_AND_ASSIGN(const ResolvedCredentials resolved, resolve({.explicit_key = given}));
  EXPECT_EQ(resolved.source, "explicit keys");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, resolved.provider->signing_key());
  EXPECT_EQ(key.access_key_id, "AKIAGIVEN");
  EXPECT_EQ(key.session_token, "given-token");
}

TEST_F(CredentialChainTest, ExplicitKeysNeedIdAndSecret) {
  set_environment_keys();  // never a fallback for explicit keys that are wrong
  EXPECT_STATUS(resolve({.explicit_key = SigningKey{"AKIAGIVEN", "", ""}}),
                absl::StatusCode::kInvalidArgument,
                "explicit AWS keys need both an access key id and a secret access key");
  EXPECT_STATUS(resolve({.explicit_key = SigningKey{"", "secret", ""}}),
                absl::StatusCode::kInvalidArgument, "explicit AWS keys need both");
}

TEST_F(CredentialChainTest, OriginalCredentialsFileBlockWithSessionToken) {
  const std::string path = home_.write("creds.json", kOriginalFile);
  ASSERT_OK_AND_ASSIGN(const ResolvedCredentials resolved,
                       resolve({.credentials_file = path, .credentials_block = "Producer"}));
  EXPECT_EQ(resolved.source, "block Producer of " + path);
  EXPECT_EQ(resolved.account_id, "444455556666");
  EXPECT_EQ(resolved.region, "eu-west-1");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, resolved.provider->signing_key());
  EXPECT_EQ(key.access_key_id, "ASIAPRODUCER");
  EXPECT_EQ(key.secret_access_key, "producer-secret");
  EXPECT_EQ(key.session_token, "producer-token");
}

TEST_F(CredentialChainTest, CredentialsFileVariableNamesTheFileAsTheOriginalReadsIt) {
  variables_["CredentialsFile"] = home_.write("creds.json", kOriginalFile);
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.credentials_block = "Mesh"}));
  EXPECT_EQ(key.access_key_id, "AKIAMESH");
  EXPECT_EQ(key.session_token, "");
}

TEST_F(CredentialChainTest, CredentialsFileOfOneBlockServesAnyBlock) {
  const std::string path = home_.write(
      "one.json", R"({"AccountId": "1", "AccessKeyId": "AKIAONE", "SecretAccessKey": "s"})");
  ASSERT_OK_AND_ASSIGN(const SigningKey key,
                       key({.credentials_file = path, .credentials_block = "Consumer"}));
  EXPECT_EQ(key.access_key_id, "AKIAONE");
}

TEST_F(CredentialChainTest, EnvironmentVariables) {
  set_environment_keys();
  variables_["AWS_SESSION_TOKEN"] = "env-token";
  ASSERT_OK_AND_ASSIGN(const ResolvedCredentials resolved, resolve());
  EXPECT_EQ(resolved.source, "environment variables");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, resolved.provider->signing_key());
  EXPECT_EQ(key.access_key_id, "AKIAENV");
  EXPECT_EQ(key.secret_access_key, "env-secret");
  EXPECT_EQ(key.session_token, "env-token");
}

TEST_F(CredentialChainTest, EnvironmentSecurityTokenIsTheOlderName) {
  set_environment_keys();
  variables_["AWS_SECURITY_TOKEN"] = "old-token";
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key());
  EXPECT_EQ(key.session_token, "old-token");
}

TEST_F(CredentialChainTest, DefaultProfile) {
  write_profiles();
  ASSERT_OK_AND_ASSIGN(const ResolvedCredentials resolved, resolve());
  EXPECT_EQ(resolved.source, "AWS profile default");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, resolved.provider->signing_key());
  EXPECT_EQ(key.access_key_id, "AKIADEFAULT");
}

TEST_F(CredentialChainTest, AwsProfileChoosesTheProfile) {
  write_profiles();
  variables_["AWS_PROFILE"] = "dev";
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key());
  EXPECT_EQ(key.access_key_id, "AKIADEV");
  EXPECT_EQ(key.session_token, "dev-token");
}

TEST_F(CredentialChainTest, KeysInTheConfigFileProfile) {
  home_.write(".aws/config",
              "[profile cfg]\naws_access_key_id = AKIACFG\n"
              "aws_secret_access_key = cfg-secret\n");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.profile = "cfg"}));
  EXPECT_EQ(key.access_key_id, "AKIACFG");
}

TEST_F(CredentialChainTest, SharedFilesNamedByVariables) {
  variables_["AWS_SHARED_CREDENTIALS_FILE"] =
      home_.write("custom/creds",
                  "[default]\naws_access_key_id = AKIACUSTOM\n"
                  "aws_secret_access_key = s\n");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key());
  EXPECT_EQ(key.access_key_id, "AKIACUSTOM");
}

// --- the order between sources ---

TEST_F(CredentialChainTest, ExplicitKeysComeFirst) {
  set_environment_keys();
  write_profiles();
  variables_["CredentialsFile"] = home_.write("creds.json", kOriginalFile);
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.explicit_key = SigningKey{"AKIAGIVEN", "s", ""},
                                                  .credentials_block = "Mesh",
                                                  .profile = "dev"}));
  EXPECT_EQ(key.access_key_id, "AKIAGIVEN");
}

TEST_F(CredentialChainTest, CredentialsFileComesBeforeEnvironmentAndProfile) {
  set_environment_keys();
  write_profiles();
  variables_["CredentialsFile"] = home_.write("creds.json", kOriginalFile);
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.credentials_block = "Mesh"}));
  EXPECT_EQ(key.access_key_id, "AKIAMESH");
}

TEST_F(CredentialChainTest, EnvironmentComesBeforeProfileEvenWithAwsProfileSet) {
  set_environment_keys();
  write_profiles();
  variables_["AWS_PROFILE"] = "dev";
  ASSERT_OK_AND_ASSIGN(const ResolvedCredentials resolved, resolve());
  EXPECT_EQ(resolved.source, "environment variables");
  EXPECT_EQ(resolved.profile, "dev");
}

TEST_F(CredentialChainTest, ExplicitProfileOutranksTheEnvironment) {
  set_environment_keys();
  write_profiles();
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.profile = "dev"}));
  EXPECT_EQ(key.access_key_id, "AKIADEV");
}

// --- missing and malformed sources ---

TEST_F(CredentialChainTest, NothingAnywhereListsWhatWasTried) {
  EXPECT_STATUS(resolve(), absl::StatusCode::kNotFound,
                "no AWS credentials: none given explicitly, no credentials file "
                "(CredentialsFile), no AWS_ACCESS_KEY_ID, and no profile default in " +
                    home_.file(".aws/config") + " or " + home_.file(".aws/credentials"));
}

TEST_F(CredentialChainTest, NamedProfileThatDoesNotExist) {
  write_profiles();
  variables_["AWS_PROFILE"] = "prod";
  EXPECT_STATUS(resolve(), absl::StatusCode::kNotFound, "AWS profile prod not found in");
}

TEST_F(CredentialChainTest, HalfTheEnvironmentKeysIsRefused) {
  variables_["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  EXPECT_STATUS(resolve(), absl::StatusCode::kInvalidArgument,
                "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY");
  variables_.erase("AWS_ACCESS_KEY_ID");
  variables_["AWS_SECRET_ACCESS_KEY"] = "secret";
  EXPECT_STATUS(resolve(), absl::StatusCode::kInvalidArgument,
                "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID");
}

TEST_F(CredentialChainTest, ProfileWithHalfItsKeysNamesTheLine) {
  home_.write(".aws/credentials", "[default]\n\naws_access_key_id = AKIA\n");
  EXPECT_STATUS(resolve(), absl::StatusCode::kInvalidArgument,
                "AWS profile default has aws_access_key_id (" + home_.path().string() +
                    "/.aws/credentials:3) but no aws_secret_access_key");
}

TEST_F(CredentialChainTest, ProfileWithoutCredentials) {
  home_.write(".aws/config", "[default]\nregion = eu-west-1\n");
  EXPECT_STATUS(resolve(), absl::StatusCode::kNotFound,
                "AWS profile default (" + home_.file(".aws/config") + ":1) holds no credentials");
}

TEST_F(CredentialChainTest, MalformedSharedFileNamesLineAndReason) {
  home_.write(".aws/credentials", "[default]\naws_secret_access_key: secret-value\nsecret-value\n");
  const absl::StatusOr<ResolvedCredentials> resolved = resolve();
  EXPECT_STATUS(resolved, absl::StatusCode::kInvalidArgument,
                home_.file(".aws/credentials") + ":3: expected key = value");
  EXPECT_EQ(resolved.status().message().find("secret-value"), absl::string_view::npos);
}

TEST_F(CredentialChainTest, CredentialsFileWithoutBlockChoice) {
  variables_["CredentialsFile"] = home_.write("creds.json", kOriginalFile);
  EXPECT_STATUS(resolve(), absl::StatusCode::kInvalidArgument,
                "given without the block to use (Mesh, Producer, Consumer, ProducerAdmin or "
                "ConsumerAdmin)");
}

TEST_F(CredentialChainTest, CredentialsFileWithoutTheBlockListsThoseThere) {
  variables_["CredentialsFile"] = home_.write("creds.json", kOriginalFile);
  EXPECT_STATUS(resolve({.credentials_block = "ProducerAdmin"}), absl::StatusCode::kInvalidArgument,
                "has no block ProducerAdmin; blocks: Consumer, Mesh, Producer");
}

TEST_F(CredentialChainTest, CredentialsFileBlockWithoutSecret) {
  variables_["CredentialsFile"] = home_.write("creds.json", kOriginalFile);
  EXPECT_STATUS(resolve({.credentials_block = "Consumer"}), absl::StatusCode::kInvalidArgument,
                "block Consumer of credentials file " + variables_["CredentialsFile"] +
                    ": Malformed Credentials - missing AccessKeyId or SecretAccessKey");
}

TEST_F(CredentialChainTest, CredentialsFileBlockWithANonStringValue) {
  const std::string path =
      home_.write("bad.json", R"({"Mesh": {"AccessKeyId": 7, "SecretAccessKey": "s"}})");
  EXPECT_STATUS(resolve({.credentials_file = path, .credentials_block = "Mesh"}),
                absl::StatusCode::kInvalidArgument, "AccessKeyId must be a string");
}

TEST_F(CredentialChainTest, MalformedCredentialsFileNamesLineAndColumnNotTheText) {
  const std::string path = home_.write(
      "bad.json", "{\n  \"Mesh\": {\"AccessKeyId\": \"AKIA\",\n   \"SecretAccessKey\": SECRET}\n}");
  const absl::StatusOr<ResolvedCredentials> resolved =
      resolve({.credentials_file = path, .credentials_block = "Mesh"});
  EXPECT_STATUS(resolved, absl::StatusCode::kInvalidArgument, path + ":3:23: malformed JSON");
  EXPECT_EQ(resolved.status().message().find("SECRET"), absl::string_view::npos);
}

TEST_F(CredentialChainTest, CredentialsFileWithAnOverflowingNumberIsMalformedNotACrash) {
  // Found by fuzz/aws_credentials_fuzzer: nlohmann throws out_of_range, not parse_error.
  const std::string path = home_.write(
      "big.json", R"({"Mesh": {"AccessKeyId": "A", "SecretAccessKey": "s", "N": 1E99999}})");
  const absl::StatusOr<ResolvedCredentials> resolved =
      resolve({.credentials_file = path, .credentials_block = "Mesh"});
  EXPECT_STATUS(resolved, absl::StatusCode::kInvalidArgument,
                path + ": malformed JSON: a number is out of range");
  EXPECT_EQ(resolved.status().message().find("99999"), absl::string_view::npos);
}

TEST_F(CredentialChainTest, MissingCredentialsFile) {
  EXPECT_STATUS(
      resolve({.credentials_file = home_.file("none.json"), .credentials_block = "Mesh"}),
      absl::StatusCode::kNotFound, "cannot read credentials file");
}

// --- profiles with role_arn ---

TEST_F(CredentialChainTest, RoleArnWithSourceProfileAssumesTheRole) {
  write_profiles();
  home_.write(".aws/config",
              "[profile admin]\n"
              "role_arn = arn:aws:iam::123456789012:role/Admin\n"
              "source_profile = dev\n"
              "role_session_name = alice\n");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.profile = "admin"}));
  EXPECT_EQ(key.access_key_id, "ASIA1");
  EXPECT_EQ(key.session_token, "token-1");
  const std::vector<AssumeCall> calls = sts_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].source_access_key_id, "AKIADEV");
  EXPECT_EQ(calls[0].role_arn, "arn:aws:iam::123456789012:role/Admin");
  EXPECT_EQ(calls[0].session_name, "alice");
}

TEST_F(CredentialChainTest, ProfileRoleSessionIsNamedAfterTheTimeByDefault) {
  write_profiles();
  home_.write(".aws/config",
              "[profile admin]\nrole_arn = arn:aws:iam::1:role/A\n"
              "source_profile = dev\n");
  ASSERT_OK(key({.profile = "admin"}));
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].session_name, "datamesh-1796464800");
}

TEST_F(CredentialChainTest, RoleChainsOfProfilesAssumeInOrder) {
  home_.write(".aws/credentials",
              "[base]\naws_access_key_id = AKIABASE\n"
              "aws_secret_access_key = s\n");
  home_.write(".aws/config",
              "[profile top]\nrole_arn = arn:aws:iam::3:role/Top\n"
              "source_profile = middle\n"
              "[profile middle]\nrole_arn = arn:aws:iam::2:role/Middle\n"
              "source_profile = base\n");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.profile = "top"}));
  EXPECT_EQ(key.access_key_id, "ASIA2");
  const std::vector<AssumeCall> calls = sts_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].role_arn, "arn:aws:iam::2:role/Middle");
  EXPECT_EQ(calls[0].source_access_key_id, "AKIABASE");
  EXPECT_EQ(calls[1].role_arn, "arn:aws:iam::3:role/Top");
  EXPECT_EQ(calls[1].source_access_key_id, "ASIA1");
}

TEST_F(CredentialChainTest, RoleArnWinsInTheProfileAskedForKeysWinInASource) {
  home_.write(".aws/credentials",
              "[both]\naws_access_key_id = AKIABOTH\naws_secret_access_key = s\n"
              "role_arn = arn:aws:iam::1:role/Ignored\nsource_profile = both\n"
              "[top]\nrole_arn = arn:aws:iam::2:role/Top\nsource_profile = both\n");
  // Asked for directly: its role (sourced from its own keys).
  ASSERT_OK_AND_ASSIGN(const SigningKey direct, key({.profile = "both"}));
  EXPECT_EQ(direct.access_key_id, "ASIA1");
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].role_arn, "arn:aws:iam::1:role/Ignored");
  EXPECT_EQ(sts_.calls()[0].source_access_key_id, "AKIABOTH");
  // As a source: its keys.
  ASSERT_OK_AND_ASSIGN(const SigningKey through, key({.profile = "top"}));
  ASSERT_EQ(sts_.calls().size(), 2u);
  EXPECT_EQ(sts_.calls()[1].role_arn, "arn:aws:iam::2:role/Top");
  EXPECT_EQ(sts_.calls()[1].source_access_key_id, "AKIABOTH");
}

TEST_F(CredentialChainTest, SourceProfileLoopIsRefusedNamingTheLoop) {
  home_.write(".aws/config",
              "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
              "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n");
  EXPECT_STATUS(
      resolve({.profile = "a"}), absl::StatusCode::kInvalidArgument,
      "AWS profiles loop through source_profile: a -> b -> a (" + home_.file(".aws/config") +
          ":6)");
  EXPECT_TRUE(sts_.calls().empty());
}

TEST_F(CredentialChainTest, SelfSourcingWithoutKeysIsALoop) {
  home_.write(".aws/config", "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = a\n");
  EXPECT_STATUS(resolve({.profile = "a"}), absl::StatusCode::kInvalidArgument,
                "AWS profiles loop through source_profile: a -> a");
}

TEST_F(CredentialChainTest, MissingSourceProfile) {
  home_.write(".aws/config",
              "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = gone\n");
  EXPECT_STATUS(resolve({.profile = "a"}), absl::StatusCode::kInvalidArgument,
                "the source_profile gone of AWS profile a (" + home_.path().string() +
                    "/.aws/config:3) does not exist");
}

TEST_F(CredentialChainTest, SourceProfileWithoutCredentials) {
  home_.write(".aws/config",
              "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
              "[profile b]\nregion = eu-west-1\n");
  EXPECT_STATUS(resolve({.profile = "a"}), absl::StatusCode::kInvalidArgument,
                "the source_profile of AWS profile a has no credentials: AWS profile b");
}

TEST_F(CredentialChainTest, RoleArnNeedsExactlyOneSource) {
  home_.write(".aws/config",
              "[profile none]\nrole_arn = arn:aws:iam::1:role/A\n"
              "[profile both]\nrole_arn = arn:aws:iam::1:role/A\n"
              "source_profile = none\ncredential_source = Environment\n"
              "[profile empty]\nrole_arn =\nsource_profile = none\n");
  EXPECT_STATUS(resolve({.profile = "none"}), absl::StatusCode::kInvalidArgument,
                "has role_arn (" + home_.path().string() +
                    "/.aws/config:2) but neither source_profile nor credential_source");
  EXPECT_STATUS(resolve({.profile = "both"}), absl::StatusCode::kInvalidArgument,
                "has both source_profile and credential_source");
  EXPECT_STATUS(resolve({.profile = "empty"}), absl::StatusCode::kInvalidArgument,
                "AWS profile empty has an empty role_arn");
}

TEST_F(CredentialChainTest, CredentialSourceEnvironment) {
  set_environment_keys();
  home_.write(".aws/config",
              "[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
              "credential_source = Environment\n"
              "[profile ec2]\nrole_arn = arn:aws:iam::1:role/R\n"
              "credential_source = Ec2InstanceMetadata\n");
  ASSERT_OK_AND_ASSIGN(const SigningKey key, key({.profile = "r"}));
  EXPECT_EQ(key.access_key_id, "ASIA1");
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].source_access_key_id, "AKIAENV");
  EXPECT_STATUS(resolve({.profile = "ec2"}), absl::StatusCode::kUnimplemented,
                "credential_source Ec2InstanceMetadata");
}

TEST_F(CredentialChainTest, UnsupportedProfileSettingsAreRefusedNotIgnored) {
  home_.write(".aws/config",
              "[profile proc]\ncredential_process = /bin/get-keys\n"
              "[profile mfa]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = proc\n"
              "mfa_serial = arn:aws:iam::1:mfa/u\n");
  EXPECT_STATUS(resolve({.profile = "proc"}), absl::StatusCode::kUnimplemented,
                "AWS profile proc uses credential_process (" + home_.file(".aws/config") + ":2)");
  EXPECT_STATUS(resolve({.profile = "mfa"}), absl::StatusCode::kUnimplemented,
                "AWS profile mfa uses mfa_serial");
}

TEST_F(CredentialChainTest, ProfileRoleIsAssumedOnFirstUseAndRenewedBeforeExpiry) {
  write_profiles();
  home_.write(".aws/config",
              "[profile admin]\nrole_arn = arn:aws:iam::1:role/A\n"
              "source_profile = dev\n");
  ASSERT_OK_AND_ASSIGN(const ResolvedCredentials resolved, resolve({.profile = "admin"}));
  EXPECT_TRUE(sts_.calls().empty());  // nothing assumed before the keys are needed
  ASSERT_OK(resolved.provider->signing_key());
  time_.advance(std::chrono::minutes(50));
  ASSERT_OK_AND_ASSIGN(const SigningKey renewed, resolved.provider->signing_key());
  EXPECT_EQ(renewed.access_key_id, "ASIA2");
  EXPECT_EQ(sts_.calls().size(), 2u);
}

}  // namespace
}  // namespace datamesh::aws
