// Rows of the PostgreSQL store's tables read into values, and running a query into them.
//
// Each k*Select names the columns in the order its read_* function reads them (the order of
// store/sqlite/rows.h); callers append their WHERE and ORDER BY. Pure functions over a Result;
// thread-safe as far as the Result is.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "store/postgres/connection.h"
#include "core/store.h"

namespace datamesh::store::postgres {

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

inline constexpr std::string_view kShareSelect =
    "SELECT share_arn, subscription_id, owner_account, recipient_account, status,"
    " creation_date FROM shares";

inline constexpr std::string_view kSubscriptionSelect =
    "SELECT id, status, database_name, owner, subscriber, version, doc FROM subscriptions";

inline constexpr std::string_view kAuditSelect =
    "SELECT sequence, event_date, actor_account, actor_principal, action, subscription_id,"
    " resource, details, notes FROM audit_events";

inline constexpr std::string_view kAuditChainSelect =
    "SELECT sequence, event_date, actor_account, actor_principal, action, subscription_id,"
    " resource, details, notes, previous_hash, hash FROM audit_events";

// Stored documents that cannot be read, and unknown statuses, are Internal errors naming the row.
absl::StatusOr<Account> read_account(const Result& result, int row);
absl::StatusOr<AccessKeyRow> read_access_key(const Result& result, int row);
absl::StatusOr<Database> read_database(const Result& result, int row);
absl::StatusOr<Table> read_table(const Result& result, int row);
absl::StatusOr<ProductRow> read_product(const Result& result, int row);
absl::StatusOr<GrantRow> read_grant(const Result& result, int row);
absl::StatusOr<ShareRow> read_share(const Result& result, int row);
absl::StatusOr<Subscription> read_subscription(const Result& result, int row);
absl::StatusOr<AuditEvent> read_audit_event(const Result& result, int row);
// A row of kAuditChainSelect.
absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Result& result, int row);

// The value a row reader (const Result&, int → StatusOr<Row>) reads: Row.
template <typename ReadRow>
using RowOf = typename std::invoke_result_t<ReadRow, const Result&, int>::value_type;

// Every row of result, read with read_row.
template <typename ReadRow>
absl::StatusOr<std::vector<RowOf<ReadRow>>> read_all(const Result& result, ReadRow read_row) {
  std::vector<RowOf<ReadRow>> rows;
  rows.reserve(result.rows());
  for (int i = 0; i < result.rows(); ++i) {
    auto row = read_row(result, i);
    if (!row.ok()) return row.status();
    rows.push_back(*std::move(row));
  }
  return rows;
}

// The first row of result, if any.
template <typename ReadRow>
absl::StatusOr<std::optional<RowOf<ReadRow>>> read_optional(const Result& result,
                                                            ReadRow read_row) {
  if (result.rows() == 0) return std::nullopt;
  auto row = read_row(result, 0);
  if (!row.ok()) return row.status();
  return *std::move(row);
}

}  // namespace datamesh::store::postgres
