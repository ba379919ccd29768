// The subscriptions of the AWS store: the original library's tracker table
// AwsDataMeshSubscriptions in the mesh account (docs/AWS.md, "The subscription tracker"), read
// and written with the mesh session (AwsSessions::mesh). The methods are the store::Transaction
// methods of the same names (core/store.h) with the same semantics; the items and requests are
// those of tracker_item.h, tracker_requests.h and tracker_shares.h.
//
// Reads go straight to DynamoDB: a read by id is strongly consistent; a listing by owner or
// subscriber reads a GSI, which is eventually consistent (a listing right after a write may miss
// it). Every listing reads every page of its Query or Scan, and orders what it read itself:
// DynamoDB keeps no creation order.
//
// Thread-safe (AwsClient::call is); the AwsSessions must outlive the table.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store.h"
#include "store/aws/aws_sessions.h"
#include "store/aws/dynamodb_request.h"
#include "store/aws/tracker_item.h"

namespace datamesh::store::aws {

class SubscriptionTable {
 public:
  explicit SubscriptionTable(const AwsSessions& sessions) : sessions_(sessions) {}

  // The subscription, nullopt when there is none (GetItem, consistent). InvalidArgument when its
  // item is malformed (decode_tracker_item).
  absl::StatusOr<std::optional<Subscription>> get_subscription(std::string_view id) const;

  // Writes a new subscription. AlreadyExists when its id is taken.
  absl::Status insert_subscription(const Subscription& subscription) const;

  // Writes `subscription` over the stored one if that is at expected_version: the item is read,
  // then changed by update_subscription (tracker_requests.h) on condition that it is still as
  // read. NotFound without such a subscription; Aborted when the stored version is not
  // expected_version or the item changed between the read and the write (re-read and retry);
  // InvalidArgument when subscription.version is not above the stored version.
  // A change of the original library made before the read is not seen here: a caller that read
  // the subscription earlier sends update_element(what it read, the change) instead.
  absl::Status update_subscription(const Subscription& subscription,
                                   int64_t expected_version) const;

  // The subscriptions matching `filter`, ordered by creation date then id, after the
  // subscription page.after (its id; "" = from the start), at most page.limit. Reads the Owner
  // GSI when the filter names an owner (with its status in the key condition), else the
  // Subscriber GSI when it names a subscriber, else Scans the table; the other conditions are
  // applied to what was read. Deleted subscriptions are left out unless the filter asks for
  // that status or include_deleted. InvalidArgument when page.limit < 1 or page.after is not
  // the id of a stored subscription.
  absl::StatusOr<std::vector<Subscription>> list_subscriptions(const SubscriptionFilter& filter,
                                                               const Page& page) const;

  // The Pending or Active subscriptions `request` would duplicate (store::same_request), ordered
  // as list_subscriptions orders: a Query of the Subscriber GSI (query_live_requests).
  absl::StatusOr<std::vector<Subscription>> find_live_duplicates(
      const Subscription& request) const;

  // How many subscriptions are in each status that has any, in the order Pending, Active,
  // Denied, Deleted (a Scan of the Status attribute).
  absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
  count_subscriptions_by_status() const;

  // Records a share of a subscription (insert or replace) in its tracker item
  // (tracker_shares.h). NotFound when the subscription does not exist; Aborted when the item
  // changed shape between the read and the write; InvalidArgument as put_tracker_share says.
  absl::Status put_share(const ShareRow& share) const;

  // The shares of a subscription, ordered by creation date then ARN; none when it does not
  // exist.
  absl::StatusOr<std::vector<ShareRow>> list_subscription_shares(
      std::string_view subscription_id) const;

  // Elements of a TransactWriteItems (transact_write in mesh_tables.h) for a commit that joins
  // the tracker's writes with other tables': the PutItem of a new subscription, and the
  // UpdateItem from `stored` (as the caller read it) to `updated`. InvalidArgument as
  // update_subscription (tracker_requests.h) says. A failed condition cancels the transaction,
  // which transact_write reports as Aborted.
  absl::StatusOr<nlohmann::json> insert_element(const Subscription& subscription) const;
  absl::StatusOr<nlohmann::json> update_element(const Subscription& stored,
                                                const Subscription& updated) const;

 private:
  // The tracker item of `id` as stored (GetItem, consistent); nullopt when there is none.
  absl::StatusOr<std::optional<Item>> read_item(std::string_view id) const;
  // Every item every page of `query` (a Query or Scan of the tracker) answers, decoded.
  absl::StatusOr<std::vector<Subscription>> read_all(const DynamoRequest& query) const;

  const AwsSessions& sessions_;
};

}  // namespace datamesh::store::aws
