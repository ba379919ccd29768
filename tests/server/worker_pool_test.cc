// The worker pool of `datamesh serve` (server/worker_pool.h): jobs of one key in order, keys in
// turn, at most max_running_per_key jobs of a key at once, every posted job run before the
// destructor returns.
//
// Nothing sleeps: a job that must stay running blocks on a latch that the test opens, with a
// 30-second guard that only a hung pool reaches.

#include "server/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "support/latch.h"

namespace datamesh::server {
namespace {

using test_support::Latch;

// What the jobs did, in the order they did it.
class Journal {
 public:
  void add(std::string entry) {
    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
  }
  std::vector<std::string> entries() {
    std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> entries_;
};

TEST(WorkerPoolTest, KeysTakeTurnsAndEachKeysJobsRunInOrder) {
  Journal journal;
  Latch started, release;
  {
    WorkerPool pool(/*threads=*/1, /*max_running_per_key=*/1);
    pool.post("a", [&] {
      journal.add("a1");
      started.open();
      release.wait();
    });
    ASSERT_TRUE(started.wait());
    // Queued while a1 runs: a's jobs first, then b's. b still goes before a's next ones.
    for (const char* name : {"a2", "a3"}) pool.post("a", [&, name] { journal.add(name); });
    for (const char* name : {"b1", "b2"}) pool.post("b", [&, name] { journal.add(name); });
    release.open();
  }  // the destructor runs every job posted
  EXPECT_EQ(journal.entries(), (std::vector<std::string>{"a1", "b1", "a2", "b2", "a3"}));
}

TEST(WorkerPoolTest, AKeyAtItsLimitLeavesTheOtherWorkersToOtherKeys) {
  Journal journal;
  Latch a_started, b_done, release;
  {
    WorkerPool pool(/*threads=*/3, /*max_running_per_key=*/1);
    pool.post("a", [&] {
      a_started.open();
      release.wait();
      journal.add("a1");
    });
    ASSERT_TRUE(a_started.wait());
    pool.post("a", [&] { journal.add("a2"); });  // waits for a1: a holds its one worker
    pool.post("b", [&] {
      journal.add("b1");
      b_done.open();
    });
    // b runs on a free worker while a1 still blocks; a2 has not run, though two workers are free.
    ASSERT_TRUE(b_done.wait());
    EXPECT_EQ(journal.entries(), std::vector<std::string>{"b1"});
    release.open();
  }
  EXPECT_EQ(journal.entries(), (std::vector<std::string>{"b1", "a1", "a2"}));
}

TEST(WorkerPoolTest, NoKeyRunsMoreThanItsLimitAtOnce) {
  constexpr int kJobs = 200;
  std::atomic<int> running{0}, most{0}, done{0};
  {
    WorkerPool pool(/*threads=*/4, /*max_running_per_key=*/2);
    for (int i = 0; i < kJobs; ++i) {
      pool.post("a", [&] {
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --running;
        ++done;
      });
    }
  }
  EXPECT_EQ(done.load(), kJobs);
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

TEST(WorkerPoolTest, JobsOfManyKeysAllRunBeforeTheDestructorReturns) {
  constexpr int kKeys = 50, kJobsPerKey = 20;
  std::atomic<int> done{0};
  {
    WorkerPool pool(/*threads=*/3, /*max_running_per_key=*/1);
    for (int job = 0; job < kJobsPerKey; ++job) {
      for (int key = 0; key < kKeys; ++key) pool.post(std::to_string(key), [&] { ++done; });
    }
  }
  EXPECT_EQ(done.load(), kKeys * kJobsPerKey);
}

}  // namespace
}  // namespace datamesh::server
