#include "store/sql/migration.h"

#include "base/status_macros.h"

namespace datamesh::store::sql {
namespace {

absl::Status check_not_newer(std::span<const Migration> migrations, MigrationSteps& steps,
                             int version) {
  const int latest = latest_version(migrations);
  return version <= latest ? absl::OkStatus() : steps.newer_than_binary(version, latest);
}

// The transaction's part of migrate(), after begin().
absl::StatusOr<MigrationReport> apply_missing(std::span<const Migration> migrations,
                                              MigrationSteps& steps) {
  DATAMESH_ASSIGN_OR_RETURN(const int version, steps.schema_version());
  DATAMESH_RETURN_IF_ERROR(check_not_newer(migrations, steps, version));
  if (version == 0) DATAMESH_RETURN_IF_ERROR(steps.check_holds_nothing_else());
  MigrationReport report{.from_version = version, .to_version = version};
  for (const Migration& migration : migrations) {
    if (migration.version <= version) continue;
    DATAMESH_RETURN_IF_ERROR(steps.apply(migration));
    report.applied.push_back(migration.version);
    report.to_version = migration.version;
  }
  DATAMESH_RETURN_IF_ERROR(steps.commit());
  return report;
}

}  // namespace

absl::StatusOr<MigrationReport> migrate(std::span<const Migration> migrations,
                                        MigrationSteps& steps) {
  DATAMESH_ASSIGN_OR_RETURN(const int version, steps.schema_version());
  DATAMESH_RETURN_IF_ERROR(check_not_newer(migrations, steps, version));
  if (version == latest_version(migrations)) {
    return MigrationReport{.from_version = version, .to_version = version};
  }
  // A begin() that fails half-way (the lock or schema_migrations refused) may leave a
  // transaction open: it is rolled back like any other failure.
  const absl::Status begun = steps.begin();
  absl::StatusOr<MigrationReport> report =
      begun.ok() ? apply_missing(migrations, steps) : absl::StatusOr<MigrationReport>(begun);
  if (!report.ok()) steps.roll_back();
  return report;
}

}  // namespace datamesh::store::sql
