#include "store/aws/tracker_item.h"

#include <algorithm>
#include <set>
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

std::string key(std::string_view name) { return std::string(name); }

// The notes in the order DatameshNotes keeps, reconciled with the set Notes that the original
// may have added to since datamesh last wrote the item.
std::vector<std::string> reconcile_notes(const std::vector<std::string>& set,
                                         const std::vector<std::string>& ordered) {
  const std::set<std::string> in_set(set.begin(), set.end());
  std::vector<std::string> notes;
  std::set<std::string> listed;
  for (const std::string& note : ordered) {
    // An empty note cannot be in a DynamoDB set; only DatameshNotes carries it.
    if (note.empty() || in_set.contains(note)) {
      notes.push_back(note);
      listed.insert(note);
    }
  }
  for (const std::string& note : in_set) {  // sorted
    if (!listed.contains(note)) notes.push_back(note);
  }
  return notes;
}

absl::StatusOr<std::vector<std::string>> read_ram_shares(const ItemReader& reader) {
  DATAMESH_ASSIGN_OR_RETURN(const auto entries, reader.optional_map(t::kRamShares));
  std::vector<std::string> arns;
  for (const auto& [name, entry] : entries) {
    auto fields = entry.is_object() && entry.size() == 1 ? entry.find("M") : entry.end();
    if (fields == entry.end() || !fields->is_object()) {
      return absl::InvalidArgumentError(cat(reader.what(), ": attribute RamShares entry \"", name,
                                            "\" must be M, not ", describe_type(entry)));
    }
    ItemReader share(*fields, cat(reader.what(), ": RamShares entry \"", name, "\""));
    DATAMESH_ASSIGN_OR_RETURN(std::string arn, share.required_string("arn"));
    DATAMESH_RETURN_IF_ERROR(share.optional_string("type").status());
    if (std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(std::move(arn));
  }
  return arns;
}

// GrantableGrants and GrantedTableARNs: how the original leaves an empty one in each state.
void put_clearable_list(Item& item, std::string_view name, const std::vector<std::string>& list,
                        SubscriptionStatus status) {
  if (!list.empty() || status == SubscriptionStatus::kActive) {
    item[key(name)] = string_list_value(list);
  } else if (status != SubscriptionStatus::kPending) {
    item[key(name)] = null_value();
  }
}

void put_string_if_set(Item& item, std::string_view name, const std::string& text) {
  if (!text.empty()) item[key(name)] = string_value(text);
}

}  // namespace

Item tracker_key(std::string_view subscription_id) {
  return {{key(t::kSubscriptionId), string_value(subscription_id)}};
}

absl::StatusOr<TrackerItem> decode_tracker_item(const Item& item) {
  if (!item.is_object()) {
    return absl::InvalidArgumentError(
        cat("a tracker item must be a JSON object of attributes, not a JSON ", item.type_name()));
  }
  ItemReader id_reader(item, "tracker item");
  DATAMESH_ASSIGN_OR_RETURN(const std::string id, id_reader.required_string(t::kSubscriptionId));
  const ItemReader reader(item, cat("tracker item ", id));

  TrackerItem out;
  Subscription& sub = out.subscription;
  sub.subscription_id = id;
  DATAMESH_ASSIGN_OR_RETURN(const std::string status, reader.required_string(t::kStatus));
  const std::optional<SubscriptionStatus> parsed = core::parse_status(status);
  if (!parsed) {
    return absl::InvalidArgumentError(cat(reader.what(), ": attribute Status is \"", status,
                                          "\"; expected Pending, Active, Denied or Deleted"));
  }
  sub.status = *parsed;
  DATAMESH_ASSIGN_OR_RETURN(sub.owner_principal, reader.required_string(t::kOwnerPrincipal));
  DATAMESH_ASSIGN_OR_RETURN(sub.subscriber_principal,
                            reader.required_string(t::kSubscriberPrincipal));
  DATAMESH_ASSIGN_OR_RETURN(sub.requested_grants, reader.optional_string_list(t::kRequestedGrants));
  DATAMESH_ASSIGN_OR_RETURN(sub.database_name, reader.optional_string(t::kDatabaseName));
  DATAMESH_ASSIGN_OR_RETURN(sub.table_names, reader.optional_string_list(t::kTableName));
  DATAMESH_ASSIGN_OR_RETURN(out.domain, reader.optional_string(t::kDomain));
  DATAMESH_ASSIGN_OR_RETURN(out.data_product, reader.optional_string(t::kDataProduct));
  if (!sub.table_names.empty()) {
    sub.type = "TABLE";
  } else if (reader.has(t::kDatabaseName)) {
    sub.type = "DATABASE";
  } else if (reader.has(t::kDataProduct)) {
    sub.type = "DATA_PRODUCT";
  } else if (reader.has(t::kDomain)) {
    sub.type = "DOMAIN";
  } else {
    return absl::InvalidArgumentError(cat(reader.what(),
                                          ": names no DatabaseName, DataProduct or Domain, so "
                                          "what it subscribes to is unknown"));
  }
  if (!sub.table_names.empty() && !reader.has(t::kDatabaseName)) {
    return reader.type_error(t::kDatabaseName, "S (an item with TableName needs its database)");
  }
  DATAMESH_ASSIGN_OR_RETURN(sub.creation_date, reader.optional_string(t::kCreationDate));
  DATAMESH_ASSIGN_OR_RETURN(sub.created_by, reader.optional_string(t::kCreatedBy));
  DATAMESH_ASSIGN_OR_RETURN(sub.updated_date, reader.optional_string(t::kUpdatedDate));
  DATAMESH_ASSIGN_OR_RETURN(sub.updated_by, reader.optional_string(t::kUpdatedBy));
  DATAMESH_ASSIGN_OR_RETURN(sub.permitted_grants, reader.optional_string_list(t::kPermittedGrants));
  DATAMESH_ASSIGN_OR_RETURN(sub.grantable_grants, reader.optional_string_list(t::kGrantableGrants));
  DATAMESH_ASSIGN_OR_RETURN(sub.granted_table_arns,
                            reader.optional_string_list(t::kGrantedTableArns));
  DATAMESH_ASSIGN_OR_RETURN(sub.ram_shares, read_ram_shares(reader));
  DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> note_set,
                            reader.optional_string_set(t::kNotes));
  DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> note_order,
                            reader.optional_string_list(t::kNoteOrder));
  sub.notes = reconcile_notes(note_set, note_order);
  DATAMESH_ASSIGN_OR_RETURN(sub.imported_to_consumer, reader.optional_bool(t::kImportedToConsumer));
  DATAMESH_ASSIGN_OR_RETURN(sub.version, reader.optional_number(t::kVersion));
  if (sub.version < 0) {
    return absl::InvalidArgumentError(
        cat(reader.what(), ": attribute DatameshVersion is negative (", sub.version, ")"));
  }
  return out;
}

Item encode_tracker_item(const Subscription& sub) {
  const SubscriptionStatus status = sub.status;
  Item item = tracker_key(sub.subscription_id);
  item[key(t::kOwnerPrincipal)] = string_value(sub.owner_principal);
  item[key(t::kSubscriberPrincipal)] = string_value(sub.subscriber_principal);
  item[key(t::kStatus)] = string_value(core::status_name(status));
  item[key(t::kRequestedGrants)] = string_list_value(sub.requested_grants);
  item[key(t::kDatabaseName)] = string_value(sub.database_name);
  if (!sub.table_names.empty()) item[key(t::kTableName)] = string_list_value(sub.table_names);
  put_string_if_set(item, t::kCreationDate, sub.creation_date);
  put_string_if_set(item, t::kCreatedBy, sub.created_by);
  put_string_if_set(item, t::kUpdatedDate, sub.updated_date);
  put_string_if_set(item, t::kUpdatedBy, sub.updated_by);
  if (status != SubscriptionStatus::kPending || !sub.permitted_grants.empty()) {
    item[key(t::kPermittedGrants)] = string_list_value(sub.permitted_grants);
  }
  put_clearable_list(item, t::kGrantableGrants, sub.grantable_grants, status);
  put_clearable_list(item, t::kGrantedTableArns, sub.granted_table_arns, status);
  if (status == SubscriptionStatus::kActive || !sub.ram_shares.empty()) {
    const char* type = sub.table_names.empty() ? "Database" : "Table";
    json shares = json::object();
    for (const std::string& arn : sub.ram_shares) {
      shares[arn] = {{"M", {{"type", string_value(type)}, {"arn", string_value(arn)}}}};
    }
    item[key(t::kRamShares)] = {{"M", std::move(shares)}};
  }
  std::vector<std::string> settable;
  for (const std::string& note : sub.notes) {
    if (!note.empty()) settable.push_back(note);
  }
  if (!settable.empty()) item[key(t::kNotes)] = string_set_value(settable);
  if (!sub.notes.empty()) item[key(t::kNoteOrder)] = string_list_value(sub.notes);
  if (sub.imported_to_consumer) item[key(t::kImportedToConsumer)] = bool_value(true);
  if (sub.version != 0) item[key(t::kVersion)] = number_value(sub.version);
  return item;
}

}  // namespace datamesh::store::aws
