// Every statement the SQL stores run for the store port, built once from a small description of
// the store's SQL dialect. Both stores' schemas have the same tables (store/sql/rows.h), so the
// statements differ only where the dialect does: how a parameter is written ($1 or ?1), how a
// boolean column is tested, and how a subscription's table list is compared with its index.
//
// The statements a store writes in its own SQL (PostgreSQL's writes that refuse through
// datamesh_refuse, SQLite's checks of the rows a write changed) stay with the store.
//
// Every value is a parameter: the text of a statement never holds a user's value, so it can be
// prepared once per connection. Immutable once built; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/store.h"
#include "store/sql/rows.h"

namespace datamesh::store::sql {

struct Dialect {
  // The mark before a parameter's 1-based position: '$' ($1, PostgreSQL) or '?' (?1, SQLite).
  char parameter_mark = '$';
  // Appended to a boolean column to test that it is true, as the column's partial index states
  // it: "" (a PostgreSQL boolean) or " = 1" (SQLite keeps 0 or 1).
  std::string_view is_true;
  // The condition of find_live_duplicates that compares a subscription's table list with $3
  // (the list as JSON text), spelled as the schema's request index is, so that it is used.
  std::string_view same_table_names;
  // The condition of existing_tables that a table's name is one of $3 (a JSON array of
  // strings), read as rows by the dialect's JSON function.
  std::string_view name_in_json_list;
};

// SELECT of the table's columns, in their order: the callers append WHERE and ORDER BY.
std::string select_columns(const SqlTable& table);
// The table's columns, each qualified by alias ("k.a, k.b"), for a join.
std::string qualified_columns(const SqlTable& table, std::string_view alias);
// INSERT of a row of the table's columns ($1, $2, ... in their order) that replaces the row with
// the same key.
std::string upsert(const SqlTable& table);
// sql, written with $1, $2, ..., with the dialect's parameter marks.
std::string in_dialect(std::string_view sql, const Dialect& dialect);

// A listing query with a name, for the tests that check each one can read an index.
struct ListingQuery {
  std::string name;
  std::string sql;
};

// The statements, in the dialect they were built for. The comment of each names its parameters.
struct Queries {
  explicit Queries(const Dialect& dialect);

  // list_subscriptions for a filter; `after` says whether a seq bound is included. Only fixed
  // fragments are chosen by the filter; its values are parameters, in this order, for the
  // conditions present: owner, subscriber, status, database_name, after_seq; then the limit.
  std::string subscription_listing(const SubscriptionFilter& filter, bool after) const;
  // Every query that lists rows, by an index: the paged listings and the lookups by a key
  // prefix (the subscription listings for a range of filters).
  std::vector<ListingQuery> listing_queries() const;

  Dialect dialect;
  std::string get_account;                    // account_id
  std::string get_mesh_account;               // -
  std::string put_account;                    // account_values
  std::string list_accounts;                  // -
  std::string get_access_key;                 // access_key_id
  std::string get_access_key_with_account;    // access_key_id
  std::string put_access_key;                 // access_key_values
  std::string list_access_keys;               // account_id
  std::string get_database;                   // catalog_id, name
  std::string put_database;                   // database_values
  std::string delete_database_tables;         // catalog_id, database name
  std::string delete_database;                // catalog_id, name
  std::string list_databases;                 // catalog_id, after, limit
  std::string get_table;                      // catalog_id, database_name, name
  std::string has_table;                      // catalog_id, database_name, name
  std::string existing_tables;                // catalog_id, database_name, names (JSON)
  std::string put_table;                      // table_values
  std::string delete_table;                   // catalog_id, database_name, name
  std::string list_tables;                    // catalog_id, database_name, after, limit
  std::string list_table_names;               // catalog_id, database_name
  std::string list_table_names_page;          // catalog_id, database_name, after, limit
  std::string get_product;                    // mesh_database
  std::string put_product;                    // product_values
  std::string list_products;                  // after, producer_account, domain, limit
  std::string list_public_products;           // the same, public metadata only
  std::string put_grant;                      // grant_values
  std::string delete_subscription_grants;     // subscription_id
  std::string list_subscription_grants;       // subscription_id
  std::string find_grants;                    // principal, catalog_id, database_name, table_name
  std::string grant_version;                  // principal
  std::string principal_grants;               // principal, limit
  std::string list_database_grants;           // catalog_id, database_name
  std::string delete_grant;                   // principal, catalog, database, table, permission,
                                              // subscription_id
  std::string put_share;                      // share_values
  std::string list_subscription_shares;       // subscription_id
  std::string get_subscription;               // id
  std::string subscription_seq;               // id
  std::string find_live_duplicates;           // subscriber, database_name, table_names as JSON
  std::string count_subscriptions_by_status;  // -
  std::string chain_head;                     // - (sequence, hash)
  std::string audit_chain;                    // after sequence, limit
  std::string audit_all;                      // after sequence, limit
  std::string audit_of_subscription;          // subscription_id, after sequence, limit
  std::string get_client_token;               // account_id, client_token
  std::string put_client_token;               // client_token_values
  std::string delete_expired_client_tokens;   // now, limit
};

}  // namespace datamesh::store::sql
