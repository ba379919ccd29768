// JSON forms of the public value types (datamesh/types.h, datamesh/catalog_types.h).
//
// Each type's keys are listed once, in api/type_fields.h; the writer (`to_json_value`) and the
// readers (`*_from_json`) are derived from that list by api/field_json.h. Writers give the
// documents' PascalCase keys (SubscriptionId, RequestedGrants, ...) and, for catalog values, AWS
// Glue's shapes.
//
// Readers (`*_from_json`) accept what the writers give. Every reader returns InvalidArgument
// naming the path of the wrong field and what was expected
// (`TableInput.StorageDescriptor.Columns[2].Name must be a string`). Readers of results ignore
// unknown keys; the readers of Glue inputs take a Strictness. JSON null counts as absent. This
// module adds the shapes around the field lists: JSON text, Glue's {"Table": {...}} wrappers,
// the import of `aws glue get-tables` output and the credentials file's messages.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/field_json.h"
#include "api/type_fields.h"
#include "datamesh/types.h"

namespace datamesh::api {

// Arrays and objects nested deeper than this are refused by parse_json. Datamesh's documents nest
// fewer than 10 levels; copying and printing a parsed document recurse once per level, so an
// unbounded depth let one request body overflow a server thread's stack.
inline constexpr int kMaxJsonDepth = 64;

// Parses JSON text: the one parser of everything datamesh reads (HTTP bodies and answers, CLI
// JSON inputs and import files, credentials files, the server config). Errors: InvalidArgument
// "malformed JSON: parse error at line L, column C: ...", which quotes the text where parsing
// stopped, "malformed JSON: arrays and objects nested deeper than 64 levels at line L, column C",
// or "malformed JSON: duplicate key \"TableInput.Name\": ..." when an object gives a key twice
// (the path names the enclosing objects' keys, "[]" for an array element).
absl::StatusOr<nlohmann::json> parse_json(std::string_view text);
// parse_json for text that holds secrets (credentials files): the error says where and why
// parsing stopped but never quotes the text there, which may be a secret access key.
absl::StatusOr<nlohmann::json> parse_secret_json(std::string_view text);
// Compact JSON text; invalid UTF-8 in strings is replaced by U+FFFD instead of throwing.
std::string dump_json(const nlohmann::json& value);

// Errors: InvalidArgument unless `name` is exactly Pending, Active, Denied or Deleted.
absl::StatusOr<SubscriptionStatus> subscription_status_from_string(std::string_view name);

// --- Writers -----------------------------------------------------------------------------------

// The value types of api/type_fields.h, whose JSON forms are compiled once, in json_codec.cc,
// instead of in every file that writes or reads one. A type left out of this list still works
// everywhere; its JSON form is then compiled where it is used.
#define DATAMESH_API_VALUE_TYPES(X)                                                              \
  X(Credentials) X(AccountCredentials) X(Account) X(AccessKey) X(AccountRole) X(Subscription)    \
  X(SubscriptionPage) X(ProductTable) X(DataProduct) X(DataProductTable) X(AccessRequest)       \
  X(EffectiveGrant) X(PermissionCheck) X(AuditEvent) X(AuditPage) X(AuditProblem)               \
  X(AuditVerification) X(GrantDrift) X(ReconcileReport) X(Column) X(SerDeInfo) X(SortColumn) X(StorageDescriptor)                \
  X(TableIdentifier) X(DatabaseIdentifier) X(TableInput) X(Table) X(TablePage) X(DatabaseInput) \
  X(Database) X(DatabasePage)
#define DATAMESH_API_EXTERN_JSON(T)                                                    \
  extern template nlohmann::json write_json<T>(const T&);                              \
  extern template absl::StatusOr<T> read_json<T>(const nlohmann::json&, Strictness, \
                                                 std::string_view);
DATAMESH_API_VALUE_TYPES(DATAMESH_API_EXTERN_JSON)
#undef DATAMESH_API_EXTERN_JSON

// The JSON form of a value type, as its field list in api/type_fields.h gives it.
template <Described T>
nlohmann::json to_json_value(const T& value) {
  return write_json(value);
}

// Glue's one-key answer shape, {"Table": {...}} or {"Database": {...}}: the type's name as key.
template <Described T>
nlohmann::json to_wrapped_json(const T& value) {
  return {{std::string(type_name<T>()), write_json(value)}};
}

// A JSON array of `to_json_value` of each element.
template <class T>
nlohmann::json to_json_list(const std::vector<T>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const T& value : values) out.push_back(to_json_value(value));
  return out;
}

// --- Readers of Glue inputs --------------------------------------------------------------------

// Glue TableInput; Name is required. Errors: InvalidArgument for a wrong type, a missing or empty
// Name, or (kStrict) an unknown key:
// `unknown field "StorageDescripter" in TableInput; allowed: Name, Description, ...`.
absl::StatusOr<TableInput> table_input_from_json(const nlohmann::json& value,
                                                 Strictness strictness);
// Glue DatabaseInput; Name is required. Errors as table_input_from_json.
absl::StatusOr<DatabaseInput> database_input_from_json(const nlohmann::json& value,
                                                       Strictness strictness);

// The tables of what `aws glue get-tables` prints ({"TableList": [...]}), also of a bare list of
// tables, of `aws glue get-table` output ({"Table": {...}}) or of one bare table, read with
// Strictness::kImport. Errors: InvalidArgument for malformed JSON (with nlohmann's position),
// another shape, an empty list, or a wrong field (`TableList[1].Name must be a string`).
absl::StatusOr<std::vector<TableInput>> import_table_list(std::string_view get_tables_json);

// Credentials for the CLI and profiles: {"AccountId"?, "AccessKeyId", "SecretAccessKey",
// "SessionToken"?}; other keys (such as AccountName) are ignored. Errors: InvalidArgument
// "Malformed credentials: missing AccessKeyId or SecretAccessKey", or "Malformed credentials: "
// followed by what else was wrong.
absl::StatusOr<Credentials> credentials_from_json(const nlohmann::json& value);

// --- Readers of results (unknown keys ignored; InvalidArgument on wrong types) ----------------

absl::StatusOr<AccountCredentials> account_credentials_from_json(const nlohmann::json& value);
absl::StatusOr<Account> account_from_json(const nlohmann::json& value);
absl::StatusOr<AccessKey> access_key_from_json(const nlohmann::json& value);
absl::StatusOr<AccountRole> account_role_from_json(const nlohmann::json& value);
// Also InvalidArgument when Status is not exactly Pending, Active, Denied or Deleted.
absl::StatusOr<Subscription> subscription_from_json(const nlohmann::json& value);
absl::StatusOr<SubscriptionPage> subscription_page_from_json(const nlohmann::json& value);
absl::StatusOr<DataProduct> data_product_from_json(const nlohmann::json& value);
absl::StatusOr<DataProductTable> data_product_table_from_json(const nlohmann::json& value);
// get_data_product's answer: a list of DataProductTable.
absl::StatusOr<std::vector<DataProductTable>> data_product_tables_from_json(
    const nlohmann::json& value);
absl::StatusOr<AccessRequest> access_request_from_json(const nlohmann::json& value);
absl::StatusOr<EffectiveGrant> effective_grant_from_json(const nlohmann::json& value);
absl::StatusOr<PermissionCheck> permission_check_from_json(const nlohmann::json& value);
absl::StatusOr<AuditEvent> audit_event_from_json(const nlohmann::json& value);
absl::StatusOr<AuditPage> audit_page_from_json(const nlohmann::json& value);
absl::StatusOr<AuditVerification> audit_verification_from_json(const nlohmann::json& value);
// Accepts {"Table": {...}} (Glue GetTable) or the bare table. CreateTime / UpdateTime may be
// strings or epoch seconds (converted to "YYYY-MM-DD HH:MM:SS" UTC); VersionId a string or number.
absl::StatusOr<Table> table_from_json(const nlohmann::json& value);
absl::StatusOr<TablePage> table_page_from_json(const nlohmann::json& value);
// Accepts {"Database": {...}} (Glue GetDatabase) or the bare database.
absl::StatusOr<Database> database_from_json(const nlohmann::json& value);
absl::StatusOr<DatabasePage> database_page_from_json(const nlohmann::json& value);

}  // namespace datamesh::api
