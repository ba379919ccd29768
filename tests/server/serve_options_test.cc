// How `datamesh serve` combines its config file and the command line: options given on the
// command line win over the file's keys, and the global options (--region-name,
// --master-key-file, ...) may follow `serve` as they may follow any other command.
#include <filesystem>
#include <fstream>
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
  // Serves a new mesh with a config file whose region is eu-west-1, then `extra_args`.
  void serve(const std::vector<std::string>& extra_args) {
    const std::filesystem::path config = dir_.path() / "serve.json";
    std::ofstream(config) << nlohmann::json{{"region", "eu-west-1"}}.dump();
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

}  // namespace
}  // namespace datamesh::server_test
