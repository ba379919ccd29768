// A schema migration of the SQL stores, and the one driver that applies them: each store embeds
// its list, in its own dialect, and gives the driver its connection's steps
// (store/sqlite/migrations.h, store/postgres/migrations.h). Plain values and stateless functions;
// thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace datamesh::store::sql {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;  // one or more statements, run in the migration's transaction
};

// The newest version of `migrations`, which are in version order (1, 2, ...); 0 when empty.
constexpr int latest_version(std::span<const Migration> migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

// What a migration found and did.
struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied;  // in the order they ran; empty when the schema was current
};

// What the driver asks of one store's connection, in that store's dialect.
class MigrationSteps {
 public:
  virtual ~MigrationSteps() = default;

  // The highest applied migration; 0 when there is no schema_migrations table.
  virtual absl::StatusOr<int> schema_version() = 0;
  // Begins the migration's transaction, holding the lock that makes processes migrating one
  // database at once take turns, and creates schema_migrations when it is missing.
  virtual absl::Status begin() = 0;
  // OK when the schema, which has no migration applied, holds no tables of something else;
  // FailedPrecondition otherwise (adding the mesh's tables would mix two applications' data).
  virtual absl::Status check_holds_nothing_else() = 0;
  // Runs the migration's statements and records it in schema_migrations.
  virtual absl::Status apply(const Migration& migration) = 0;
  virtual absl::Status commit() = 0;
  // After a failure: rolls the transaction back when the connection still holds one. The
  // failure being reported matters more than a failed rollback, so this reports nothing.
  virtual void roll_back() = 0;
  // The FailedPrecondition of a schema at `version`, newer than this binary's `latest`.
  virtual absl::Status newer_than_binary(int version, int latest) = 0;
};

// Brings a schema up to the newest of `migrations`. Most calls find the schema current and
// decide so without the lock. Otherwise the version is read again once the lock is held
// (another process may have migrated meanwhile), so each migration runs exactly once; the
// missing ones are applied in order in one transaction, rolled back on any failure (begin()'s
// included).
// Errors: newer_than_binary's; check_holds_nothing_else's; the steps' own.
absl::StatusOr<MigrationReport> migrate(std::span<const Migration> migrations,
                                        MigrationSteps& steps);

}  // namespace datamesh::store::sql
