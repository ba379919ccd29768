#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/postgres/connection.h"
#include "store/postgres/transaction.h"
#include "store/group_commit.h"
#include "store/run_guard.h"

namespace datamesh::store {

using base::cat;
using postgres::Connection;

namespace {

// A transaction that writes WAL commits with the session's own synchronous_commit (on by
// default, or what the administrator set, e.g. remote_apply for a synchronous standby): it is
// sent right after a write transaction's COMMIT (which does not wait for the WAL flush, see
// PostgresTransaction::begin) and commits at the pipeline's Sync once the WAL is flushed up to
// its commit record, which comes after the write transaction's, so the write is then as durable
// as if it had committed synchronously, and the write lock was released before the flush. It
// must write WAL: PostgreSQL does not flush at the commit of a transaction that wrote none, even
// one with a transaction id. Each session updates a row of its own, so concurrent barriers never
// wait for each other and share one flush (group commit), which a flush under the write lock
// could not.
constexpr std::string_view kDurabilityBarrier =
    "INSERT INTO commit_barriers (backend_pid, commits) VALUES (pg_backend_pid(), 1)"
    " ON CONFLICT (backend_pid) DO UPDATE SET commits = commit_barriers.commits + 1";

// A batch's savepoints in the write transaction that holds it (group_commit.h).
class PostgresBatch final : public BatchTransaction {
 public:
  explicit PostgresBatch(postgres::PostgresTransaction& transaction) : transaction_(transaction) {}
  Transaction& transaction() override { return transaction_; }
  absl::Status begin_body() override { return transaction_.savepoint(); }
  absl::Status keep_body() override { return transaction_.keep_savepoint(); }
  absl::Status undo_body() override { return transaction_.rollback_to_savepoint(); }

 private:
  postgres::PostgresTransaction& transaction_;
};

}  // namespace

PostgresStore::PostgresStore(postgres::PostgresUrl url, PostgresOptions options)
    : url_(std::move(url)),
      options_(options),
      group_commit_(
          [this](const GroupCommit::RunBodies& run_bodies, GroupCommit::AfterCommit* after_commit) {
            bool wrote = false;
            absl::Status status = run_transaction(
                TxMode::kWrite,
                [&](postgres::PostgresTransaction& transaction) {
                  PostgresBatch batch(transaction);
                  return run_bodies(batch);
                },
                &wrote);
            if (status.ok() && wrote) *after_commit = [this] { return make_durable(); };
            return status;
          },
          {.max_batch = options.max_batch, .max_retries = kMaxRetries}) {}

PostgresStore::~PostgresStore() = default;

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::open(const std::string& url,
                                                                   PostgresOptions options) {
  DATAMESH_ASSIGN_OR_RETURN(postgres::PostgresUrl parsed, postgres::parse_postgres_url(url));
  if (parsed.pool_size > 0) options.pool_size = parsed.pool_size;
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError(cat("pool_size must be at least 1, not ", options.pool_size));
  }
  if (options.max_batch < 1) {
    return absl::InvalidArgumentError(cat("max_batch must be at least 1, not ", options.max_batch));
  }
  if (options.pool_wait_ms < 0 || options.lock_timeout_ms < 0 || options.answer_timeout_ms < 0 ||
      options.reconnect_interval_ms < 0) {
    return absl::InvalidArgumentError(
        cat("pool_wait_ms (", options.pool_wait_ms, "), lock_timeout_ms (",
            options.lock_timeout_ms, "), answer_timeout_ms (", options.answer_timeout_ms,
            ") and reconnect_interval_ms (", options.reconnect_interval_ms,
            ") must be 0 or more"));
  }
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(parsed), options));
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, store->connect());
  // A migration may rebuild an index or rewrite a table of a million rows: no answer timeout
  // for the schema's statements, which are not a caller's.
  connection->set_answer_timeout(std::chrono::milliseconds(0));
  DATAMESH_ASSIGN_OR_RETURN(const int version, postgres::schema_version(*connection));
  if (version == 0 && !options.create_if_missing) {
    return absl::FailedPreconditionError(
        cat("no mesh at ", store->url_.display,
            ": the database has no datamesh schema; check the URL, or create the mesh with "
            "initialize_mesh_account on it (`datamesh --endpoint <this URL> admin "
            "initialize-mesh-account`, docs/DEPLOYMENT.md step 4; `admin migrate` makes the "
            "schema only, not the mesh)"));
  }
  DATAMESH_ASSIGN_OR_RETURN(store->migration_report_, postgres::migrate(*connection));
  connection->set_answer_timeout(std::chrono::milliseconds(options.answer_timeout_ms));
  {
    std::lock_guard lock(store->mutex_);
    store->open_ = 1;
  }
  store->release(Lease{.connection = std::move(connection), .generation = 0});
  return store;
}

absl::StatusOr<std::unique_ptr<Connection>> PostgresStore::connect() const {
  // enable_seqscan off: every statement of the store has an index to read (the test
  // EveryListingQueryCanReadAnIndex checks it), and a prepared statement keeps the plan it got
  // on one connection. Planned while a table was small, that plan would scan the whole table
  // once it is large (DELETE FROM grants took 0.77 ms instead of 0.01 ms in the benchmark, under
  // the write lock), until the next ANALYZE. Off only makes a scan of the table the last resort.
  return Connection::open(
      url_.conninfo, url_.display,
      cat("SET lock_timeout = ", options_.lock_timeout_ms,
          "; SET idle_in_transaction_session_timeout = 60000; SET enable_seqscan = off"),
      std::chrono::milliseconds(options_.answer_timeout_ms));
}

absl::Status PostgresStore::run_body(TxMode mode,
                                     const std::function<absl::Status(Transaction&)>& body) {
  const RunGuard guard(this);
  if (guard.reentered()) {
    return absl::FailedPreconditionError(
        cat("a transaction body called run() again on the mesh database ", url_.display,
            ": use the Transaction it was given"));
  }
  if (mode == TxMode::kWrite) return group_commit_.run(body);
  return run_transaction(mode, body, nullptr);
}

absl::Status PostgresStore::make_durable() {
  const auto unconfirmed = [&](const absl::Status& why) {
    return absl::UnavailableError(
        cat("the mesh database ", url_.display,
            " committed the change but could not confirm it is durable: the change may or may "
            "not have been applied; read it back before repeating it (",
            why.message(), ")"));
  };
  absl::StatusOr<Lease> lease = acquire();
  // A database at its connection limit takes no new connection: the barrier waits for one of
  // the pool's, which another call gives back within moments, rather than call a committed
  // change unconfirmed.
  if (!lease.ok() && !absl::IsUnavailable(lease.status())) return unconfirmed(lease.status());
  if (!lease.ok()) lease = acquire(/*may_open=*/false);
  if (!lease.ok()) return unconfirmed(lease.status());
  const absl::Status barrier = lease->connection->query(kDurabilityBarrier).status();
  const bool lost = lease->connection->lost();
  release(*std::move(lease));
  if (lost) forget_idle_connections();
  if (!barrier.ok()) return unconfirmed(barrier);
  return absl::OkStatus();
}

int PostgresStore::queued_writers() const { return group_commit_.queued(); }

absl::Status PostgresStore::run_transaction(TxMode mode, const Work& work, bool* wrote) {
  int retries = 0;
  bool reconnected = false;
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(Lease lease, acquire());
    Attempt attempt = run_once(*lease.connection, mode, work, wrote);
    const bool lost = lease.connection->lost();
    release(std::move(lease));
    if (lost) forget_idle_connections();
    switch (attempt.outcome) {
      case Outcome::kDone:
        return attempt.status;
      case Outcome::kLostRace:
        // Aborted means the body lost a race and re-reading will see the winner's write.
        if (retries++ < kMaxRetries) continue;
        return attempt.status;
      case Outcome::kConnectionLost:
        // Nothing was committed; a new connection finds out whether the database is back.
        if (!reconnected) {
          reconnected = true;
          continue;
        }
        return attempt.status;
    }
  }
}

PostgresStore::Attempt PostgresStore::run_once(Connection& connection, TxMode mode,
                                               const Work& work, bool* wrote) {
  const bool write = mode == TxMode::kWrite;
  // The failure of one step: retried when it lost a race, or when the connection broke before
  // COMMIT was sent (the server rolled the transaction back).
  const auto failed = [&](absl::Status status) -> Attempt {
    if (absl::IsAborted(status)) return {Outcome::kLostRace, std::move(status)};
    if (absl::IsUnavailable(status) && connection.lost()) {
      return {Outcome::kConnectionLost, std::move(status)};
    }
    return {Outcome::kDone, std::move(status)};
  };

  // Ends whatever transaction is still open on the way out: after a failed body or statement,
  // or an exception thrown by the body. A lost connection has nothing to roll back (the server
  // did it).
  const absl::Cleanup rollback = [&connection] {
    connection.discard_deferred();  // statements of a body that failed before they were sent
    if (!connection.lost() && connection.in_transaction()) {
      // A failed ROLLBACK leaves the connection in a transaction, and release() closes it.
      connection.exec("ROLLBACK", "roll back the transaction").IgnoreError();
    }
  };
  postgres::PostgresTransaction transaction(connection, mode, &grant_cache_);
  if (absl::Status begun = transaction.begin(); !begun.ok()) return failed(std::move(begun));
  absl::Status status = work(transaction);
  if (!status.ok()) return failed(std::move(status));

  if (!write) {
    // A body that ran no statement never began its transaction.
    if (connection.has_deferred()) {
      connection.discard_deferred();
      return {Outcome::kDone, absl::OkStatus()};
    }
    // What was read is consistent already; a read-only COMMIT only ends the snapshot, so the
    // caller need not wait for it. A failure to send it breaks the connection, which is then
    // closed and not reused.
    connection.send_without_waiting("COMMIT", "commit the read transaction").IgnoreError();
    return {Outcome::kDone, absl::OkStatus()};
  }

  // The body's deferred writes and the COMMIT in one round trip; the durability barrier follows
  // (make_durable), once the next batch may run. A statement judged on the client must be judged
  // before the COMMIT is sent.
  if (connection.has_deferred_checks()) {
    if (absl::Status flushed = connection.flush(); !flushed.ok()) return failed(std::move(flushed));
  }
  const size_t commit_at = connection.deferred_count();
  bool committed = false;
  // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK: a statement failed and the
  // body went on as if it had not.
  const auto judge_commit = [&](const postgres::Result& result) {
    if (result.command() == "ROLLBACK") {
      return absl::InternalError(cat("the mesh database ", url_.display,
                                     " rolled the transaction back at COMMIT: one of its "
                                     "statements had failed"));
    }
    committed = true;
    return absl::OkStatus();
  };
  absl::Status deferred = connection.defer("COMMIT", postgres::Params(), judge_commit);
  if (!deferred.ok()) return failed(std::move(deferred));
  const absl::Status finished = connection.flush();
  if (finished.ok()) {
    if (wrote != nullptr) *wrote = transaction.wrote();
    return {Outcome::kDone, absl::OkStatus()};
  }
  // Unavailable, and never retried: running the body again could apply the change twice.
  const auto unknown_outcome = [&](std::string_view what) -> Attempt {
    return {Outcome::kDone,
            absl::UnavailableError(cat(what, ": the change may or may not have been applied; "
                                       "read it back before repeating it (",
                                       finished.message(), ")"))};
  };
  if (committed) {
    // Committed, and visible, but a crash now could still lose it.
    return unknown_outcome(cat("the mesh database ", url_.display,
                               " committed the change but could not confirm it is durable"));
  }
  if (connection.lost() && connection.pipeline_stopped_at() >= commit_at) {
    // The connection broke once the COMMIT was sent, and it was not refused: whether it ran is
    // unknown. (When a statement before it failed, PostgreSQL skipped the COMMIT.)
    return unknown_outcome(
        cat("lost the connection to the mesh database ", url_.display, " while committing"));
  }
  return failed(finished);
}

absl::StatusOr<PostgresStore::Lease> PostgresStore::acquire(bool may_open) {
  std::unique_lock lock(mutex_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.pool_wait_ms);
  while (true) {
    while (!idle_.empty()) {
      Lease lease = std::move(idle_.back());
      idle_.pop_back();
      if (lease.generation == generation_) return lease;
      --open_;  // from before a lost connection: closed as it goes out of scope
    }
    if (may_open && open_ < options_.pool_size) {
      if (!down_.ok() && std::chrono::steady_clock::now() < retry_after_) return down_;
      ++open_;
      const uint64_t generation = generation_;
      lock.unlock();
      auto connection = connect();
      lock.lock();
      if (!connection.ok()) {
        --open_;
        down_ = connection.status();
        retry_after_ = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(options_.reconnect_interval_ms);
        available_.notify_one();
        return connection.status();
      }
      down_ = absl::OkStatus();
      return Lease{.connection = *std::move(connection), .generation = generation};
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        (open_ >= options_.pool_size || !may_open)) {
      return absl::UnavailableError(
          cat("all ", options_.pool_size, " connections to the mesh database ", url_.display,
              " stayed in use for ", options_.pool_wait_ms,
              " ms: the database is slow or the pool too small (pool_size)"));
    }
  }
}

void PostgresStore::release(Lease lease) {
  std::unique_ptr<Connection> closing;
  {
    std::lock_guard lock(mutex_);
    // A connection left in a transaction (its ROLLBACK failed) would hand it to the next body.
    if (lease.connection->lost() || lease.connection->in_transaction() ||
        lease.generation != generation_) {
      closing = std::move(lease.connection);
      --open_;
    } else {
      idle_.push_back(std::move(lease));
    }
  }
  available_.notify_one();
  // closing is closed here, outside the lock.
}

void PostgresStore::forget_idle_connections() {
  std::vector<Lease> closing;
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    open_ -= static_cast<int>(idle_.size());
    closing.swap(idle_);
  }
  available_.notify_all();
}

}  // namespace datamesh::store
