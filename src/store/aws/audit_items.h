// The audit log of AWS mode: a DynamoDB table of datamesh's own in the mesh account, one item
// per hash-chained audit event (core/audit_chain.h says how events are linked), and the
// requests that read and append to it (docs/AWS.md, "Audit table").
//
// Table DatameshAuditLog: key Chain (S, HASH) + Sequence (N, RANGE). All items of the mesh's one
// chain share Chain = "mesh", so a Query reads them in sequence order. The item at Sequence 0 is
// the chain head: HeadSequence (N) and HeadHash (S) of the newest event. Events are at Sequence
// 1, 2, ...: EventDate, ActorAccount, ActorPrincipal, Action, Resource, Details (the change's
// JSON text exactly as hashed), Notes, PreviousHash, Hash (S), and SubscriptionId (S) when the
// event concerns one. GSI DatameshAuditLog-Subscription (HASH SubscriptionId, RANGE Sequence,
// projection ALL) is a subscription's history; events without one stay out of it.
//
// Appending is one TransactWriteItems: the head moves from the previous event to the new one on
// condition that it still names the previous sequence and hash, and the event is put on
// condition that its sequence is new. Two writers that read the same head cannot both append:
// the second's transaction is cancelled (ConditionalCheckFailed), it re-reads the head and
// retries, so the chain stays linear. Other writes (the subscription change the event records)
// can join the same transaction. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/store.h"
#include "store/aws/attribute_value.h"
#include "store/aws/dynamodb_request.h"
#include "store/aws/dynamodb_tables.h"
#include "store/aws/tracker_requests.h"

namespace datamesh::store::aws {

// The item of one event (event.event.sequence >= 1).
Item encode_audit_event(const ChainedAuditEvent& event);

// Reads an event item. InvalidArgument naming the attribute when one is missing or of another
// type, or when the item is the head (Sequence 0).
absl::StatusOr<ChainedAuditEvent> decode_audit_event(const Item& item);

// Reads the head item; a null item (GetItem found none) is the empty chain {0, ""}.
absl::StatusOr<AuditChainHead> decode_audit_head(const nlohmann::json& item);

// CreateTable of DatameshAuditLog (PAY_PER_REQUEST, deletion protection on, tag
// Solution=DataMeshUtils like the original's table).
DynamoRequest create_audit_table();

// GetItem of the chain head, strongly consistent.
DynamoRequest get_audit_head();

// The two writes that append `event` after `head` (event.event.sequence must be
// head.sequence + 1 and event.previous_hash head.hash: InvalidArgument otherwise), as
// TransactWriteItems elements, to send alone with append_audit_event or with other writes.
absl::StatusOr<std::vector<nlohmann::json>> audit_append_elements(const AuditChainHead& head,
                                                                  const ChainedAuditEvent& event);

// TransactWriteItems of audit_append_elements alone; its ClientRequestToken is the event's
// hash (its first 36 characters), so a retry after a lost answer is answered, not refused.
absl::StatusOr<DynamoRequest> append_audit_event(const AuditChainHead& head,
                                                 const ChainedAuditEvent& event);

// Query of the events after sequence `after`, in sequence order, strongly consistent.
DynamoRequest query_audit_chain(int64_t after, const QueryPage& page = {});

// Query of one subscription's events after sequence `after`, in sequence order (GSI:
// eventually consistent).
DynamoRequest query_subscription_audit(std::string_view subscription_id, int64_t after,
                                       const QueryPage& page = {});

// A page of the chain or of a subscription's history: its events decoded, and where the next
// page starts (null on the last). InvalidArgument naming the event when one is malformed, or
// when the answer has no Items list.
using AuditEventPage = ItemPage<ChainedAuditEvent>;
absl::StatusOr<AuditEventPage> read_audit_query_answer(const nlohmann::json& answer);

// The answer of get_audit_head: the head, {0, ""} when the table has none yet.
absl::StatusOr<AuditChainHead> read_audit_head_answer(const nlohmann::json& answer);

}  // namespace datamesh::store::aws
