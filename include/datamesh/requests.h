// The request of every API method: one struct per set of parameters, fields named as the
// documents' parameters (snake_case, as on the wire and, with dashes, on the command line).
//
// The method declarations (src/api/methods.h) name each method's request type; the engine takes
// these structs as they are, the JSON forms and the CLI options are derived from their field
// lists (src/api/request_fields.h). The client classes' positional methods (producer.h, ...)
// forward to them. Defaults here are the documents' defaults. Plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "datamesh/types.h"

namespace datamesh {

// Methods without parameters (list_accounts, verify_audit, initialize_*_account).
struct EmptyRequest {};

// How a write is made, beside its request: the client classes' second form of every write,
// e.g. producer.approve_access_request(request, {.client_token = token}).
struct WriteOptions {
  // Makes the write act once (AWS's ClientToken; docs/SECURITY.md, "Writes act once"): sent
  // again with the same token and the same request within 24 hours, by this account, it answers
  // what the first call answered and changes nothing; with another request it is
  // InvalidArgument. 1 to 64 printable ASCII characters; empty: no token of the caller's (a
  // remote client still makes one for its own retries of the call). Give one to send a write
  // again safely after an error that leaves its outcome unknown (DeadlineExceeded,
  // Unavailable).
  std::string client_token;
};

// --- admin -------------------------------------------------------------------------------------

struct InitializeMeshAccountRequest {
  std::string mesh_name = "mesh";
};

struct CreateAccountRequest {
  std::string account_name;
  std::string account_id;  // empty = generate one
};

// enable_account_as_*, describe_account, create_access_key, list_access_keys.
struct AccountIdRequest {
  std::string account_id;
};

// rotate_access_key, revoke_access_key.
struct AccessKeyRequest {
  std::string key_id;
};

// verify_audit: optionally, a head an earlier verification reported (HeadSequence, HeadHash),
// kept outside the mesh. Its event must still be in the log with that hash: a log cut back to
// before it and then written on would otherwise verify as intact.
struct VerifyAuditRequest {
  int recorded_head_sequence = 0;  // 0 = none
  std::string recorded_head_hash;      // 64 hex digits, with recorded_head_sequence
};

// admin list_subscriptions: every subscription of the mesh, every filter optional.
struct ListMeshSubscriptionsRequest {
  // Pending, Active, Denied and/or Deleted; empty = every status but Deleted.
  std::vector<std::string> status;
  std::string database_name;        // one product: its mesh database
  std::string producer_account_id;  // one producer's products
  std::string consumer_account_id;  // one subscriber
  PageRequest page;
};

struct ListAuditEventsRequest {
  std::string subscription_id;  // empty = every event
  PageRequest page;
  // Method names (approve_access_request, ...); empty = every action.
  std::vector<std::string> action;
  std::string actor_account_id;  // the account that acted; empty = any
  // UTC, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS": events from `since` included to `until`
  // excluded; empty = no bound.
  std::string since;
  std::string until;
};

// admin reconcile: a dry run unless `apply`.
struct ReconcileRequest {
  bool apply = false;  // repair the drift found (grant what is missing, revoke what is stray)
};

// --- catalog -----------------------------------------------------------------------------------

struct CreateDatabaseRequest {
  DatabaseInput database_input;
};

// get_database, delete_database.
struct DatabaseNameRequest {
  std::string name;
};

// create_table, update_table.
struct TableInputRequest {
  std::string database_name;
  TableInput table_input;
};

// get_table, delete_table.
struct TableNameRequest {
  std::string database_name;
  std::string name;
};

struct GetTablesRequest {
  std::string database_name;
  std::string expression;  // full-match regular expression; empty = every table
  PageRequest page;
};

struct ImportTablesRequest {
  std::string database_name;
  std::string get_tables_json;  // what `aws glue get-tables` prints
};

// The answer of import_tables: the database and the names of the tables imported.
struct ImportedTables {
  std::string database_name;
  std::vector<std::string> tables;
};

// --- producer ----------------------------------------------------------------------------------

// The optional parameters of create_data_products, as the producer's positional method takes
// them.
struct CreateDataProductsOptions {
  bool create_public_metadata = true;
  std::string table_name_regex;  // empty = every table of the source database
  std::string domain;
  std::string data_product_name;
  std::string sync_mesh_catalog_schedule;  // Glue cron, e.g. "cron(0 */4 * * ? *)"
  std::string sync_mesh_crawler_role_arn;
  std::string expose_data_mesh_db_name;  // empty = "<source database>-<producer account>"
  std::string expose_table_references_with_suffix = "_link";
  // Not a parameter on the wire: told on the calling thread, now and then, the number of tables
  // published so far and the number to publish (the last call has done == total). Only an
  // embedded endpoint reports progress; a call to a server reports none. May be empty.
  std::function<void(uint64_t done, uint64_t total)> on_progress;
};

// On the wire the options' keys sit beside source_database_name (one flat object).
struct CreateDataProductsRequest {
  std::string source_database_name;
  CreateDataProductsOptions options;
};

// get_databases, list_pending_access_requests.
struct PagedRequest {
  PageRequest page;
};

// list_product_access: the calling consumer's subscriptions.
struct ListProductAccessRequest {
  // Pending, Active, Denied and/or Deleted; empty = every status but Deleted. Deleted shows the
  // subscriptions the consumer left and those the producer revoked, with the reason in Notes.
  std::vector<std::string> status;
  PageRequest page;
};

// list_subscriptions: the calling producer's subscriptions, every filter optional.
struct ListSubscriptionsRequest {
  // Pending, Active, Denied and/or Deleted; empty = every status but Deleted.
  std::vector<std::string> status;
  std::string database_name;        // one product: its mesh database, or its source database
  std::string consumer_account_id;  // one subscriber
  PageRequest page;
};

// How a producer approves, as its positional approve_access_request takes it.
struct ApproveOptions {
  // nullopt = grant what was requested. Must be a subset of what was requested.
  std::optional<std::vector<std::string>> grant_permissions;
  // nullopt = every granted permission is grantable; {} = none.
  std::optional<std::vector<std::string>> grantable_permissions;
  std::string decision_notes;
};

// On the wire the options' keys sit beside the subscription id (one flat object).
struct ApproveAccessRequestRequest {
  std::string request_id;
  ApproveOptions options;
};

struct DenyAccessRequestRequest {
  std::string request_id;
  std::string decision_notes;
};

struct UpdateSubscriptionPermissionsRequest {
  std::string subscription_id;
  std::vector<std::string> grant_permissions;
  // nullopt = keep the currently grantable permissions that are still granted.
  std::optional<std::vector<std::string>> grantable_permissions;
  std::string notes;
};

struct GetDataProductRequest {
  std::string database_name;  // the mesh database, or the source database name
  std::string table_name_regex = ".*";
};

// --- both sides of a subscription --------------------------------------------------------------

struct GetSubscriptionRequest {
  std::string request_id;
};

// get_subscription_grants, finalize_subscription.
struct SubscriptionIdRequest {
  std::string subscription_id;
};

struct DeleteSubscriptionRequest {
  std::string subscription_id;
  std::string reason;
};

struct GetSubscriptionHistoryRequest {
  std::string subscription_id;
  PageRequest page;
};

// --- consumer ----------------------------------------------------------------------------------

struct RequestAccessToProductRequest {
  std::string owner_account_id;
  std::string database_name;
  std::vector<std::string> request_permissions;
  // nullopt = the whole database; else table names or full-match patterns, resolved now.
  std::optional<std::vector<std::string>> tables;
};

// A table of a published data product: its mesh database (as list_data_products names it) and
// the table's name.
struct PublishedTableRequest {
  std::string database_name;
  std::string table_name;
};

struct GetTableInfoRequest {
  std::string database_name;
  std::string table_name;
};

// Filters of the published products a consumer browses; empty = any.
struct ListDataProductsRequest {
  std::string domain;            // only products with this domain tag (and public metadata)
  std::string owner_account_id;  // only this producer's products
  PageRequest page;
};

struct CheckPermissionRequest {
  std::string database_name;
  std::string table_name;  // empty = the database
  std::string permission;
};

}  // namespace datamesh
