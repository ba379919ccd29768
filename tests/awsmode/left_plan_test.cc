// A write that fails half-way through its commit leaves its plan in the mesh's writer lock, and
// the next writer finishes it first (docs/AWS.md, "The writer lock and the mesh tables"). A
// writer that cannot (it holds no session for an account the plan writes in) must say what
// waits and who can finish it, instead of only that it lacks a session.
#include <chrono>
#include <memory>
#include <string>

#include "awsmode/aws_mesh_fixture.h"
#include "awsmode/failing_transport.h"
#include "gmock/gmock.h"

namespace datamesh::aws::testing {
namespace {

using ::testing::HasSubstr;

class LeftPlanTest : public AwsMeshTest {
 protected:
  // The producer's database `sales` with one table.
  void make_tables() {
    ASSERT_TRUE(
        call(producer(), "catalog", "create_database", {{"database_input", {{"Name", "sales"}}}})
            .ok());
    ASSERT_TRUE(call(producer(), "catalog", "create_table",
                     {{"database_name", "sales"}, {"table_input", {{"Name", "orders"}}}})
                    .ok());
  }
  absl::StatusOr<nlohmann::json> publish() {
    return call(producer(), "producer", "create_data_products",
                {{"source_database_name", "sales"}});
  }
};

TEST_F(LeftPlanTest, AWriteThatCannotFinishAnotherAccountsPlanSaysWhoCan) {
  auto transport = std::make_shared<FailingTransport>();
  // A writer that failed gives up its lease at once: nobody here waits for one to end, and a
  // wait would end in Unavailable ("the mesh is busy") after 5 s instead of 120.
  store::aws::AwsStore::Options store;
  store.lock.wait = std::chrono::seconds(5);
  use_store_options(store);
  use_transport(transport);

  // A clean publish, on accounts of its own, counts its calls: the last is the commit's final
  // write, which frees the lock.
  ASSERT_NO_FATAL_FAILURE(set_up_mesh());
  ASSERT_NO_FATAL_FAILURE(make_tables());
  transport->count_only();
  ASSERT_TRUE(publish().ok());
  const long calls = transport->calls();
  ASSERT_EQ(transport->operations().back(), "TransactWriteItems");

  // The same publish with that write refused: its plan stays in the lock.
  use_new_accounts();
  ASSERT_NO_FATAL_FAILURE(set_up_mesh());
  ASSERT_NO_FATAL_FAILURE(make_tables());
  transport->arm(calls, FailingTransport::Failure::kRefused);
  ASSERT_FALSE(publish().ok());
  ASSERT_TRUE(transport->failed());
  transport->count_only();

  // The consumer's process takes the lock and cannot make the plan's steps in the producer's
  // account.
  const absl::StatusOr<nlohmann::json> request = request_access("sales-" + producer());
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), absl::StatusCode::kPermissionDenied) << request.status();
  EXPECT_THAT(request.status().message(),
              HasSubstr("an earlier create_data_products of " + producer() +
                        " failed half-way and left its plan in the mesh's writer lock; it must be "
                        "finished before any other write, and this process could not finish it: "
                        "no AWS session for account " + producer()));
  EXPECT_THAT(request.status().message(),
              HasSubstr("Run a datamesh write with the credentials of account " + producer() +
                        " (its own command again) to finish it"));

  // The producer's own process finishes it, and the consumer's request goes through.
  ASSERT_TRUE(publish().ok());
  const absl::StatusOr<nlohmann::json> again = request_access("sales-" + producer());
  EXPECT_TRUE(again.ok()) << again.status();
}

}  // namespace
}  // namespace datamesh::aws::testing
