// The mesh's writer lock on DynamoDB (store/aws/mesh_writer_lock.h), against moto: writers take
// turns, a failed holder's plan passes to the next, an abandoned lock is taken over after its
// lease, and the commit's last write frees it.
#include "store/aws/mesh_writer_lock.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "awsmode/moto_fixture.h"
#include "base/text.h"
#include "store/aws/attribute_value.h"
#include "store/aws/mesh_tables.h"

namespace datamesh::store::aws {
namespace {

using datamesh::aws::Service;
using datamesh::aws::testing::MotoTest;
using ::testing::HasSubstr;

class MeshWriterLockTest : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    client_ = moto_account_client(mesh_);
    ASSERT_NE(client_, nullptr);
    sessions_ = std::make_unique<AwsSessions>(
        "us-east-1", mesh_,
        std::map<std::string, std::shared_ptr<const datamesh::aws::AwsClient>, std::less<>>{
            {mesh_, client_}});
    absl::StatusOr<nlohmann::json> created =
        client_->call(Service::kDynamoDb, "CreateTable", create_journal_table().body);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  // A lock whose clock is `now_` and that never sleeps; plans over 1,000 bytes go to parts.
  MeshWriterLock lock(const std::string& owner, std::chrono::seconds wait = {}) {
    MeshWriterLock::Options options;
    options.plan_part_bytes = 1000;
    options.max_plan_parts = 4;
    options.lease = std::chrono::seconds(60);
    options.wait = wait;
    options.sleep = [this](std::chrono::nanoseconds pause) { now_ += pause; };
    options.clock = [this] { return now_; };
    return MeshWriterLock(*sessions_, owner, options);
  }

  nlohmann::json item(std::string_view id) {
    absl::StatusOr<nlohmann::json> got = client_->call(
        Service::kDynamoDb, "GetItem",
        {{"TableName", journal::kTable},
         {"Key", {{"JournalId", string_value(id)}}},
         {"ConsistentRead", true}});
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() && got->contains("Item") ? (*got)["Item"] : nlohmann::json();
  }
  nlohmann::json lock_item() { return item(journal::kLockId); }

  std::string mesh_;
  std::shared_ptr<const datamesh::aws::AwsClient> client_;
  std::unique_ptr<AwsSessions> sessions_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

TEST_F(MeshWriterLockTest, WritersTakeTurns) {
  MeshWriterLock first = lock("first");
  MeshWriterLock second = lock("second", std::chrono::seconds(5));
  absl::StatusOr<std::optional<std::string>> taken = first.acquire();
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_FALSE(taken->has_value());
  EXPECT_EQ(lock_item()["Owner"]["S"], "first");

  const absl::StatusOr<std::optional<std::string>> refused = second.acquire();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  EXPECT_THAT(refused.status().message(),
              HasSubstr("the mesh is busy: another datamesh writer (first) holds"));

  ASSERT_TRUE(first.release().ok());
  EXPECT_TRUE(lock_item().is_null());
  taken = second.acquire();
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(lock_item()["Owner"]["S"], "second");
}

// A wait of up to two minutes is told once, as it begins, with whom it waits for.
TEST_F(MeshWriterLockTest, AWaitIsToldOnceAsItBegins) {
  MeshWriterLock first = lock("first");
  ASSERT_TRUE(first.acquire().ok());
  MeshWriterLock::Options options;
  options.wait = std::chrono::seconds(5);
  options.sleep = [this](std::chrono::nanoseconds pause) { now_ += pause; };
  options.clock = [this] { return now_; };
  std::vector<std::string> told;
  options.on_wait = [&told](std::string_view holder, std::string_view state, int64_t left) {
    told.push_back(base::cat(holder, " ", state, " ", left));
  };
  MeshWriterLock second(*sessions_, "second", options);
  EXPECT_EQ(second.acquire().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(told, std::vector<std::string>{"first running 60"});
}

TEST_F(MeshWriterLockTest, AHolderRetakesItsOwnLock) {
  MeshWriterLock holder = lock("holder");
  ASSERT_TRUE(holder.acquire().ok());
  // A body that failed before its release: the same holder goes on at once.
  absl::StatusOr<std::optional<std::string>> again = holder.acquire();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->has_value());
}

TEST_F(MeshWriterLockTest, ALockWhoseLeaseIsOverIsTakenOver) {
  MeshWriterLock gone = lock("gone");
  ASSERT_TRUE(gone.acquire().ok());
  now_ += std::chrono::seconds(61);
  MeshWriterLock next = lock("next");
  absl::StatusOr<std::optional<std::string>> taken = next.acquire();
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(lock_item()["Owner"]["S"], "next");
  // The old holder cannot write on: its renewal says it lost the lock.
  const absl::Status renewed = gone.renew();
  EXPECT_EQ(renewed.code(), absl::StatusCode::kFailedPrecondition) << renewed;
  EXPECT_THAT(renewed.message(), HasSubstr("lost the mesh's write lock"));
}

TEST_F(MeshWriterLockTest, APlanLeftWhileApplyingPassesToTheNextHolder) {
  MeshWriterLock failed = lock("failed");
  ASSERT_TRUE(failed.acquire().ok());
  ASSERT_TRUE(failed.record_plan(R"({"writes":[1,2]})").ok());
  // Its release leaves the plan in place: only a finished plan is freed.
  ASSERT_TRUE(failed.release().ok());
  EXPECT_EQ(lock_item()["State"]["S"], "applying");

  // A live holder's plan is not taken; once its lease is over, it is.
  MeshWriterLock next = lock("next");
  EXPECT_EQ(next.acquire().status().code(), absl::StatusCode::kUnavailable);
  now_ += std::chrono::seconds(61);
  absl::StatusOr<std::optional<std::string>> taken = next.acquire();
  ASSERT_TRUE(taken.ok()) << taken.status();
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ(**taken, R"({"writes":[1,2]})");
  ASSERT_TRUE(next.clear_plan().ok());
  EXPECT_EQ(lock_item()["State"]["S"], "running");
  EXPECT_FALSE(lock_item().contains("Plan"));

  // The holder that failed gets its own plan back at once.
  ASSERT_TRUE(next.record_plan("again").ok());
  absl::StatusOr<std::optional<std::string>> own = next.acquire();
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->value_or(""), "again");
}

// A holder whose commit failed gives up its lease: the next holder, of another process, takes
// the plan over at once, and a lock with no plan is free at once.
TEST_F(MeshWriterLockTest, AnAbandonedLockPassesToTheNextHolderAtOnce) {
  MeshWriterLock failed = lock("failed");
  ASSERT_TRUE(failed.acquire().ok());
  ASSERT_TRUE(failed.record_plan(R"({"writes":[3]})").ok());
  ASSERT_TRUE(failed.abandon().ok());
  MeshWriterLock next = lock("next");
  absl::StatusOr<std::optional<std::string>> taken = next.acquire();  // no time has passed
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->value_or(""), R"({"writes":[3]})");
  EXPECT_EQ(lock_item()["Owner"]["S"], "next");
  // The one that gave up cannot take it back from under the new holder.
  ASSERT_TRUE(failed.abandon().ok());
  EXPECT_EQ(failed.acquire().status().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE(next.clear_plan().ok());
  ASSERT_TRUE(next.abandon().ok());
  MeshWriterLock third = lock("third");
  absl::StatusOr<std::optional<std::string>> free = third.acquire();
  ASSERT_TRUE(free.ok()) << free.status();
  EXPECT_FALSE(free->has_value());
}

TEST_F(MeshWriterLockTest, TheCommitsLastWriteFreesTheLock) {
  MeshWriterLock holder = lock("holder");
  ASSERT_TRUE(holder.acquire().ok());
  ASSERT_TRUE(holder.record_plan("plan").ok());
  absl::StatusOr<nlohmann::json> done = client_->call(
      Service::kDynamoDb, "TransactWriteItems",
      {{"TransactItems", nlohmann::json::array({holder.release_element()})}});
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(lock_item().is_null());

  // Once taken by another, the element's condition fails and nothing is freed.
  ASSERT_TRUE(lock("other").acquire().ok());
  EXPECT_FALSE(client_
                   ->call(Service::kDynamoDb, "TransactWriteItems",
                          {{"TransactItems", nlohmann::json::array({holder.release_element()})}})
                   .ok());
  EXPECT_EQ(lock_item()["Owner"]["S"], "other");
}

// A plan text that deflates to about `bytes` bytes: digits of a simple generator.
std::string plan_of(std::size_t bytes) {
  std::string text = "{\"writes\":\"";
  uint32_t state = 12345;
  for (std::size_t i = 0; i < bytes * 2; ++i) {
    state = state * 1103515245 + 12345;
    text += static_cast<char>('0' + (state >> 16) % 10);
  }
  return text + "\"}";
}

TEST_F(MeshWriterLockTest, ALargePlanIsKeptInPartsAndPassesToTheNextHolderWhole) {
  MeshWriterLock failed = lock("failed");
  ASSERT_TRUE(failed.acquire().ok());
  const std::string plan = plan_of(2500);
  ASSERT_TRUE(failed.record_plan(plan).ok());
  nlohmann::json held = lock_item();
  EXPECT_EQ(held["State"]["S"], "applying");
  EXPECT_FALSE(held.contains("Plan"));
  EXPECT_EQ(held["PlanParts"]["N"], "3");
  EXPECT_EQ(held["PlanBytes"]["N"], std::to_string(plan.size()));
  EXPECT_TRUE(item("mesh-writer/plan/2").contains("Part"));
  ASSERT_TRUE(failed.abandon().ok());

  MeshWriterLock next = lock("next");
  absl::StatusOr<std::optional<std::string>> taken = next.acquire();
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->value_or(""), plan);
  // Finished: no plan of either form is left.
  ASSERT_TRUE(next.clear_plan().ok());
  held = lock_item();
  EXPECT_EQ(held["State"]["S"], "running");
  EXPECT_FALSE(held.contains("PlanParts") || held.contains("PlanBytes")) << held.dump();

  // A small plan after a large one is kept in the item, and the parts are not read.
  ASSERT_TRUE(next.record_plan("small").ok());
  EXPECT_FALSE(lock_item().contains("PlanParts"));
  EXPECT_EQ(next.acquire().value_or(std::nullopt).value_or(""), "small");
}

TEST_F(MeshWriterLockTest, APlanOverItsPartsIsRefusedWithNothingWritten) {
  MeshWriterLock holder = lock("holder");
  ASSERT_TRUE(holder.acquire().ok());
  const absl::Status refused = holder.record_plan(plan_of(5000));
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("keeps at most 4000 deflated bytes"));
  EXPECT_EQ(lock_item()["State"]["S"], "running");
  EXPECT_TRUE(item("mesh-writer/plan/0").is_null());
}

TEST_F(MeshWriterLockTest, PartsAreWrittenOnlyWhileTheLockIsOurs) {
  MeshWriterLock gone = lock("gone");
  ASSERT_TRUE(gone.acquire().ok());
  now_ += std::chrono::seconds(61);
  ASSERT_TRUE(lock("next").acquire().ok());
  const absl::Status refused = gone.record_plan(plan_of(2500));
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("lost the mesh's write lock"));
  EXPECT_TRUE(item("mesh-writer/plan/0").is_null());
  EXPECT_EQ(lock_item()["State"]["S"], "running");
}

TEST_F(MeshWriterLockTest, APlanWithAPartMissingIsDataLoss) {
  MeshWriterLock failed = lock("failed");
  ASSERT_TRUE(failed.acquire().ok());
  ASSERT_TRUE(failed.record_plan(plan_of(2500)).ok());
  ASSERT_TRUE(failed.abandon().ok());
  ASSERT_TRUE(client_
                  ->call(Service::kDynamoDb, "DeleteItem",
                         {{"TableName", journal::kTable},
                          {"Key", {{"JournalId", string_value("mesh-writer/plan/1")}}}})
                  .ok());
  const absl::StatusOr<std::optional<std::string>> taken = lock("next").acquire();
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kDataLoss) << taken.status();
  EXPECT_THAT(taken.status().message(),
              HasSubstr("part 1 of 3 of the plan left in the mesh's writer lock: attribute Part "
                        "must be B, not missing"));
}

TEST_F(MeshWriterLockTest, KeepAliveRenewsOnlyPastHalfTheLease) {
  MeshWriterLock holder = lock("holder");
  ASSERT_TRUE(holder.acquire().ok());
  const std::string first_lease = lock_item()["LeaseUntil"]["N"];
  now_ += std::chrono::seconds(10);
  ASSERT_TRUE(holder.keep_alive().ok());
  EXPECT_EQ(lock_item()["LeaseUntil"]["N"], first_lease);
  now_ += std::chrono::seconds(25);
  ASSERT_TRUE(holder.keep_alive().ok());
  EXPECT_EQ(std::stoll(lock_item()["LeaseUntil"]["N"].get<std::string>()),
            std::stoll(first_lease) + 35);
}

}  // namespace
}  // namespace datamesh::store::aws

#include "store/aws/mesh_key.h"

namespace datamesh::store::aws {
namespace {

using MeshKeyTest = MeshWriterLockTest;

TEST_F(MeshKeyTest, TheFirstWriterMakesTheKeyAndEveryoneReadsIt) {
  EXPECT_EQ(load_mesh_key(*sessions_, /*create_if_missing=*/false, "").status().code(),
            absl::StatusCode::kNotFound);
  const std::string mine(32, 'a');
  const std::string theirs(32, 'b');
  absl::StatusOr<std::string> made = load_mesh_key(*sessions_, true, mine);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(*made, mine);
  // A second writer that raced to make one reads the first's.
  absl::StatusOr<std::string> read = load_mesh_key(*sessions_, true, theirs);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, mine);
  EXPECT_EQ(load_mesh_key(*sessions_, false, "").value_or(""), mine);
}

TEST_F(MeshKeyTest, AKeyThatIsNot32BytesIsDataLoss) {
  ASSERT_TRUE(client_
                  ->call(Service::kDynamoDb, "PutItem",
                         {{"TableName", journal::kTable},
                          {"Item", {{"JournalId", string_value(journal::kMeshKeyId)},
                                    {"Key", {{"B", "c2hvcnQ="}}}}}})
                  .ok());
  EXPECT_EQ(load_mesh_key(*sessions_, false, "").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace datamesh::store::aws
