// The subscription tracker's items: datamesh::Subscription <-> an item of the original library's
// DynamoDB table AwsDataMeshSubscriptions (shared/spec/reference-original.md §4), in the wire's
// AttributeValue JSON. The names and DynamoDB types of the original's attributes are kept
// exactly, so that the Python library reads what datamesh writes and the other way round;
// datamesh adds two attributes of its own (docs/AWS.md, "The subscription tracker"):
//
//   DatameshVersion  N     the subscription's version, for optimistic concurrency. Missing on
//                          an item the original wrote: it reads as version 0.
//   DatameshNotes    L/S   the notes in the order they were made, duplicates kept. Notes (SS)
//                          stays the truth: see decode_tracker_item.
//   DatameshShares   M     the state of each RAM share of RamShares, by share ARN
//                          (tracker_shares.h); neither encoded nor decoded here.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "store/aws/attribute_value.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws {

// A decoded tracker item. The original's tag-based requests (§2.3: type DOMAIN or DATA_PRODUCT)
// have no database; their Domain or DataProduct value is kept here and subscription.type says
// "DOMAIN" or "DATA_PRODUCT". datamesh never writes such items.
struct TrackerItem {
  Subscription subscription;
  std::string domain;
  std::string data_product;
};

// Reads an item as the original or datamesh wrote it, in any state: attributes the state has
// not set yet may be missing, GrantableGrants and GrantedTableARNs may be NULL.
// * type: TABLE when TableName lists tables; else DATABASE when DatabaseName is set; else
//   DATA_PRODUCT or DOMAIN after the attribute the item has.
// * notes: DatameshNotes, less any note Notes no longer holds, then the notes of Notes that
//   DatameshNotes does not list (the original ADDs to the set) in sorted order: DynamoDB does
//   not keep a set's order, so an item the original wrote reads its notes sorted.
// * ram_shares: the `arn` of every RamShares entry, by the entries' keys, each ARN once.
// * version: DatameshVersion, 0 when missing.
// Errors: InvalidArgument naming the attribute and the type expected when an attribute has
// another type, a required one (SubscriptionId, Status, OwnerPrincipal, SubscriberPrincipal)
// is missing, Status is not one of the four statuses, or the item names no database, domain
// or data product.
absl::StatusOr<TrackerItem> decode_tracker_item(const Item& item);

// The item of `subscription`, with the attributes the original writes in that state:
// * SubscriptionId, OwnerPrincipal, SubscriberPrincipal, Status, RequestedGrants (L of S),
//   DatabaseName always; TableName (L of S) for a table subscription; CreationDate, CreatedBy,
//   UpdatedDate, UpdatedBy (S) when set.
// * PermittedGrants (L of S) once the subscription has left Pending, or when it lists grants.
// * GrantableGrants and GrantedTableARNs (L of S): the list when it is not empty; when it is,
//   [] if Active (the original's approve writes []), NULL if Denied or Deleted (its deny and
//   delete write NULL), nothing if Pending.
// * RamShares (M) when the subscription is Active or has shares: one entry per share ARN, keyed
//   by the ARN, {"type": "Table" or "Database" after the subscription's type, "arn": ARN}. The
//   original reads only the `arn` of each entry (finalize accepts, delete disassociates them);
//   its keys (a database or table name) and types are labels.
// * Notes (SS): the distinct non-empty notes, when there are any (DynamoDB refuses an empty
//   set and an empty string in a set); DatameshNotes (L of S) beside it keeps their order.
// * ImportedToConsumer (BOOL true) when set; DatameshVersion (N) when the version is not 0.
Item encode_tracker_item(const Subscription& subscription);

// The key of a tracker item: {"SubscriptionId": {"S": id}}.
Item tracker_key(std::string_view subscription_id);

}  // namespace datamesh::store::aws
