#include "api/migrate.h"

#include <sys/stat.h>

#include "base/text.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/url.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statements.h"

namespace datamesh::api {

using base::cat;

namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

nlohmann::json report(const std::string& store, int from, int to,
                      const std::vector<int>& applied) {
  return {{"Store", store},
          {"PreviousSchemaVersion", from},
          {"SchemaVersion", to},
          {"AppliedMigrations", applied}};
}

absl::StatusOr<nlohmann::json> migrate_sqlite(const std::string& endpoint) {
  const std::string path = endpoint.substr(kSqliteScheme.size());
  struct stat info {};
  if (path.empty() || ::stat(path.c_str(), &info) != 0) {
    return absl::FailedPreconditionError(
        cat("no mesh at ", endpoint,
            ": check the endpoint, or create one with `datamesh admin initialize-mesh-account`"));
  }
  int from = 0;
  {
    auto connection = store::sqlite::Connection::open(path, 10000);
    if (!connection.ok()) return connection.status();
    auto version = store::sqlite::schema_version(**connection);
    if (!version.ok()) return version.status();
    from = *version;
  }
  auto opened = store::SqliteStore::open(path);  // applies what is missing
  if (!opened.ok()) return opened.status();
  std::vector<int> applied;
  for (const store::sqlite::Migration& migration : store::sqlite::migrations()) {
    if (migration.version > from) applied.push_back(migration.version);
  }
  return report(endpoint, from, store::sqlite::latest_schema_version(), applied);
}

}  // namespace

absl::StatusOr<nlohmann::json> migrate_store(const std::string& endpoint) {
  if (store::postgres::is_postgres_url(endpoint)) {
    auto opened = store::PostgresStore::open(endpoint, {.create_if_missing = true});
    if (!opened.ok()) return opened.status();
    const store::postgres::MigrationReport& done = (*opened)->migration_report();
    return report((*opened)->display_url(), done.from_version, done.to_version, done.applied);
  }
  if (std::string_view(endpoint).starts_with(kSqliteScheme)) return migrate_sqlite(endpoint);
  return absl::InvalidArgumentError(
      cat("migrate works on the mesh's database: give --endpoint sqlite:///path/to/mesh.db or "
          "postgresql://user@host:port/database, not \"", endpoint,
          "\" (a server migrates its store itself when it starts)"));
}

}  // namespace datamesh::api
