#include "api/json_codec.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "core/subscription_status.h"
#include "base/text.h"
#include "datamesh/json.h"

namespace datamesh::api {
namespace {

using nlohmann::json;

// --- Writing -----------------------------------------------------------------------------------

void put_if_not_empty(json& obj, const char* key, const std::string& value) {
  if (!value.empty()) obj[key] = value;
}
void put_if_not_empty(json& obj, const char* key, const Parameters& value) {
  if (!value.empty()) obj[key] = value;
}
void put_if_not_empty(json& obj, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) obj[key] = value;
}
template <class T>
void put_if_not_empty(json& obj, const char* key, const std::vector<T>& value) {
  if (!value.empty()) obj[key] = to_json_list(value);
}
void put_if_not_zero(json& obj, const char* key, int64_t value) {
  if (value != 0) obj[key] = value;
}
void put_if_true(json& obj, const char* key, bool value) {
  if (value) obj[key] = true;
}

// A page: the list under `list_key`, and NextToken unless this is the last page.
template <class T>
json page(const char* list_key, const std::vector<T>& values, const std::string& next_token) {
  json out = {{list_key, to_json_list(values)}};
  put_if_not_empty(out, "NextToken", next_token);
  return out;
}

// An audit event's details: the stored JSON object; {} when empty; the raw text if unparsable.
json details_value(const std::string& details_json) {
  if (details_json.empty()) return json::object();
  json parsed = json::parse(details_json, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(details_json) : parsed;
}

// --- Reading -----------------------------------------------------------------------------------

std::string formatted_utc(std::time_t seconds) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

template <class T>
void read_object(const json& value, std::string path, Strictness strictness,
                 absl::Status& status, T& out);

// Reads the keys of one JSON object into a value. Errors are recorded in a status shared by every
// reader of one document; the first error wins. Each read registers its key as allowed, so that
// finish() can reject the rest in strict mode, naming the allowed keys in the order read.
class ObjectReader {
 public:
  ObjectReader(const json& value, std::string path, Strictness strictness, absl::Status& status)
      : value_(value), path_(std::move(path)), strictness_(strictness), status_(status) {
    if (!valid()) fail(base::cat(path_, " must be an object"));
  }

  bool valid() const { return value_.is_object(); }
  std::string at(std::string_view key) const { return base::cat(path_, ".", key); }
  void fail(std::string message) {
    if (status_.ok()) status_ = absl::InvalidArgumentError(std::move(message));
  }
  void type_error(std::string_view key, std::string_view expected) {
    fail(base::cat(at(key), " must be ", expected));
  }

  // The value of `key`, or nullptr when it is absent or null.
  const json* find(std::string_view key) {
    allowed_.push_back(key);
    if (!valid()) return nullptr;
    auto it = value_.find(std::string(key));
    return it == value_.end() || it->is_null() ? nullptr : &*it;
  }

  void read(std::string_view key, std::string& out) {
    if (const json* v = find(key)) {
      if (!v->is_string()) return type_error(key, "a string");
      out = v->get<std::string>();
    }
  }
  void read_required(std::string_view key, std::string& out) {
    read(key, out);
    if (valid() && out.empty()) fail(base::cat(at(key), " is required and must not be empty"));
  }
  void read(std::string_view key, bool& out) {
    if (const json* v = find(key)) {
      if (!v->is_boolean()) return type_error(key, "a boolean");
      out = v->get<bool>();
    }
  }
  void read(std::string_view key, int& out) {
    int64_t wide = out;
    read(key, wide);
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
      type_error(key, "a 32-bit integer");
    } else {
      out = static_cast<int>(wide);
    }
  }
  void read(std::string_view key, int64_t& out, bool allow_digit_string = false) {
    if (const json* v = find(key)) {
      const bool fits = v->is_number_integer() &&
                        (!v->is_number_unsigned() || v->get<uint64_t>() <= INT64_MAX);
      if (fits) {
        out = v->get<int64_t>();
      } else if (!allow_digit_string || !v->is_string() ||
                 !absl::SimpleAtoi(v->get<std::string>(), &out)) {
        type_error(key, allow_digit_string ? "an integer or a string of digits" : "an integer");
      }
    }
  }
  // A time: a string as it is, or epoch seconds (as `aws glue` may print) converted to UTC text.
  void read_time(std::string_view key, std::string& out) {
    if (const json* v = find(key)) {
      constexpr double kYear10000 = 253402300800.0;
      const double seconds = v->is_number() ? v->get<double>() : -1;
      if (v->is_string()) {
        out = v->get<std::string>();
      } else if (seconds >= 0 && seconds < kYear10000) {
        out = formatted_utc(static_cast<std::time_t>(seconds));
      } else {
        type_error(key, "a date string or epoch seconds");
      }
    }
  }
  void read(std::string_view key, std::vector<std::string>& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_array()) return type_error(key, "a list of strings");
    out.clear();
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) return fail(base::cat(at(key), "[", i, "] must be a string"));
      out.push_back((*v)[i].get<std::string>());
    }
  }
  void read(std::string_view key, Parameters& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_object()) return type_error(key, "an object of strings");
    out.clear();
    for (const auto& [name, item] : v->items()) {
      if (!item.is_string()) return fail(base::cat(at(key), ".", name, " must be a string"));
      out.emplace(name, item.get<std::string>());
    }
  }
  template <class T>
  void read(std::string_view key, T& out) {
    if (const json* v = find(key)) read_object(*v, at(key), strictness_, status_, out);
  }
  template <class T>
  void read(std::string_view key, std::optional<T>& out) {
    if (const json* v = find(key)) read_object(*v, at(key), strictness_, status_, out.emplace());
  }
  template <class T>
  void read(std::string_view key, std::vector<T>& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_array()) return type_error(key, "a list");
    out.clear();
    for (size_t i = 0; i < v->size(); ++i) {
      read_object((*v)[i], base::cat(at(key), "[", i, "]"), strictness_, status_,
                  out.emplace_back());
    }
  }

  // In strict mode, rejects the first key that no read asked for.
  void finish() {
    if (strictness_ != Strictness::kStrict || !valid()) return;
    for (const auto& [key, item] : value_.items()) {
      if (std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end()) {
        return fail(base::cat("unknown field \"", key, "\" in ", path_, "; allowed: ",
                              base::join(allowed_, ", ")));
      }
    }
  }

 private:
  const json& value_;
  const std::string path_;
  const Strictness strictness_;
  absl::Status& status_;
  std::vector<std::string_view> allowed_;  // keys asked for, in order; all string literals
};

// One read_fields overload per type: the keys of its JSON form. Found by the readers through
// argument-dependent lookup on ObjectReader.

void read_fields(ObjectReader& r, Column& v) {
  r.read_required("Name", v.name);
  r.read("Type", v.type);
  r.read("Comment", v.comment);
  r.read("Parameters", v.parameters);
}
void read_fields(ObjectReader& r, SerDeInfo& v) {
  r.read("Name", v.name);
  r.read("SerializationLibrary", v.serialization_library);
  r.read("Parameters", v.parameters);
}
void read_fields(ObjectReader& r, SortColumn& v) {
  r.read("Column", v.column);
  r.read("SortOrder", v.sort_order);
}
void read_fields(ObjectReader& r, StorageDescriptor& v) {
  r.read("Columns", v.columns);
  r.read("Location", v.location);
  r.read("InputFormat", v.input_format);
  r.read("OutputFormat", v.output_format);
  r.read("Compressed", v.compressed);
  r.read("NumberOfBuckets", v.number_of_buckets);
  r.read("SerdeInfo", v.serde_info);
  r.read("BucketColumns", v.bucket_columns);
  r.read("SortColumns", v.sort_columns);
  r.read("Parameters", v.parameters);
  r.read("StoredAsSubDirectories", v.stored_as_sub_directories);
}
void read_fields(ObjectReader& r, TableIdentifier& v) {
  r.read("CatalogId", v.catalog_id);
  r.read("DatabaseName", v.database_name);
  r.read("Name", v.name);
}
void read_fields(ObjectReader& r, DatabaseIdentifier& v) {
  r.read("CatalogId", v.catalog_id);
  r.read("DatabaseName", v.database_name);
}
void read_fields(ObjectReader& r, TableInput& v) {
  r.read_required("Name", v.name);
  r.read("Description", v.description);
  r.read("Owner", v.owner);
  r.read("Retention", v.retention);
  r.read("StorageDescriptor", v.storage_descriptor);
  r.read("PartitionKeys", v.partition_keys);
  r.read("ViewOriginalText", v.view_original_text);
  r.read("ViewExpandedText", v.view_expanded_text);
  r.read("TableType", v.table_type);
  r.read("Parameters", v.parameters);
  r.read("TargetTable", v.target_table);
}
void read_fields(ObjectReader& r, Table& v) {
  read_fields(r, v.input);
  r.read("DatabaseName", v.database_name);
  r.read("CatalogId", v.catalog_id);
  r.read_time("CreateTime", v.create_time);
  r.read_time("UpdateTime", v.update_time);
  r.read("CreatedBy", v.created_by);
  r.read("VersionId", v.version_id, /*allow_digit_string=*/true);  // Glue prints a string
}
void read_fields(ObjectReader& r, TablePage& v) {
  r.read("TableList", v.tables);
  r.read("NextToken", v.next_token);
}
void read_fields(ObjectReader& r, DatabaseInput& v) {
  r.read_required("Name", v.name);
  r.read("Description", v.description);
  r.read("LocationUri", v.location_uri);
  r.read("Parameters", v.parameters);
  r.read("TargetDatabase", v.target_database);
}
void read_fields(ObjectReader& r, Database& v) {
  read_fields(r, v.input);
  r.read("CatalogId", v.catalog_id);
  r.read_time("CreateTime", v.create_time);
}
void read_fields(ObjectReader& r, DatabasePage& v) {
  r.read("DatabaseList", v.databases);
  r.read("NextToken", v.next_token);
}
void read_fields(ObjectReader& r, Credentials& v) {
  r.read("AccountId", v.account_id);
  r.read("AccessKeyId", v.access_key_id);
  r.read("SecretAccessKey", v.secret_access_key);
  r.read("SessionToken", v.session_token);
}
void read_fields(ObjectReader& r, AccountCredentials& v) {
  r.read("AccountId", v.account_id);
  r.read("AccountName", v.account_name);
  r.read("AccessKeyId", v.access_key_id);
  r.read("SecretAccessKey", v.secret_access_key);
}
void read_fields(ObjectReader& r, Account& v) {
  r.read("AccountId", v.account_id);
  r.read("AccountName", v.name);
  r.read("IsMesh", v.is_mesh);
  r.read("ProducerEnabled", v.producer_enabled);
  r.read("ConsumerEnabled", v.consumer_enabled);
  r.read("ProducerInitialized", v.producer_initialized);
  r.read("ConsumerInitialized", v.consumer_initialized);
  r.read("CreationDate", v.creation_date);
}
void read_fields(ObjectReader& r, AccessKey& v) {
  r.read("AccessKeyId", v.access_key_id);
  r.read("AccountId", v.account_id);
  r.read("Status", v.status);
  r.read("CreationDate", v.creation_date);
  r.read("RevocationDate", v.revocation_date);
}
void read_fields(ObjectReader& r, AccountRole& v) {
  r.read("RoleArn", v.role_arn);
  r.read("UserArn", v.user_arn);
  r.read("GroupArn", v.group_arn);
}
void read_fields(ObjectReader& r, Subscription& v) {
  r.read("SubscriptionId", v.subscription_id);
  std::string status;
  r.read("Status", status);
  if (!status.empty()) {
    if (std::optional<SubscriptionStatus> parsed = core::parse_status(status)) {
      v.status = *parsed;
    } else {
      r.fail(base::cat(r.at("Status"), " must be one of Pending, Active, Denied, Deleted; got \"",
                       status, "\""));
    }
  }
  r.read("Type", v.type);
  r.read("DatabaseName", v.database_name);
  r.read("TableName", v.table_names);
  r.read("RequestedGrants", v.requested_grants);
  r.read("PermittedGrants", v.permitted_grants);
  r.read("GrantableGrants", v.grantable_grants);
  r.read("OwnerPrincipal", v.owner_principal);
  r.read("SubscriberPrincipal", v.subscriber_principal);
  r.read("CreationDate", v.creation_date);
  r.read("CreatedBy", v.created_by);
  r.read("UpdatedDate", v.updated_date);
  r.read("UpdatedBy", v.updated_by);
  r.read("Notes", v.notes);
  r.read("RamShares", v.ram_shares);
  r.read("GrantedTableARNs", v.granted_table_arns);
  r.read("ImportedToConsumer", v.imported_to_consumer);
  r.read("Version", v.version);
}
void read_fields(ObjectReader& r, SubscriptionPage& v) {
  r.read("Subscriptions", v.subscriptions);
  r.read("NextToken", v.next_token);
}
void read_fields(ObjectReader& r, ProductTable& v) {
  r.read("SourceTable", v.source_table);
  r.read("LinkTable", v.link_table);
}
void read_fields(ObjectReader& r, DataProduct& v) {
  r.read("DatabaseName", v.database_name);
  r.read("Tables", v.tables);
}
void read_fields(ObjectReader& r, DataProductTable& v) {
  r.read("DatabaseName", v.database_name);
  r.read("TableName", v.table_name);
  r.read("Location", v.location);
}
void read_fields(ObjectReader& r, AccessRequest& v) {
  r.read("Type", v.type);
  r.read("Database", v.database);
  r.read("Table", v.tables);
  r.read("SubscriptionId", v.subscription_id);
}
void read_fields(ObjectReader& r, EffectiveGrant& v) {
  r.read("Principal", v.principal);
  r.read("CatalogId", v.catalog_id);
  r.read("DatabaseName", v.database_name);
  r.read("TableName", v.table_name);
  r.read("Permissions", v.permissions);
  r.read("GrantablePermissions", v.grantable_permissions);
  r.read("SubscriptionId", v.subscription_id);
}
void read_fields(ObjectReader& r, PermissionCheck& v) {
  r.read("Allowed", v.allowed);
  r.read("Grantable", v.grantable);
  r.read("Reason", v.reason);
}
void read_fields(ObjectReader& r, AuditEvent& v) {
  r.read("Sequence", v.sequence);
  r.read("EventDate", v.event_date);
  r.read("ActorAccount", v.actor_account);
  r.read("ActorPrincipal", v.actor_principal);
  r.read("Action", v.action);
  r.read("SubscriptionId", v.subscription_id);
  r.read("Resource", v.resource);
  if (const json* details = r.find("Details")) {
    if (details->is_object()) {
      v.details_json = details->empty() ? "" : dump_json(*details);
    } else {
      r.type_error("Details", "an object");
    }
  }
  r.read("Notes", v.notes);
}
void read_fields(ObjectReader& r, AuditProblem& v) {
  r.read("Sequence", v.sequence);
  r.read("Problem", v.problem);
}
void read_fields(ObjectReader& r, AuditVerification& v) {
  r.read("Intact", v.intact);
  r.read("EventsChecked", v.events_checked);
  r.read("UnchainedEvents", v.unchained_events);
  r.read("HeadSequence", v.head_sequence);
  r.read("HeadHash", v.head_hash);
  r.read("Problems", v.problems);
}
void read_fields(ObjectReader& r, AuditPage& v) {
  r.read("Events", v.events);
  r.read("NextToken", v.next_token);
}

template <class T>
void read_object(const json& value, std::string path, Strictness strictness,
                 absl::Status& status, T& out) {
  ObjectReader reader(value, std::move(path), strictness, status);
  if (!reader.valid()) return;
  read_fields(reader, out);
  reader.finish();
}

// Reads a whole document whose root is named `path` in messages.
template <class T>
absl::StatusOr<T> read_root(const json& value, std::string path,
                            Strictness strictness = Strictness::kImport) {
  absl::Status status;
  T out{};
  read_object(value, std::move(path), strictness, status, out);
  if (!status.ok()) return status;
  return out;
}

// The value under `key` when `value` is the one-key wrapper Glue answers with ({"Table": {...}}).
const json& unwrap(const json& value, const char* key) {
  if (value.is_object() && value.size() == 1 && value.contains(key) && value[key].is_object()) {
    return value[key];
  }
  return value;
}

// The byte offset at which `text` opens its (kMaxJsonDepth + 1)th nested array or object, if it
// does. Exact for valid JSON (strings and their escapes are skipped); on invalid JSON it may be
// wrong, which is harmless: the parser refuses that text anyway.
std::optional<size_t> too_deep_at(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<json> parse_json(std::string_view text) {
  if (const std::optional<size_t> at = too_deep_at(text)) {
    const std::string_view before = text.substr(0, *at);
    const size_t line_start = before.rfind('\n');
    const size_t column = line_start == std::string_view::npos ? *at + 1 : *at - line_start;
    return absl::InvalidArgumentError(
        base::cat("malformed JSON: arrays and objects nested deeper than ", kMaxJsonDepth,
                  " levels at line ", std::count(before.begin(), before.end(), '\n') + 1,
                  ", column ", column));
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    std::string_view message = e.what();  // "[json.exception.parse_error.101] parse error at ..."
    if (size_t end = message.find("] "); message.starts_with('[') && end != message.npos) {
      message.remove_prefix(end + 2);
    }
    return absl::InvalidArgumentError(base::cat("malformed JSON: ", message));
  }
}

absl::StatusOr<json> parse_secret_json(std::string_view text) {
  absl::StatusOr<json> parsed = parse_json(text);
  if (parsed.ok()) return parsed;
  // nlohmann quotes the token it stopped at as "; last read: '<token>'", followed by what it
  // expected; the words before it are its own. Fuzzing found a SecretAccessKey echoed there.
  std::string_view message(parsed.status().message().data(), parsed.status().message().size());
  if (const size_t quote = message.find("; last read:"); quote != message.npos) {
    message = message.substr(0, quote);
  }
  return absl::InvalidArgumentError(std::string(message));
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::StatusOr<SubscriptionStatus> subscription_status_from_string(std::string_view name) {
  if (std::optional<SubscriptionStatus> status = core::parse_status(name)) return *status;
  return absl::InvalidArgumentError(base::cat(
      "unknown subscription status \"", name, "\"; expected Pending, Active, Denied or Deleted"));
}

// --- Writers: the documents' shapes ------------------------------------------------------------

json to_json_value(const Credentials& v) {
  json out = {{"AccountId", v.account_id},
              {"AccessKeyId", v.access_key_id},
              {"SecretAccessKey", v.secret_access_key}};
  put_if_not_empty(out, "SessionToken", v.session_token);
  return out;
}
json to_json_value(const AccountCredentials& v) {
  return {{"AccountId", v.account_id},
          {"AccountName", v.account_name},
          {"AccessKeyId", v.access_key_id},
          {"SecretAccessKey", v.secret_access_key}};
}
json to_json_value(const Account& v) {
  return {{"AccountId", v.account_id},
          {"AccountName", v.name},
          {"IsMesh", v.is_mesh},
          {"ProducerEnabled", v.producer_enabled},
          {"ConsumerEnabled", v.consumer_enabled},
          {"ProducerInitialized", v.producer_initialized},
          {"ConsumerInitialized", v.consumer_initialized},
          {"CreationDate", v.creation_date}};
}
json to_json_value(const AccessKey& v) {
  json out = {{"AccessKeyId", v.access_key_id},
              {"AccountId", v.account_id},
              {"Status", v.status},
              {"CreationDate", v.creation_date}};
  put_if_not_empty(out, "RevocationDate", v.revocation_date);
  return out;
}
json to_json_value(const AccountRole& v) {
  return {{"RoleArn", v.role_arn}, {"UserArn", v.user_arn}, {"GroupArn", v.group_arn}};
}
json to_json_value(const Subscription& v) {
  return {{"SubscriptionId", v.subscription_id},
          {"Status", core::status_name(v.status)},
          {"Type", v.type},
          {"DatabaseName", v.database_name},
          {"TableName", v.table_names},
          {"RequestedGrants", v.requested_grants},
          {"PermittedGrants", v.permitted_grants},
          {"GrantableGrants", v.grantable_grants},
          {"OwnerPrincipal", v.owner_principal},
          {"SubscriberPrincipal", v.subscriber_principal},
          {"CreationDate", v.creation_date},
          {"CreatedBy", v.created_by},
          {"UpdatedDate", v.updated_date},
          {"UpdatedBy", v.updated_by},
          {"Notes", v.notes},
          {"RamShares", v.ram_shares},
          {"GrantedTableARNs", v.granted_table_arns},
          {"ImportedToConsumer", v.imported_to_consumer},
          {"Version", v.version}};
}
json to_json_value(const SubscriptionPage& v) {
  return page("Subscriptions", v.subscriptions, v.next_token);
}
json to_json_value(const ProductTable& v) {
  return {{"SourceTable", v.source_table}, {"LinkTable", v.link_table}};
}
json to_json_value(const DataProduct& v) {
  return {{"DatabaseName", v.database_name}, {"Tables", to_json_list(v.tables)}};
}
json to_json_value(const DataProductTable& v) {
  return {{"DatabaseName", v.database_name}, {"TableName", v.table_name}, {"Location", v.location}};
}
json to_json_value(const AccessRequest& v) {
  json out = {{"Type", v.type}, {"Database", v.database}, {"SubscriptionId", v.subscription_id}};
  if (v.type == "TABLE") out["Table"] = v.tables;
  return out;
}
json to_json_value(const EffectiveGrant& v) {
  return {{"Principal", v.principal},
          {"CatalogId", v.catalog_id},
          {"DatabaseName", v.database_name},
          {"TableName", v.table_name},
          {"Permissions", v.permissions},
          {"GrantablePermissions", v.grantable_permissions},
          {"SubscriptionId", v.subscription_id}};
}
json to_json_value(const PermissionCheck& v) {
  return {{"Allowed", v.allowed}, {"Grantable", v.grantable}, {"Reason", v.reason}};
}
json to_json_value(const AuditEvent& v) {
  return {{"Sequence", v.sequence},
          {"EventDate", v.event_date},
          {"ActorAccount", v.actor_account},
          {"ActorPrincipal", v.actor_principal},
          {"Action", v.action},
          {"SubscriptionId", v.subscription_id},
          {"Resource", v.resource},
          {"Details", details_value(v.details_json)},
          {"Notes", v.notes}};
}
json to_json_value(const AuditPage& v) { return page("Events", v.events, v.next_token); }
json to_json_value(const AuditProblem& v) {
  return {{"Sequence", v.sequence}, {"Problem", v.problem}};
}
json to_json_value(const AuditVerification& v) {
  json problems = json::array();
  for (const AuditProblem& problem : v.problems) problems.push_back(to_json_value(problem));
  return {{"Intact", v.intact},
          {"EventsChecked", v.events_checked},
          {"UnchainedEvents", v.unchained_events},
          {"HeadSequence", v.head_sequence},
          {"HeadHash", v.head_hash},
          {"Problems", std::move(problems)}};
}

// --- Writers: Glue's shapes --------------------------------------------------------------------

json to_json_value(const Column& v) {
  json out = {{"Name", v.name}, {"Type", v.type}};
  put_if_not_empty(out, "Comment", v.comment);
  put_if_not_empty(out, "Parameters", v.parameters);
  return out;
}
json to_json_value(const SerDeInfo& v) {
  json out = json::object();
  put_if_not_empty(out, "Name", v.name);
  put_if_not_empty(out, "SerializationLibrary", v.serialization_library);
  put_if_not_empty(out, "Parameters", v.parameters);
  return out;
}
json to_json_value(const SortColumn& v) {
  return {{"Column", v.column}, {"SortOrder", v.sort_order}};
}
json to_json_value(const StorageDescriptor& v) {
  json out = json::object();
  put_if_not_empty(out, "Columns", v.columns);
  put_if_not_empty(out, "Location", v.location);
  put_if_not_empty(out, "InputFormat", v.input_format);
  put_if_not_empty(out, "OutputFormat", v.output_format);
  put_if_true(out, "Compressed", v.compressed);
  put_if_not_zero(out, "NumberOfBuckets", v.number_of_buckets);
  if (json serde = to_json_value(v.serde_info); !serde.empty()) out["SerdeInfo"] = serde;
  put_if_not_empty(out, "BucketColumns", v.bucket_columns);
  put_if_not_empty(out, "SortColumns", v.sort_columns);
  put_if_not_empty(out, "Parameters", v.parameters);
  put_if_true(out, "StoredAsSubDirectories", v.stored_as_sub_directories);
  return out;
}
json to_json_value(const TableIdentifier& v) {
  json out = json::object();
  put_if_not_empty(out, "CatalogId", v.catalog_id);
  out["DatabaseName"] = v.database_name;
  out["Name"] = v.name;
  return out;
}
json to_json_value(const DatabaseIdentifier& v) {
  json out = json::object();
  put_if_not_empty(out, "CatalogId", v.catalog_id);
  out["DatabaseName"] = v.database_name;
  return out;
}
json to_json_value(const TableInput& v) {
  json out = {{"Name", v.name}};
  put_if_not_empty(out, "Description", v.description);
  put_if_not_empty(out, "Owner", v.owner);
  put_if_not_zero(out, "Retention", v.retention);
  if (v.storage_descriptor) out["StorageDescriptor"] = to_json_value(*v.storage_descriptor);
  put_if_not_empty(out, "PartitionKeys", v.partition_keys);
  put_if_not_empty(out, "ViewOriginalText", v.view_original_text);
  put_if_not_empty(out, "ViewExpandedText", v.view_expanded_text);
  put_if_not_empty(out, "TableType", v.table_type);
  put_if_not_empty(out, "Parameters", v.parameters);
  if (v.target_table) out["TargetTable"] = to_json_value(*v.target_table);
  return out;
}
json to_json_value(const Table& v) {
  json out = to_json_value(v.input);
  put_if_not_empty(out, "DatabaseName", v.database_name);
  put_if_not_empty(out, "CatalogId", v.catalog_id);
  put_if_not_empty(out, "CreateTime", v.create_time);
  put_if_not_empty(out, "UpdateTime", v.update_time);
  put_if_not_empty(out, "CreatedBy", v.created_by);
  out["VersionId"] = std::to_string(v.version_id);
  return out;
}
json to_json_value(const TablePage& v) { return page("TableList", v.tables, v.next_token); }
json to_json_value(const DatabaseInput& v) {
  json out = {{"Name", v.name}};
  put_if_not_empty(out, "Description", v.description);
  put_if_not_empty(out, "LocationUri", v.location_uri);
  put_if_not_empty(out, "Parameters", v.parameters);
  if (v.target_database) out["TargetDatabase"] = to_json_value(*v.target_database);
  return out;
}
json to_json_value(const Database& v) {
  json out = to_json_value(v.input);
  put_if_not_empty(out, "CatalogId", v.catalog_id);
  put_if_not_empty(out, "CreateTime", v.create_time);
  return out;
}
json to_json_value(const DatabasePage& v) {
  return page("DatabaseList", v.databases, v.next_token);
}

// --- Readers -----------------------------------------------------------------------------------

absl::StatusOr<TableInput> table_input_from_json(const json& value, Strictness strictness) {
  return read_root<TableInput>(value, "TableInput", strictness);
}
absl::StatusOr<DatabaseInput> database_input_from_json(const json& value, Strictness strictness) {
  return read_root<DatabaseInput>(value, "DatabaseInput", strictness);
}

absl::StatusOr<std::vector<TableInput>> import_table_list(std::string_view get_tables_json) {
  absl::StatusOr<json> parsed = parse_json(get_tables_json);
  if (!parsed.ok()) return parsed.status();
  json list = std::move(*parsed);
  if (list.is_object() && list.contains("TableList")) {
    list = json(std::move(list["TableList"]));
  } else if (list.is_object()) {  // get-table output, or one bare table
    list = json::array({unwrap(list, "Table")});
  }
  if (!list.is_array()) {
    return absl::InvalidArgumentError(
        "TableList must be a list of tables: expected the output of `aws glue get-tables` "
        "({\"TableList\": [...]}), a list of tables, or {\"Table\": {...}}");
  }
  if (list.empty()) return absl::InvalidArgumentError("TableList is empty: no tables to import");
  std::vector<TableInput> tables(list.size());
  absl::Status status;
  for (size_t i = 0; i < list.size() && status.ok(); ++i) {
    read_object(list[i], base::cat("TableList[", i, "]"), Strictness::kImport, status,
                tables[i]);
  }
  if (!status.ok()) return status;
  return tables;
}

absl::StatusOr<Credentials> credentials_from_json(const json& value) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError(
        "Malformed credentials: expected a JSON object with AccessKeyId and SecretAccessKey");
  }
  absl::StatusOr<Credentials> credentials = read_root<Credentials>(value, "Credentials");
  if (!credentials.ok()) {
    return absl::InvalidArgumentError(
        base::cat("Malformed credentials: ", credentials.status().message()));
  }
  if (credentials->access_key_id.empty() || credentials->secret_access_key.empty()) {
    return absl::InvalidArgumentError(
        "Malformed credentials: missing AccessKeyId or SecretAccessKey");
  }
  return credentials;
}

absl::StatusOr<AccountCredentials> account_credentials_from_json(const json& value) {
  return read_root<AccountCredentials>(value, "AccountCredentials");
}
absl::StatusOr<Account> account_from_json(const json& value) {
  return read_root<Account>(value, "Account");
}
absl::StatusOr<AccessKey> access_key_from_json(const json& value) {
  return read_root<AccessKey>(value, "AccessKey");
}
absl::StatusOr<AccountRole> account_role_from_json(const json& value) {
  return read_root<AccountRole>(value, "AccountRole");
}
absl::StatusOr<Subscription> subscription_from_json(const json& value) {
  return read_root<Subscription>(value, "Subscription");
}
absl::StatusOr<SubscriptionPage> subscription_page_from_json(const json& value) {
  return read_root<SubscriptionPage>(value, "SubscriptionPage");
}
absl::StatusOr<DataProduct> data_product_from_json(const json& value) {
  return read_root<DataProduct>(value, "DataProduct");
}
absl::StatusOr<DataProductTable> data_product_table_from_json(const json& value) {
  return read_root<DataProductTable>(value, "DataProductTable");
}
absl::StatusOr<std::vector<DataProductTable>> data_product_tables_from_json(const json& value) {
  if (!value.is_array()) return absl::InvalidArgumentError("DataProductTables must be a list");
  std::vector<DataProductTable> tables(value.size());
  absl::Status status;
  for (size_t i = 0; i < value.size() && status.ok(); ++i) {
    read_object(value[i], base::cat("DataProductTables[", i, "]"), Strictness::kImport, status,
                tables[i]);
  }
  if (!status.ok()) return status;
  return tables;
}
absl::StatusOr<AccessRequest> access_request_from_json(const json& value) {
  return read_root<AccessRequest>(value, "AccessRequest");
}
absl::StatusOr<EffectiveGrant> effective_grant_from_json(const json& value) {
  return read_root<EffectiveGrant>(value, "EffectiveGrant");
}
absl::StatusOr<PermissionCheck> permission_check_from_json(const json& value) {
  return read_root<PermissionCheck>(value, "PermissionCheck");
}
absl::StatusOr<AuditEvent> audit_event_from_json(const json& value) {
  return read_root<AuditEvent>(value, "AuditEvent");
}
absl::StatusOr<AuditVerification> audit_verification_from_json(const json& value) {
  return read_root<AuditVerification>(value, "AuditVerification");
}
absl::StatusOr<AuditPage> audit_page_from_json(const json& value) {
  return read_root<AuditPage>(value, "AuditPage");
}
absl::StatusOr<Table> table_from_json(const json& value) {
  return read_root<Table>(unwrap(value, "Table"), "Table");
}
absl::StatusOr<TablePage> table_page_from_json(const json& value) {
  return read_root<TablePage>(value, "TablePage");
}
absl::StatusOr<Database> database_from_json(const json& value) {
  return read_root<Database>(unwrap(value, "Database"), "Database");
}
absl::StatusOr<DatabasePage> database_page_from_json(const json& value) {
  return read_root<DatabasePage>(value, "DatabasePage");
}

}  // namespace datamesh::api

// --- The public functions of datamesh/json.h ---------------------------------------------------

namespace datamesh {

std::string to_json(const Subscription& value) {
  return api::dump_json(api::to_json_value(value));
}
std::string to_json(const Table& value) {
  return api::dump_json(nlohmann::json{{"Table", api::to_json_value(value)}});
}
std::string to_json(const AccountCredentials& value) {
  return api::dump_json(api::to_json_value(value));
}

absl::StatusOr<TableInput> parse_table_input(std::string_view json) {
  absl::StatusOr<nlohmann::json> parsed = api::parse_json(json);
  if (!parsed.ok()) return parsed.status();
  return api::table_input_from_json(*parsed, api::Strictness::kStrict);
}
absl::StatusOr<DatabaseInput> parse_database_input(std::string_view json) {
  absl::StatusOr<nlohmann::json> parsed = api::parse_json(json);
  if (!parsed.ok()) return parsed.status();
  return api::database_input_from_json(*parsed, api::Strictness::kStrict);
}

std::string_view to_string(SubscriptionStatus status) { return core::status_name(status); }

}  // namespace datamesh
