// The SQLite store's schema, as numbered migrations embedded in the binary.
//
// Migration 1 is the whole initial schema; each later change is a new migration, never an edit
// of an old one. schema_migrations(version, applied_at) records what a file has. Functions here
// are stateless; migrate() must be given a connection no one else is using.
#pragma once

#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/migration.h"
#include "store/sqlite/statements.h"

namespace datamesh::store::sqlite {

using sql::Migration;
using sql::MigrationReport;

// Every migration this binary knows, in version order (1, 2, ...).
std::span<const Migration> migrations();

// Brings the file up to the newest of migrations(). Missing migrations are applied in one
// BEGIN IMMEDIATE transaction, and the version is read again once the write lock is held, so
// several processes opening one file at once apply each migration exactly once.
// Errors: FailedPrecondition when the file's schema is newer than this binary; Unavailable when
// the file stays locked longer than the busy timeout; others as sqlite_status().
absl::StatusOr<MigrationReport> migrate(Connection& connection);

}  // namespace datamesh::store::sqlite
