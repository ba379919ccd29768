// A streamed answer (get_data_product's callback form, api/routes.h Route::stream) when the
// store runs its read transaction again, as both stores do after a lost race and PostgreSQL
// after a lost connection: entries already handed on cannot be taken back, so the engine resumes
// after the last one given (core/engine.h) and a stop asked by the callback stays a stop.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"
#include "reliability/test_mesh.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::reliability {
namespace {

using nlohmann::json;
using test_support::kMeshAccount;
using test_support::kProducerAccount;
using test_support::kSalesProduct;

class StreamedRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(mesh_, OpenMesh::open(scratch_.path() / "mesh.db", /*create=*/true));
    ASSERT_OK_AND_ASSIGN(world_, build_world(*mesh_));
  }

  absl::Status stream(const Each<json>& each) {
    return mesh_->backend().stream("producer", "get_data_product",
                                   {{"database_name", kSalesProduct}},
                                   world_.keys.at(kProducerAccount), kMeshAccount, each);
  }

  server_test::ScratchDir scratch_;
  std::unique_ptr<OpenMesh> mesh_;
  World world_;
};

TEST_F(StreamedRetryTest, EachEntryIsGivenOnceWhenTheReadRunsTwice) {
  mesh_->faults().force_retries(true);
  mesh_->faults().disarm();
  std::vector<std::string> given;
  ASSERT_OK(stream([&given](const json& entry) {
    given.push_back(entry.at("TableName").get<std::string>());
    return absl::OkStatus();
  }));
  EXPECT_GE(mesh_->faults().forced_retries(), 1);
  EXPECT_EQ(given, (std::vector<std::string>{"order_items", "orders", "refunds"}));
}

TEST_F(StreamedRetryTest, AStopAskedByTheCallbackStaysAStopWhenTheStoreRetries) {
  // Aborted is what a store runs a body again for: the engine must not walk again.
  int calls = 0;
  const absl::Status status = stream([&calls](const json&) {
    ++calls;
    return absl::AbortedError("the caller stops here");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(), "the caller stops here");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace datamesh::reliability
