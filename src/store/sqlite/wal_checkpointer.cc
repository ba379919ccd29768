#include "store/sqlite/wal_checkpointer.h"

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "store/sqlite/statements.h"

namespace datamesh::store::sqlite {

WalCheckpointer::WalCheckpointer(std::string path, int busy_timeout_ms, Thresholds thresholds)
    : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), thresholds_(thresholds) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::watch(Connection& connection) {
  connection.on_commit(
      [this](Connection& committed_on, int log_pages) { committed(committed_on, log_pages); });
}

void WalCheckpointer::committed(Connection& connection, int log_pages) {
  if (log_pages >= thresholds_.writer_pages) {
    // The thread is behind: bound the log as SQLite's own checkpoint would. A failure here is
    // not the commit's (it is durable already) and the next commit tries again.
    connection.checkpoint_passive().IgnoreError();
    return;
  }
  if (log_pages < thresholds_.wake_pages) return;
  {
    std::lock_guard lock(mutex_);
    if (wanted_ || stopping_) return;
    wanted_ = true;
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  wake_.notify_one();
}

void WalCheckpointer::run() {
  std::unique_ptr<Connection> connection;  // opened on the first checkpoint
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    lock.unlock();
    absl::Status status;
    if (!connection) {
      absl::StatusOr<std::unique_ptr<Connection>> opened =
          Connection::open(path_, busy_timeout_ms_);
      if (opened.ok()) {
        connection = *std::move(opened);
      } else {
        status = opened.status();
      }
    }
    if (connection) status = connection->checkpoint_passive();
    lock.lock();
    // Cleared after the checkpoint: commits made during it wake the thread again.
    wanted_ = false;
    if (status.ok()) {
      ++completed_;
    } else {
      last_error_ = std::move(status);
    }
  }
}

int WalCheckpointer::completed_checkpoints() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

absl::Status WalCheckpointer::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace datamesh::store::sqlite
