#include "store/aws/subscription_table.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "base/status_macros.h"
#include "base/text.h"
#include "core/subscription_status.h"
#include "store/aws/mesh_tables.h"
#include "store/aws/tracker_requests.h"
#include "store/aws/tracker_shares.h"

namespace datamesh::store::aws {

using base::cat;
using nlohmann::json;

namespace {

// The order of every listing: creation, then id (the other stores keep insertion order; the
// original's CreationDate is to the second, so the id breaks ties).
bool created_before(const Subscription& a, const Subscription& b) {
  return std::tie(a.creation_date, a.subscription_id) <
         std::tie(b.creation_date, b.subscription_id);
}

bool matches_filter(const Subscription& sub, const SubscriptionFilter& filter) {
  if (filter.owner && sub.owner_principal != *filter.owner) return false;
  if (filter.subscriber && sub.subscriber_principal != *filter.subscriber) return false;
  if (filter.status) {
    if (sub.status != *filter.status) return false;
  } else if (!filter.include_deleted && sub.status == SubscriptionStatus::kDeleted) {
    return false;
  }
  if (filter.database_name && sub.database_name != *filter.database_name) return false;
  return true;
}

}  // namespace

absl::StatusOr<std::optional<Item>> SubscriptionTable::read_item(std::string_view id) const {
  DATAMESH_ASSIGN_OR_RETURN(const json answer,
                            send_to_mesh(sessions_, aws::get_subscription(id)));
  if (!answer.is_object() || !answer.contains("Item")) return std::nullopt;
  return answer["Item"];
}

absl::StatusOr<std::vector<Subscription>> SubscriptionTable::read_all(
    const DynamoRequest& query) const {
  std::vector<Subscription> read;
  DATAMESH_RETURN_IF_ERROR(for_each_mesh_page(sessions_, query, [&](const json& answer) {
    DATAMESH_ASSIGN_OR_RETURN(TrackerPage page, read_query_answer(answer));
    for (TrackerItem& item : page.items) read.push_back(std::move(item.subscription));
    return absl::OkStatus();
  }));
  return read;
}

absl::StatusOr<std::optional<Subscription>> SubscriptionTable::get_subscription(
    std::string_view id) const {
  DATAMESH_ASSIGN_OR_RETURN(const json answer,
                            send_to_mesh(sessions_, aws::get_subscription(id)));
  DATAMESH_ASSIGN_OR_RETURN(std::optional<TrackerItem> item, read_get_subscription_answer(answer));
  if (!item) return std::nullopt;
  return std::move(item->subscription);
}

absl::Status SubscriptionTable::insert_subscription(const Subscription& subscription) const {
  const absl::StatusOr<json> answer =
      send_to_mesh(sessions_, put_new_subscription(subscription));
  if (is_condition_failure(answer.status())) {
    return absl::AlreadyExistsError(
        cat("subscription ", subscription.subscription_id, " already exists"));
  }
  return answer.status();
}

absl::Status SubscriptionTable::update_subscription(const Subscription& subscription,
                                                    int64_t expected_version) const {
  const std::string& id = subscription.subscription_id;
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<Subscription> stored, get_subscription(id));
  if (!stored) return absl::NotFoundError(cat("subscription ", id, " does not exist"));
  if (stored->version != expected_version) {
    return absl::AbortedError(cat("subscription ", id, " was changed concurrently (expected version ",
                                  expected_version, ", found ", stored->version, ")"));
  }
  DATAMESH_ASSIGN_OR_RETURN(const DynamoRequest update, aws::update_subscription(*stored, subscription));
  const absl::StatusOr<json> answer = send_to_mesh(sessions_, update);
  if (!is_condition_failure(answer.status())) return answer.status();
  // Changed (or, though datamesh never deletes one, removed) since it was read.
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<Subscription> now, get_subscription(id));
  if (!now) return absl::NotFoundError(cat("subscription ", id, " does not exist"));
  return absl::AbortedError(cat("subscription ", id,
                                " was changed concurrently between its read and its update "
                                "(read at version ",
                                stored->version, ", status ", core::status_name(stored->status),
                                "; now version ", now->version, ", status ",
                                core::status_name(now->status), ")"));
}

absl::StatusOr<std::vector<Subscription>> SubscriptionTable::list_subscriptions(
    const SubscriptionFilter& filter, const Page& page) const {
  DATAMESH_RETURN_IF_ERROR(check_page_limit(page));
  DynamoRequest query;
  if (filter.owner) {
    query = query_owner(*filter.owner, filter.status);
  } else if (filter.subscriber) {
    query = query_subscriber(*filter.subscriber);
  } else {
    query = scan_subscriptions();
  }
  DATAMESH_ASSIGN_OR_RETURN(std::vector<Subscription> read, read_all(query));

  // The cursor is the last id of the previous page: list what comes after it in the order.
  std::optional<Subscription> after;
  if (!page.after.empty()) {
    const auto found = std::find_if(read.begin(), read.end(), [&](const Subscription& sub) {
      return sub.subscription_id == page.after;
    });
    if (found != read.end()) {
      after = *found;
    } else {
      DATAMESH_ASSIGN_OR_RETURN(after, get_subscription(page.after));
    }
    if (!after) {
      return absl::InvalidArgumentError(
          cat("page token \"", page.after, "\" is not the id of a stored subscription"));
    }
  }
  std::erase_if(read, [&](const Subscription& sub) {
    return !matches_filter(sub, filter) || (after && !created_before(*after, sub));
  });
  std::sort(read.begin(), read.end(), created_before);
  if (read.size() > static_cast<size_t>(page.limit)) read.resize(page.limit);
  return read;
}

absl::StatusOr<std::vector<Subscription>> SubscriptionTable::find_live_duplicates(
    const Subscription& request) const {
  DATAMESH_ASSIGN_OR_RETURN(
      std::vector<Subscription> read,
      read_all(query_live_requests(request.subscriber_principal, request.database_name)));
  std::erase_if(read, [&](const Subscription& sub) { return !same_request(sub, request); });
  std::sort(read.begin(), read.end(), created_before);
  return read;
}

absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
SubscriptionTable::count_subscriptions_by_status() const {
  std::map<SubscriptionStatus, int64_t> counts;
  DATAMESH_RETURN_IF_ERROR(for_each_mesh_page(sessions_, scan_statuses(), [&](const json& answer) {
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<SubscriptionStatus> statuses,
                              read_status_scan_answer(answer));
    for (const SubscriptionStatus status : statuses) ++counts[status];
    return absl::OkStatus();
  }));
  std::vector<std::pair<SubscriptionStatus, int64_t>> out;
  for (const SubscriptionStatus status :
       {SubscriptionStatus::kPending, SubscriptionStatus::kActive, SubscriptionStatus::kDenied,
        SubscriptionStatus::kDeleted}) {
    if (const auto found = counts.find(status); found != counts.end()) {
      out.emplace_back(status, found->second);
    }
  }
  return out;
}

absl::Status SubscriptionTable::put_share(const ShareRow& share) const {
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<Item> item, read_item(share.subscription_id));
  if (!item) {
    return absl::NotFoundError(cat("share ", share.share_arn, ": subscription ",
                                   share.subscription_id, " does not exist"));
  }
  DATAMESH_ASSIGN_OR_RETURN(const DynamoRequest update, put_tracker_share(*item, share));
  const absl::StatusOr<json> answer = send_to_mesh(sessions_, update);
  if (is_condition_failure(answer.status())) {
    return absl::AbortedError(cat("share ", share.share_arn, ": the tracker item of subscription ",
                                  share.subscription_id,
                                  " changed between its read and the write; re-read and retry"));
  }
  return answer.status();
}

absl::StatusOr<std::vector<ShareRow>> SubscriptionTable::list_subscription_shares(
    std::string_view subscription_id) const {
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<Item> item, read_item(subscription_id));
  if (!item) return std::vector<ShareRow>();
  return decode_tracker_shares(*item);
}

absl::StatusOr<json> SubscriptionTable::insert_element(const Subscription& subscription) const {
  return transact_element(put_new_subscription(subscription));
}

absl::StatusOr<json> SubscriptionTable::update_element(const Subscription& stored,
                                                       const Subscription& updated) const {
  DATAMESH_ASSIGN_OR_RETURN(const DynamoRequest update, aws::update_subscription(stored, updated));
  return transact_element(update);
}

}  // namespace datamesh::store::aws
