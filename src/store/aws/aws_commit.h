// The commit of an AWS write transaction: what a body wrote (BufferedTransaction::writes), made
// on AWS in an order that never shows a change as done before it is (docs/AWS.md,
// "Transactions"):
//
//   1. the plan: the writes collapsed per row, each subscription with the state it was read in;
//   2. a plan touching DynamoDB only (a request, a denial, an account's row) is one
//      TransactWriteItems with the audit event, which also frees the writer lock; done;
//   3. otherwise the plan is recorded in the writer lock (mesh_writer_lock.h) and made:
//      Glue databases and tables (partitions copied with the mesh's tables), products, IAM and
//      Lake Formation set-up of accounts, what publishing and approving make beside
//      (product_publication.h: data locations, LF tags, crawlers, bucket statements), grants
//      (new ones granted before old ones are revoked; an old one only when no other Active
//      subscription of its principal stands for it, as Lake Formation holds one grant per
//      principal, resource and permission; then the grants admin reconcile deletes one by one),
//      RAM (the share ARNs Lake Formation made, invitations accepted or left), then deletions of
//      Glue tables and databases; every step idempotent;
//   4. the last TransactWriteItems writes the tracker items, the audit event, the account rows
//      and frees the lock, on condition that each tracker item is still as read.
// A failure after 3. began leaves the plan in the lock: finish_plan, run by the next holder,
// makes it again from the start (each step repeats harmlessly) and ends with 4. Its steps in an
// account the holder cannot reach are kept for that account (deferred_steps.h), whose next
// write makes them first (make_deferred_steps).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/store.h"
#include "store/aws/aws_parts.h"
#include "store/aws/buffered_transaction.h"
#include "store/aws/mesh_writer_lock.h"

namespace datamesh::store::aws {

// Commits `writes` made by a body that read through `reads` while `lock` was held. Aborted when
// a tracker item changed since the body read it (the store runs the body again); the AWS errors
// of the steps otherwise.
absl::Status commit_writes(const AwsParts& parts, MeshWriterLock& lock, Transaction& reads,
                           const std::vector<BufferedWrite>& writes);

// Commits `writes` in a process that holds no session for the mesh account: an account's
// admin setting up its own account (initialize_producer_account, its catalog's databases and
// tables). Only the account's own IAM and Lake Formation set-up and its own Glue catalog are
// changed; nothing is written in the mesh account, which this process cannot reach — the audit
// event included (docs/DECISIONS.md). FailedPrecondition for any other write.
absl::Status commit_outside_mesh(const AwsParts& parts, Transaction& reads,
                                 const std::vector<BufferedWrite>& writes);

// Makes a plan a failed holder left in the lock (its JSON text), then frees the lock's plan.
// Its steps in accounts this process holds no session for are kept for those accounts.
absl::Status finish_plan(const AwsParts& parts, MeshWriterLock& lock, const std::string& plan);

// Makes the steps finishers kept for the accounts this process holds sessions for, and clears
// them; the lock is held. Their failure fails this process's write, with the cause.
absl::Status make_deferred_steps(const AwsParts& parts, MeshWriterLock& lock);

}  // namespace datamesh::store::aws
