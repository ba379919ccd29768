// The AWS shared files as botocore merges them, the profile name and the region choice.
#include "aws/shared_config.h"

#include "aws/region.h"
#include "credentials_test_support.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using test::ScratchDir;

TEST(SharedConfigTest, ConfigProfilesAreDefaultAndProfileSectionsOnly) {
  ScratchDir home;
  home.write(".aws/config",
             "[default]\nregion = eu-west-1\n"
             "[profile dev]\nregion = us-east-2\n"
             "[profile \"quoted name\"]\nregion = ap-south-1\n"
             "[sso-session corp]\nsso_region = us-east-1\n"
             "[preview]\nx = 1\n"
             "[profilex]\nregion = nowhere\n");
  ASSERT_OK_AND_ASSIGN(const SharedConfig config,
                       load_shared_config(environment_of({{"HOME", home.path().string()}})));
  EXPECT_EQ(config.config_path, home.file(".aws/config"));
  EXPECT_EQ(config.credentials_path, home.file(".aws/credentials"));
  ASSERT_EQ(config.profiles.size(), 3u);
  EXPECT_EQ(config.find("default")->get("region"), "eu-west-1");
  EXPECT_EQ(config.find("dev")->get("region"), "us-east-2");
  EXPECT_EQ(config.find("quoted name")->get("region"), "ap-south-1");
  EXPECT_EQ(config.find("dev")->origin_of("region"), home.file(".aws/config") + ":4");
}

TEST(SharedConfigTest, CredentialsFileOverridesConfigKeyByKey) {
  ScratchDir home;
  home.write(".aws/config", "[profile dev]\nregion = us-east-2\naws_access_key_id = FROM_CONFIG\n");
  home.write(".aws/credentials",
             "[dev]\naws_access_key_id = FROM_CREDENTIALS\n"
             "[profile odd]\naws_access_key_id = RAW_NAME\n");
  ASSERT_OK_AND_ASSIGN(const SharedConfig config,
                       load_shared_config(environment_of({{"HOME", home.path().string()}})));
  const Profile* dev = config.find("dev");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->get("aws_access_key_id"), "FROM_CREDENTIALS");
  EXPECT_EQ(dev->get("region"), "us-east-2");
  // The credentials file has no "profile " prefix: its section names are the profile names.
  EXPECT_NE(config.find("profile odd"), nullptr);
}

TEST(SharedConfigTest, VariablesNameTheFiles) {
  ScratchDir home;
  const std::string config_path = home.write("elsewhere/conf", "[profile a]\nregion = r1\n");
  home.write("elsewhere/creds", "[b]\naws_access_key_id = K\n");
  ASSERT_OK_AND_ASSIGN(
      const SharedConfig config,
      load_shared_config(environment_of({{"HOME", home.path().string()},
                                         {"AWS_CONFIG_FILE", config_path},
                                         {"AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds"}})));
  EXPECT_EQ(config.credentials_path, home.file("elsewhere/creds"));
  EXPECT_NE(config.find("a"), nullptr);
  EXPECT_NE(config.find("b"), nullptr);
}

TEST(SharedConfigTest, NoHomeMeansNoDefaultFiles) {
  ASSERT_OK_AND_ASSIGN(const SharedConfig config, load_shared_config(environment_of({})));
  EXPECT_TRUE(config.profiles.empty());
  EXPECT_STATUS(load_shared_config(environment_of({{"AWS_CONFIG_FILE", "~/conf"}})),
                absl::StatusCode::kFailedPrecondition, "HOME is not set");
}

TEST(SharedConfigTest, DefaultNamedTwiceIsRefused) {
  ScratchDir home;
  home.write(".aws/config", "[default]\nregion = a\n\n[profile default]\nregion = b\n");
  EXPECT_STATUS(load_shared_config(environment_of({{"HOME", home.path().string()}})),
                absl::StatusCode::kInvalidArgument,
                "/.aws/config:4: section [profile default] names profile default again (first "
                "at line 1)");
}

TEST(SharedConfigTest, MalformedFileNamesItsLine) {
  ScratchDir home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = A\nnot a setting\n");
  EXPECT_STATUS(load_shared_config(environment_of({{"HOME", home.path().string()}})),
                absl::StatusCode::kInvalidArgument,
                "/.aws/credentials:3: expected key = value, a [section] or a comment");
}

TEST(SharedConfigTest, ProfileNameFollowsBotocore) {
  EXPECT_EQ(profile_name(environment_of({})), "default");
  EXPECT_EQ(profile_name(environment_of({{"AWS_PROFILE", ""}})), "default");
  EXPECT_EQ(profile_name(environment_of({{"AWS_PROFILE", "dev"}})), "dev");
  EXPECT_EQ(profile_name(environment_of({{"AWS_PROFILE", "dev"}, {"AWS_DEFAULT_PROFILE", "old"}})),
            "old");
}

class RegionTest : public ::testing::Test {
 protected:
  RegionTest() {
    home_.write(".aws/config",
                "[default]\nregion = from-default\n[profile dev]\nregion = from-dev\n");
  }
  SharedConfig load(const EnvironmentLookup& environment) {
    absl::StatusOr<SharedConfig> config = load_shared_config(environment);
    EXPECT_OK(config);
    return config.ok() ? *config : SharedConfig{};
  }
  ScratchDir home_;
};

TEST_F(RegionTest, OrderIsExplicitFileAwsRegionDefaultRegionProfile) {
  std::map<std::string, std::string, std::less<>> variables = {
      {"HOME", home_.path().string()},
      {"AWS_PROFILE", "dev"},
      {"AWS_REGION", "from-aws-region"},
      {"AWS_DEFAULT_REGION", "from-default-region"}};
  const SharedConfig config = load(environment_of(variables));
  RegionSources sources{.explicit_region = "explicit", .credentials_file_region = "from-file"};
  EXPECT_EQ(resolve_region(sources, environment_of(variables), config).value(), "explicit");
  sources.explicit_region.clear();
  EXPECT_EQ(resolve_region(sources, environment_of(variables), config).value(), "from-file");
  sources.credentials_file_region.clear();
  EXPECT_EQ(resolve_region(sources, environment_of(variables), config).value(), "from-aws-region");
  variables.erase("AWS_REGION");
  EXPECT_EQ(resolve_region(sources, environment_of(variables), config).value(),
            "from-default-region");
  variables.erase("AWS_DEFAULT_REGION");
  EXPECT_EQ(resolve_region(sources, environment_of(variables), config).value(), "from-dev");
  sources.profile = "default";
  EXPECT_EQ(resolve_region(sources, environment_of(variables), config).value(), "from-default");
}

TEST_F(RegionTest, NoRegionAnywhereSaysWhereItLooked) {
  const auto environment =
      environment_of({{"HOME", home_.path().string()}, {"AWS_PROFILE", "other"}});
  EXPECT_STATUS(resolve_region({}, environment, load(environment)), absl::StatusCode::kNotFound,
                "no AWS region: name one (aws://REGION), or set AWS_REGION or "
                "AWS_DEFAULT_REGION, or region in profile other of " +
                    home_.file(".aws/config"));
}

}  // namespace
}  // namespace datamesh::aws
