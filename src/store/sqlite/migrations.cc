#include "store/sqlite/migrations.h"

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::sqlite {

using base::cat;

namespace {

// Columns hold what is filtered or ordered on; nested values (lists, TableInput, Parameters)
// are JSON text written by store/sqlite/documents.cc. Foreign keys are DEFERRABLE INITIALLY
// DEFERRED so that a transaction may write a child before its parent; they are checked at
// COMMIT.
constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE accounts (
  account_id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  is_mesh INTEGER NOT NULL CHECK (is_mesh IN (0, 1)),
  producer_enabled INTEGER NOT NULL,
  consumer_enabled INTEGER NOT NULL,
  producer_initialized INTEGER NOT NULL,
  consumer_initialized INTEGER NOT NULL,
  creation_date TEXT NOT NULL
);
-- get_mesh_account reads this small partial index instead of every account.
CREATE INDEX accounts_mesh ON accounts (account_id) WHERE is_mesh = 1;

CREATE TABLE access_keys (
  access_key_id TEXT NOT NULL PRIMARY KEY,
  account_id TEXT NOT NULL
    REFERENCES accounts (account_id) DEFERRABLE INITIALLY DEFERRED,
  sealed_secret BLOB NOT NULL,
  status TEXT NOT NULL,
  creation_date TEXT NOT NULL,
  revocation_date TEXT NOT NULL
);
CREATE INDEX access_keys_account ON access_keys (account_id, creation_date, access_key_id);

CREATE TABLE databases (
  catalog_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  location_uri TEXT NOT NULL,
  parameters TEXT NOT NULL,  -- JSON object
  target_catalog TEXT,       -- both NULL unless the database is a resource link
  target_database TEXT,
  create_time TEXT NOT NULL,
  PRIMARY KEY (catalog_id, name)
);

CREATE TABLE tables (
  catalog_id TEXT NOT NULL,
  database_name TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,  -- JSON: the TableInput without name and target_table
  target_catalog TEXT,       -- all three NULL unless the table is a resource link
  target_database TEXT,
  target_table TEXT,
  create_time TEXT NOT NULL,
  update_time TEXT NOT NULL,
  created_by TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  PRIMARY KEY (catalog_id, database_name, name),
  FOREIGN KEY (catalog_id, database_name) REFERENCES databases (catalog_id, name)
    DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE products (
  mesh_database TEXT NOT NULL PRIMARY KEY,
  producer_account TEXT NOT NULL,
  source_database TEXT NOT NULL,
  table_name_regex TEXT NOT NULL,
  domain TEXT NOT NULL,
  data_product_name TEXT NOT NULL,
  public_metadata INTEGER NOT NULL,
  sync_schedule TEXT NOT NULL,
  crawler_role_arn TEXT NOT NULL,
  link_suffix TEXT NOT NULL,
  creation_date TEXT NOT NULL,
  updated_date TEXT NOT NULL
);

-- table_name '' is the database itself, '*' every table of it; subscription_id '' when the
-- grant was not made for a subscription. find_grants reads a prefix of the primary key.
CREATE TABLE grants (
  principal TEXT NOT NULL,
  catalog_id TEXT NOT NULL,
  database_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  permission TEXT NOT NULL,
  grantable INTEGER NOT NULL,
  subscription_id TEXT NOT NULL,
  PRIMARY KEY (principal, catalog_id, database_name, table_name, permission, subscription_id)
);
CREATE INDEX grants_subscription ON grants (subscription_id);

CREATE TABLE shares (
  share_arn TEXT NOT NULL PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  owner_account TEXT NOT NULL,
  recipient_account TEXT NOT NULL,
  status TEXT NOT NULL,
  creation_date TEXT NOT NULL
);
CREATE INDEX shares_subscription ON shares (subscription_id, creation_date, share_arn);

-- seq gives the creation order that listings page through; AUTOINCREMENT never reuses a value.
CREATE TABLE subscriptions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  subscriber TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Pending', 'Active', 'Denied', 'Deleted')),
  database_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL  -- JSON: every other field of the Subscription
);
CREATE INDEX subscriptions_owner ON subscriptions (owner, status, seq);
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber, seq);

CREATE TABLE audit_events (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  event_date TEXT NOT NULL,
  actor_account TEXT NOT NULL,
  actor_principal TEXT NOT NULL,
  action TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  details TEXT NOT NULL,  -- JSON object, as given
  notes TEXT NOT NULL
);
CREATE INDEX audit_events_subscription ON audit_events (subscription_id, sequence);
-- The audit log is evidence: the store only ever appends to it.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
)sql";

// The duplicate-request lookup reads (subscriber, database, tables) from an index instead of
// every subscription of the subscriber. The audit log becomes a hash chain: each event holds
// its predecessor's hash and its own, and audit_chain_head the newest link, so that a removed
// last event is noticed too. Events written before this migration keep empty hashes.
constexpr std::string_view kRequestIndexAndAuditChain = R"sql(
CREATE INDEX subscriptions_request
  ON subscriptions (subscriber, database_name, json_extract(doc, '$.table_names'));

ALTER TABLE audit_events ADD COLUMN previous_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_chain_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  sequence INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, sequence, hash)
  SELECT 1, coalesce(max(sequence), 0), '' FROM audit_events;
)sql";

// Listings in creation order straight from an index, never sorted in a temporary B-tree: an
// owner's subscriptions of any status, and a consumer's subscriptions on one database (which
// links stay when a subscription ends), which subscriptions_subscriber could only filter out
// of everything the consumer holds and subscriptions_request does not keep in creation order.
constexpr std::string_view kListingIndexes = R"sql(
CREATE INDEX subscriptions_owner_seq ON subscriptions (owner, seq);
CREATE INDEX subscriptions_subscriber_database ON subscriptions (subscriber, database_name, seq);
)sql";

// Writes that act once (core/client_token.h): one record per (account, token) of a write made
// with a client token, written in the write's transaction; expires_at (Unix seconds) orders the
// pruning of expired records.
constexpr std::string_view kClientTokens = R"sql(
CREATE TABLE client_tokens (
  account_id TEXT NOT NULL,
  client_token TEXT NOT NULL,
  method TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  answer TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, client_token)
);
CREATE INDEX client_tokens_expiry ON client_tokens (expires_at);
)sql";

// The grants clustered on their primary key (WITHOUT ROWID): an authorization check reads each
// grant from the primary key's own B-tree instead of finding its rowid there and then reading
// the row from a second one. Against 3M grants (datamesh_micro) that second descent was 45% of
// a check, most of it reading pages past SQLite's cache (docs/PERFORMANCE.md).
// The one column outside the key comes last, in the order SQLite stores a WITHOUT ROWID row:
// SQLite 3.40's PRAGMA integrity_check reports a NOT NULL column declared between key columns
// as NULL ("NULL value in grants.grantable") although it holds a value.
constexpr std::string_view kClusteredGrants = R"sql(
CREATE TABLE grants_clustered (
  principal TEXT NOT NULL,
  catalog_id TEXT NOT NULL,
  database_name TEXT NOT NULL,
  table_name TEXT NOT NULL,
  permission TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  grantable INTEGER NOT NULL,
  PRIMARY KEY (principal, catalog_id, database_name, table_name, permission, subscription_id)
) WITHOUT ROWID;
INSERT INTO grants_clustered
    (principal, catalog_id, database_name, table_name, permission, subscription_id, grantable)
  SELECT principal, catalog_id, database_name, table_name, permission, subscription_id, grantable
  FROM grants;
DROP TABLE grants;
ALTER TABLE grants_clustered RENAME TO grants;
CREATE INDEX grants_subscription ON grants (subscription_id);
)sql";

// The version of each principal's grants, which the grant cache compares with its entries
// (store/sql/grant_cache.h): raised by the grants' own triggers, in the transaction of the
// change, whatever statement or process makes it. A principal without a row is at version 0. An
// upsert's update (put_grant of an existing grant) fires the UPDATE trigger.
constexpr std::string_view kGrantVersions = R"sql(
CREATE TABLE grant_versions (
  principal TEXT NOT NULL PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER grants_insert_raises_version AFTER INSERT ON grants BEGIN
  INSERT INTO grant_versions VALUES (NEW.principal, 1)
    ON CONFLICT DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER grants_update_raises_version AFTER UPDATE ON grants BEGIN
  INSERT INTO grant_versions VALUES (OLD.principal, 1)
    ON CONFLICT DO UPDATE SET version = version + 1;
  INSERT INTO grant_versions VALUES (NEW.principal, 1)
    ON CONFLICT DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER grants_delete_raises_version AFTER DELETE ON grants BEGIN
  INSERT INTO grant_versions VALUES (OLD.principal, 1)
    ON CONFLICT DO UPDATE SET version = version + 1;
END;
)sql";

// The duplicate-request lookup's table list in a column of its own, written when the
// subscription is inserted (a subscription's table list never changes), instead of an index on
// an expression of the document. SQLite rewrites an index entry whenever the UPDATE sets a
// column the index reads, and every update sets the document: each approval, finalization or
// removal rewrote this index's entry, and with it parsed the document twice. An index on the
// column is left alone by an update that does not set it (transaction.cc).
constexpr std::string_view kRequestKeyColumn = R"sql(
DROP INDEX subscriptions_request;
ALTER TABLE subscriptions ADD COLUMN request_key TEXT;
UPDATE subscriptions SET request_key = json_extract(doc, '$.table_names');
CREATE INDEX subscriptions_request ON subscriptions (subscriber, database_name, request_key);
-- A datamesh of schema version 6 that had the file open when another process migrated it goes
-- on inserting rows without request_key: fill it in as this version writes it.
CREATE TRIGGER subscriptions_request_key_filled AFTER INSERT ON subscriptions
  WHEN NEW.request_key IS NULL
BEGIN
  UPDATE subscriptions SET request_key = json_extract(NEW.doc, '$.table_names')
    WHERE seq = NEW.seq;
END;
)sql";

// The mesh admin's listing of one product's subscriptions (admin list_subscriptions), in seq
// order from its own range: without it a page read the whole table in seq order to find a
// small product's rows.
constexpr std::string_view kDatabaseListingIndex = R"sql(
CREATE INDEX subscriptions_database ON subscriptions (database_name, seq);
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kInitialSchema},
    {2, "duplicate-request index, audit hash chain", kRequestIndexAndAuditChain},
    {3, "ordered subscription listings by owner and by consumer and database", kListingIndexes},
    {4, "client tokens: writes that act once", kClientTokens},
    {5, "grants clustered on their primary key", kClusteredGrants},
    {6, "grant versions for the grant cache", kGrantVersions},
    {7, "the duplicate-request lookup's table list in a column", kRequestKeyColumn},
    {8, "the mesh admin's listing of a product's subscriptions", kDatabaseListingIndex},
};

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " applied_at TEXT NOT NULL)";

absl::StatusOr<int64_t> single_integer(Connection& connection, std::string_view sql) {
  DATAMESH_ASSIGN_OR_RETURN(Statement statement, connection.prepare(sql));
  DATAMESH_ASSIGN_OR_RETURN(bool row, statement.step());
  return row ? statement.integer(0) : 0;
}

// The migration's steps on one SQLite file: BEGIN IMMEDIATE is the lock.
class SqliteSteps final : public sql::MigrationSteps {
 public:
  explicit SqliteSteps(Connection& connection) : connection_(connection) {}

  absl::StatusOr<int> schema_version() override {
    DATAMESH_ASSIGN_OR_RETURN(const int64_t has_table,
                              single_integer(connection_,
                                             "SELECT count(*) FROM sqlite_master WHERE type = "
                                             "'table' AND name = 'schema_migrations'"));
    if (has_table == 0) return 0;
    DATAMESH_ASSIGN_OR_RETURN(
        const int64_t version,
        single_integer(connection_, "SELECT coalesce(max(version), 0) FROM schema_migrations"));
    return static_cast<int>(version);
  }

  absl::Status begin() override {
    DATAMESH_RETURN_IF_ERROR(connection_.exec("BEGIN IMMEDIATE", "begin the schema migration"));
    return connection_.exec(kCreateMigrationsTable, "create schema_migrations");
  }

  absl::Status check_holds_nothing_else() override {
    DATAMESH_ASSIGN_OR_RETURN(
        int64_t foreign,
        single_integer(connection_,
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                       "'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations'"));
    if (foreign == 0) return absl::OkStatus();
    return absl::FailedPreconditionError(
        cat(connection_.path(), " is an SQLite database of something else (", foreign,
            " tables, none of them datamesh's schema_migrations): choose another file"));
  }

  absl::Status apply(const Migration& migration) override {
    DATAMESH_RETURN_IF_ERROR(connection_.exec(
        migration.sql,
        cat("apply migration ", migration.version, " (", migration.description, ")")));
    DATAMESH_ASSIGN_OR_RETURN(
        Statement record,
        connection_.prepare("INSERT INTO schema_migrations (version, applied_at)"
                            " VALUES (?1, strftime('%Y-%m-%d %H:%M:%S', 'now'))"));
    return record.bind_int(1, migration.version).run();
  }

  absl::Status commit() override {
    return connection_.exec("COMMIT", "commit the schema migration");
  }

  // The connection is closed by the caller either way.
  void roll_back() override {
    if (connection_.in_transaction()) {
      connection_.exec("ROLLBACK", "roll back the schema migration").IgnoreError();
    }
  }

  absl::Status newer_than_binary(int version, int latest) override {
    return absl::FailedPreconditionError(cat("mesh store ", connection_.path(),
                                             " has schema version ", version,
                                             ", newer than this datamesh (", latest,
                                             "): upgrade datamesh"));
  }

 private:
  Connection& connection_;
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

absl::StatusOr<MigrationReport> migrate(Connection& connection) {
  SqliteSteps steps(connection);
  return sql::migrate(kMigrations, steps);
}

}  // namespace datamesh::store::sqlite
