// Group commit (store/group_commit.h) in every SQL store: writers queued behind a running write
// transaction share one transaction, each body in its own savepoint.
//
// A batch is forced without timing: a first writer's body holds the store (it waits on a latch)
// while the test queues the others one by one, watching queued_writers(); once the first commits,
// the writers it held run as one batch, in the order they queued. That they shared a transaction
// shows in the thread their bodies ran on (the batch's leader's, for all of them).
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_test_support.h"
#include "support/latch.h"
#include "support/postgres_test_db.h"

namespace datamesh::store::testing {
namespace group_commit_test {

using test_support::Latch;
using ::testing::HasSubstr;

// A store under test, with what the tests need of its concrete type.
struct BatchingStore {
  std::unique_ptr<test_support::ScratchSchema> schema;  // PostgreSQL: the store's schema
  std::unique_ptr<Store> store;
  std::function<int()> queued_writers;
  // Opens a second store object on the same data (another connection pool), when there is one.
  std::function<absl::StatusOr<std::unique_ptr<Store>>()> open_other;
};

struct BatchingFactory {
  std::string name;
  std::function<absl::StatusOr<BatchingStore>(const ScratchDir&)> open;
};

void PrintTo(const BatchingFactory& factory, std::ostream* out) { *out << factory.name; }

template <typename ConcreteStore>
BatchingStore batching(std::unique_ptr<ConcreteStore> store) {
  ConcreteStore* concrete = store.get();
  return {.store = std::move(store), .queued_writers = [concrete] {
            return concrete->queued_writers();
          }};
}

BatchingFactory batching_sqlite_memory() {
  return {"sqlite_memory", [](const ScratchDir&) -> absl::StatusOr<BatchingStore> {
            DATAMESH_ASSIGN_OR_RETURN(auto store, SqliteStore::open(":memory:"));
            return batching(std::move(store));
          }};
}

BatchingFactory batching_sqlite_file() {
  return {"sqlite_file", [](const ScratchDir& directory) -> absl::StatusOr<BatchingStore> {
            const std::string path = directory.file("mesh.db");
            DATAMESH_ASSIGN_OR_RETURN(auto store, SqliteStore::open(path));
            BatchingStore opened = batching(std::move(store));
            opened.open_other = [path]() -> absl::StatusOr<std::unique_ptr<Store>> {
              return SqliteStore::open(path);
            };
            return opened;
          }};
}

BatchingFactory batching_postgres() {
  return {"postgres", [](const ScratchDir&) -> absl::StatusOr<BatchingStore> {
            DATAMESH_ASSIGN_OR_RETURN(auto schema, test_support::ScratchSchema::create());
            DATAMESH_ASSIGN_OR_RETURN(auto store, PostgresStore::open(schema->url()));
            BatchingStore opened = batching(std::move(store));
            opened.open_other = [url = schema->url()]() -> absl::StatusOr<std::unique_ptr<Store>> {
              return PostgresStore::open(url);
            };
            opened.schema = std::move(schema);
            return opened;
          }};
}

// What one writer of a forced batch did: its outcome, and the thread its body last ran on.
struct WriterRun {
  absl::Status status;
  std::thread::id body_thread;
  int runs = 0;
  bool threw = false;
};

class GroupCommitTest : public ::testing::TestWithParam<BatchingFactory> {
 protected:
  void SetUp() override {
    auto opened = GetParam().open(directory_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    opened_ = *std::move(opened);
  }
  void TearDown() override {
    opened_.store.reset();  // its connections close before the schema is dropped
  }

  Store& store() { return *opened_.store; }

  // Waits until `count` writers are queued or running in the store: false after the latch's
  // guard time, when the store never queued them.
  bool wait_for_queue(int count) {
    const auto deadline = std::chrono::steady_clock::now() + Latch::kGuard;
    while (opened_.queued_writers() < count) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

  // Runs each of `bodies` as a writer of its own thread, all of them in one batch: a first
  // writer holds the store until every one of them has queued behind it. `after_answer` runs
  // on each writer's thread right after its run() returned.
  std::vector<WriterRun> run_as_one_batch(
      const std::vector<std::function<absl::Status(Transaction&)>>& bodies,
      const std::function<void(size_t, const WriterRun&)>& after_answer = nullptr) {
    Latch holding, release;
    absl::Status first;
    std::thread holder([&] {
      first = write_in(store(), [&](Transaction& tx) -> absl::Status {
        holding.open();
        EXPECT_TRUE(release.wait()) << "the writers never queued";
        return tx.put_account(full_account("holder"));
      });
    });
    EXPECT_TRUE(holding.wait());
    std::vector<WriterRun> runs(bodies.size());
    std::vector<std::thread> writers;
    for (size_t i = 0; i < bodies.size(); ++i) {
      writers.emplace_back([&, i] {
        WriterRun& run = runs[i];
        try {
          run.status = write_in(store(), [&](Transaction& tx) {
            ++run.runs;
            run.body_thread = std::this_thread::get_id();
            return bodies[i](tx);
          });
        } catch (const std::runtime_error&) {
          run.threw = true;
        }
        if (after_answer) after_answer(i, run);
      });
      // One at a time, so that they queue (and run) in this order.
      EXPECT_TRUE(wait_for_queue(static_cast<int>(i) + 2)) << "writer " << i << " never queued";
    }
    release.open();
    holder.join();
    for (std::thread& writer : writers) writer.join();
    EXPECT_TRUE(first.ok()) << first;
    return runs;
  }

  bool has_account(Store& in, const std::string& id) {
    auto found = read_in(in, [&](Transaction& tx) { return tx.get_account(id); });
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() && found->has_value();
  }
  bool has_account(const std::string& id) { return has_account(store(), id); }

  static std::function<absl::Status(Transaction&)> put(std::string id) {
    return [id](Transaction& tx) { return tx.put_account(full_account(id)); };
  }

  // The bodies ran on one thread: they shared a transaction.
  static void expect_one_batch(const std::vector<WriterRun>& runs) {
    for (const WriterRun& run : runs) EXPECT_EQ(run.body_thread, runs.front().body_thread);
  }

  ScratchDir directory_;
  BatchingStore opened_;
};

TEST_P(GroupCommitTest, AFailingBodyIsUndoneAloneAndTheOthersOfItsBatchCommit) {
  const auto runs = run_as_one_batch(
      {put("a"),
       [](Transaction& tx) -> absl::Status {
         if (absl::Status put = tx.put_account(full_account("b")); !put.ok()) return put;
         return absl::InvalidArgumentError("b changed its mind");
       },
       // A refused write, with the writes before it in the same body.
       [](Transaction& tx) -> absl::Status {
         if (absl::Status put = tx.put_account(full_account("c")); !put.ok()) return put;
         return tx.insert_subscription(full_subscription("s"));
       },
       [](Transaction& tx) { return tx.insert_subscription(full_subscription("s")); },
       put("e")});
  expect_one_batch(runs);
  EXPECT_TRUE(runs[0].status.ok()) << runs[0].status;
  EXPECT_TRUE(absl::IsInvalidArgument(runs[1].status)) << runs[1].status;
  EXPECT_EQ(runs[1].status.message(), "b changed its mind");
  EXPECT_TRUE(runs[2].status.ok()) << runs[2].status;
  // The same id again, in the same transaction: refused as between two transactions.
  EXPECT_TRUE(absl::IsAlreadyExists(runs[3].status)) << runs[3].status;
  EXPECT_TRUE(runs[4].status.ok()) << runs[4].status;
  EXPECT_TRUE(has_account("holder"));
  EXPECT_TRUE(has_account("a"));
  EXPECT_FALSE(has_account("b"));
  EXPECT_TRUE(has_account("c"));
  EXPECT_TRUE(has_account("e"));
}

TEST_P(GroupCommitTest, ABodyThatLostARaceRunsAgainInItsBatchAndOneThatKeepsLosingIsAborted) {
  int lost = 0;
  const auto runs = run_as_one_batch(
      {put("a"),
       [&lost](Transaction& tx) -> absl::Status {
         if (absl::Status put = tx.put_account(full_account("b")); !put.ok()) return put;
         if (lost++ == 0) return absl::AbortedError("lost a race once");
         return absl::OkStatus();
       },
       [](Transaction& tx) -> absl::Status {
         if (absl::Status put = tx.put_account(full_account("never")); !put.ok()) return put;
         return absl::AbortedError("always loses");
       },
       put("d")});
  expect_one_batch(runs);
  EXPECT_TRUE(runs[1].status.ok()) << runs[1].status;
  EXPECT_EQ(runs[1].runs, 2);
  EXPECT_TRUE(absl::IsAborted(runs[2].status)) << runs[2].status;
  EXPECT_EQ(runs[2].runs, SqliteStore::kMaxRetries + 1);
  EXPECT_EQ(runs[0].runs, 1);
  EXPECT_EQ(runs[3].runs, 1);
  EXPECT_TRUE(has_account("a"));
  EXPECT_TRUE(has_account("b"));
  EXPECT_FALSE(has_account("never"));
  EXPECT_TRUE(has_account("d"));
}

TEST_P(GroupCommitTest, ABodyThatThrowsGetsItsExceptionAndTheRestOfTheBatchCommits) {
  const auto runs = run_as_one_batch({put("a"),
                                      [](Transaction& tx) -> absl::Status {
                                        tx.put_account(full_account("b")).IgnoreError();
                                        throw std::runtime_error("the body broke");
                                      },
                                      put("c")});
  expect_one_batch(runs);
  EXPECT_FALSE(runs[0].threw);
  EXPECT_TRUE(runs[1].threw);
  EXPECT_FALSE(runs[2].threw);
  EXPECT_TRUE(runs[0].status.ok()) << runs[0].status;
  EXPECT_TRUE(runs[2].status.ok()) << runs[2].status;
  EXPECT_TRUE(has_account("a"));
  EXPECT_FALSE(has_account("b"));
  EXPECT_TRUE(has_account("c"));
  // Nothing is left waiting: the next writer is served.
  DATAMESH_ASSERT_OK(write_in(store(), put("after")));
  EXPECT_TRUE(has_account("after"));
}

TEST_P(GroupCommitTest, AFailedCommitFailsEveryWriteOfTheBatchSayingSo) {
  // A table without its database is a broken reference, found at COMMIT (deferred foreign key).
  const auto runs = run_as_one_batch(
      {put("a"), [](Transaction& tx) { return tx.put_table(full_table("1", "missing", "t")); },
       put("c")});
  expect_one_batch(runs);
  for (const WriterRun& run : runs) {
    EXPECT_TRUE(absl::IsFailedPrecondition(run.status)) << run.status;
    EXPECT_THAT(run.status.message(),
                HasSubstr("the transaction this write shared with 2 other write(s) (group "
                          "commit) failed, so it was not applied"));
  }
  EXPECT_FALSE(has_account("a"));
  EXPECT_FALSE(has_account("c"));
  // The store goes on.
  DATAMESH_ASSERT_OK(write_in(store(), put("after")));
  EXPECT_TRUE(has_account("after"));
}

TEST_P(GroupCommitTest, ABodyCallingRunOnItsStoreIsRefusedInABatchToo) {
  absl::Status inner;
  const auto runs = run_as_one_batch(
      {put("a"), [&](Transaction& tx) -> absl::Status {
         inner = store().run(TxMode::kRead, [](Transaction&) { return absl::OkStatus(); });
         return tx.put_account(full_account("b"));
       }});
  expect_one_batch(runs);
  EXPECT_TRUE(absl::IsFailedPrecondition(inner)) << inner;
  EXPECT_TRUE(runs[1].status.ok()) << runs[1].status;
  EXPECT_TRUE(has_account("b"));
}

TEST_P(GroupCommitTest, AuditEventsOfABatchChainWithoutTheUndoneOnes) {
  const auto append = [](std::string subscription) {
    return [subscription](Transaction& tx) -> absl::Status {
      return append_next(tx, full_audit_event(subscription)).status();
    };
  };
  const auto runs = run_as_one_batch({append("A"),
                                      [&](Transaction& tx) -> absl::Status {
                                        auto appended = append_next(tx, full_audit_event("B"));
                                        if (!appended.ok()) return appended.status();
                                        return absl::InvalidArgumentError("undone");
                                      },
                                      append("C")});
  expect_one_batch(runs);
  EXPECT_TRUE(runs[0].status.ok()) << runs[0].status;
  EXPECT_TRUE(absl::IsInvalidArgument(runs[1].status)) << runs[1].status;
  EXPECT_TRUE(runs[2].status.ok()) << runs[2].status;
  auto chain = read_in(store(), [](Transaction& tx) { return tx.list_audit_chain(Page{}); });
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].event.subscription_id, "A");
  EXPECT_EQ((*chain)[1].event.subscription_id, "C");
  EXPECT_EQ((*chain)[0].event.sequence, 1);
  EXPECT_EQ((*chain)[1].event.sequence, 2);
  EXPECT_EQ((*chain)[1].previous_hash, (*chain)[0].hash);
  auto head = read_in(store(), [](Transaction& tx) { return tx.audit_chain_head(); });
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 2);
  EXPECT_EQ(head->hash, (*chain)[1].hash);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest,
                         ::testing::Values(batching_sqlite_memory(), batching_sqlite_file(),
                                           batching_postgres()),
                         [](const ::testing::TestParamInfo<BatchingFactory>& info) {
                           return info.param.name;
                         });

// The answers of a batch, checked from another store object on the same data (another
// connection) at the moment each arrives.
using GroupCommitAnswerTest = GroupCommitTest;

TEST_P(GroupCommitAnswerTest, NoWriterIsAnsweredBeforeTheCommitOfItsWholeBatch) {
  constexpr int kWriters = 4;
  auto other = opened_.open_other();
  ASSERT_TRUE(other.ok()) << other.status();
  std::atomic<bool> answered{false};
  std::atomic<int> bodies_after_an_answer{0};
  std::vector<std::function<absl::Status(Transaction&)>> bodies;
  for (int i = 0; i < kWriters; ++i) {
    bodies.push_back([&, i](Transaction& tx) {
      if (answered) ++bodies_after_an_answer;
      return tx.put_account(full_account("w" + std::to_string(i)));
    });
  }
  std::vector<int> seen(kWriters, 0);  // writers whose change the other store saw, per answer
  const auto runs = run_as_one_batch(bodies, [&](size_t i, const WriterRun& run) {
    if (!run.status.ok()) return;
    answered = true;
    for (int w = 0; w < kWriters; ++w) {
      if (has_account(**other, "w" + std::to_string(w))) ++seen[i];
    }
  });
  expect_one_batch(runs);
  for (const WriterRun& run : runs) EXPECT_TRUE(run.status.ok()) << run.status;
  // Each writer, once answered, finds its change committed, with the rest of its batch.
  for (int i = 0; i < kWriters; ++i) EXPECT_EQ(seen[i], kWriters) << "writer " << i;
  EXPECT_EQ(bodies_after_an_answer, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitAnswerTest,
                         ::testing::Values(batching_sqlite_file(), batching_postgres()),
                         [](const ::testing::TestParamInfo<BatchingFactory>& info) {
                           return info.param.name;
                         });

}  // namespace group_commit_test
}  // namespace datamesh::store::testing
