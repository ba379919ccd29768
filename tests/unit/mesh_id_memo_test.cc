// The engine reads the mesh account id from the store until a read finds it, then remembers it
// (Engine::mesh_id): the authorization check and most methods need it, and a mesh's id never
// changes after initialize_mesh_account. Store calls are seen through a FaultStore's trace.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/engine.h"
#include "gtest/gtest.h"
#include "security/secret_box.h"
#include "store/sqlite/sqlite_store.h"
#include "support/fault_store.h"
#include "support/manual_clock.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

class MeshIdMemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::SqliteStore> inner,
                         store::SqliteStore::open(":memory:"));
    faults_ = std::make_unique<test_support::FaultStore>(std::move(inner));
    ASSERT_OK_AND_ASSIGN(security::SecretBox box,
                         security::SecretBox::from_key(std::string(32, 'k')));
    sealer_ = std::make_unique<security::SecretBox>(std::move(box));
    engine_ = std::make_unique<Engine>(*faults_, clock_, *sealer_);
  }

  // Whether `engine`'s check of consumer_ read the mesh account; the check's status in `status`.
  bool check_reads_mesh_account(const Engine& engine, absl::Status& status) {
    faults_->disarm();  // the trace starts again
    status = engine
                 .check_permission(consumer_, {.database_name = "sales-111111111111",
                                               .table_name = "orders",
                                               .permission = "SELECT"})
                 .status();
    const std::vector<std::string> trace = faults_->trace();
    return std::find(trace.begin(), trace.end(), "get_mesh_account") != trace.end();
  }

  test_support::ManualClock clock_{std::chrono::system_clock::time_point{}};
  std::unique_ptr<test_support::FaultStore> faults_;
  std::unique_ptr<security::SecretBox> sealer_;
  std::unique_ptr<Engine> engine_;
  const Caller consumer_{.account = {.account_id = test_support::kConsumerAccount,
                                     .consumer_enabled = true,
                                     .consumer_initialized = true}};
};

TEST_F(MeshIdMemoTest, ReadUntilFoundThenRememberedByTheEngineAndItsCopies) {
  absl::Status status;
  // No mesh yet: each call reads, and fails; nothing is remembered.
  EXPECT_TRUE(check_reads_mesh_account(*engine_, status));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(check_reads_mesh_account(*engine_, status));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;

  ASSERT_OK(engine_->initialize_mesh_account(test_support::kMeshAccount, {.mesh_name = "m"})
                .status());
  // The first call after the mesh exists reads its id; no later one does, on this engine or
  // on the copies made per call (with_client_token, confirming) from it.
  EXPECT_TRUE(check_reads_mesh_account(*engine_, status));
  EXPECT_OK(status);
  EXPECT_FALSE(check_reads_mesh_account(*engine_, status));
  EXPECT_OK(status);
  CallerConfirmation confirmation;
  EXPECT_FALSE(check_reads_mesh_account(
      engine_->with_client_token({.token = "t"}), status));
  EXPECT_FALSE(check_reads_mesh_account(engine_->confirming(&consumer_, &confirmation), status));

  // Another engine on the same store reads it once for itself.
  const Engine other(*faults_, clock_, *sealer_);
  EXPECT_TRUE(check_reads_mesh_account(other, status));
  EXPECT_OK(status);
  EXPECT_FALSE(check_reads_mesh_account(other, status));
}

}  // namespace
}  // namespace datamesh::core
