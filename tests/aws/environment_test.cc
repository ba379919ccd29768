// The environment lookup the credential chain reads through: a fixed one for tests and
// embedders, the real one, empty values read as unset, and "~" expanded from HOME.
#include "aws/environment.h"

#include <cstdlib>

#include "aws/environment_credentials.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

TEST(EnvironmentTest, FixedEnvironmentHoldsExactlyItsVariables) {
  const EnvironmentLookup environment = environment_of({{"AWS_PROFILE", "dev"}, {"EMPTY", ""}});
  EXPECT_EQ(environment("AWS_PROFILE"), "dev");
  EXPECT_EQ(environment("EMPTY"), "");
  EXPECT_EQ(environment("PATH"), std::nullopt);
  EXPECT_EQ(variable(environment, "EMPTY"), "");
  EXPECT_EQ(variable(environment, "MISSING"), "");
}

TEST(EnvironmentTest, ProcessEnvironmentReadsTheRealOne) {
  const char* path = std::getenv("PATH");
  ASSERT_NE(path, nullptr);
  EXPECT_EQ(process_environment()("PATH"), std::string(path));
  EXPECT_EQ(process_environment()("DATAMESH_SURELY_UNSET_VARIABLE_42"), std::nullopt);
  EXPECT_FALSE(variable(process_environment(), "HOME").empty());
}

TEST(EnvironmentTest, TildeExpandsFromHome) {
  const EnvironmentLookup environment = environment_of({{"HOME", "/home/ada"}});
  EXPECT_EQ(expand_home("~/.aws/config", environment).value(), "/home/ada/.aws/config");
  EXPECT_EQ(expand_home("~", environment).value(), "/home/ada");
  EXPECT_EQ(expand_home("/etc/aws", environment).value(), "/etc/aws");
  EXPECT_EQ(expand_home("~other/x", environment).value(), "~other/x");
  EXPECT_STATUS(expand_home("~/x", environment_of({})), absl::StatusCode::kFailedPrecondition,
                "cannot find ~/x: HOME is not set");
}

TEST(EnvironmentTest, EmptyKeyVariablesCountAsUnset) {
  ASSERT_OK_AND_ASSIGN(const std::optional<SigningKey> key,
                       environment_signing_key(environment_of(
                           {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}})));
  EXPECT_FALSE(key.has_value());
}

TEST(EnvironmentTest, SessionTokenBeatsTheOlderSecurityToken) {
  ASSERT_OK_AND_ASSIGN(const std::optional<SigningKey> key,
                       environment_signing_key(environment_of({{"AWS_ACCESS_KEY_ID", "A"},
                                                               {"AWS_SECRET_ACCESS_KEY", "S"},
                                                               {"AWS_SESSION_TOKEN", "new"},
                                                               {"AWS_SECURITY_TOKEN", "old"}})));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->session_token, "new");
}

}  // namespace
}  // namespace datamesh::aws
