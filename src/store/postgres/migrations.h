// The PostgreSQL store's schema, as numbered migrations embedded in the binary.
//
// The same tables as the SQLite store (store/sqlite/migrations.cc), in PostgreSQL's types, in
// the first schema of the connection's search_path (normally "public"). Migration 1 is the whole
// initial schema; each later change is a new migration, never an edit of an old one.
// schema_migrations(version, description, applied_at) records what a database has.
//
// migrate() is safe when several servers start at once: it applies missing migrations in one
// transaction holding a database-wide advisory lock, and reads the version again once it holds
// the lock, so each migration runs exactly once. Functions here are stateless.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/migration.h"
#include "store/postgres/connection.h"

namespace datamesh::store::postgres {

using sql::Migration;
using sql::MigrationReport;

// pg_advisory_xact_lock key that migrate() holds ("dmschema" in ASCII): one per database, so
// migrations of several schemas of one database take turns, which is harmless.
inline constexpr int64_t kMigrationLockKey = 0x646d736368656d61;

// Every migration this binary knows, in version order (1, 2, ...).
std::span<const Migration> migrations();

// The schema version of the connected database: the highest applied migration, 0 when it has
// no datamesh schema.
absl::StatusOr<int> schema_version(Connection& connection);

// Brings the database up to the newest of migrations() (sql::migrate()).
// Errors: FailedPrecondition when the database's schema is newer than this binary ("upgrade
// datamesh"), when its schema holds tables of something else, or when the user may not create
// tables; Unavailable when the database cannot be reached; Internal for anything else.
absl::StatusOr<MigrationReport> migrate(Connection& connection);

}  // namespace datamesh::store::postgres
