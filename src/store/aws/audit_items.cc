#include "store/aws/audit_items.h"

#include <utility>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::aws {

using base::cat;
using nlohmann::json;
namespace a = audit_log;

namespace {


json chain_key(int64_t sequence) {
  return {{std::string(a::kChain), string_value(a::kChainValue)},
          {std::string(a::kSequence), number_value(sequence)}};
}

DynamoRequest sequence_query(std::string_view index, std::string_view hash_name,
                             std::string_view hash_value, int64_t after, const QueryPage& page) {
  json body = {
      {"TableName", std::string(a::kTable)},
      {"KeyConditionExpression", "#hash = :hash AND #sequence > :after"},
      {"ExpressionAttributeNames", {{"#hash", std::string(hash_name)}, {"#sequence", std::string(a::kSequence)}}},
      {"ExpressionAttributeValues",
       {{":hash", string_value(hash_value)}, {":after", number_value(after)}}}};
  if (index.empty()) {
    body["ConsistentRead"] = true;
  } else {
    body["IndexName"] = std::string(index);
  }
  if (!page.exclusive_start_key.is_null()) body["ExclusiveStartKey"] = page.exclusive_start_key;
  if (page.limit > 0) body["Limit"] = page.limit;
  return {.operation = "Query", .body = std::move(body)};
}

}  // namespace

Item encode_audit_event(const ChainedAuditEvent& chained) {
  const AuditEvent& event = chained.event;
  Item item = chain_key(event.sequence);
  item[std::string(a::kEventDate)] = string_value(event.event_date);
  item[std::string(a::kActorAccount)] = string_value(event.actor_account);
  item[std::string(a::kActorPrincipal)] = string_value(event.actor_principal);
  item[std::string(a::kAction)] = string_value(event.action);
  // An index key cannot be an empty string: an event of no subscription has no SubscriptionId.
  if (!event.subscription_id.empty()) {
    item[std::string(a::kSubscriptionId)] = string_value(event.subscription_id);
  }
  item[std::string(a::kResource)] = string_value(event.resource);
  item[std::string(a::kDetails)] = string_value(event.details_json);
  item[std::string(a::kNotes)] = string_value(event.notes);
  item[std::string(a::kPreviousHash)] = string_value(chained.previous_hash);
  item[std::string(a::kHash)] = string_value(chained.hash);
  return item;
}

absl::StatusOr<ChainedAuditEvent> decode_audit_event(const Item& item) {
  const ItemReader sequence_reader(item, "audit item");
  DATAMESH_ASSIGN_OR_RETURN(const int64_t sequence, sequence_reader.required_number(a::kSequence));
  if (sequence < 1) {
    return absl::InvalidArgumentError(cat("audit item ", sequence,
                                          " is not an event: events are numbered from 1 (0 is the "
                                          "chain head)"));
  }
  const ItemReader reader(item, cat("audit event ", sequence));
  ChainedAuditEvent out;
  AuditEvent& event = out.event;
  event.sequence = sequence;
  DATAMESH_ASSIGN_OR_RETURN(event.event_date, reader.required_string(a::kEventDate));
  DATAMESH_ASSIGN_OR_RETURN(event.actor_account, reader.required_string(a::kActorAccount));
  DATAMESH_ASSIGN_OR_RETURN(event.actor_principal, reader.required_string(a::kActorPrincipal));
  DATAMESH_ASSIGN_OR_RETURN(event.action, reader.required_string(a::kAction));
  DATAMESH_ASSIGN_OR_RETURN(event.subscription_id, reader.optional_string(a::kSubscriptionId));
  DATAMESH_ASSIGN_OR_RETURN(event.resource, reader.required_string(a::kResource));
  DATAMESH_ASSIGN_OR_RETURN(event.details_json, reader.required_string(a::kDetails));
  DATAMESH_ASSIGN_OR_RETURN(event.notes, reader.required_string(a::kNotes));
  DATAMESH_ASSIGN_OR_RETURN(out.previous_hash, reader.required_string(a::kPreviousHash));
  DATAMESH_ASSIGN_OR_RETURN(out.hash, reader.required_string(a::kHash));
  return out;
}

absl::StatusOr<AuditChainHead> decode_audit_head(const json& item) {
  if (item.is_null()) return AuditChainHead{};
  const ItemReader reader(item, "audit chain head");
  DATAMESH_ASSIGN_OR_RETURN(const int64_t sequence, reader.required_number(a::kSequence));
  if (sequence != 0) {
    return absl::InvalidArgumentError(
        cat("audit chain head: attribute Sequence must be 0, not ", sequence));
  }
  AuditChainHead head;
  DATAMESH_ASSIGN_OR_RETURN(head.sequence, reader.required_number(a::kHeadSequence));
  DATAMESH_ASSIGN_OR_RETURN(head.hash, reader.required_string(a::kHeadHash));
  return head;
}

DynamoRequest create_audit_table() {
  auto key = [](std::string_view name, const char* type) {
    return json{{"AttributeName", std::string(name)}, {"KeyType", type}};
  };
  auto attribute = [](std::string_view name, const char* type) {
    return json{{"AttributeName", std::string(name)}, {"AttributeType", type}};
  };
  json body = {{"TableName", std::string(a::kTable)},
               {"KeySchema", {key(a::kChain, "HASH"), key(a::kSequence, "RANGE")}},
               {"AttributeDefinitions",
                {attribute(a::kChain, "S"), attribute(a::kSequence, "N"),
                 attribute(a::kSubscriptionId, "S")}},
               {"GlobalSecondaryIndexes",
                {{{"IndexName", std::string(a::kSubscriptionIndex)},
                  {"KeySchema", {key(a::kSubscriptionId, "HASH"), key(a::kSequence, "RANGE")}},
                  {"Projection", {{"ProjectionType", "ALL"}}}}}},
               {"BillingMode", "PAY_PER_REQUEST"},
               {"DeletionProtectionEnabled", true},
               {"Tags", {{{"Key", "Solution"}, {"Value", "DataMeshUtils"}}}}};
  return {.operation = "CreateTable", .body = std::move(body)};
}

DynamoRequest get_audit_head() {
  return {.operation = "GetItem",
          .body = {{"TableName", std::string(a::kTable)}, {"Key", chain_key(0)}, {"ConsistentRead", true}}};
}

absl::StatusOr<std::vector<json>> audit_append_elements(const AuditChainHead& head,
                                                        const ChainedAuditEvent& event) {
  if (event.event.sequence != head.sequence + 1 || event.previous_hash != head.hash) {
    return absl::InvalidArgumentError(cat("audit event ", event.event.sequence,
                                          " does not follow the chain head (sequence ",
                                          head.sequence, ", hash \"", head.hash, "\")"));
  }
  json head_names = {{"#head_sequence", std::string(a::kHeadSequence)}, {"#head_hash", std::string(a::kHeadHash)}};
  json head_values = {{":sequence", number_value(event.event.sequence)},
                      {":hash", string_value(event.hash)}};
  std::string head_condition;
  if (head.sequence == 0) {
    head_condition = "attribute_not_exists(#head_sequence)";
  } else {
    head_condition = "#head_sequence = :previous_sequence AND #head_hash = :previous_hash";
    head_values[":previous_sequence"] = number_value(head.sequence);
    head_values[":previous_hash"] = string_value(head.hash);
  }
  const DynamoRequest move_head{
      .operation = "UpdateItem",
      .body = {{"TableName", std::string(a::kTable)},
               {"Key", chain_key(0)},
               {"UpdateExpression", "SET #head_sequence = :sequence, #head_hash = :hash"},
               {"ConditionExpression", std::move(head_condition)},
               {"ExpressionAttributeNames", std::move(head_names)},
               {"ExpressionAttributeValues", std::move(head_values)}}};
  const DynamoRequest put_event{
      .operation = "PutItem",
      .body = {{"TableName", std::string(a::kTable)},
               {"Item", encode_audit_event(event)},
               {"ConditionExpression", "attribute_not_exists(#sequence)"},
               {"ExpressionAttributeNames", {{"#sequence", std::string(a::kSequence)}}}}};
  DATAMESH_ASSIGN_OR_RETURN(json head_element, transact_element(move_head));
  DATAMESH_ASSIGN_OR_RETURN(json event_element, transact_element(put_event));
  return std::vector<json>{std::move(head_element), std::move(event_element)};
}

absl::StatusOr<DynamoRequest> append_audit_event(const AuditChainHead& head,
                                                 const ChainedAuditEvent& event) {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<json> elements, audit_append_elements(head, event));
  return transact_write_items(std::move(elements), event.hash.substr(0, 36));
}

DynamoRequest query_audit_chain(int64_t after, const QueryPage& page) {
  return sequence_query("", a::kChain, a::kChainValue, after, page);
}

DynamoRequest query_subscription_audit(std::string_view subscription_id, int64_t after,
                                       const QueryPage& page) {
  return sequence_query(a::kSubscriptionIndex, a::kSubscriptionId, subscription_id, after, page);
}

absl::StatusOr<AuditEventPage> read_audit_query_answer(const json& answer) {
  return read_item_page<ChainedAuditEvent>(answer, "Query", decode_audit_event);
}

absl::StatusOr<AuditChainHead> read_audit_head_answer(const json& answer) {
  if (!answer.is_object()) {
    return absl::InvalidArgumentError(
        cat("a GetItem answer must be a JSON object, not a JSON ", answer.type_name()));
  }
  return decode_audit_head(answer.value("Item", json()));
}

}  // namespace datamesh::store::aws
