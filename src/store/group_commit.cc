#include "store/group_commit.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store {

using base::cat;

namespace {

// What a write whose body succeeded is told when its batch's transaction failed.
absl::Status batch_failure(const absl::Status& failure, size_t batch_size) {
  return absl::Status(failure.code(),
                      cat("the transaction this write shared with ", batch_size - 1,
                          " other write(s) (group commit) failed, so it was not applied: ",
                          failure.message()));
}

}  // namespace

GroupCommit::GroupCommit(BatchRunner runner, Options options)
    : runner_(std::move(runner)), options_(options) {}

int GroupCommit::queued() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(queue_.size());
}

absl::Status GroupCommit::run(const Body& body) {
  Writer self{.body = &body};
  std::unique_lock lock(mutex_);
  queue_.push_back(&self);
  // A writer of a running batch has left the queue, which may then be empty, until it is done.
  self.woken.wait(lock,
                  [&] { return self.done || (!queue_.empty() && queue_.front() == &self); });
  if (!self.done) {
    // The leader: the writers at the front, itself first, make the batch.
    const size_t size = std::min(queue_.size(), static_cast<size_t>(options_.max_batch));
    const std::vector<Writer*> batch(queue_.begin(), queue_.begin() + size);
    lock.unlock();
    AfterCommit after_commit;
    run_batch(batch, &after_commit);
    lock.lock();
    for (size_t i = 0; i < batch.size(); ++i) queue_.pop_front();
    if (!queue_.empty()) queue_.front()->woken.notify_one();  // the next leader
    if (after_commit) {
      // The next batch may begin while this one becomes durable; its writers wait until then.
      lock.unlock();
      absl::Status durable;
      try {
        durable = after_commit();
      } catch (const std::exception& e) {
        durable = absl::InternalError(cat("the store failed after a commit: ", e.what()));
      }
      lock.lock();
      if (!durable.ok()) {
        for (Writer* writer : batch) {
          if (writer->status.ok() && !writer->exception) writer->status = durable;
        }
      }
    }
    for (Writer* writer : batch) {
      writer->done = true;
      if (writer != &self) writer->woken.notify_one();
    }
  }
  lock.unlock();
  if (self.exception) std::rethrow_exception(self.exception);
  return self.status;
}

void GroupCommit::run_batch(const std::vector<Writer*>& batch, AfterCommit* after_commit) {
  absl::Status outcome;
  try {
    outcome = runner_(
        [&](BatchTransaction& transaction) { return run_bodies(batch, transaction); },
        after_commit);
  } catch (const std::exception& e) {
    // The store's own code threw (a body's exception is caught around the body): no writer of
    // the batch may wait for an answer that never comes.
    outcome = absl::InternalError(cat("the store failed while committing a batch: ", e.what()));
  } catch (...) {
    outcome = absl::InternalError("the store failed while committing a batch");
  }
  if (!outcome.ok()) *after_commit = nullptr;  // nothing was committed
  if (batch.size() == 1) {
    // Alone, the body ran without a savepoint: the transaction's outcome is the write's.
    batch.front()->status = outcome;
    return;
  }
  if (outcome.ok()) return;  // each writer keeps its body's outcome
  for (Writer* writer : batch) {
    // A body that failed keeps its own failure (its changes were undone either way).
    if (writer->status.ok() && !writer->exception) {
      writer->status = batch_failure(outcome, batch.size());
    }
  }
}

absl::Status GroupCommit::call_body(Writer& writer, Transaction& transaction) {
  try {
    return (*writer.body)(transaction);
  } catch (...) {
    writer.exception = std::current_exception();
    return absl::InternalError("the transaction body threw an exception");
  }
}

absl::Status GroupCommit::run_bodies(const std::vector<Writer*>& batch,
                                     BatchTransaction& transaction) {
  // A rerun of the batch (the store lost a race or its connection) starts every body afresh.
  for (Writer* writer : batch) {
    writer->status = absl::OkStatus();
    writer->exception = nullptr;
  }
  if (batch.size() == 1) {
    // No savepoint: the body's failure is the transaction's, which the store rolls back (and
    // reruns after Aborted), exactly as without group commit.
    return call_body(*batch.front(), transaction.transaction());
  }
  for (Writer* writer : batch) {
    for (int retries = 0;; ++retries) {
      DATAMESH_RETURN_IF_ERROR(transaction.begin_body());
      absl::Status status = call_body(*writer, transaction.transaction());
      if (status.ok()) status = transaction.keep_body();
      if (status.ok()) break;
      if (absl::Status undone = transaction.undo_body(); !undone.ok()) {
        // The body's failure took the whole transaction with it (SQLite rolls back by itself
        // after a full disk or an I/O error; a lost connection): the batch fails.
        writer->status = status;
        return absl::Status(status.code(), cat(status.message(),
                                               "; then undoing that write failed: ",
                                               undone.message()));
      }
      // Aborted: the body lost a race; rerun on what is there now.
      if (writer->exception || !absl::IsAborted(status) || retries == options_.max_retries) {
        writer->status = std::move(status);
        break;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store
