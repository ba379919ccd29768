// The datamesh command in AWS mode takes the AWS keys given on its command line
// (--access-key-id, --secret-access-key) for every method, initialize-mesh-account included,
// which takes no datamesh key: with no AWS credentials in its environment it initializes the
// mesh of the account those keys belong to.
#include <filesystem>
#include <fstream>
#include <string>

#include "awsmode/aws_mesh_fixture.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "testkit/scratch_dir.h"
#include "testkit/shell_command.h"

namespace datamesh::aws::testing {
namespace {

using base::cat;

class CommandKeysTest : public AwsMeshTest {
 protected:
  // `datamesh <arguments>` with an environment that holds no AWS credentials, no profile and
  // a home without ~/.aws; its exit code and output (stdout and stderr).
  testkit::CommandRun run_datamesh(const std::string& arguments) {
    return testkit::run_shell_command(
        cat("env -i PATH=/usr/bin:/bin HOME=", home_.path().string(),
            " AWS_ENDPOINT_URL=", moto_url(), " '", DATAMESH_CLI_PATH, "' ", arguments));
  }

  testkit::ScratchDir home_{"command-keys-home"};
};

TEST_F(CommandKeysTest, InitializeMeshAccountUsesTheKeysOfTheCommandLine) {
  const Credentials keys = admin_credentials(mesh());
  ASSERT_FALSE(keys.access_key_id.empty());
  const std::string common = cat("--endpoint aws://us-east-1 --data-mesh-account-id ", mesh(),
                                 " --access-key-id ", keys.access_key_id,
                                 " --secret-access-key ", keys.secret_access_key);
  const auto [initialized, initialize_output] =
      run_datamesh(cat(common, " admin initialize-mesh-account --mesh-name keys"));
  ASSERT_EQ(initialized, 0) << initialize_output;
  EXPECT_NE(initialize_output.find(cat("\"AccountId\": \"", mesh(), "\"")), std::string::npos)
      << initialize_output;

  const auto [listed, list_output] = run_datamesh(cat(common, " admin list-accounts"));
  EXPECT_EQ(listed, 0) << list_output;
  EXPECT_NE(list_output.find("\"IsMesh\": true"), std::string::npos) << list_output;
}

// --profile in AWS mode names the AWS profile, as for the aws command; a datamesh profile of
// the same name (datamesh keys, which AWS would refuse) is not read.
TEST_F(CommandKeysTest, ProfileNamesTheAwsProfile) {
  const Credentials keys = admin_credentials(mesh());
  ASSERT_FALSE(keys.access_key_id.empty());
  std::filesystem::create_directories(home_.path() / ".aws");
  std::ofstream(home_.path() / ".aws" / "credentials")
      << "[mesh-admin]\naws_access_key_id = " << keys.access_key_id
      << "\naws_secret_access_key = " << keys.secret_access_key
      << "\naws_session_token = " << keys.session_token << "\n";
  std::filesystem::create_directories(home_.path() / ".datamesh");
  std::ofstream(home_.path() / ".datamesh" / "credentials")
      << "[mesh-admin]\naccess_key_id = DMAKNOTANAWSKEY\nsecret_access_key = datamesh-secret\n";
  const std::string common = cat("--profile mesh-admin --endpoint aws://us-east-1 "
                                 "--data-mesh-account-id ", mesh());
  const auto [initialized, initialize_output] =
      run_datamesh(cat(common, " admin initialize-mesh-account --mesh-name profile"));
  ASSERT_EQ(initialized, 0) << initialize_output;
  const auto [listed, list_output] = run_datamesh(cat(common, " admin list-accounts"));
  EXPECT_EQ(listed, 0) << list_output;
  EXPECT_NE(list_output.find("\"IsMesh\": true"), std::string::npos) << list_output;
}

// The original's credentials file names the mesh account (its Mesh block), and the original's
// scripts take it from there: so does the command, when no mesh account is given otherwise.
TEST_F(CommandKeysTest, TheMeshAccountIsTakenFromTheOriginalsCredentialsFile) {
  const Credentials keys = admin_credentials(mesh());
  ASSERT_FALSE(keys.access_key_id.empty());
  const auto [initialized, initialize_output] = run_datamesh(
      cat("--endpoint aws://us-east-1 --data-mesh-account-id ", mesh(), " --access-key-id ",
          keys.access_key_id, " --secret-access-key ", keys.secret_access_key,
          " admin initialize-mesh-account --mesh-name file"));
  ASSERT_EQ(initialized, 0) << initialize_output;
  nlohmann::json file = {{"AWS_REGION", "us-east-1"}};
  for (const char* block : {"Mesh", "Producer", "Consumer", "ProducerAdmin", "ConsumerAdmin"}) {
    file[block] = {{"AccountId", mesh()},
                   {"AccessKeyId", keys.access_key_id},
                   {"SecretAccessKey", keys.secret_access_key},
                   {"SessionToken", keys.session_token}};
  }
  const std::filesystem::path path = home_.path() / "credentials.json";
  std::ofstream(path) << file.dump();
  const auto [listed, list_output] = run_datamesh(
      cat("--endpoint aws://us-east-1 --credentials-file ", path.string(), " admin list-accounts"));
  EXPECT_EQ(listed, 0) << list_output;
  EXPECT_NE(list_output.find("\"IsMesh\": true"), std::string::npos) << list_output;
}

// The original's users keep their keys in its credentials file, often with a session token,
// and name it in CredentialsFile: initialize-mesh-account takes its Mesh block, as the other
// admin commands do (it used to refuse the file, with or without --credentials-block).
TEST_F(CommandKeysTest, InitializeMeshAccountTakesTheMeshBlockOfTheOriginalsCredentialsFile) {
  const Credentials keys = admin_credentials(mesh());
  ASSERT_FALSE(keys.session_token.empty());  // an assumed role's keys, as the file usually has
  const nlohmann::json file = {{"AWS_REGION", "us-east-1"},
                               {"Mesh",
                                {{"AccountId", mesh()},
                                 {"AccessKeyId", keys.access_key_id},
                                 {"SecretAccessKey", keys.secret_access_key},
                                 {"SessionToken", keys.session_token}}}};
  const std::filesystem::path path = home_.path() / "original.json";
  std::ofstream(path) << file.dump();
  const auto [initialized, output] =
      run_datamesh(cat("--endpoint aws://us-east-1 admin initialize-mesh-account --mesh-name f"));
  EXPECT_NE(initialized, 0);  // no file named, no keys: nothing to initialize with
  const auto [with_env, env_output] = testkit::run_shell_command(
      cat("env -i PATH=/usr/bin:/bin HOME=", home_.path().string(), " AWS_ENDPOINT_URL=",
          moto_url(), " CredentialsFile=", path.string(), " '", DATAMESH_CLI_PATH,
          "' --endpoint aws://us-east-1 admin initialize-mesh-account --mesh-name f"));
  ASSERT_EQ(with_env, 0) << env_output;
  const auto [listed, list_output] = run_datamesh(
      cat("--endpoint aws://us-east-1 --credentials-file ", path.string(), " admin list-accounts"));
  EXPECT_EQ(listed, 0) << list_output;
  EXPECT_NE(list_output.find("\"IsMesh\": true"), std::string::npos) << list_output;
}

TEST_F(CommandKeysTest, WithoutKeysOrAnAwsChainInitializeSaysWhatIsMissing) {
  const auto [code, output] = run_datamesh(cat("--endpoint aws://us-east-1 --data-mesh-account-id ",
                                               mesh(), " admin initialize-mesh-account"));
  EXPECT_EQ(code, 3) << output;  // NotFound
  EXPECT_NE(output.find("error (NotFound): no AWS credentials: none given explicitly"),
            std::string::npos)
      << output;
}

}  // namespace
}  // namespace datamesh::aws::testing
