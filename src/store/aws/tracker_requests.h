// The DynamoDB requests of the subscription tracker: its table as the original library creates
// it (shared/spec/reference-original.md §4) and each access pattern datamesh needs, as
// DynamoRequest values for the AWS client to send. Pure functions; thread-safe.
//
// Errors the service answers, and what they mean here:
// * PutItem of put_new_subscription: ConditionalCheckFailedException = the id is taken.
// * UpdateItem of update_subscription: ConditionalCheckFailedException = the item changed since
//   it was read (by datamesh or by the original library), or is gone: re-read and retry.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "store/aws/dynamodb_request.h"
#include "store/aws/tracker_item.h"

namespace datamesh::store::aws {

// Where a Query starts and how much it answers.
struct QueryPage {
  nlohmann::json exclusive_start_key;  // the previous answer's LastEvaluatedKey; null = start
  int limit = 0;                       // items read per page; 0 = as many as DynamoDB gives
};

// CreateTable of AwsDataMeshSubscriptions exactly as the original creates it: key
// SubscriptionId (S); attribute definitions SubscriptionId, SubscriberPrincipal, OwnerPrincipal,
// Status (S); GSIs AwsDataMeshSubscriptions-Owner (HASH OwnerPrincipal, RANGE Status) and
// AwsDataMeshSubscriptions-Subscriber (HASH SubscriberPrincipal), both projecting ALL;
// PAY_PER_REQUEST; stream NEW_AND_OLD_IMAGES; tag Solution=DataMeshUtils.
DynamoRequest create_tracker_table();

// GetItem of one subscription, strongly consistent (the original's get_subscription).
DynamoRequest get_subscription(std::string_view subscription_id);

// Query of the Owner GSI: the subscriptions of a producer, in one status (the original's list of
// pending requests) or, without a status, in every status. GSIs are eventually consistent.
DynamoRequest query_owner(std::string_view owner_principal,
                          std::optional<SubscriptionStatus> status, const QueryPage& page = {});

// Query of the Subscriber GSI: every subscription of a consumer (the consumer's listing and the
// duplicate check of a new request). Eventually consistent.
DynamoRequest query_subscriber(std::string_view subscriber_principal, const QueryPage& page = {});

// The duplicate check of a new request: query_subscriber with a FilterExpression that keeps
// the Pending and Active subscriptions of `database_name` only. DynamoDB still reads every item
// of the subscriber (the GSI's key is the subscriber alone) but answers only those.
DynamoRequest query_live_requests(std::string_view subscriber_principal,
                                  std::string_view database_name, const QueryPage& page = {});

// Scan of the whole tracker, strongly consistent: the listing of no owner and no subscriber
// (an admin's view). DynamoDB gives a Scan's items in no useful order.
DynamoRequest scan_subscriptions(const QueryPage& page = {});

// Scan of the Status of every item (ProjectionExpression), strongly consistent: the counts by
// status. read_status_scan_answer reads its answer.
DynamoRequest scan_statuses(const QueryPage& page = {});

// PutItem of a new subscription that fails when its id is taken.
DynamoRequest put_new_subscription(const Subscription& subscription);

// UpdateItem from `stored` (the subscription as read) to `updated`: SETs the attributes whose
// encoding (encode_tracker_item) differs and REMOVEs those `updated` no longer has, so the
// attributes it does not change keep what is stored (e.g. the original's RamShares keys). The
// condition holds only if the item is as it was read: DatameshVersion equals stored.version
// (missing when that is 0: an item the original wrote), and Status and UpdatedDate are those
// read (missing when stored has none) — the original's own updates do not change our version
// but always set UpdatedDate, so one of its writes in between fails the condition too, unless
// it made it within the same second without changing the status.
// InvalidArgument when the ids differ or updated.version is not above stored.version.
absl::StatusOr<DynamoRequest> update_subscription(const Subscription& stored,
                                                  const Subscription& updated);

// Answers.

// A page of a Query: its items decoded, and where the next page starts (null on the last).
using TrackerPage = ItemPage<TrackerItem>;

// The answer of get_subscription: the item, or nullopt when there is none. InvalidArgument when
// the item is malformed (decode_tracker_item) or the answer is not a GetItem answer.
absl::StatusOr<std::optional<TrackerItem>> read_get_subscription_answer(
    const nlohmann::json& answer);

// The answer of query_owner, query_subscriber or scan_subscriptions. InvalidArgument naming the
// item when one is malformed, or when the answer has no Items list.
absl::StatusOr<TrackerPage> read_query_answer(const nlohmann::json& answer);

// The answer of scan_statuses: the status of each item, in the answer's order. InvalidArgument
// when an item's Status is missing or not one of the four, or the answer has no Items list.
absl::StatusOr<std::vector<SubscriptionStatus>> read_status_scan_answer(
    const nlohmann::json& answer);

}  // namespace datamesh::store::aws
