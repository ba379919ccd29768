// Rows of the SQLite store's tables read into values, and running a query into them.
//
// Each k*Select names the columns, in the order its read_* function reads them; callers append
// their WHERE and ORDER BY. Pure functions over a Statement; thread-safe as far as the
// Statement is.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "store/sqlite/statements.h"
#include "core/store.h"

namespace datamesh::store::sqlite {

inline constexpr std::string_view kAccountSelect =
    "SELECT account_id, name, is_mesh, producer_enabled, consumer_enabled, producer_initialized,"
    " consumer_initialized, creation_date FROM accounts";

inline constexpr std::string_view kAccessKeySelect =
    "SELECT access_key_id, account_id, sealed_secret, status, creation_date, revocation_date"
    " FROM access_keys";

inline constexpr std::string_view kDatabaseSelect =
    "SELECT catalog_id, name, description, location_uri, parameters, target_catalog,"
    " target_database, create_time FROM databases";

inline constexpr std::string_view kTableSelect =
    "SELECT catalog_id, database_name, name, definition, target_catalog, target_database,"
    " target_table, create_time, update_time, created_by, version_id FROM tables";

inline constexpr std::string_view kProductSelect =
    "SELECT mesh_database, producer_account, source_database, table_name_regex, domain,"
    " data_product_name, public_metadata, sync_schedule, crawler_role_arn, link_suffix,"
    " creation_date, updated_date FROM products";

inline constexpr std::string_view kGrantSelect =
    "SELECT principal, catalog_id, database_name, table_name, permission, grantable,"
    " subscription_id FROM grants";

inline constexpr std::string_view kSubscriptionSelect =
    "SELECT id, status, database_name, owner, subscriber, version, doc FROM subscriptions";

inline constexpr std::string_view kAuditSelect =
    "SELECT sequence, event_date, actor_account, actor_principal, action, subscription_id,"
    " resource, details, notes FROM audit_events";
inline constexpr std::string_view kAuditChainSelect =
    "SELECT sequence, event_date, actor_account, actor_principal, action, subscription_id,"
    " resource, details, notes, previous_hash, hash FROM audit_events";

// Stored documents that cannot be read, and unknown statuses, are Internal errors naming the row.
absl::StatusOr<Account> read_account(const Statement& row);
absl::StatusOr<AccessKeyRow> read_access_key(const Statement& row);
absl::StatusOr<Database> read_database(const Statement& row);
absl::StatusOr<Table> read_table(const Statement& row);
absl::StatusOr<ProductRow> read_product(const Statement& row);
absl::StatusOr<GrantRow> read_grant(const Statement& row);
absl::StatusOr<ShareRow> read_share(const Statement& row);
absl::StatusOr<Subscription> read_subscription(const Statement& row);
absl::StatusOr<AuditEvent> read_audit_event(const Statement& row);
// A row of kAuditChainSelect.
absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Statement& row);

// InvalidArgument for a page limit below 1 (SQLite would take a negative LIMIT as no limit).
absl::Status check_limit(const Page& page);

// The value a row reader (const Statement& → StatusOr<Row>) reads: Row.
template <typename ReadRow>
using RowOf = typename std::invoke_result_t<ReadRow, const Statement&>::value_type;

// Runs statement and reads every row with read_row (const Statement& → StatusOr<Row>).
template <typename ReadRow>
absl::StatusOr<std::vector<RowOf<ReadRow>>> read_all(Statement& statement, ReadRow read_row) {
  std::vector<RowOf<ReadRow>> rows;
  while (true) {
    absl::StatusOr<bool> has_row = statement.step();
    if (!has_row.ok()) return has_row.status();
    if (!*has_row) return rows;
    auto row = read_row(statement);
    if (!row.ok()) return row.status();
    rows.push_back(*std::move(row));
  }
}

// Runs statement and reads its first row, if any.
template <typename ReadRow>
absl::StatusOr<std::optional<RowOf<ReadRow>>> read_optional(Statement& statement,
                                                            ReadRow read_row) {
  absl::StatusOr<bool> has_row = statement.step();
  if (!has_row.ok()) return has_row.status();
  if (!*has_row) return std::nullopt;
  auto row = read_row(statement);
  if (!row.ok()) return row.status();
  return *std::move(row);
}

}  // namespace datamesh::store::sqlite
