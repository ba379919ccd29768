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
  // Leaves a publish's plan in the lock, through `transport`: a clean publish on accounts of
  // its own counts its calls (the last is the commit's final write, which frees the lock), then
  // the same publish on new accounts has that write refused.
  void leave_a_publish_plan(FailingTransport& transport) {
    ASSERT_NO_FATAL_FAILURE(set_up_mesh());
    ASSERT_NO_FATAL_FAILURE(make_tables());
    transport.count_only();
    ASSERT_TRUE(publish().ok());
    const long calls = transport.calls();
    ASSERT_EQ(transport.operations().back(), "TransactWriteItems");

    use_new_accounts();
    ASSERT_NO_FATAL_FAILURE(set_up_mesh());
    ASSERT_NO_FATAL_FAILURE(make_tables());
    transport.arm(calls, FailingTransport::Failure::kRefused);
    ASSERT_FALSE(publish().ok());
    ASSERT_TRUE(transport.failed());
    transport.count_only();
  }
  // The mesh's writer lock item as moto holds it; null when there is none.
  nlohmann::json lock_item() {
    const absl::StatusOr<nlohmann::json> got = moto_account_client(mesh())->call(
        Service::kDynamoDb, "GetItem",
        {{"TableName", "DatameshJournal"},
         {"Key", {{"JournalId", {{"S", "mesh-writer"}}}}},
         {"ConsistentRead", true}});
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->value("Item", nlohmann::json()) : nlohmann::json();
  }
  // Whether moto holds the mesh database of the producer's `sales`.
  bool product_exists() {
    return moto_account_client(mesh())
        ->call(Service::kGlue, "GetDatabase", {{"Name", "sales-" + producer()}})
        .ok();
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
  ASSERT_NO_FATAL_FAILURE(leave_a_publish_plan(*transport));

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

// A plan larger than the lock's item holds is kept deflated in parts (mesh_writer_lock.h): the
// whole workflow's plans go that way here, one is left by a failed commit, and the next writer
// finishes it from its parts as it would one kept in the item.
TEST_F(LeftPlanTest, APlanInPartsIsLeftAndFinishedLikeOneInTheLocksItem) {
  auto transport = std::make_shared<FailingTransport>();
  store::aws::AwsStore::Options store;
  store.lock.wait = std::chrono::seconds(5);
  store.lock.plan_part_bytes = 256;
  store.lock.max_plan_parts = 90;
  use_store_options(store);
  use_transport(transport);
  ASSERT_NO_FATAL_FAILURE(leave_a_publish_plan(*transport));
  const nlohmann::json left = lock_item();
  EXPECT_EQ(left.value("State", nlohmann::json()), nlohmann::json({{"S", "applying"}}));
  EXPECT_FALSE(left.contains("Plan")) << left.dump();
  ASSERT_TRUE(left.contains("PlanParts")) << left.dump();
  EXPECT_GT(std::stoll(left["PlanParts"]["N"].get<std::string>()), 1);

  // The next write finishes it from its parts, then makes its own.
  ASSERT_TRUE(publish().ok());
  EXPECT_TRUE(lock_item().is_null()) << lock_item().dump();
  EXPECT_TRUE(product_exists());
  const absl::StatusOr<nlohmann::json> request = request_access("sales-" + producer());
  EXPECT_TRUE(request.ok()) << request.status();
}

TEST_F(LeftPlanTest, APlanTooLargeForTheLockIsRefusedWithNothingMade) {
  ASSERT_NO_FATAL_FAILURE(set_up_mesh());
  ASSERT_NO_FATAL_FAILURE(make_tables());
  store::aws::AwsStore::Options store;
  store.lock.plan_part_bytes = 256;
  store.lock.max_plan_parts = 1;
  use_store_options(store);

  const absl::StatusOr<nlohmann::json> refused = publish();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(refused.status().message(),
              HasSubstr("this write is too large for a mesh on AWS: its plan is "));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("keeps at most 256 deflated bytes, one DynamoDB transaction's worth; "
                        "nothing was changed"));
  EXPECT_FALSE(product_exists());
  // The lock is free at once for the next writer, whose plan fits.
  use_store_options({});
  const absl::StatusOr<nlohmann::json> published = publish();
  EXPECT_TRUE(published.ok()) << published.status();
  EXPECT_TRUE(product_exists());
}

}  // namespace
}  // namespace datamesh::aws::testing
