#include "store/aws/tracker_shares.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/tracker_item.h"

namespace datamesh::store::aws {

using base::cat;
using nlohmann::json;
namespace t = tracker;

namespace {

// The fields of a DatameshShares entry.
constexpr std::string_view kShareStatus = "Status";
constexpr std::string_view kShareOwner = "OwnerAccount";
constexpr std::string_view kShareRecipient = "RecipientAccount";
constexpr std::string_view kShareCreationDate = "CreationDate";

bool known_share_status(std::string_view status) {
  return status == "PENDING" || status == "ACCEPTED" || status == "DISASSOCIATED";
}

// The account of an ARN (arn:partition:service:region:account:resource), "" when it has none.
std::string share_arn_account(std::string_view arn) {
  size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return "";
    ++start;
  }
  const size_t end = arn.find(':', start);
  if (end == std::string_view::npos) return "";
  return std::string(arn.substr(start, end - start));
}

// A share the original made: its state as the item shows it (see the header).
ShareRow original_share(const TrackerItem& tracked, const std::string& arn) {
  const Subscription& sub = tracked.subscription;
  const char* status = sub.status == SubscriptionStatus::kDeleted ? "DISASSOCIATED"
                       : sub.imported_to_consumer                 ? "ACCEPTED"
                                                                  : "PENDING";
  return ShareRow{.share_arn = arn,
                  .subscription_id = sub.subscription_id,
                  .owner_account = share_arn_account(arn),
                  .recipient_account = sub.subscriber_principal,
                  .status = status,
                  .creation_date = ""};
}

absl::StatusOr<ShareRow> read_share_state(const ItemReader& item, const std::string& arn,
                                          const Item& entry, const std::string& subscription_id) {
  auto fields = entry.is_object() && entry.size() == 1 ? entry.find("M") : entry.end();
  if (fields == entry.end() || !fields->is_object()) {
    return absl::InvalidArgumentError(cat(item.what(), ": attribute DatameshShares entry \"", arn,
                                          "\" must be M, not ", describe_type(entry)));
  }
  const ItemReader reader(*fields, cat(item.what(), ": DatameshShares entry \"", arn, "\""));
  ShareRow share{.share_arn = arn, .subscription_id = subscription_id};
  DATAMESH_ASSIGN_OR_RETURN(share.status, reader.required_string(kShareStatus));
  if (!known_share_status(share.status)) {
    return absl::InvalidArgumentError(cat(reader.what(), ": attribute Status is \"", share.status,
                                          "\"; expected PENDING, ACCEPTED or DISASSOCIATED"));
  }
  DATAMESH_ASSIGN_OR_RETURN(share.owner_account, reader.required_string(kShareOwner));
  DATAMESH_ASSIGN_OR_RETURN(share.recipient_account, reader.required_string(kShareRecipient));
  DATAMESH_ASSIGN_OR_RETURN(share.creation_date, reader.optional_string(kShareCreationDate));
  return share;
}

json share_state_value(const ShareRow& share) {
  json fields = {{std::string(kShareStatus), string_value(share.status)},
                 {std::string(kShareOwner), string_value(share.owner_account)},
                 {std::string(kShareRecipient), string_value(share.recipient_account)}};
  if (!share.creation_date.empty()) {
    fields[std::string(kShareCreationDate)] = string_value(share.creation_date);
  }
  return {{"M", std::move(fields)}};
}

}  // namespace

absl::StatusOr<std::vector<ShareRow>> decode_tracker_shares(const Item& item) {
  DATAMESH_ASSIGN_OR_RETURN(const TrackerItem tracked, decode_tracker_item(item));
  const std::string& id = tracked.subscription.subscription_id;
  const ItemReader reader(item, cat("tracker item ", id));
  DATAMESH_ASSIGN_OR_RETURN(const auto states, reader.optional_map(t::kShareStates));
  std::map<std::string, ShareRow> shares;  // by ARN
  for (const auto& [arn, entry] : states) {
    DATAMESH_ASSIGN_OR_RETURN(ShareRow share, read_share_state(reader, arn, entry, id));
    shares.emplace(arn, std::move(share));
  }
  for (const std::string& arn : tracked.subscription.ram_shares) {
    if (!shares.contains(arn)) shares.emplace(arn, original_share(tracked, arn));
  }
  std::vector<ShareRow> ordered;
  for (auto& [arn, share] : shares) ordered.push_back(std::move(share));
  std::stable_sort(ordered.begin(), ordered.end(), [](const ShareRow& a, const ShareRow& b) {
    return std::tie(a.creation_date, a.share_arn) < std::tie(b.creation_date, b.share_arn);
  });
  return ordered;
}

absl::StatusOr<DynamoRequest> put_tracker_share(const Item& item, const ShareRow& share) {
  DATAMESH_ASSIGN_OR_RETURN(const TrackerItem tracked, decode_tracker_item(item));
  const Subscription& sub = tracked.subscription;
  if (share.subscription_id != sub.subscription_id) {
    return absl::InvalidArgumentError(cat("share ", share.share_arn, " of subscription ",
                                          share.subscription_id,
                                          " cannot be written to the tracker item of ",
                                          sub.subscription_id));
  }
  if (share.share_arn.empty()) {
    return absl::InvalidArgumentError(
        cat("a share of subscription ", sub.subscription_id, " needs its ARN"));
  }
  if (!known_share_status(share.status)) {
    return absl::InvalidArgumentError(cat("share ", share.share_arn, " has status \"",
                                          share.status,
                                          "\"; expected PENDING, ACCEPTED or DISASSOCIATED"));
  }
  // A share ARN is no valid name in an expression: a nested path names it through #arn.
  json names = {{"#id", std::string(t::kSubscriptionId)},
                {"#states", std::string(t::kShareStates)}};
  json values = json::object();
  std::vector<std::string> sets;
  std::vector<std::string> conditions = {"attribute_exists(#id)"};

  const ItemReader reader(item, cat("tracker item ", sub.subscription_id));
  if (reader.has(t::kShareStates)) {
    names["#arn"] = share.share_arn;
    sets.push_back("#states.#arn = :state");
    values[":state"] = share_state_value(share);
    conditions.push_back("attribute_exists(#states)");
  } else {
    sets.push_back("#states = :states");
    values[":states"] = {{"M", {{share.share_arn, share_state_value(share)}}}};
    conditions.push_back("attribute_not_exists(#states)");
  }

  if (std::find(sub.ram_shares.begin(), sub.ram_shares.end(), share.share_arn) ==
      sub.ram_shares.end()) {
    const json entry = {{"M",
                         {{"type", string_value(sub.table_names.empty() ? "Database" : "Table")},
                          {"arn", string_value(share.share_arn)}}}};
    names["#shares"] = std::string(t::kRamShares);
    if (reader.has(t::kRamShares)) {
      names["#arn"] = share.share_arn;
      sets.push_back("#shares.#arn = :share");
      values[":share"] = entry;
      conditions.push_back("attribute_exists(#shares)");
    } else {
      sets.push_back("#shares = :shares");
      values[":shares"] = {{"M", {{share.share_arn, entry}}}};
      conditions.push_back("attribute_not_exists(#shares)");
    }
  }
  return DynamoRequest{.operation = "UpdateItem",
                       .body = {{"TableName", std::string(t::kTable)},
                                {"Key", tracker_key(sub.subscription_id)},
                                {"UpdateExpression", cat("SET ", base::join(sets, ", "))},
                                {"ConditionExpression", base::join(conditions, " AND ")},
                                {"ExpressionAttributeNames", std::move(names)},
                                {"ExpressionAttributeValues", std::move(values)}}};
}

}  // namespace datamesh::store::aws
