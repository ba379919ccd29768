// The Store over one SQLite file: the state of an embedded mesh (sqlite:///path/mesh.db) or of
// a single-machine server.
//
// Thread-safety: SqliteStore is thread-safe. Each run() leases a connection of its own from a
// small pool (one per thread running a transaction at that moment), so read transactions run
// in parallel with each other and with one writer (WAL). Several processes may use one file at
// once: write transactions begin with BEGIN IMMEDIATE, so writers queue on SQLite's write lock
// (waiting up to the busy timeout) instead of failing half-way. ":memory:" keeps the state in
// one connection that run() calls take turns on; it lives as long as the store.
//
// Group commit (store/group_commit.h): the write transactions of one SqliteStore queue in the
// process, not on SQLite's lock; the writers queued while a transaction runs then run as one
// transaction (BEGIN IMMEDIATE, each body in SAVEPOINT body ... RELEASE body, one COMMIT: one
// WAL append), at most SqliteOptions::max_batch of them. Each caller is answered once that
// COMMIT has returned: its change is then in the WAL (synchronous=NORMAL, as before: durable
// against a crash of the process; a power loss may take the last commits, never half of one).
// A body that fails is rolled back to its savepoint alone; a failed COMMIT (for instance a
// broken reference, checked at COMMIT) fails every write of the batch, each with a message that
// says so. The in-memory store batches the same way, on its one connection.
//
// Paging cursors: list_databases and list_tables page by name, list_subscriptions by the id of
// the last subscription of the previous page (the store orders by creation and looks that id's
// position up), list_audit_events by the decimal sequence number of the last event.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store.h"
#include "store/group_commit.h"
#include "store/sql/grant_cache.h"
#include "store/sql/migration.h"

namespace datamesh::store {

namespace sqlite {
class Connection;
class WalCheckpointer;
}

struct SqliteOptions {
  // How long a transaction waits for another connection or process to release the write lock
  // before run() gives up with Unavailable. 0 = do not wait.
  int busy_timeout_ms = 10000;
  // Connections kept open for reuse once their transaction ends; threads running transactions
  // at the same moment beyond this number open (and then close) one of their own.
  int max_idle_connections = 64;
  // Write transactions committed together at most (group commit, see above); 1 commits each
  // alone.
  int max_batch = 64;
};

class SqliteStore final : public Store {
 public:
  // Opens the mesh store at path, creating the file (mode 0600: it holds the mesh's state) when
  // it does not exist, switches it to WAL and applies missing schema migrations. ":memory:"
  // opens a private in-memory store.
  // Errors: InvalidArgument for negative options; FailedPrecondition when the file's schema is
  // newer than this binary, when the file belongs to another application, or when it cannot
  // be created (missing directory, no permission); Unavailable when it stays locked longer
  // than the busy timeout or the disk fails; Internal when it is damaged.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                           SqliteOptions options = {});

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

  // Begins a transaction (kWrite: BEGIN IMMEDIATE, kRead: BEGIN DEFERRED), runs body and
  // commits when it returns OK. When body fails the transaction is rolled back and body's status
  // returned; an Aborted body is first retried, kMaxRetries times at most, each time in a fresh
  // transaction (or savepoint, in a batch). A write body may share its transaction with other
  // writers' bodies, and run on another writer's thread (group commit, see the top). body must
  // not call run() on this store (FailedPrecondition: it would wait for itself).
  // Errors besides body's: Unavailable "the mesh store <path> is busy: …" when BEGIN or COMMIT
  // still finds the file locked after the busy timeout, Unavailable for disk full and I/O
  // errors, FailedPrecondition when COMMIT finds a broken reference (a table whose database
  // does not exist, a key whose account does not exist), Internal for anything else SQLite
  // reports.
  // (Store::run calls this.)
  absl::Status run_body(TxMode mode,
                        const std::function<absl::Status(Transaction&)>& body) override;

  const std::string& path() const { return path_; }
  // What open() found and did to the schema.
  const sql::MigrationReport& migration_report() const { return migration_report_; }
  // Write transactions waiting or running in this store at this moment (tests and metrics).
  int queued_writers() const;
  // The grants of recently checked principals (store/sql/grant_cache.h).
  const sql::GrantCache& grant_cache() const { return grant_cache_; }

 private:
  SqliteStore(std::string path, SqliteOptions options);

  // GroupCommit's BatchRunner: one write transaction holding a batch of bodies.
  absl::Status run_batch(const GroupCommit::RunBodies& run_bodies);
  absl::Status run_with_retries(sqlite::Connection& connection, TxMode mode,
                                const std::function<absl::Status(Transaction&)>& body);
  absl::StatusOr<std::unique_ptr<sqlite::Connection>> take_connection();
  void return_connection(std::unique_ptr<sqlite::Connection> connection);

  const std::string path_;
  sql::MigrationReport migration_report_;
  const SqliteOptions options_;
  const bool in_memory_;

  // In-memory stores: the only connection; run() holds memory_mutex_ for the whole transaction.
  std::mutex memory_mutex_;
  std::unique_ptr<sqlite::Connection> memory_connection_;

  sql::GrantCache grant_cache_;

  // File stores: copies the log into the file off the writers' path. Declared before idle_, so
  // that it outlives the connections that report commits to it.
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;

  // File stores: connections not leased to a transaction, each outside any transaction.
  // At most options_.max_idle_connections.
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_;

  // Write transactions of this store queue here instead of in SQLite's busy handler, which
  // sleeps and retries: with many writer threads that sleeping, not the commits, bounded the
  // write rate. Other processes still serialize on SQLite's write lock. Declared last: it is
  // destroyed first, when no writer may be queued any more.
  GroupCommit group_commit_;
};

}  // namespace datamesh::store
