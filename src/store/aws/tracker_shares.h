// The RAM shares of a subscription (store::ShareRow) in its tracker item, beside the original
// library's RamShares map (docs/AWS.md, "Shares in the tracker").
//
// RamShares holds each share's ARN, as the original reads it (tracker_item.h). What the original
// keeps nowhere is the state of each share, which the store port has: its invitation status
// (PENDING, ACCEPTED, DISASSOCIATED), owner and recipient accounts and creation date. datamesh
// keeps them in an attribute of its own, by share ARN:
//
//   DatameshShares  M  {"<share ARN>": {"M": {"Status": S, "OwnerAccount": S,
//                                             "RecipientAccount": S, "CreationDate": S}}}
//
// A share of RamShares without an entry there was made by the original; its state is read from
// the item: DISASSOCIATED once the subscription is Deleted (the original's delete leaves the
// shares), ACCEPTED once ImportedToConsumer (its finalize accepts the invitations), PENDING
// before; owner = the account of the ARN, recipient = SubscriberPrincipal, no creation date.
//
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "core/store.h"
#include "store/aws/attribute_value.h"
#include "store/aws/dynamodb_request.h"

namespace datamesh::store::aws {

// The shares of a tracker item: one per ARN of RamShares and one per entry of DatameshShares,
// ordered by creation date, then ARN (as the other stores list them). InvalidArgument naming the
// item and attribute when the item is malformed (decode_tracker_item) or an entry of
// DatameshShares lacks a field or has another type.
absl::StatusOr<std::vector<ShareRow>> decode_tracker_shares(const Item& item);

// UpdateItem that records `share` (insert or replace) in `item`, the tracker item as read:
// its DatameshShares entry, and a RamShares entry keyed by the ARN (type Table or Database
// after the subscription) when RamShares does not name the ARN yet, so that the original sees
// the share too. It leaves DatameshVersion, Status and UpdatedDate alone: a share is written
// beside the subscription's own change, which raises the version. The condition holds only if
// the item exists and the two maps exist or not as read (a nested SET needs its map):
// ConditionalCheckFailedException = the item changed shape since it was read; re-read and retry.
// InvalidArgument when share.subscription_id is not the item's, share.share_arn is empty or the
// status is not PENDING, ACCEPTED or DISASSOCIATED.
absl::StatusOr<DynamoRequest> put_tracker_share(const Item& item, const ShareRow& share);

}  // namespace datamesh::store::aws
