#include "store/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statements.h"
#include "store/store_test_support.h"

namespace datamesh::store::sqlite {
namespace {

constexpr int kNever = INT_MAX;

// A WAL-mode mesh file with a table of page-sized rows, and a connection writing to it.
class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(SqliteStore::open(path_).ok());  // creates the file in WAL mode
    auto opened = Connection::open(path_, 1000);
    ASSERT_TRUE(opened.ok()) << opened.status();
    writer_ = *std::move(opened);
    ASSERT_TRUE(writer_->exec("CREATE TABLE pages (body BLOB)", "create").ok());
    // An empty log to start from, whatever opening the store left in it: log_frames() then
    // counts the frames of this test's commits.
    ASSERT_TRUE(writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)", "truncate the log").ok());
  }

  // One commit per row; each row fills a page of its own, so each commit grows the log.
  void commit_rows(int rows) {
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE(writer_->exec("INSERT INTO pages VALUES (zeroblob(3900))", "insert").ok());
    }
  }

  std::uintmax_t log_bytes() const { return std::filesystem::file_size(path_ + "-wal"); }

  // The frames (pages) in the log, from its size: a 32-byte header (the page size big-endian at
  // byte 8), then frames of a 24-byte header and a page each. Exact while the log has not been
  // restarted, i.e. before any checkpoint; what SQLite's commit hook reports to the checkpointer.
  std::uintmax_t log_frames() const {
    const std::uintmax_t bytes = log_bytes();
    if (bytes <= 32) return 0;
    std::ifstream log(path_ + "-wal", std::ios::binary);
    unsigned char header[12] = {};
    log.read(reinterpret_cast<char*>(header), sizeof header);
    const std::uintmax_t page_size = (std::uintmax_t{header[8]} << 24) |
                                     (std::uintmax_t{header[9]} << 16) |
                                     (std::uintmax_t{header[10]} << 8) | header[11];
    return page_size == 0 ? 0 : (bytes - 32) / (page_size + 24);
  }

  testing::ScratchDir directory_;
  const std::string path_ = directory_.file("mesh.db");
  std::unique_ptr<Connection> writer_;
};

TEST_F(WalCheckpointerTest, AWatchedConnectionNoLongerCheckpointsInItsCommit) {
  // Neither the thread nor the writer checkpoints: the log keeps every page, where SQLite's own
  // checkpoint would have reset it every 1,000 pages.
  WalCheckpointer checkpointer(path_, 1000, {.wake_pages = kNever, .writer_pages = kNever});
  checkpointer.watch(*writer_);
  commit_rows(1200);
  EXPECT_GT(log_bytes(), 1200u * 4096);
  EXPECT_EQ(checkpointer.completed_checkpoints(), 0);
}

// Waits (bounded) until the checkpointer's thread has finished `count` checkpoints: they run on
// its thread, so the test waits for the count, never for a time.
int wait_for_checkpoints(const WalCheckpointer& checkpointer, int count) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (checkpointer.completed_checkpoints() < count &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return checkpointer.completed_checkpoints();
}

TEST_F(WalCheckpointerTest, TheThreadCheckpointsOnceTheLogReachesTheWakeThreshold) {
  constexpr std::uintmax_t kWake = 60;
  WalCheckpointer checkpointer(path_, 1000, {.wake_pages = kWake, .writer_pages = kNever});
  checkpointer.watch(*writer_);
  // A commit of a page-sized row writes a few frames (the row's page, its parent, the header
  // page): commit while the log stays 10 frames or more below the threshold, so that no commit
  // reached it and the thread was never woken.
  while (log_frames() + 10 < kWake) commit_rows(1);
  ASSERT_LT(log_frames(), kWake);
  EXPECT_EQ(checkpointer.completed_checkpoints(), 0);  // below the threshold: no wake-up
  while (log_frames() < kWake) commit_rows(1);
  const int first = wait_for_checkpoints(checkpointer, 1);
  ASSERT_GE(first, 1);
  EXPECT_TRUE(checkpointer.last_error().ok()) << checkpointer.last_error();
  // The first checkpoint may have started before the last rows were committed: then the next
  // commit still appends to the log and wakes the thread again, and that checkpoint copies
  // every page committed so far.
  const std::uintmax_t before = log_bytes();
  commit_rows(1);
  if (log_bytes() > before) {
    ASSERT_GE(wait_for_checkpoints(checkpointer, first + 1), first + 1);
    commit_rows(1);
  }
  // Every page copied: writers restart the log from its beginning instead of making it longer.
  const std::uintmax_t restarted = log_bytes();
  commit_rows(10);
  EXPECT_EQ(log_bytes(), restarted);
}

TEST_F(WalCheckpointerTest, TheWriterCheckpointsItselfWhenTheLogReachesItsBound) {
  WalCheckpointer checkpointer(path_, 1000, {.wake_pages = kNever, .writer_pages = 20});
  checkpointer.watch(*writer_);
  commit_rows(300);
  // Reset every 20 pages: the log never held more than about 21 pages of 4 KB.
  EXPECT_LT(log_bytes(), 40u * 4096);
  EXPECT_EQ(checkpointer.completed_checkpoints(), 0);  // the thread never started
}

}  // namespace
}  // namespace datamesh::store::sqlite
