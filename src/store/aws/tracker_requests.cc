#include "store/aws/tracker_requests.h"

#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/text.h"
#include "core/subscription_status.h"

namespace datamesh::store::aws {

using base::cat;
using nlohmann::json;
namespace t = tracker;

namespace {


json key_element(std::string_view attribute, const char* type) {
  return {{"AttributeName", std::string(attribute)}, {"KeyType", type}};
}

json string_attribute(std::string_view attribute) {
  return {{"AttributeName", std::string(attribute)}, {"AttributeType", "S"}};
}

void add_page(json& body, const QueryPage& page) {
  if (!page.exclusive_start_key.is_null()) body["ExclusiveStartKey"] = page.exclusive_start_key;
  if (page.limit > 0) body["Limit"] = page.limit;
}

DynamoRequest index_query(std::string_view index, std::string condition, json names, json values,
                          const QueryPage& page) {
  json body = {{"TableName", std::string(t::kTable)},
               {"IndexName", std::string(index)},
               {"KeyConditionExpression", std::move(condition)},
               {"ExpressionAttributeNames", std::move(names)},
               {"ExpressionAttributeValues", std::move(values)},
               {"Select", "ALL_PROJECTED_ATTRIBUTES"}};
  add_page(body, page);
  return {.operation = "Query", .body = std::move(body)};
}

}  // namespace

DynamoRequest create_tracker_table() {
  const json projection_all = {{"ProjectionType", "ALL"}};
  json body = {
      {"TableName", std::string(t::kTable)},
      {"KeySchema", {key_element(t::kSubscriptionId, "HASH")}},
      {"AttributeDefinitions",
       {string_attribute(t::kSubscriptionId), string_attribute(t::kSubscriberPrincipal),
        string_attribute(t::kOwnerPrincipal), string_attribute(t::kStatus)}},
      {"GlobalSecondaryIndexes",
       {{{"IndexName", std::string(t::kOwnerIndex)},
         {"KeySchema", {key_element(t::kOwnerPrincipal, "HASH"), key_element(t::kStatus, "RANGE")}},
         {"Projection", projection_all}},
        {{"IndexName", std::string(t::kSubscriberIndex)},
         {"KeySchema", {key_element(t::kSubscriberPrincipal, "HASH")}},
         {"Projection", projection_all}}}},
      {"BillingMode", "PAY_PER_REQUEST"},
      {"StreamSpecification", {{"StreamEnabled", true}, {"StreamViewType", "NEW_AND_OLD_IMAGES"}}},
      {"Tags", {{{"Key", "Solution"}, {"Value", "DataMeshUtils"}}}}};
  return {.operation = "CreateTable", .body = std::move(body)};
}

DynamoRequest get_subscription(std::string_view subscription_id) {
  return {.operation = "GetItem",
          .body = {{"TableName", std::string(t::kTable)},
                   {"Key", tracker_key(subscription_id)},
                   {"ConsistentRead", true}}};
}

DynamoRequest query_owner(std::string_view owner_principal,
                          std::optional<SubscriptionStatus> status, const QueryPage& page) {
  json names = {{"#owner", std::string(t::kOwnerPrincipal)}};
  json values = {{":owner", string_value(owner_principal)}};
  std::string condition = "#owner = :owner";
  if (status) {
    names["#status"] = std::string(t::kStatus);
    values[":status"] = string_value(core::status_name(*status));
    condition += " AND #status = :status";
  }
  return index_query(t::kOwnerIndex, std::move(condition), std::move(names), std::move(values),
                     page);
}

DynamoRequest query_subscriber(std::string_view subscriber_principal, const QueryPage& page) {
  return index_query(t::kSubscriberIndex, "#subscriber = :subscriber",
                     {{"#subscriber", std::string(t::kSubscriberPrincipal)}},
                     {{":subscriber", string_value(subscriber_principal)}}, page);
}

DynamoRequest query_live_requests(std::string_view subscriber_principal,
                                  std::string_view database_name, const QueryPage& page) {
  DynamoRequest query = query_subscriber(subscriber_principal, page);
  json& body = query.body;
  body["FilterExpression"] = "#status IN (:pending, :active) AND #database = :database";
  body["ExpressionAttributeNames"]["#status"] = std::string(t::kStatus);
  body["ExpressionAttributeNames"]["#database"] = std::string(t::kDatabaseName);
  body["ExpressionAttributeValues"][":pending"] =
      string_value(core::status_name(SubscriptionStatus::kPending));
  body["ExpressionAttributeValues"][":active"] =
      string_value(core::status_name(SubscriptionStatus::kActive));
  body["ExpressionAttributeValues"][":database"] = string_value(database_name);
  return query;
}

DynamoRequest scan_subscriptions(const QueryPage& page) {
  json body = {{"TableName", std::string(t::kTable)}, {"ConsistentRead", true}};
  add_page(body, page);
  return {.operation = "Scan", .body = std::move(body)};
}

DynamoRequest scan_statuses(const QueryPage& page) {
  json body = {{"TableName", std::string(t::kTable)},
               {"ConsistentRead", true},
               {"ProjectionExpression", "#status"},
               {"ExpressionAttributeNames", {{"#status", std::string(t::kStatus)}}}};
  add_page(body, page);
  return {.operation = "Scan", .body = std::move(body)};
}

DynamoRequest put_new_subscription(const Subscription& subscription) {
  return {.operation = "PutItem",
          .body = {{"TableName", std::string(t::kTable)},
                   {"Item", encode_tracker_item(subscription)},
                   {"ConditionExpression", "attribute_not_exists(#id)"},
                   {"ExpressionAttributeNames", {{"#id", std::string(t::kSubscriptionId)}}}}};
}

absl::StatusOr<DynamoRequest> update_subscription(const Subscription& stored,
                                                  const Subscription& updated) {
  if (stored.subscription_id != updated.subscription_id) {
    return absl::InvalidArgumentError(cat("cannot update subscription ", stored.subscription_id,
                                          " with the values of ", updated.subscription_id));
  }
  if (updated.version <= stored.version) {
    return absl::InvalidArgumentError(cat("the update of subscription ", stored.subscription_id,
                                          " must raise its version (", stored.version,
                                          "), not set it to ", updated.version));
  }
  const Item before = encode_tracker_item(stored);
  const Item after = encode_tracker_item(updated);
  json names = json::object();
  json values = json::object();
  // Attribute names are letters only, so "#<name>" and ":<name>" are valid placeholders.
  std::vector<std::string> sets;
  for (auto attribute = after.begin(); attribute != after.end(); ++attribute) {
    const std::string& name = attribute.key();
    if (name == t::kSubscriptionId) continue;
    auto old = before.find(name);
    if (old != before.end() && *old == attribute.value()) continue;
    names["#" + name] = name;
    values[":" + name] = attribute.value();
    sets.push_back(cat("#", name, " = :", name));
  }
  std::vector<std::string> removes;
  for (auto attribute = before.begin(); attribute != before.end(); ++attribute) {
    if (after.contains(attribute.key())) continue;
    names["#" + attribute.key()] = attribute.key();
    removes.push_back("#" + attribute.key());
  }
  std::string expression = cat("SET ", base::join(sets, ", "));  // the version always changes
  if (!removes.empty()) expression += cat(" REMOVE ", base::join(removes, ", "));

  // The condition: the item is still as it was read.
  std::vector<std::string> conditions;
  names["#" + std::string(t::kVersion)] = std::string(t::kVersion);
  if (stored.version == 0) {
    conditions.push_back(cat("attribute_not_exists(#", t::kVersion, ")"));
  } else {
    values[":expected_version"] = number_value(stored.version);
    conditions.push_back(cat("#", t::kVersion, " = :expected_version"));
  }
  names["#" + std::string(t::kStatus)] = std::string(t::kStatus);
  values[":expected_status"] = string_value(core::status_name(stored.status));
  conditions.push_back(cat("#", t::kStatus, " = :expected_status"));
  names["#" + std::string(t::kUpdatedDate)] = std::string(t::kUpdatedDate);
  if (stored.updated_date.empty()) {
    conditions.push_back(cat("attribute_not_exists(#", t::kUpdatedDate, ")"));
  } else {
    values[":expected_updated_date"] = string_value(stored.updated_date);
    conditions.push_back(cat("#", t::kUpdatedDate, " = :expected_updated_date"));
  }
  return DynamoRequest{.operation = "UpdateItem",
                       .body = {{"TableName", std::string(t::kTable)},
                                {"Key", tracker_key(stored.subscription_id)},
                                {"UpdateExpression", std::move(expression)},
                                {"ConditionExpression", base::join(conditions, " AND ")},
                                {"ExpressionAttributeNames", std::move(names)},
                                {"ExpressionAttributeValues", std::move(values)}}};
}

absl::StatusOr<std::optional<TrackerItem>> read_get_subscription_answer(const json& answer) {
  if (!answer.is_object()) {
    return absl::InvalidArgumentError(
        cat("a GetItem answer must be a JSON object, not a JSON ", answer.type_name()));
  }
  auto item = answer.find("Item");
  if (item == answer.end()) return std::nullopt;
  DATAMESH_ASSIGN_OR_RETURN(TrackerItem decoded, decode_tracker_item(*item));
  return decoded;
}

absl::StatusOr<TrackerPage> read_query_answer(const json& answer) {
  return read_item_page<TrackerItem>(answer, "Query", decode_tracker_item);
}

absl::StatusOr<std::vector<SubscriptionStatus>> read_status_scan_answer(const json& answer) {
  const auto read_status = [](const json& item) -> absl::StatusOr<SubscriptionStatus> {
    const ItemReader reader(item, "tracker item");
    DATAMESH_ASSIGN_OR_RETURN(const std::string name, reader.required_string(t::kStatus));
    const std::optional<SubscriptionStatus> status = core::parse_status(name);
    if (!status) {
      return absl::InvalidArgumentError(cat("tracker item: attribute Status is \"", name,
                                            "\"; expected Pending, Active, Denied or Deleted"));
    }
    return *status;
  };
  DATAMESH_ASSIGN_OR_RETURN(ItemPage<SubscriptionStatus> page,
                            read_item_page<SubscriptionStatus>(answer, "Scan", read_status));
  return std::move(page.items);
}

}  // namespace datamesh::store::aws
