// How `datamesh serve` combines its config file and the command line: options given on the
// command line win over the file's keys, and the global options (--region-name,
// --master-key-file, ...) may follow `serve` as they may follow any other command.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "datamesh/admin.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/server_harness.h"
#include "support/status_matchers.h"
#include "testkit/mesh_setup.h"

namespace datamesh::server_test {
namespace {

class ServeOptionsTest : public ::testing::Test {
 protected:
  // Serves a new mesh with a config file whose region is eu-west-1 (and whose store is
  // `config_store`, when given), then `extra_args`.
  void serve(const std::vector<std::string>& extra_args, const std::string& config_store = "") {
    const std::filesystem::path config = dir_.path() / "serve.json";
    nlohmann::json keys = {{"region", "eu-west-1"}};
    if (!config_store.empty()) keys["store"] = config_store;
    std::ofstream(config) << keys.dump();
    std::vector<std::string> args = {"--config", config.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ASSERT_OK_AND_ASSIGN(server_, start_server_process(dir_.path() / "mesh.db",
                                                       dir_.path() / "server.log", args));
  }

  // Initializes the mesh signing for `region`, and returns an admin that signs for it.
  std::unique_ptr<DataMeshAdmin> admin_in(const std::string& region) {
    ClientOptions options{.region_name = region, .log_level = "WARNING",
                          .endpoint = server_->endpoint()};
    if (!mesh_) {
      auto initialized = DataMeshAdmin(options).initialize_mesh_account("regions");
      EXPECT_OK(initialized);
      if (!initialized.ok()) return nullptr;
      mesh_ = *initialized;
    }
    options.data_mesh_account_id = mesh_->account_id;
    options.use_credentials = testkit::credentials_of(*mesh_);
    return std::make_unique<DataMeshAdmin>(options);
  }

  ScratchDir dir_{"serve-options"};
  std::unique_ptr<ServerProcess> server_;
  std::optional<AccountCredentials> mesh_;
};

TEST_F(ServeOptionsTest, TheConfigFilesRegionIsTheServers) {
  ASSERT_NO_FATAL_FAILURE(serve({}));
  EXPECT_OK(admin_in("eu-west-1")->list_accounts());
  EXPECT_STATUS(admin_in("us-east-1")->list_accounts(), absl::StatusCode::kUnauthenticated,
                "region");
}

TEST_F(ServeOptionsTest, RegionNameAfterServeWinsOverTheConfigFile) {
  ASSERT_NO_FATAL_FAILURE(serve({"--region-name", "eu-central-1"}));
  EXPECT_OK(admin_in("eu-central-1")->list_accounts());
  EXPECT_STATUS(admin_in("eu-west-1")->list_accounts(), absl::StatusCode::kUnauthenticated,
                "region");
}

// A store given on the command line wins over the config file's, and the log says so: an
// endpoint left in the environment for everyday CLI work must not serve another mesh unseen.
TEST_F(ServeOptionsTest, AStoreGivenOnTheCommandLineWinsOverTheConfigFilesAndIsLogged) {
  const std::string other = "sqlite://" + (dir_.path() / "other.db").string();
  ASSERT_NO_FATAL_FAILURE(serve({}, other));
  EXPECT_OK(admin_in("eu-west-1")->list_accounts());
  std::ifstream log(dir_.path() / "server.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("serving the store of --store, not the store of " +
                      (dir_.path() / "serve.json").string()),
            std::string::npos)
      << text;
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "mesh.db"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "other.db"));
}

}  // namespace
}  // namespace datamesh::server_test
