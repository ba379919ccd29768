// The audit chain of the AWS store: datamesh's table DatameshAuditLog in the mesh account
// (docs/AWS.md, "Audit table"; the items and requests are audit_items.h's), read and written
// with the mesh session. The methods are the store::Transaction methods of the same names
// (core/store.h) with the same semantics.
//
// The chain stays linear without a lock: an append moves the head item on condition that it is
// still the head that was read, so of two writers that read the same head one wins and the
// other is answered Aborted (re-read the head and retry).
//
// Thread-safe (AwsClient::call is); the AwsSessions must outlive the table.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store.h"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws {

class AuditTable {
 public:
  explicit AuditTable(const AwsSessions& sessions) : sessions_(sessions) {}

  // The newest link of the chain ({0, ""} while it is empty): a consistent read of the head
  // item. InvalidArgument when the head item is malformed.
  absl::StatusOr<AuditChainHead> audit_chain_head() const;

  // Appends `event` after the current head, in one TransactWriteItems (the head moved, the event
  // put) whose token is the event's hash, so that a retry after a lost answer is answered as the
  // first call was. FailedPrecondition when event.event.sequence is not the head's sequence + 1
  // or event.previous_hash not its hash (nothing is written); Aborted when another writer moved
  // the head between the read and the write.
  absl::Status append_audit_event(const ChainedAuditEvent& event) const;

  // Every event with its links, ordered by sequence: those after sequence page.after ("" = from
  // the start), at most page.limit (a consistent Query of the chain's partition, page after page
  // until it has them). InvalidArgument when page.limit < 1 or page.after is not a sequence
  // number.
  absl::StatusOr<std::vector<ChainedAuditEvent>> list_audit_chain(const Page& page) const;

  // The events of one subscription (a Query of the GSI DatameshAuditLog-Subscription, eventually
  // consistent), or of the whole chain when subscription_id is "", paged as list_audit_chain.
  absl::StatusOr<std::vector<AuditEvent>> list_audit_events(std::string_view subscription_id,
                                                            const Page& page) const;

  // The two writes of append_audit_event as TransactWriteItems elements, to send with other
  // writes (transact_write in mesh_tables.h, with the event's hash as token): reads the head
  // and fails as append_audit_event does when the event does not follow it. Sent, a head moved
  // since is an Aborted transaction.
  absl::StatusOr<std::vector<nlohmann::json>> append_elements(const ChainedAuditEvent& event) const;

 private:
  // The chain's events (subscription_id "") or one subscription's, as list_audit_chain pages.
  absl::StatusOr<std::vector<ChainedAuditEvent>> list_events(std::string_view subscription_id,
                                                             const Page& page) const;

  const AwsSessions& sessions_;
};

}  // namespace datamesh::store::aws
