// The mesh's one writer lock, an item of DynamoDB table DatameshJournal in the mesh account, so
// that every datamesh process writing to the mesh (CLI runs, servers, scripts on several
// machines) takes turns, as SQLite's BEGIN IMMEDIATE makes writers of one file take turns. A
// write transaction of the AWS store holds it from before its body reads until its last write,
// so the body reads a state no other datamesh writer changes meanwhile, and the audit chain's
// head moves in one line.
//
// The lock item (JournalId = "mesh-writer") holds:
//   Owner       S  who holds it: "<process id>" (AwsStore's, random per store)
//   LeaseUntil  N  Unix seconds; a holder that stops renewing loses the lock after this
//   State       S  "running": the body runs, nothing applied yet;
//                  "applying": the commit is making its changes; Plan says which
//   Plan        S  the commit's plan (JSON text), while applying
//   PlanParts   N  instead of Plan, for a plan larger than one part: how many items
//                  "mesh-writer/plan/<0..N-1>" hold it, deflated (attribute Part, B), written
//                  in one transaction with the move to "applying"; the next large plan
//                  overwrites them
//   PlanBytes   N  with PlanParts: the plan's size inflated
// A holder that fails while applying leaves the item, so the next holder (or `datamesh admin
// reconcile`) finishes the plan before doing anything else (docs/AWS.md, "Transactions").
//
// Thread-safety: one MeshWriterLock per holder; AwsStore serialises its own writers first.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/retry.h"
#include "nlohmann/json.hpp"
#include "store/aws/aws_sessions.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws {

class ItemReader;

class MeshWriterLock {
 public:
  struct Options {
    std::chrono::seconds lease{60};
    // How long acquire waits for another live holder before giving up (Unavailable).
    std::chrono::seconds wait{120};
    datamesh::aws::Sleeper sleep = datamesh::aws::real_sleeper();
    std::function<std::chrono::system_clock::time_point()> clock = [] {
      return std::chrono::system_clock::now();
    };
    // A plan up to this size is kept in the lock's item; a larger one, deflated, in parts of
    // this size. A DynamoDB item holds at most 400 KB.
    std::size_t plan_part_bytes = 350'000;
    // The parts are written in one TransactWriteItems, which carries at most 4 MB.
    std::size_t max_plan_parts = 10;
    // Told once per acquire, when it starts waiting for a live holder: the holder, the lock's
    // state and the seconds left of its lease, so that a wait of up to `wait` is not silent.
    std::function<void(std::string_view holder, std::string_view state, int64_t lease_left)>
        on_wait;
  };

  MeshWriterLock(const AwsSessions& sessions, std::string owner, Options options);
  MeshWriterLock(const AwsSessions& sessions, std::string owner)
      : MeshWriterLock(sessions, std::move(owner), Options{}) {}

  // Takes the lock: at once when it is free, ours (a run of this holder that failed) or its
  // lease is over; otherwise polls with backoff until options.wait is spent (Unavailable naming
  // the holder and its lease). Returns the plan a failed holder left while applying (nullopt
  // when none): the caller finishes it before anything else, then calls clear_plan.
  absl::StatusOr<std::optional<std::string>> acquire();
  // Moves to "applying" with `plan` (checked: we still hold the lock), and renews the lease.
  // InvalidArgument, with nothing written, for a plan larger than max_plan_parts parts
  // deflated.
  absl::Status record_plan(const std::string& plan);
  // Back to "running" once a left plan is finished.
  absl::Status clear_plan();
  // Extends the lease; FailedPrecondition when the lock was taken from us.
  absl::Status renew();
  // Renews when less than half the lease is left (cheap to call between steps).
  absl::Status keep_alive();
  // The TransactWriteItems element that frees the lock, so the commit's last write frees it in
  // the same transaction (on condition that we still hold it).
  nlohmann::json release_element() const;
  // The TransactWriteItems element that ends a finished plan (back to "running", the lock kept):
  // the last write of finish_plan.
  nlohmann::json clear_plan_element() const;
  // Frees the lock alone (a body that failed, a read-only body): only while "running" and ours;
  // a plan in progress stays for the next holder.
  absl::Status release();
  // After a commit (or the finishing of a left plan) failed: this holder makes no more calls
  // for it, so its lease ends now. A plan in progress stays, and the next holder, of any
  // process, takes it over at once instead of waiting out the lease (which protects against a
  // holder that died, not one that gave up). Nothing to do when the lock is not ours.
  absl::Status abandon();

  const std::string& owner() const { return owner_; }

 private:
  // Sends the DynamoDB `operation` on the lock item, `request` with its condition (which
  // names the owner :me, filled in here); a failed condition (not ours) is OK.
  absl::Status while_ours(std::string_view operation, nlohmann::json request);
  int64_t now_seconds() const;
  absl::Status update_held(const std::string& update_expression, nlohmann::json values);
  // An UpdateItem of the lock item by `expression` with `values` (:me added), on condition that
  // we hold it: sent alone (update_held) or as a transaction's element.
  nlohmann::json update_while_ours(const std::string& expression, nlohmann::json values) const;
  absl::Status record_plan_in_parts(const std::string& plan);
  // The plan a failed holder left in `item` (the lock's), from the item or its parts.
  absl::StatusOr<std::string> left_plan(const ItemReader& item) const;

  const AwsSessions& sessions_;
  std::string owner_;
  Options options_;
  std::chrono::system_clock::time_point lease_until_{};
};

}  // namespace datamesh::store::aws
