// PostgresStore: the Store on a PostgreSQL database that several `datamesh serve` replicas (and
// embedded clients) share.
//
// Transactions. A kWrite transaction is READ COMMITTED and begins by locking the one row of
// audit_chain_head (SELECT ... FOR UPDATE), the store's write lock: writers of every replica
// take turns exactly as SQLite's BEGIN IMMEDIATE makes them, so each workflow method reads the
// latest committed state and nothing can change it before it commits (no lost update, no
// write skew, concurrent approvals of one request: one wins, the others see it Active), and
// audit events get their sequence numbers in commit order. A kRead transaction is REPEATABLE
// READ READ ONLY: one consistent snapshot, never blocked by writers and never blocking them.
//
// Group commit (store/group_commit.h). The write transactions of one PostgresStore (one
// replica) queue in the process; those queued while a transaction runs form the next batch, at
// most PostgresOptions::max_batch: one transaction that locks the chain head once, runs each
// body in SAVEPOINT body ... RELEASE SAVEPOINT body (sent with the body's next statement), and
// commits once, with one durability barrier. So replicas take turns on the chain head once per
// batch, not once per write, and the audit chain is extended by each batch in commit order. A
// body's deferred writes are sent when it returns, so that their failure is its own: a failing
// body is rolled back to its savepoint (with the chain head it moved), and the others commit.
// A failed COMMIT (a broken reference), a lost connection after the COMMIT was sent, or a lost
// transaction fails every write of the batch, each with a message that says so. A batch whose
// connection broke before its COMMIT was sent runs again, every body of it, on a new connection.
// A write alone in its batch runs exactly as before group commit (no savepoint).
//
// Durability. A write transaction's COMMIT does not wait for the WAL flush, so the write lock
// is held only while the transaction runs, not while the disk syncs; run() then commits a tiny
// "barrier" transaction with the session's own synchronous_commit, whose flush covers the write,
// and only then returns OK. The barrier runs once the batch has left the queue, in a round trip
// of its own on any connection of the pool, so the next batch runs while this one's flush
// waits. Concurrent writers' flushes are so grouped into one. A writer is
// told of success only once its change is durable; a reader may see a change a little before it
// is, and a crash in that moment loses it together with every later one (its writer was told
// the outcome is unknown).
//
// Round trips. A body's writes, and the BEGIN with the write lock, are deferred
// (Connection::defer) and sent with its next read; its last writes go with the COMMIT, in one
// round trip (in a batch of several, when the body returns: see group commit above), and the
// barrier takes one more. A read transaction's COMMIT is sent without waiting for the answer.
// The write lock is so held for the body's reads and one more round trip, not for one round
// trip per statement.
//
// Failures. A body returning Aborted (it lost a race), and a serialization failure or deadlock
// reported by PostgreSQL, roll back and run the body again in a fresh transaction, kMaxRetries
// times at most; then the last Aborted is returned. A connection that breaks before the COMMIT
// was sent (the server restarted, the network failed) rolls nothing forward: the body runs once
// more on a new connection, and if the database is still unreachable run() returns Unavailable.
// A connection that breaks once the COMMIT was sent is Unavailable saying the outcome is
// unknown. After a failed connection attempt, run() answers Unavailable at once, without trying,
// until reconnect_interval_ms has passed: requests fail fast while the database is down and the
// store recovers by itself once it is back.
//
// Connections. At most pool_size, opened on demand and kept for reuse; a thread that finds
// them all in use waits up to pool_wait_ms. Thread-safe; a Transaction belongs to the thread
// running the body.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/migrations.h"
#include "store/postgres/url.h"
#include "core/store.h"
#include "store/group_commit.h"
#include "store/sql/grant_cache.h"

namespace datamesh::store {

namespace postgres {
class Connection;
class PostgresTransaction;
}

struct PostgresOptions {
  // Connections to the database at most (the URL's pool_size=N overrides it). Several replicas
  // each hold their own pool: keep replicas x pool_size under the server's max_connections.
  int pool_size = 16;
  // How long run() waits for a free connection before giving up with Unavailable.
  int pool_wait_ms = 10000;
  // Write transactions committed together at most (group commit, see above); 1 commits each
  // alone.
  int max_batch = 64;
  // How long a writer waits for the write lock (PostgreSQL's lock_timeout) before Unavailable.
  int lock_timeout_ms = 10000;
  // How long one answer of the database may take to start arriving before the connection is
  // dropped and the call fails with Unavailable (connection.h); 0 = for ever. Above
  // lock_timeout_ms, which bounds the waits the store's statements have.
  int answer_timeout_ms = 30000;
  // After a failed connection attempt, run() fails at once for this long before trying again.
  int reconnect_interval_ms = 500;
  // Whether open() may create the schema in a database that has none. Missing migrations of
  // an existing mesh are applied either way.
  bool create_if_missing = true;
};

class PostgresStore final : public Store {
 public:
  // Connects to the database of `url` (postgresql://user@host:port/db?..., see url.h) and
  // brings its schema up to date (migrations.h).
  // Errors: InvalidArgument for a malformed URL or options; Unavailable when the database cannot
  // be reached (refused, no such database, authentication failed); FailedPrecondition when the
  // database has no mesh schema and !create_if_missing, when its schema is newer than this
  // binary, or when it holds another application's tables.
  static absl::StatusOr<std::unique_ptr<PostgresStore>> open(const std::string& url,
                                                             PostgresOptions options = {});

  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;
  ~PostgresStore() override;

  // Runs body in one transaction, as the top of this file says. body must not call run() on this
  // store (FailedPrecondition). Errors besides body's: Unavailable (database down, pool
  // exhausted, write lock not granted within lock_timeout_ms, outcome of COMMIT unknown),
  // Aborted (retries exhausted), FailedPrecondition (COMMIT found a broken reference),
  // InvalidArgument (a value PostgreSQL cannot store, such as text with a NUL character),
  // Internal for anything else.
  // (Store::run calls this.)
  absl::Status run_body(TxMode mode,
                        const std::function<absl::Status(Transaction&)>& body) override;

  // The URL without its password, for messages and logs.
  const std::string& display_url() const { return url_.display; }
  // What open() found and did to the schema.
  const postgres::MigrationReport& migration_report() const { return migration_report_; }
  int pool_size() const { return options_.pool_size; }
  // Write transactions waiting or running in this store object at this moment (tests, metrics).
  int queued_writers() const;
  // The grants of recently checked principals (store/sql/grant_cache.h).
  const sql::GrantCache& grant_cache() const { return grant_cache_; }

 private:
  struct Lease {
    std::unique_ptr<postgres::Connection> connection;
    uint64_t generation = 0;
  };
  enum class Outcome { kDone, kLostRace, kConnectionLost };
  struct Attempt {
    Outcome outcome;
    absl::Status status;
  };

  // What one transaction runs: a read body, or a batch of write bodies.
  using Work = std::function<absl::Status(postgres::PostgresTransaction&)>;

  PostgresStore(postgres::PostgresUrl url, PostgresOptions options);

  // Runs work in a transaction of mode on a leased connection, with the retries the top of this
  // file describes. *wrote (when given) tells whether a committed transaction wrote anything.
  absl::Status run_transaction(TxMode mode, const Work& work, bool* wrote);
  // Commits the durability barrier (see the top) on a connection of the pool; after a write
  // transaction's COMMIT returned, before its writers are answered. Unavailable (the outcome is
  // unknown to the writers) when it fails.
  absl::Status make_durable();

  absl::StatusOr<std::unique_ptr<postgres::Connection>> connect() const;
  Attempt run_once(postgres::Connection& connection, TxMode mode, const Work& work, bool* wrote);
  // A connection of the pool, or a new one while the pool is not full. With !may_open, only
  // one of the pool, waited for as long as pool_wait_ms (when the database takes no new
  // connections, one in use soon comes back).
  absl::StatusOr<Lease> acquire(bool may_open = true);
  void release(Lease lease);
  // Every pooled connection predates a lost one: it most likely died with it (a restart).
  void forget_idle_connections();

  const postgres::PostgresUrl url_;
  const PostgresOptions options_;
  postgres::MigrationReport migration_report_;

  sql::GrantCache grant_cache_;

  std::mutex mutex_;
  std::condition_variable available_;  // signalled when a connection is returned or closed
  std::vector<Lease> idle_;            // each outside any transaction
  int open_ = 0;                       // leased + idle + being opened; at most pool_size
  uint64_t generation_ = 0;            // bumped when a connection is found lost
  // Set by a failed connection attempt: until retry_after_, acquire() fails at once with it.
  absl::Status down_;
  std::chrono::steady_clock::time_point retry_after_;

  // Write transactions of this store queue here (one batch runs at a time per store object, and
  // so per replica). Declared last: destroyed first, once no writer is queued.
  GroupCommit group_commit_;
};

}  // namespace datamesh::store
