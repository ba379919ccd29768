// Result and request values of the datamesh API.
//
// Field names follow the Producer and Consumer documents; datamesh/json.h turns each value into
// the documents' JSON keys (SubscriptionId, RequestedGrants, ...). Plain values; no
// thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "datamesh/catalog_types.h"

namespace datamesh {

// Access key credentials of one account, in the documents' credentials shape.
struct Credentials {
  std::string account_id;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // accepted for compatibility; unused by self-hosted modes
};

// What initialize_mesh_account and create_account print once: the new account and its key.
struct AccountCredentials {
  std::string account_id;
  std::string account_name;
  std::string access_key_id;
  std::string secret_access_key;
};

struct Account {
  std::string account_id;
  std::string name;
  bool is_mesh = false;
  bool producer_enabled = false;      // set by the mesh admin (enable_account_as_producer)
  bool consumer_enabled = false;      // set by the mesh admin (enable_account_as_consumer)
  bool producer_initialized = false;  // set by the account (initialize_producer_account)
  bool consumer_initialized = false;  // set by the account (initialize_consumer_account)
  std::string creation_date;

  friend bool operator==(const Account&, const Account&) = default;
};

struct AccessKey {
  std::string access_key_id;
  std::string account_id;
  std::string status;  // "Active" or "Revoked"
  std::string creation_date;
  std::string revocation_date;
};

// Who the caller is (get_caller_identity, like STS GetCallerIdentity): the account behind the
// access key that signed the call, its roles as the mesh knows them now, and the mesh.
struct CallerIdentity {
  std::string account_id;
  std::string account_name;
  bool is_mesh_admin = false;  // the caller is the mesh account
  bool producer_enabled = false;
  bool consumer_enabled = false;
  bool producer_initialized = false;
  bool consumer_initialized = false;
  std::string access_key_id;  // the key that signed the call
  std::string data_mesh_account_id;
  std::string region_name;
};

// Where a reader outside datamesh follows the subscriptions' changes (get_endpoints, the
// original's SubscriberTracker.get_endpoints): in AWS mode the ARNs of the tracker table and of
// its DynamoDB stream (NEW_AND_OLD_IMAGES), both in the mesh account; empty for a mesh file or a
// server, which keep subscriptions in their own database (read the audit log instead).
struct TrackerEndpoints {
  std::string table;
  std::string stream;
};

// What initialize_producer_account / initialize_consumer_account return: the principals the
// account acts through, as the reference's (role, user, group) ARNs.
struct AccountRole {
  std::string role_arn;
  std::string user_arn;
  std::string group_arn;
};

// Status strings are exactly Pending, Active, Denied, Deleted.
enum class SubscriptionStatus { kPending, kActive, kDenied, kDeleted };

struct Subscription {
  std::string subscription_id;
  SubscriptionStatus status = SubscriptionStatus::kPending;
  std::string type;  // "TABLE" or "DATABASE"
  std::string database_name;
  std::vector<std::string> table_names;  // empty for database-level subscriptions
  std::vector<std::string> requested_grants;
  std::vector<std::string> permitted_grants;
  std::vector<std::string> grantable_grants;
  std::string owner_principal;       // producer account id
  std::string subscriber_principal;  // consumer account id
  std::string creation_date;
  std::string created_by;
  std::string updated_date;
  std::string updated_by;
  std::vector<std::string> notes;  // in the order they were made; authors are in the audit log
  std::vector<std::string> ram_shares;
  std::vector<std::string> granted_table_arns;
  bool imported_to_consumer = false;
  int64_t version = 0;  // increases with every change; used for optimistic concurrency
};

// A page of subscriptions; next_token is empty on the last page.
struct SubscriptionPage {
  std::vector<Subscription> subscriptions;
  std::string next_token;
};

// Paging options of every listing.
struct PageRequest {
  int max_results = 100;  // 1..1000
  std::string next_token;
};

struct ProductTable {
  std::string source_table;
  std::string link_table;
};

// Result of create_data_products.
struct DataProduct {
  std::string database_name;  // the mesh database
  std::vector<ProductTable> tables;
};

// One entry of get_data_product.
struct DataProductTable {
  std::string database_name;
  std::string table_name;
  std::string location;
};

// A published data product as a consumer browsing the mesh sees it (list_data_products). A
// product published without public metadata shows its name only: every other field is empty.
struct PublishedProduct {
  std::string database_name;  // the mesh database: what request_access_to_product takes
  bool public_metadata = false;
  std::string owner_account_id;  // the producer
  std::string domain;
  std::string data_product_name;
  std::vector<std::string> tables;  // table names, ordered
};

struct PublishedProductPage {
  std::vector<PublishedProduct> data_products;  // ordered by database_name
  std::string next_token;
};

// Result of request_access_to_product.
struct AccessRequest {
  std::string type;  // "TABLE" or "DATABASE"
  std::string database;
  std::vector<std::string> tables;  // resolved table names; empty for DATABASE
  std::string subscription_id;
};

// One effective grant: permissions a principal holds on one resource.
struct EffectiveGrant {
  std::string principal;
  std::string catalog_id;
  std::string database_name;
  std::string table_name;  // "*" = every table of the database
  std::vector<std::string> permissions;
  std::vector<std::string> grantable_permissions;
  std::string subscription_id;  // empty when the grant is not from a subscription
};

// Answer of "may principal P do X on R", with the reason.
struct PermissionCheck {
  bool allowed = false;
  bool grantable = false;
  std::string reason;
};

struct AuditEvent {
  int64_t sequence = 0;
  std::string event_date;
  std::string actor_account;
  std::string actor_principal;
  std::string action;  // the method name, e.g. approve_access_request
  std::string subscription_id;
  std::string resource;
  std::string details_json;  // the change, as a JSON object
  std::string notes;
};

// One thing wrong with the audit log, at the event with this sequence number (for a problem
// with the chain head: the sequence the head names).
struct AuditProblem {
  int64_t sequence = 0;
  std::string problem;
};

// The result of DataMeshAdmin::verify_audit: whether the hash-chained audit log is intact.
struct AuditVerification {
  bool intact = true;
  int64_t events_checked = 0;
  // Events written before the log was chained (a store created by datamesh with schema 1);
  // they are counted and their numbering checked, but carry no hash.
  int64_t unchained_events = 0;
  int64_t head_sequence = 0;  // the newest event, as the chain head records it
  std::string head_hash;      // keep it elsewhere to detect a later rewind of the whole tail
  std::vector<AuditProblem> problems;  // the first 1000, in sequence order
};

// One difference between the grants held on a mesh database and those its Active subscriptions
// stand for, found by DataMeshAdmin::reconcile.
struct GrantDrift {
  // "Missing": a grant an Active subscription stands for is not held (or not grantable);
  // "Stray": a grant to a subscriber of the database that no Active subscription explains.
  std::string drift;
  std::string principal;
  std::string database_name;
  std::string table_name;  // "" the database itself, "*" every table
  std::string permission;
  bool grantable = false;
  // Missing: the Active subscription it is of. Stray: the subscription the store filed it
  // under, if any ("" in AWS mode, where Lake Formation keeps no subscription).
  std::string subscription_id;
  // Granted (Missing) or revoked (Stray) by this call; false in a dry run, and when the drift
  // was gone by the time its repair ran (someone else's change).
  bool repaired = false;
};

// The answer of DataMeshAdmin::reconcile.
struct ReconcileReport {
  bool dry_run = true;         // nothing was changed
  bool consistent = true;      // no drift is left: none found, or every one repaired
  int64_t databases_checked = 0;
  int64_t grants_checked = 0;  // grants held on those databases
  std::vector<GrantDrift> drift;
};

struct AuditPage {
  std::vector<AuditEvent> events;
  std::string next_token;
};

struct TablePage {
  std::vector<Table> tables;
  std::string next_token;
};

struct DatabasePage {
  std::vector<Database> databases;
  std::string next_token;
};

}  // namespace datamesh
