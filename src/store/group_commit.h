// Group commit: the write transactions of one store object that queue behind each other run as
// one database transaction, each body in its own savepoint, with one COMMIT for all of them.
//
// Why: a write's cost is mostly its COMMIT (SQLite's WAL append and fsync, PostgreSQL's round
// trip, its flush and the turn on the write lock), not its statements. Writers that arrive while
// a transaction runs wait anyway; committing them together pays that cost once per batch.
//
// How (leader and followers): a writer joins the queue; the writer at its front is the leader.
// It takes the batch, the writers at the front of the queue, at most max_batch of them, and
// hands it to the store's BatchRunner, which begins a transaction, runs the bodies on the
// leader's thread, and commits; then the leader gives each writer of the batch its own status
// and wakes it, and the next writer in the queue becomes the leader. Nobody waits for a batch to
// fill: a lone writer runs at once, and a batch is whatever queued while the one before it ran.
//
// What each caller is promised:
// - its body is all-or-nothing: in a batch of several, a body that fails (or throws) is rolled
//   back to its savepoint, and only its own changes are undone; one that returns Aborted (it
//   lost a race) is rolled back and run again in the same transaction, max_retries times at most;
// - it is answered only once the COMMIT of the transaction that holds its change has returned
//   and the store's AfterCommit step (PostgreSQL: the durability barrier) has succeeded (its
//   status is then the body's own), or once that transaction has failed;
// - a failed COMMIT (or a failure that ends the batch's transaction) fails every write of the
//   batch whose body had succeeded, with the failure's code and a message saying the batch's
//   transaction failed and why. A write alone in its batch runs without a savepoint and gets
//   the failure unchanged, as before group commit;
// - an exception thrown by its body is rethrown on its own thread, after the batch's COMMIT.
// Bodies of a batch run one after the other on the leader's thread, in queue order: a body sees
// the committed state plus the changes of the bodies before it in its batch, as it would have
// seen them had they committed one by one. It must not rely on the thread it runs on (a body
// calling run() on its store is still refused: the leader is inside run() too, store/run_guard.h).
//
// Thread-safety: run() may be called from any number of threads at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "core/store.h"

namespace datamesh::store {

// The store's side of one batch: the transaction the store began for it, and the savepoints
// around each body in it. Used by the leader's thread only.
class BatchTransaction {
 public:
  virtual ~BatchTransaction() = default;
  // What the bodies read and write through.
  virtual Transaction& transaction() = 0;
  // SAVEPOINT: a body's changes begin here.
  virtual absl::Status begin_body() = 0;
  // The body returned OK: its changes stay (RELEASE). An error is the body's own failure (a
  // store that sends writes ahead reports their failure here); undo_body() then follows.
  virtual absl::Status keep_body() = 0;
  // ROLLBACK TO and RELEASE: undoes the body's changes and nothing before them. An error means
  // the batch's transaction is lost.
  virtual absl::Status undo_body() = 0;
};

class GroupCommit {
 public:
  using Body = std::function<absl::Status(Transaction&)>;
  // Runs a batch's bodies in a transaction the store began: OK once each body has its outcome,
  // or the error that lost the transaction (the store then rolls back). In a batch of one, the
  // body's own failure (the store rolls back, and may run the batch again after Aborted).
  using RunBodies = std::function<absl::Status(BatchTransaction&)>;
  // What the store still does for a committed batch before its writers may be answered (wait
  // until the COMMIT is durable), outside the queue: the next batch runs meanwhile. Its error
  // fails every write of the batch whose body succeeded.
  using AfterCommit = std::function<absl::Status()>;
  // The store's part: begins a write transaction, calls run_bodies with it, commits when it
  // returned OK (rolls back otherwise), and returns the outcome; it may set *after_commit. It
  // may call run_bodies more than once (a lost race or connection): each call runs every body
  // again from the start.
  using BatchRunner =
      std::function<absl::Status(const RunBodies& run_bodies, AfterCommit* after_commit)>;

  struct Options {
    // Writes per transaction at most: bounds a batch's time, and so a writer's wait.
    int max_batch = 64;
    // Reruns of a body that returned Aborted within a batch.
    int max_retries = Store::kMaxRetries;
  };

  GroupCommit(BatchRunner runner, Options options);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs body in the next batch, as the top of this file says, and returns its outcome.
  absl::Status run(const Body& body);

  // Writers in the queue at this moment, the running batch included (for tests and metrics).
  int queued() const;

 private:
  struct Writer {
    const Body* body;
    absl::Status status;           // the body's outcome in the batch's last run
    std::exception_ptr exception;  // what the body threw, rethrown by its caller
    bool done = false;             // set by the leader once the batch has its outcome
    std::condition_variable woken;
  };

  // The leader's work, outside the lock: runs the batch and gives each writer its status.
  void run_batch(const std::vector<Writer*>& batch, AfterCommit* after_commit);
  absl::Status run_bodies(const std::vector<Writer*>& batch, BatchTransaction& transaction);
  // Runs one body, catching what it throws.
  static absl::Status call_body(Writer& writer, Transaction& transaction);

  const BatchRunner runner_;
  const Options options_;

  mutable std::mutex mutex_;
  // Writers in arrival order; the front one is the leader, and a running batch stays at the
  // front until its writers are answered.
  std::deque<Writer*> queue_;
};

}  // namespace datamesh::store
