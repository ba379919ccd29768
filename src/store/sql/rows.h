// The tables of the SQL stores as the store port's row types see them: each table's columns,
// the reader of a row into its value, and the values a write binds, written once for SQLite
// and PostgreSQL (their schemas have the same tables and columns, see each store's
// migrations.cc).
//
// A table's columns are listed in the order its reader reads them and its *_values binds them,
// so that one list serves the SELECT, the INSERT and the upsert of store/sql/queries.h. Pure
// functions; thread-safe.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "core/store.h"
#include "datamesh/types.h"
#include "store/sql/row.h"

namespace datamesh::store::sql {

// A table: its name, its columns in one list ("a, b, c"), and the columns an upsert finds the
// row to replace by (its primary key; "" for a table that is never upserted).
struct SqlTable {
  std::string_view name;
  std::string_view columns;
  std::string_view key;
};

inline constexpr SqlTable kAccounts{
    .name = "accounts",
    .columns =
        "account_id, name, is_mesh, producer_enabled, consumer_enabled,"
        " producer_initialized, consumer_initialized, creation_date",
    .key = "account_id"};
inline constexpr SqlTable kAccessKeys{
    .name = "access_keys",
    .columns = "access_key_id, account_id, sealed_secret, status, creation_date, revocation_date",
    .key = "access_key_id"};
inline constexpr SqlTable kDatabases{
    .name = "databases",
    .columns =
        "catalog_id, name, description, location_uri, parameters, target_catalog,"
        " target_database, create_time",
    .key = "catalog_id, name"};
inline constexpr SqlTable kTables{
    .name = "tables",
    .columns =
        "catalog_id, database_name, name, definition, target_catalog, target_database,"
        " target_table, create_time, update_time, created_by, version_id",
    .key = "catalog_id, database_name, name"};
inline constexpr SqlTable kProducts{
    .name = "products",
    .columns =
        "mesh_database, producer_account, source_database, table_name_regex, domain,"
        " data_product_name, public_metadata, sync_schedule, crawler_role_arn,"
        " link_suffix, creation_date, updated_date",
    .key = "mesh_database"};
// A grant made for a subscription is a row of its own, beside the same grant made otherwise.
inline constexpr SqlTable kGrants{
    .name = "grants",
    .columns =
        "principal, catalog_id, database_name, table_name, permission, grantable,"
        " subscription_id",
    .key = "principal, catalog_id, database_name, table_name, permission, subscription_id"};
inline constexpr SqlTable kShares{
    .name = "shares",
    .columns =
        "share_arn, subscription_id, owner_account, recipient_account, status,"
        " creation_date",
    .key = "share_arn"};
// What is never filtered on lives in the JSON document doc (store/sql/documents.h).
inline constexpr SqlTable kSubscriptions{
    .name = "subscriptions",
    .columns = "id, status, database_name, owner, subscriber, version, doc",
    .key = ""};
inline constexpr SqlTable kAuditEvents{
    .name = "audit_events",
    .columns =
        "sequence, event_date, actor_account, actor_principal, action, subscription_id,"
        " resource, details, notes",
    .key = ""};
// The same events with their links in the hash chain.
inline constexpr SqlTable kChainedAuditEvents{
    .name = "audit_events",
    .columns =
        "sequence, event_date, actor_account, actor_principal, action, subscription_id,"
        " resource, details, notes, previous_hash, hash",
    .key = ""};

// Readers of a row of each table's columns. Stored documents that cannot be read, and unknown
// statuses, are Internal errors naming the row.
absl::StatusOr<Account> read_account(const Row& row);
absl::StatusOr<AccessKeyRow> read_access_key(const Row& row);
absl::StatusOr<Database> read_database(const Row& row);
absl::StatusOr<Table> read_table(const Row& row);
absl::StatusOr<ProductRow> read_product(const Row& row);
absl::StatusOr<GrantRow> read_grant(const Row& row);
absl::StatusOr<ShareRow> read_share(const Row& row);
absl::StatusOr<Subscription> read_subscription(const Row& row);
absl::StatusOr<AuditEvent> read_audit_event(const Row& row);
absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Row& row);

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

// $1..$7 of a subscription's INSERT and UPDATE: id, owner, subscriber, status, database_name,
// version, doc (the order the writes of both stores name them in, not the SELECT's).
absl::StatusOr<Values> subscription_values(const Subscription& subscription);

}  // namespace datamesh::store::sql
