#include "store/aws/account_registry.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>

#include "absl/strings/escaping.h"
#include "aws/mesh_names.h"
#include "aws/pagination.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/clock.h"
#include "store/aws/attribute_value.h"

namespace datamesh::store::aws {
namespace {

namespace names = datamesh::aws::names;
namespace at = account_table;
namespace kt = access_key_table;
using base::cat;
using datamesh::aws::AwsClient;
using datamesh::aws::Service;
using nlohmann::json;

json key_of(std::string_view name, std::string_view value) {
  return json{{std::string(name), string_value(value)}};
}

json create_table_request(std::string_view table, std::string_view key) {
  return {{"TableName", table},
          {"KeySchema", {{{"AttributeName", key}, {"KeyType", "HASH"}}}},
          {"AttributeDefinitions", {{{"AttributeName", key}, {"AttributeType", "S"}}}},
          {"BillingMode", "PAY_PER_REQUEST"},
          {"Tags", {{{"Key", names::kDefaultTagKey}, {"Value", names::kDefaultTagValue}}}}};
}

Item encode_account(const Account& a) {
  return Item{{std::string(at::kAccountId), string_value(a.account_id)},
              {std::string(at::kName), string_value(a.name)},
              {std::string(at::kIsMesh), bool_value(a.is_mesh)},
              {std::string(at::kProducerEnabled), bool_value(a.producer_enabled)},
              {std::string(at::kConsumerEnabled), bool_value(a.consumer_enabled)},
              {std::string(at::kProducerInitialized), bool_value(a.producer_initialized)},
              {std::string(at::kConsumerInitialized), bool_value(a.consumer_initialized)},
              {std::string(at::kCreationDate), string_value(a.creation_date)}};
}

absl::StatusOr<Account> decode_account(const Item& item) {
  const ItemReader read(item, "account item");
  Account a;
  DATAMESH_ASSIGN_OR_RETURN(a.account_id, read.required_string(at::kAccountId));
  DATAMESH_ASSIGN_OR_RETURN(a.name, read.optional_string(at::kName));
  DATAMESH_ASSIGN_OR_RETURN(a.is_mesh, read.optional_bool(at::kIsMesh));
  DATAMESH_ASSIGN_OR_RETURN(a.producer_enabled, read.optional_bool(at::kProducerEnabled));
  DATAMESH_ASSIGN_OR_RETURN(a.consumer_enabled, read.optional_bool(at::kConsumerEnabled));
  DATAMESH_ASSIGN_OR_RETURN(a.producer_initialized, read.optional_bool(at::kProducerInitialized));
  DATAMESH_ASSIGN_OR_RETURN(a.consumer_initialized, read.optional_bool(at::kConsumerInitialized));
  DATAMESH_ASSIGN_OR_RETURN(a.creation_date, read.optional_string(at::kCreationDate));
  return a;
}

Item encode_key(const AccessKeyRow& k) {
  Item item{{std::string(kt::kAccessKeyId), string_value(k.access_key_id)},
            {std::string(kt::kAccountId), string_value(k.account_id)},
            {std::string(kt::kSealedSecret), {{"B", absl::Base64Escape(k.sealed_secret)}}},
            {std::string(kt::kStatus), string_value(k.status)},
            {std::string(kt::kCreationDate), string_value(k.creation_date)}};
  if (!k.revocation_date.empty()) {
    item[std::string(kt::kRevocationDate)] = string_value(k.revocation_date);
  }
  return item;
}

absl::StatusOr<AccessKeyRow> decode_key(const Item& item) {
  const ItemReader read(item, "access key item");
  AccessKeyRow k;
  DATAMESH_ASSIGN_OR_RETURN(k.access_key_id, read.required_string(kt::kAccessKeyId));
  DATAMESH_ASSIGN_OR_RETURN(k.account_id, read.required_string(kt::kAccountId));
  const auto secret = item.find(kt::kSealedSecret);
  if (secret == item.end() || !secret->is_object() || !secret->contains("B") ||
      !(*secret)["B"].is_string() ||
      !absl::Base64Unescape((*secret)["B"].get<std::string>(), &k.sealed_secret)) {
    return read.type_error(kt::kSealedSecret, "B");
  }
  DATAMESH_ASSIGN_OR_RETURN(k.status, read.required_string(kt::kStatus));
  DATAMESH_ASSIGN_OR_RETURN(k.creation_date, read.optional_string(kt::kCreationDate));
  DATAMESH_ASSIGN_OR_RETURN(k.revocation_date, read.optional_string(kt::kRevocationDate));
  return k;
}

// A missing table is an empty registry: nothing was written yet.
bool is_missing_table(const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound;
}

// GetItem, strongly consistent; null when there is no such item (or table).
absl::StatusOr<json> get_item(const AwsClient& aws, std::string_view table, json key) {
  absl::StatusOr<json> got =
      aws.call(Service::kDynamoDb, "GetItem",
               {{"TableName", table}, {"Key", key}, {"ConsistentRead", true}});
  if (!got.ok()) {
    if (is_missing_table(got.status())) return json();
    return got.status();
  }
  return got->value("Item", json());
}

// Every item of a Scan of `request`; none when the table is missing.
absl::StatusOr<json> scan(const AwsClient& aws, json request) {
  absl::StatusOr<json> items = datamesh::aws::all_items(
      [&](const json& page) { return aws.call(Service::kDynamoDb, "Scan", page); },
      std::move(request), datamesh::aws::kLastEvaluatedKey, "Items");
  if (!items.ok() && is_missing_table(items.status())) return json::array();
  return items;
}

// IAM's "2026-12-05T07:42:02Z" (fractions of a second possibly) as datamesh writes dates.
std::string from_iam_date(std::string_view iso) {
  std::string date(iso.substr(0, 19));
  if (date.size() > 10 && date[10] == 'T') date[10] = ' ';
  return date;
}

// <id> of DataMeshAdminProducer-<id> / DataMeshAdminConsumer-<id>, when `role` is one.
std::optional<std::pair<std::string, bool>> persona_role(std::string_view role) {
  for (const bool producer : {true, false}) {
    const std::string prefix =
        producer ? names::mesh_producer_role("") : names::mesh_consumer_role("");
    if (role.starts_with(prefix)) {
      return std::make_pair(std::string(role.substr(prefix.size())), producer);
    }
  }
  return std::nullopt;
}

// An account the original enabled: its persona roles' flags set.
Account original_account(std::string_view id, bool producer, std::string_view created) {
  Account a{.account_id = std::string(id), .name = std::string(id)};
  a.creation_date = from_iam_date(created);
  (producer ? a.producer_enabled : a.consumer_enabled) = true;
  (producer ? a.producer_initialized : a.consumer_initialized) = true;
  return a;
}

void merge_into(Account& into, const Account& also) {
  into.producer_enabled |= also.producer_enabled;
  into.consumer_enabled |= also.consumer_enabled;
  into.producer_initialized |= also.producer_initialized;
  into.consumer_initialized |= also.consumer_initialized;
  if (into.creation_date.empty() ||
      (!also.creation_date.empty() && also.creation_date < into.creation_date)) {
    into.creation_date = also.creation_date;
  }
}

}  // namespace

absl::Status AccountRegistry::ensure_tables() const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  for (const auto& [table, key] :
       {std::pair{at::kTable, at::kAccountId}, std::pair{kt::kTable, kt::kAccessKeyId}}) {
    absl::StatusOr<json> created =
        aws->call(Service::kDynamoDb, "CreateTable", create_table_request(table, key));
    if (!created.ok() && created.status().code() != absl::StatusCode::kAlreadyExists) {
      return created.status();
    }
    // The table_exists waiter: DescribeTable until ACTIVE, backing off up to 5 s (a new table
    // takes seconds on AWS; moto makes it ACTIVE at once).
    std::chrono::milliseconds wait(100);
    for (int attempt = 0;; ++attempt) {
      DATAMESH_ASSIGN_OR_RETURN(
          json described, aws->call(Service::kDynamoDb, "DescribeTable", {{"TableName", table}}));
      if (described["Table"].value("TableStatus", "") == "ACTIVE") break;
      if (attempt == 40) {
        return absl::UnavailableError(cat("DynamoDB table ", table, " of account ",
                                          sessions_.mesh_account(), " is not ACTIVE yet"));
      }
      sleep_(wait);
      wait = std::min(wait * 2, std::chrono::milliseconds(5000));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Account>> AccountRegistry::get_account(
    std::string_view account_id) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  DATAMESH_ASSIGN_OR_RETURN(json item,
                            get_item(*aws, at::kTable, key_of(at::kAccountId, account_id)));
  if (item.is_object()) return decode_account(item);
  return taken_over(account_id);
}

absl::StatusOr<std::optional<Account>> AccountRegistry::taken_over(
    std::string_view account_id) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  if (account_id == sessions_.mesh_account()) {
    absl::StatusOr<json> tracker =
        aws->call(Service::kDynamoDb, "DescribeTable", {{"TableName", names::kSubscriptionsTable}});
    if (!tracker.ok()) {
      if (tracker.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
      return tracker.status();
    }
    const double created = (*tracker)["Table"].value("CreationDateTime", 0.0);
    return Account{.account_id = std::string(account_id),
                   .name = std::string(account_id),
                   .is_mesh = true,
                   .creation_date = core::format_date(std::chrono::system_clock::time_point(
                       std::chrono::seconds(static_cast<int64_t>(created))))};
  }
  std::optional<Account> account;
  for (const bool producer : {true, false}) {
    const std::string role =
        producer ? names::mesh_producer_role(account_id) : names::mesh_consumer_role(account_id);
    absl::StatusOr<json> got = aws->call(Service::kIam, "GetRole", {{"RoleName", role}});
    if (!got.ok()) {
      if (got.status().code() == absl::StatusCode::kNotFound) continue;
      return got.status();
    }
    // Only the original's roles count, under its path.
    if ((*got)["Role"].value("Path", "") != names::kIamPath) continue;
    const Account found =
        original_account(account_id, producer, (*got)["Role"].value("CreateDate", ""));
    if (account) {
      merge_into(*account, found);
    } else {
      account = found;
    }
  }
  return account;
}

absl::StatusOr<std::optional<Account>> AccountRegistry::get_mesh_account() const {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> mesh, get_account(sessions_.mesh_account()));
  if (mesh && !mesh->is_mesh) return std::nullopt;
  return mesh;
}

absl::StatusOr<json> AccountRegistry::put_account_element(const Account& account) const {
  if (account.is_mesh && account.account_id != sessions_.mesh_account()) {
    return absl::InvalidArgumentError(cat("account ", account.account_id,
                                          " cannot be the mesh: in AWS mode the mesh account is ",
                                          sessions_.mesh_account(), " (the mesh session's)"));
  }
  return json{{"Put", {{"TableName", at::kTable}, {"Item", encode_account(account)}}}};
}

json AccountRegistry::put_access_key_element(const AccessKeyRow& key) const {
  return json{{"Put", {{"TableName", kt::kTable}, {"Item", encode_key(key)}}}};
}

absl::Status AccountRegistry::put_account(const Account& account) const {
  DATAMESH_ASSIGN_OR_RETURN(json element, put_account_element(account));
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  absl::Status put = aws->call(Service::kDynamoDb, "PutItem", element["Put"]).status();
  if (!is_missing_table(put)) return put;
  DATAMESH_RETURN_IF_ERROR(ensure_tables());
  return aws->call(Service::kDynamoDb, "PutItem", element["Put"]).status();
}

absl::StatusOr<std::vector<Account>> AccountRegistry::list_accounts() const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  std::map<std::string, Account> accounts;
  DATAMESH_ASSIGN_OR_RETURN(json items,
                            scan(*aws, {{"TableName", at::kTable}, {"ConsistentRead", true}}));
  for (const json& item : items) {
    DATAMESH_ASSIGN_OR_RETURN(Account account, decode_account(item));
    accounts.emplace(account.account_id, std::move(account));
  }
  // Accounts the original enabled: their roles in M. An item, where there is one, wins.
  std::map<std::string, Account> original;
  DATAMESH_RETURN_IF_ERROR(datamesh::aws::for_each_page(
      [&](const json& request) { return aws->call(Service::kIam, "ListRoles", request); },
      {{"PathPrefix", names::kIamPath}}, datamesh::aws::kMarker,
      [&](const json& page) {
        const json& roles = page.contains("Roles") ? page["Roles"] : json();
        const std::vector<json> listed = roles.is_array()    ? roles.get<std::vector<json>>()
                                         : roles.is_object() ? std::vector<json>{roles}
                                                             : std::vector<json>{};
        for (const json& role : listed) {
          const auto persona = persona_role(role.value("RoleName", ""));
          if (!persona || role.value("Path", "") != names::kIamPath ||
              persona->first.size() != 12 ||
              !std::all_of(persona->first.begin(), persona->first.end(), ::isdigit)) {
            continue;
          }
          const Account found =
              original_account(persona->first, persona->second, role.value("CreateDate", ""));
          auto [slot, inserted] = original.emplace(found.account_id, found);
          if (!inserted) merge_into(slot->second, found);
        }
        return absl::OkStatus();
      }));
  for (auto& [id, account] : original) accounts.emplace(id, std::move(account));
  if (!accounts.contains(sessions_.mesh_account())) {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> mesh, taken_over(sessions_.mesh_account()));
    if (mesh) accounts.emplace(mesh->account_id, std::move(*mesh));
  }
  std::vector<Account> out;
  out.reserve(accounts.size());
  for (auto& [id, account] : accounts) out.push_back(std::move(account));
  return out;
}

absl::StatusOr<std::optional<AccessKeyRow>> AccountRegistry::get_access_key(
    std::string_view key_id) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  DATAMESH_ASSIGN_OR_RETURN(json item,
                            get_item(*aws, kt::kTable, key_of(kt::kAccessKeyId, key_id)));
  if (!item.is_object()) return std::nullopt;
  return decode_key(item);
}

absl::Status AccountRegistry::put_access_key(const AccessKeyRow& key) const {
  const json element = put_access_key_element(key);
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  absl::Status put = aws->call(Service::kDynamoDb, "PutItem", element["Put"]).status();
  if (!is_missing_table(put)) return put;
  DATAMESH_RETURN_IF_ERROR(ensure_tables());
  return aws->call(Service::kDynamoDb, "PutItem", element["Put"]).status();
}

absl::StatusOr<std::vector<AccessKeyRow>> AccountRegistry::list_access_keys(
    std::string_view account_id) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  DATAMESH_ASSIGN_OR_RETURN(
      json items,
      scan(*aws, {{"TableName", kt::kTable},
                  {"ConsistentRead", true},
                  {"FilterExpression", "#account = :account"},
                  {"ExpressionAttributeNames", {{"#account", kt::kAccountId}}},
                  {"ExpressionAttributeValues", {{":account", string_value(account_id)}}}}));
  std::vector<AccessKeyRow> keys;
  for (const json& item : items) {
    DATAMESH_ASSIGN_OR_RETURN(AccessKeyRow key, decode_key(item));
    keys.push_back(std::move(key));
  }
  std::sort(keys.begin(), keys.end(), [](const AccessKeyRow& a, const AccessKeyRow& b) {
    return std::tie(a.creation_date, a.access_key_id) < std::tie(b.creation_date, b.access_key_id);
  });
  return keys;
}

}  // namespace datamesh::store::aws
