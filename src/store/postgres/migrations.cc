#include "store/postgres/migrations.h"

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::postgres {

using base::cat;

namespace {

// The tables of store/sqlite/migrations.cc in PostgreSQL's types. Text that is compared or
// ordered uses the "C" collation, so listings come back in the byte order SQLite uses whatever
// the database's default collation. Nested values are the JSON text of store/sql/documents.h.
// Foreign keys are DEFERRABLE INITIALLY DEFERRED, as in SQLite, and checked at COMMIT.
//
// The audit log is a hash chain (core/audit_chain.h): each event holds its predecessor's hash
// and its own, and audit_chain_head the newest link. Every write transaction locks that one row
// first (SELECT ... FOR UPDATE), which makes writers take turns as SQLite's BEGIN IMMEDIATE does
// and chains and numbers audit events in commit order.
//
// The duplicate-request lookup (find_live_duplicates) read subscriptions_request, an index on
// the subscriber, the database and the table list of the subscription's document; migration 2
// replaces it.
constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE accounts (
  account_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  is_mesh BOOLEAN NOT NULL,
  producer_enabled BOOLEAN NOT NULL,
  consumer_enabled BOOLEAN NOT NULL,
  producer_initialized BOOLEAN NOT NULL,
  consumer_initialized BOOLEAN NOT NULL,
  creation_date TEXT NOT NULL
);
CREATE INDEX accounts_mesh ON accounts (account_id) WHERE is_mesh;

CREATE TABLE access_keys (
  access_key_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL
    REFERENCES accounts (account_id) DEFERRABLE INITIALLY DEFERRED,
  sealed_secret BYTEA NOT NULL,
  status TEXT NOT NULL,
  creation_date TEXT COLLATE "C" NOT NULL,
  revocation_date TEXT NOT NULL
);
CREATE INDEX access_keys_account ON access_keys (account_id, creation_date, access_key_id);

CREATE TABLE databases (
  catalog_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  description TEXT NOT NULL,
  location_uri TEXT NOT NULL,
  parameters TEXT NOT NULL,
  target_catalog TEXT,
  target_database TEXT,
  create_time TEXT NOT NULL,
  PRIMARY KEY (catalog_id, name)
);

CREATE TABLE tables (
  catalog_id TEXT COLLATE "C" NOT NULL,
  database_name TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  definition TEXT NOT NULL,
  target_catalog TEXT,
  target_database TEXT,
  target_table TEXT,
  create_time TEXT NOT NULL,
  update_time TEXT NOT NULL,
  created_by TEXT NOT NULL,
  version_id BIGINT NOT NULL,
  PRIMARY KEY (catalog_id, database_name, name),
  FOREIGN KEY (catalog_id, database_name) REFERENCES databases (catalog_id, name)
    DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE products (
  mesh_database TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  producer_account TEXT NOT NULL,
  source_database TEXT NOT NULL,
  table_name_regex TEXT NOT NULL,
  domain TEXT NOT NULL,
  data_product_name TEXT NOT NULL,
  public_metadata BOOLEAN NOT NULL,
  sync_schedule TEXT NOT NULL,
  crawler_role_arn TEXT NOT NULL,
  link_suffix TEXT NOT NULL,
  creation_date TEXT NOT NULL,
  updated_date TEXT NOT NULL
);

CREATE TABLE grants (
  principal TEXT COLLATE "C" NOT NULL,
  catalog_id TEXT COLLATE "C" NOT NULL,
  database_name TEXT COLLATE "C" NOT NULL,
  table_name TEXT COLLATE "C" NOT NULL,
  permission TEXT COLLATE "C" NOT NULL,
  grantable BOOLEAN NOT NULL,
  subscription_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (principal, catalog_id, database_name, table_name, permission, subscription_id)
);
CREATE INDEX grants_subscription ON grants (subscription_id);

CREATE TABLE shares (
  share_arn TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  subscription_id TEXT COLLATE "C" NOT NULL,
  owner_account TEXT NOT NULL,
  recipient_account TEXT NOT NULL,
  status TEXT NOT NULL,
  creation_date TEXT COLLATE "C" NOT NULL
);
CREATE INDEX shares_subscription ON shares (subscription_id, creation_date, share_arn);

CREATE TABLE subscriptions (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  owner TEXT COLLATE "C" NOT NULL,
  subscriber TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL CHECK (status IN ('Pending', 'Active', 'Denied', 'Deleted')),
  database_name TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX subscriptions_owner ON subscriptions (owner, status, seq);
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber, seq);
-- Listings in creation order straight from an index: an owner's subscriptions of any status,
-- and a consumer's subscriptions on one database.
CREATE INDEX subscriptions_owner_seq ON subscriptions (owner, seq);
CREATE INDEX subscriptions_subscriber_database ON subscriptions (subscriber, database_name, seq);
CREATE INDEX subscriptions_request
  ON subscriptions (subscriber, database_name, ((doc::jsonb -> 'table_names')));

CREATE TABLE audit_events (
  sequence BIGINT NOT NULL PRIMARY KEY,
  event_date TEXT NOT NULL,
  actor_account TEXT NOT NULL,
  actor_principal TEXT NOT NULL,
  action TEXT NOT NULL,
  subscription_id TEXT COLLATE "C" NOT NULL,
  resource TEXT NOT NULL,
  details TEXT NOT NULL,
  notes TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_subscription ON audit_events (subscription_id, sequence);

CREATE TABLE audit_chain_head (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  sequence BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, sequence, hash) VALUES (1, 0, '');

-- One row per database session that committed a write: the store's durability barrier
-- updates its session's row after each write transaction (see postgres_store.cc).
CREATE TABLE commit_barriers (
  backend_pid INTEGER NOT NULL PRIMARY KEY,
  commits BIGINT NOT NULL
);

-- The audit log is evidence: the store only ever appends to it.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only';
END
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
)sql";

// datamesh_refuse lets a statement fail with the store's own error (connection.h), so that
// PostgreSQL skips what was sent after it in the same pipeline, the COMMIT included.
//
// find_live_duplicates compared the table list by casting each candidate's whole document to
// jsonb: 0.4-1 ms per request with a few hundred requests per consumer and database
// (docs/PERFORMANCE.md). The list is now kept, normalised by jsonb, in a column of its own, and
// the index holds only the live (Pending, Active) subscriptions the lookup asks for, in the
// order it returns them: a plan cached while the table was small and its statistics stale must
// not prefer subscriptions_subscriber_database, which reads every request of the consumer.
constexpr std::string_view kRequestKey = R"sql(
CREATE FUNCTION datamesh_refuse(code TEXT, message TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
END
$$;
ALTER TABLE subscriptions ADD COLUMN request_key TEXT COLLATE "C" NOT NULL
  GENERATED ALWAYS AS (((doc::jsonb) -> 'table_names')::text) STORED;
DROP INDEX subscriptions_request;
CREATE INDEX subscriptions_live_request
  ON subscriptions (subscriber, database_name, request_key, seq)
  WHERE status IN ('Pending', 'Active');
)sql";

// Writes that act once (core/client_token.h): one record per (account, token) of a write made
// with a client token, written in the write's transaction; expires_at (Unix seconds) orders the
// pruning of expired records.
constexpr std::string_view kClientTokens = R"sql(
CREATE TABLE client_tokens (
  account_id TEXT COLLATE "C" NOT NULL,
  client_token TEXT COLLATE "C" NOT NULL,
  method TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  answer TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, client_token)
);
CREATE INDEX client_tokens_expiry ON client_tokens (expires_at);
)sql";

// The version of each principal's grants, which the grant cache of every replica compares with
// its entries (store/sql/grant_cache.h): raised by the grants' own trigger, in the transaction
// of the change, whatever statement makes it. A principal without a row is at version 0.
constexpr std::string_view kGrantVersions = R"sql(
CREATE TABLE grant_versions (
  principal TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL
);
CREATE FUNCTION grant_versions_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO grant_versions AS v VALUES (OLD.principal, 1)
      ON CONFLICT (principal) DO UPDATE SET version = v.version + 1;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO grant_versions AS v VALUES (NEW.principal, 1)
      ON CONFLICT (principal) DO UPDATE SET version = v.version + 1;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER grants_raise_version AFTER INSERT OR UPDATE OR DELETE ON grants
  FOR EACH ROW EXECUTE FUNCTION grant_versions_raise();
)sql";

// The mesh admin's listing of one product's subscriptions (admin list_subscriptions), as the
// SQLite store's migration 8.
constexpr std::string_view kDatabaseListingIndex = R"sql(
CREATE INDEX subscriptions_database ON subscriptions (database_name, seq);
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kInitialSchema},
    {2, "datamesh_refuse, and a request_key column for the duplicate-request lookup",
     kRequestKey},
    {3, "client tokens: writes that act once", kClientTokens},
    {4, "grant versions for the grant cache", kGrantVersions},
    {5, "the mesh admin's listing of a product's subscriptions", kDatabaseListingIndex},
};

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " description TEXT NOT NULL,"
    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

absl::StatusOr<int64_t> single_integer(Connection& connection, std::string_view sql) {
  DATAMESH_ASSIGN_OR_RETURN(const Result result, connection.query(sql));
  return result.rows() > 0 ? result.integer(0, 0) : 0;
}

// The migration's steps on one PostgreSQL schema: a transaction-scoped advisory lock.
class PostgresSteps final : public sql::MigrationSteps {
 public:
  explicit PostgresSteps(Connection& connection) : connection_(connection) {}

  absl::StatusOr<int> schema_version() override { return postgres::schema_version(connection_); }

  absl::Status begin() override {
    DATAMESH_RETURN_IF_ERROR(connection_.exec("BEGIN", "begin the schema migration"));
    // Another server's migration may rebuild a large table for minutes: wait for it rather
    // than fail at the session's lock_timeout, meant for the callers' writes.
    // The session's lock_timeout applies again to the migration's own statements, so that
    // one waiting behind a long reader fails instead of queueing every other reader behind it.
    DATAMESH_ASSIGN_OR_RETURN(const Result timeout,
                              connection_.query("SELECT current_setting('lock_timeout')"));
    DATAMESH_RETURN_IF_ERROR(
        connection_.exec("SET LOCAL lock_timeout = 0", "wait for other migrations"));
    DATAMESH_RETURN_IF_ERROR(connection_.query("SELECT pg_advisory_xact_lock($1)",
                                               Params().integer(kMigrationLockKey)));
    DATAMESH_RETURN_IF_ERROR(connection_.query("SELECT set_config('lock_timeout', $1, true)",
                                               Params().text(timeout.text(0, 0))));
    return connection_.exec(kCreateMigrationsTable, "create schema_migrations").status();
  }

  absl::Status check_holds_nothing_else() override {
    DATAMESH_ASSIGN_OR_RETURN(
        int64_t foreign,
        single_integer(connection_,
                       "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                       "current_schema() AND tablename <> 'schema_migrations'"));
    if (foreign == 0) return absl::OkStatus();
    return absl::FailedPreconditionError(
        cat("the schema of ", connection_.database(), " holds ", foreign,
            " tables of something else (none of them datamesh's schema_migrations): use an "
            "empty database or another schema (options=-csearch_path%3D<schema>)"));
  }

  absl::Status apply(const Migration& migration) override {
    DATAMESH_RETURN_IF_ERROR(connection_.exec(
        migration.sql,
        cat("apply migration ", migration.version, " (", migration.description, ")")));
    return connection_
        .query("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
               Params().integer(migration.version).text(migration.description))
        .status();
  }

  absl::Status commit() override {
    return connection_.exec("COMMIT", "commit the schema migration").status();
  }

  void roll_back() override {
    if (!connection_.lost() && connection_.in_transaction()) {
      connection_.exec("ROLLBACK", "roll back the schema migration").IgnoreError();
    }
  }

  absl::Status newer_than_binary(int version, int latest) override {
    return absl::FailedPreconditionError(
        cat("the mesh database ", connection_.database(), " has schema version ", version,
            ", newer than this datamesh (", latest,
            "): upgrade datamesh on every server before using it"));
  }

 private:
  Connection& connection_;
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

absl::StatusOr<int> schema_version(Connection& connection) {
  DATAMESH_ASSIGN_OR_RETURN(
      int64_t has_table,
      single_integer(connection,
                     "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
                     " AND tablename = 'schema_migrations'"));
  if (has_table == 0) return 0;
  DATAMESH_ASSIGN_OR_RETURN(
      int64_t version,
      single_integer(connection, "SELECT coalesce(max(version), 0) FROM schema_migrations"));
  return static_cast<int>(version);
}

absl::StatusOr<MigrationReport> migrate(Connection& connection) {
  PostgresSteps steps(connection);
  return sql::migrate(kMigrations, steps);
}

}  // namespace datamesh::store::postgres
