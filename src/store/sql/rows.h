// The tables of the SQL stores as the store port's row types see them: each table's columns,
// the reader of a row into its value, and the values a write binds, written once for SQLite
// and PostgreSQL (their schemas have the same tables and columns, see each store's
// migrations.cc).
//
// A table's columns are listed in the order its reader reads them and its *_values binds them,
// so that one list serves the SELECT, the INSERT and the upsert of store/sql/queries.h; for the
// row types whose columns are their members, one Field list says all three. Pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "base/text.h"
#include "core/store.h"
#include "datamesh/types.h"
#include "store/sql/row.h"

namespace datamesh::store::sql {

// A column of a row type T that is one member of T: the column's name and the member. A list
// of them says, once, the columns of a table, how a row is read, and what its writes bind.
template <typename T>
struct Field {
  std::string_view column;
  std::variant<std::string T::*, bool T::*, int64_t T::*> member;
  bool bytes = false;  // a std::string member that holds bytes (SQLite blob, PostgreSQL bytea)
};

inline constexpr Field<Account> kAccountFields[] = {
    {"account_id", &Account::account_id},
    {"name", &Account::name},
    {"is_mesh", &Account::is_mesh},
    {"producer_enabled", &Account::producer_enabled},
    {"consumer_enabled", &Account::consumer_enabled},
    {"producer_initialized", &Account::producer_initialized},
    {"consumer_initialized", &Account::consumer_initialized},
    {"creation_date", &Account::creation_date},
};
inline constexpr Field<AccessKeyRow> kAccessKeyFields[] = {
    {"access_key_id", &AccessKeyRow::access_key_id},
    {"account_id", &AccessKeyRow::account_id},
    {"sealed_secret", &AccessKeyRow::sealed_secret, /*bytes=*/true},
    {"status", &AccessKeyRow::status},
    {"creation_date", &AccessKeyRow::creation_date},
    {"revocation_date", &AccessKeyRow::revocation_date},
};
inline constexpr Field<ProductRow> kProductFields[] = {
    {"mesh_database", &ProductRow::mesh_database},
    {"producer_account", &ProductRow::producer_account},
    {"source_database", &ProductRow::source_database},
    {"table_name_regex", &ProductRow::table_name_regex},
    {"domain", &ProductRow::domain},
    {"data_product_name", &ProductRow::data_product_name},
    {"public_metadata", &ProductRow::public_metadata},
    {"sync_schedule", &ProductRow::sync_schedule},
    {"crawler_role_arn", &ProductRow::crawler_role_arn},
    {"link_suffix", &ProductRow::link_suffix},
    {"creation_date", &ProductRow::creation_date},
    {"updated_date", &ProductRow::updated_date},
};
inline constexpr Field<GrantRow> kGrantFields[] = {
    {"principal", &GrantRow::principal},
    {"catalog_id", &GrantRow::catalog_id},
    {"database_name", &GrantRow::database_name},
    {"table_name", &GrantRow::table_name},
    {"permission", &GrantRow::permission},
    {"grantable", &GrantRow::grantable},
    {"subscription_id", &GrantRow::subscription_id},
};
inline constexpr Field<ShareRow> kShareFields[] = {
    {"share_arn", &ShareRow::share_arn},
    {"subscription_id", &ShareRow::subscription_id},
    {"owner_account", &ShareRow::owner_account},
    {"recipient_account", &ShareRow::recipient_account},
    {"status", &ShareRow::status},
    {"creation_date", &ShareRow::creation_date},
};
inline constexpr Field<AuditEvent> kAuditEventFields[] = {
    {"sequence", &AuditEvent::sequence},
    {"event_date", &AuditEvent::event_date},
    {"actor_account", &AuditEvent::actor_account},
    {"actor_principal", &AuditEvent::actor_principal},
    {"action", &AuditEvent::action},
    {"subscription_id", &AuditEvent::subscription_id},
    {"resource", &AuditEvent::resource},
    {"details", &AuditEvent::details_json},
    {"notes", &AuditEvent::notes},
};
inline constexpr Field<ClientTokenRow> kClientTokenFields[] = {
    {"account_id", &ClientTokenRow::account_id},
    {"client_token", &ClientTokenRow::client_token},
    {"method", &ClientTokenRow::method},
    {"request_hash", &ClientTokenRow::request_hash},
    {"answer", &ClientTokenRow::answer},
    {"expires_at", &ClientTokenRow::expires_at},
};

// The column list "a, b, c" of fields.
template <typename T, size_t N>
std::string column_list(const Field<T> (&fields)[N]) {
  std::vector<std::string_view> names;
  for (const Field<T>& field : fields) names.push_back(field.column);
  return base::join(names, ", ");
}

// A row of fields' columns, from column `first` on, read into a T.
template <typename T, size_t N>
T read_fields(const Row& row, const Field<T> (&fields)[N], int first = 0) {
  T value;
  int column = first;
  for (const Field<T>& field : fields) {
    if (auto* text = std::get_if<std::string T::*>(&field.member)) {
      value.*(*text) = field.bytes ? row.bytes(column) : row.text(column);
    } else if (auto* flag = std::get_if<bool T::*>(&field.member)) {
      value.*(*flag) = row.boolean(column);
    } else {
      value.*std::get<int64_t T::*>(field.member) = row.integer(column);
    }
    ++column;
  }
  return value;
}

// Appends the values of fields' members of value to values.
template <typename T, size_t N>
Values& bind_fields(Values& values, const T& value, const Field<T> (&fields)[N]) {
  for (const Field<T>& field : fields) {
    if (auto* text = std::get_if<std::string T::*>(&field.member)) {
      if (field.bytes) {
        values.bytes(value.*(*text));
      } else {
        values.text(value.*(*text));
      }
    } else if (auto* flag = std::get_if<bool T::*>(&field.member)) {
      values.boolean(value.*(*flag));
    } else {
      values.integer(value.*std::get<int64_t T::*>(field.member));
    }
  }
  return values;
}

// The values of fields' members of value, for a write of one row.
template <typename T, size_t N>
Values values_of(const T& value, const Field<T> (&fields)[N]) {
  Values values;
  bind_fields(values, value, fields);
  return values;
}

// A table: its name, its columns in one list ("a, b, c") in the order its reader reads them and
// its writes bind them, and the columns an upsert finds the row to replace by (its primary key;
// "" for a table that is never upserted).
struct SqlTable {
  std::string_view name;
  std::string columns;
  std::string key;
};

inline const SqlTable kAccounts{"accounts", column_list(kAccountFields), "account_id"};
inline const SqlTable kAccessKeys{"access_keys", column_list(kAccessKeyFields), "access_key_id"};
inline const SqlTable kDatabases{
    "databases",
    "catalog_id, name, description, location_uri, parameters, target_catalog, target_database,"
    " create_time",
    "catalog_id, name"};
inline const SqlTable kTables{
    "tables",
    "catalog_id, database_name, name, definition, target_catalog, target_database, target_table,"
    " create_time, update_time, created_by, version_id",
    "catalog_id, database_name, name"};
inline const SqlTable kProducts{"products", column_list(kProductFields), "mesh_database"};
// A grant made for a subscription is a row of its own, beside the same grant made otherwise.
inline const SqlTable kGrants{
    "grants", column_list(kGrantFields),
    "principal, catalog_id, database_name, table_name, permission, subscription_id"};
inline const SqlTable kShares{"shares", column_list(kShareFields), "share_arn"};
// What is never filtered on lives in the JSON document doc (store/sql/documents.h).
inline const SqlTable kSubscriptions{
    "subscriptions", "id, status, database_name, owner, subscriber, version, doc", ""};
inline const SqlTable kAuditEvents{"audit_events", column_list(kAuditEventFields), ""};
inline const SqlTable kClientTokens{"client_tokens", column_list(kClientTokenFields),
                                    "account_id, client_token"};
// The same events with their links in the hash chain.
inline const SqlTable kChainedAuditEvents{
    "audit_events", base::cat(column_list(kAuditEventFields), ", previous_hash, hash"), ""};

// Readers of a row of each table's columns. Stored documents that cannot be read, and unknown
// statuses, are Internal errors naming the row.
absl::StatusOr<Account> read_account(const Row& row);
absl::StatusOr<AccessKeyRow> read_access_key(const Row& row);
// A row of kAccessKeys' columns followed by kAccounts' (all NULL when the account is gone).
absl::StatusOr<AccessKeyWithAccount> read_access_key_with_account(const Row& row);
absl::StatusOr<Database> read_database(const Row& row);
absl::StatusOr<Table> read_table(const Row& row);
absl::StatusOr<ProductRow> read_product(const Row& row);
absl::StatusOr<GrantRow> read_grant(const Row& row);
absl::StatusOr<ShareRow> read_share(const Row& row);
absl::StatusOr<Subscription> read_subscription(const Row& row);
absl::StatusOr<AuditEvent> read_audit_event(const Row& row);
absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Row& row);
absl::StatusOr<ClientTokenRow> read_client_token(const Row& row);

// The values of a row of each table's columns, for its upsert. Errors: those of the document
// encoders (store/sql/documents.h).
Values account_values(const Account& account);
Values access_key_values(const AccessKeyRow& key);
absl::StatusOr<Values> database_values(const Database& database);
absl::StatusOr<Values> table_values(const Table& table);
Values product_values(const ProductRow& product);
Values grant_values(const GrantRow& grant);
Values share_values(const ShareRow& share);
Values chained_audit_event_values(const ChainedAuditEvent& chained);
Values client_token_values(const ClientTokenRow& row);

// $1..$7 of a subscription's INSERT and UPDATE: id, owner, subscriber, status, database_name,
// version, doc (the order the writes of both stores name them in, not the SELECT's).
absl::StatusOr<Values> subscription_values(const Subscription& subscription);

}  // namespace datamesh::store::sql
