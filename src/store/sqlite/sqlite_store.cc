#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/group_commit.h"
#include "store/run_guard.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/statements.h"
#include "store/sqlite/transaction.h"
#include "store/sqlite/wal_checkpointer.h"

namespace datamesh::store {

using base::cat;
using sqlite::Connection;

namespace {

constexpr std::string_view kInMemory = ":memory:";

absl::Status run_once(Connection& connection, TxMode mode, sql::GrantCache& grant_cache,
                      const std::function<absl::Status(Transaction&)>& body) {
  const bool write = mode == TxMode::kWrite;
  // IMMEDIATE takes the write lock now, waiting up to the busy timeout, so a writer never
  // fails half-way because another process started writing after it read.
  DATAMESH_RETURN_IF_ERROR(
      connection.exec_cached(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED",
                             write ? "begin a write transaction" : "begin a read transaction"));
  // Rolls back whatever transaction is still open on the way out: after a failed body, a failed
  // COMMIT, or an exception thrown by the body. SQLite has already rolled back after some
  // errors (disk full, I/O); then there is none. A failed ROLLBACK leaves the connection inside
  // a transaction, and the pool drops it.
  const absl::Cleanup rollback = [&connection] {
    if (connection.in_transaction()) {
      connection.exec("ROLLBACK", "roll back the transaction").IgnoreError();
    }
  };
  sqlite::SqliteTransaction transaction(connection, mode, &grant_cache);
  DATAMESH_RETURN_IF_ERROR(body(transaction));
  return connection.exec_cached("COMMIT", "commit the transaction");
}

// A batch's savepoints on the connection whose write transaction holds it (group_commit.h).
class SqliteBatch final : public BatchTransaction {
 public:
  SqliteBatch(Connection& connection, Transaction& transaction)
      : connection_(connection), transaction_(transaction) {}

  Transaction& transaction() override { return transaction_; }
  absl::Status begin_body() override {
    return connection_.exec_cached("SAVEPOINT body", "begin a write's savepoint");
  }
  absl::Status keep_body() override {
    return connection_.exec_cached("RELEASE body", "keep a write's changes");
  }
  absl::Status undo_body() override {
    // After a full disk or an I/O error SQLite has rolled the whole transaction back already:
    // the writes before this one are gone too.
    if (!connection_.in_transaction()) {
      return absl::UnavailableError(cat("the mesh store ", connection_.path(),
                                        " rolled back the whole transaction"));
    }
    DATAMESH_RETURN_IF_ERROR(connection_.exec_cached("ROLLBACK TO body", "undo a write"));
    return connection_.exec_cached("RELEASE body", "end an undone write's savepoint");
  }

 private:
  Connection& connection_;
  Transaction& transaction_;
};

// Creates path with mode 0600 unless it exists; SQLite then creates the -wal and -shm files
// with the same mode.
absl::Status create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return absl::OkStatus();
    return absl::FailedPreconditionError(
        cat("cannot create the mesh store ", path, ": ", std::strerror(errno)));
  }
  // The umask may have removed bits the owner needs; it can never have added any.
  const int changed = ::fchmod(fd, 0600);
  const int error = errno;
  ::close(fd);
  if (changed != 0) {
    return absl::FailedPreconditionError(
        cat("cannot make the mesh store ", path, " private (mode 0600): ", std::strerror(error)));
  }
  return absl::OkStatus();
}

// The journal mode the pragma `sql` reports.
absl::StatusOr<std::string> journal_mode(Connection& connection, std::string_view sql) {
  DATAMESH_ASSIGN_OR_RETURN(sqlite::Statement pragma, connection.prepare(sql));
  DATAMESH_ASSIGN_OR_RETURN(const bool row, pragma.step());
  return row ? pragma.text(0) : "";
}

// Switches a file to WAL unless it uses it already. Processes opening a new file at once race
// to switch it, and SQLite answers the losers "database is locked" at once, without its busy
// handler (seen with 8 processes under load); so a busy switch is tried again, re-reading the
// mode (the winner may have switched it), until the busy timeout has passed.
absl::Status use_wal(Connection& connection, int busy_timeout_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  absl::StatusOr<std::string> mode;
  while (true) {
    mode = journal_mode(connection, "PRAGMA journal_mode");
    if (mode.ok() && *mode != "wal") mode = journal_mode(connection, "PRAGMA journal_mode = WAL");
    if (mode.ok() || !connection.last_error_was_busy() ||
        std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  DATAMESH_RETURN_IF_ERROR(mode.status());
  if (*mode == "wal") return absl::OkStatus();
  // Without WAL readers block writers and several processes could not share the file well.
  return absl::FailedPreconditionError(cat("the mesh store ", connection.path(),
                                           " cannot use WAL journaling (SQLite kept \"", *mode,
                                           "\"): put it on a local file system"));
}

}  // namespace

SqliteStore::SqliteStore(std::string path, SqliteOptions options)
    : path_(std::move(path)),
      options_(options),
      in_memory_(path_ == kInMemory),
      // A returned COMMIT is as durable as SQLite makes it: nothing to do after it.
      group_commit_([this](const GroupCommit::RunBodies& run_bodies,
                           GroupCommit::AfterCommit*) { return run_batch(run_bodies); },
                    {.max_batch = options.max_batch, .max_retries = kMaxRetries}) {}

SqliteStore::~SqliteStore() = default;

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                               SqliteOptions options) {
  if (options.busy_timeout_ms < 0) {
    return absl::InvalidArgumentError(
        cat("busy_timeout_ms must be 0 or more, not ", options.busy_timeout_ms));
  }
  if (options.max_idle_connections < 0) {
    return absl::InvalidArgumentError(
        cat("max_idle_connections must be 0 or more, not ", options.max_idle_connections));
  }
  if (options.max_batch < 1) {
    return absl::InvalidArgumentError(cat("max_batch must be at least 1, not ", options.max_batch));
  }
  if (path.empty()) {
    return absl::InvalidArgumentError("the mesh store path is empty: name a file or :memory:");
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, options));
  if (!store->in_memory_) {
    DATAMESH_RETURN_IF_ERROR(create_private_file(path));
  }
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection,
                            Connection::open(path, options.busy_timeout_ms));
  if (!store->in_memory_) {
    DATAMESH_RETURN_IF_ERROR(use_wal(*connection, options.busy_timeout_ms));
    store->checkpointer_ =
        std::make_unique<sqlite::WalCheckpointer>(path, options.busy_timeout_ms);
    store->checkpointer_->watch(*connection);
  }
  DATAMESH_ASSIGN_OR_RETURN(store->migration_report_, sqlite::migrate(*connection));
  if (store->in_memory_) {
    store->memory_connection_ = std::move(connection);
  } else {
    store->return_connection(std::move(connection));
  }
  return store;
}

absl::Status SqliteStore::run_body(TxMode mode,
                                   const std::function<absl::Status(Transaction&)>& body) {
  const RunGuard guard(this);
  if (guard.reentered()) {
    return absl::FailedPreconditionError(
        cat("a transaction body called run() again on the mesh store ", path_,
            ": use the Transaction it was given"));
  }
  if (mode == TxMode::kWrite) return group_commit_.run(body);
  if (in_memory_) {
    std::lock_guard lock(memory_mutex_);
    return run_with_retries(*memory_connection_, mode, body);
  }
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, take_connection());
  absl::Status status = run_with_retries(*connection, mode, body);
  return_connection(std::move(connection));
  return status;
}

absl::Status SqliteStore::run_batch(const GroupCommit::RunBodies& run_bodies) {
  // One leader at a time (group_commit.h): only other processes compete for the write lock.
  const auto run_on = [&](Connection& connection) {
    return run_with_retries(connection, TxMode::kWrite,
                            [&](Transaction& transaction) -> absl::Status {
                              SqliteBatch batch(connection, transaction);
                              return run_bodies(batch);
                            });
  };
  if (in_memory_) {
    std::lock_guard lock(memory_mutex_);
    return run_on(*memory_connection_);
  }
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, take_connection());
  absl::Status status = run_on(*connection);
  return_connection(std::move(connection));
  return status;
}

int SqliteStore::queued_writers() const { return group_commit_.queued(); }

absl::Status SqliteStore::run_with_retries(Connection& connection, TxMode mode,
                                           const std::function<absl::Status(Transaction&)>& body) {
  for (int retries = 0;; ++retries) {
    absl::Status status = run_once(connection, mode, grant_cache_, body);
    // Aborted means the body lost a race and re-reading will see the winner's write.
    if (!absl::IsAborted(status) || retries == kMaxRetries) return status;
  }
}

absl::StatusOr<std::unique_ptr<Connection>> SqliteStore::take_connection() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection,
                            Connection::open(path_, options_.busy_timeout_ms));
  checkpointer_->watch(*connection);
  return connection;
}

void SqliteStore::return_connection(std::unique_ptr<Connection> connection) {
  // A connection whose ROLLBACK failed would hand its open transaction to the next body.
  if (connection->in_transaction()) return;
  std::lock_guard lock(pool_mutex_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_connections) {
    idle_.push_back(std::move(connection));
  }
  // Otherwise closed here, as it goes out of scope.
}

}  // namespace datamesh::store
