#include "store/sql/queries.h"

#include <algorithm>
#include <cctype>

#include "base/text.h"

namespace datamesh::store::sql {

using base::cat;

namespace {

// The names of a column list "a, b, c".
std::vector<std::string_view> names(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    while (name.starts_with(' ')) name.remove_prefix(1);
    out.push_back(name);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return out;
}

}  // namespace

std::string select_columns(const SqlTable& table) {
  return cat("SELECT ", table.columns, " FROM ", table.name);
}

std::string qualified_columns(const SqlTable& table, std::string_view alias) {
  std::vector<std::string> qualified;
  for (std::string_view column : names(table.columns)) {
    qualified.push_back(cat(alias, ".", column));
  }
  return base::join(qualified, ", ");
}

std::string upsert(const SqlTable& table) {
  const std::vector<std::string_view> key = names(table.key);
  std::vector<std::string> parameters;
  std::vector<std::string> updates;
  for (std::string_view column : names(table.columns)) {
    parameters.push_back(cat("$", parameters.size() + 1));
    if (std::find(key.begin(), key.end(), column) == key.end()) {
      updates.push_back(cat(column, " = excluded.", column));
    }
  }
  return cat("INSERT INTO ", table.name, " (", table.columns, ") VALUES (",
             base::join(parameters, ", "), ") ON CONFLICT (", table.key, ") DO UPDATE SET ",
             base::join(updates, ", "));
}

std::string in_dialect(std::string_view sql, const Dialect& dialect) {
  std::string out(sql);
  if (dialect.parameter_mark == '$') return out;
  // Only a $ before a digit is a parameter: '$.table_names' is a JSON path.
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1]))) {
      out[i] = dialect.parameter_mark;
    }
  }
  return out;
}

Queries::Queries(const Dialect& dialect_) : dialect(dialect_) {
  const auto sql = [&](auto&&... parts) { return in_dialect(cat(parts...), dialect); };
  const std::string accounts = select_columns(kAccounts);
  const std::string access_keys = select_columns(kAccessKeys);
  const std::string databases = select_columns(kDatabases);
  const std::string tables = select_columns(kTables);
  const std::string grants = select_columns(kGrants);
  const std::string subscriptions = select_columns(kSubscriptions);
  const std::string audit_events = select_columns(kAuditEvents);

  get_account = sql(accounts, " WHERE account_id = $1");
  get_mesh_account =
      sql(accounts, " WHERE is_mesh", dialect.is_true, " ORDER BY account_id LIMIT 1");
  put_account = sql(upsert(kAccounts));
  list_accounts = sql(accounts, " ORDER BY account_id");
  get_access_key = sql(access_keys, " WHERE access_key_id = $1");
  // The key's columns, then its account's (NULL when the account is gone), as
  // read_access_key_with_account reads them.
  get_access_key_with_account =
      sql("SELECT ", qualified_columns(kAccessKeys, "k"), ", ", qualified_columns(kAccounts, "a"),
          " FROM access_keys k LEFT JOIN accounts a ON a.account_id = k.account_id",
          " WHERE k.access_key_id = $1");
  put_access_key = sql(upsert(kAccessKeys));
  list_access_keys =
      sql(access_keys, " WHERE account_id = $1 ORDER BY creation_date, access_key_id");

  get_database = sql(databases, " WHERE catalog_id = $1 AND name = $2");
  put_database = sql(upsert(kDatabases));
  delete_database_tables = sql("DELETE FROM tables WHERE catalog_id = $1 AND database_name = $2");
  delete_database = sql("DELETE FROM databases WHERE catalog_id = $1 AND name = $2");
  list_databases = sql(databases, " WHERE catalog_id = $1 AND name > $2 ORDER BY name LIMIT $3");
  get_table = sql(tables, " WHERE catalog_id = $1 AND database_name = $2 AND name = $3");
  has_table =
      sql("SELECT 1 FROM tables WHERE catalog_id = $1 AND database_name = $2 AND name = $3");
  existing_tables = sql("SELECT name FROM tables WHERE catalog_id = $1 AND database_name = $2",
                        " AND ", dialect.name_in_json_list);
  put_table = sql(upsert(kTables));
  delete_table =
      sql("DELETE FROM tables WHERE catalog_id = $1 AND database_name = $2 AND name = $3");
  list_tables = sql(tables,
                    " WHERE catalog_id = $1 AND database_name = $2 AND name > $3 ORDER BY name"
                    " LIMIT $4");
  list_table_names =
      sql("SELECT name FROM tables WHERE catalog_id = $1 AND database_name = $2 ORDER BY name");
  list_table_names_page =
      sql("SELECT name FROM tables WHERE catalog_id = $1 AND database_name = $2 AND name > $3"
          " ORDER BY name LIMIT $4");

  get_product = sql(select_columns(kProducts), " WHERE mesh_database = $1");
  put_product = sql(upsert(kProducts));
  const std::string products_after =
      cat(select_columns(kProducts),
          " WHERE mesh_database > $1 AND ($2 = '' OR producer_account = $2)"
          " AND ($3 = '' OR domain = $3)");
  list_products = sql(products_after, " ORDER BY mesh_database LIMIT $4");
  list_public_products =
      sql(products_after, " AND public_metadata", dialect.is_true,
          " ORDER BY mesh_database LIMIT $4");

  put_grant = sql(upsert(kGrants));
  delete_subscription_grants = sql("DELETE FROM grants WHERE subscription_id = $1");
  list_subscription_grants =
      sql(grants,
          " WHERE subscription_id = $1"
          " ORDER BY principal, catalog_id, database_name, table_name, permission");
  // A probe of the primary key per arm: SQLite runs an IN list through an ephemeral table of its
  // values (10.5 µs against 8.5 for arms, p50 of 100,000 lookups in a table of 2M grants). "*"
  // for a named table, then the table itself ($4, which "" makes the database): see
  // grant_answers(). The engine's reading of the rows does not depend on their order
  // (core/grants.h); the arms come in the key's order all the same.
  const std::string grants_of_database =
      cat(grants, " WHERE principal = $1 AND catalog_id = $2 AND database_name = $3");
  find_grants = sql(grants_of_database, " AND table_name = '*' AND $4 <> '' AND $4 <> '*'",
                    " UNION ALL ", grants_of_database, " AND table_name = $4");
  // The grant cache's two reads (store/sql/grant_cache.h): the version of a principal's grants,
  // and those grants, in the primary key's order.
  grant_version = sql("SELECT version FROM grant_versions WHERE principal = $1");
  principal_grants = sql(grants,
                         " WHERE principal = $1 ORDER BY catalog_id, database_name, table_name,"
                         " permission, subscription_id LIMIT $2");
  // A scan of the grants (admin reconcile only): no index leads with the database.
  list_database_grants = sql(grants,
                             " WHERE catalog_id = $1 AND database_name = $2"
                             " ORDER BY principal, table_name, permission, subscription_id");
  delete_grant = sql(
      "DELETE FROM grants WHERE principal = $1 AND catalog_id = $2 AND database_name = $3"
      " AND table_name = $4 AND permission = $5 AND subscription_id = $6");
  put_share = sql(upsert(kShares));
  list_subscription_shares =
      sql(select_columns(kShares), " WHERE subscription_id = $1 ORDER BY creation_date, share_arn");

  get_subscription = sql(subscriptions, " WHERE id = $1");
  subscription_seq = sql("SELECT seq FROM subscriptions WHERE id = $1");
  // The status condition is the live request index's.
  find_live_duplicates =
      sql(subscriptions, " WHERE subscriber = $1 AND database_name = $2 AND ",
          dialect.same_table_names, " AND status IN ('Pending', 'Active') ORDER BY seq");
  count_subscriptions_by_status = sql("SELECT status, count(*) FROM subscriptions GROUP BY status");

  chain_head = sql("SELECT sequence, hash FROM audit_chain_head WHERE id = 1");
  audit_chain =
      sql(select_columns(kChainedAuditEvents), " WHERE sequence > $1 ORDER BY sequence LIMIT $2");
  audit_all = sql(audit_events, " WHERE sequence > $1 ORDER BY sequence LIMIT $2");
  audit_of_subscription =
      sql(audit_events, " WHERE subscription_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3");

  get_client_token =
      sql(select_columns(kClientTokens), " WHERE account_id = $1 AND client_token = $2");
  put_client_token = sql(upsert(kClientTokens));
  // Oldest first by the expiry index, a bounded number per write.
  delete_expired_client_tokens =
      sql("DELETE FROM client_tokens WHERE (account_id, client_token) IN (SELECT account_id,"
          " client_token FROM client_tokens WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)");
}

std::string Queries::subscription_listing(const SubscriptionFilter& filter, bool after) const {
  std::vector<std::string> conditions;
  int next = 1;
  if (filter.owner) conditions.push_back(cat("owner = $", next++));
  if (filter.subscriber) conditions.push_back(cat("subscriber = $", next++));
  if (filter.status) {
    conditions.push_back(cat("status = $", next++));
  } else if (!filter.include_deleted) {
    // IN over the three other values keeps (owner, status, seq) usable, unlike <>.
    conditions.push_back("status IN ('Pending', 'Active', 'Denied')");
  }
  if (filter.database_name) conditions.push_back(cat("database_name = $", next++));
  if (after) conditions.push_back(cat("seq > $", next++));
  std::string sql = select_columns(kSubscriptions);
  if (!conditions.empty()) sql += cat(" WHERE ", base::join(conditions, " AND "));
  sql += cat(" ORDER BY seq LIMIT $", next);
  return in_dialect(sql, dialect);
}

std::vector<ListingQuery> Queries::listing_queries() const {
  std::vector<ListingQuery> queries = {
      {"list_access_keys", list_access_keys},
      {"list_databases", list_databases},
      {"list_products", list_products},
      {"list_tables", list_tables},
      {"list_table_names_page", list_table_names_page},
      {"existing_tables", existing_tables},
      {"list_subscription_grants", list_subscription_grants},
      {"find_grants", find_grants},
      {"principal_grants", principal_grants},
      {"list_subscription_shares", list_subscription_shares},
      {"find_live_duplicates", find_live_duplicates},
      {"list_audit_chain", audit_chain},
      {"list_audit_events(all)", audit_all},
      {"list_audit_events(subscription)", audit_of_subscription},
  };
  const SubscriptionFilter filters[] = {
      {.owner = "o", .status = SubscriptionStatus::kPending},
      {.owner = "o"},
      {.owner = "o", .include_deleted = true},
      {.subscriber = "s"},
      {.subscriber = "s", .status = SubscriptionStatus::kActive, .database_name = "d"},
      {.subscriber = "s", .database_name = "d"},
      {.subscriber = "s", .include_deleted = true},
      {.subscriber = "s", .status = SubscriptionStatus::kDeleted},
      // The mesh admin's (admin list_subscriptions), read by seq from the first page.
      {},
      {.status = SubscriptionStatus::kActive},
      {.include_deleted = true, .database_name = "d"},
      {.status = SubscriptionStatus::kActive, .database_name = "d"},
  };
  for (const SubscriptionFilter& filter : filters) {
    for (bool after : {false, true}) {
      const bool mesh_wide = !filter.owner && !filter.subscriber;
      if (mesh_wide && !after) continue;  // read by seq from the first page on
      queries.push_back(
          {cat("list_subscriptions(",
               filter.owner ? "owner" : filter.subscriber ? "subscriber" : "mesh",
               filter.status ? "+status" : "", filter.database_name ? "+database" : "",
               filter.include_deleted ? "+deleted" : "", after ? ", next page" : ", first page",
               ")"),
           subscription_listing(filter, after)});
    }
  }
  return queries;
}

}  // namespace datamesh::store::sql
