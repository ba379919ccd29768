#include "api/migrate.h"

#include "base/status_macros.h"
#include "base/text.h"
#include "store/postgres/postgres_store.h"
#include "store/open/endpoint.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statements.h"

namespace datamesh::api {

using base::cat;

namespace {

nlohmann::json report(const std::string& store, int from, int to,
                      const std::vector<int>& applied) {
  return {{"Store", store},
          {"PreviousSchemaVersion", from},
          {"SchemaVersion", to},
          {"AppliedMigrations", applied}};
}

absl::StatusOr<nlohmann::json> migrate_sqlite(const store::Endpoint& endpoint) {
  const std::string& path = endpoint.path;
  if (!store::sqlite_file_exists(endpoint)) {
    // The missing-file message of every front end.
    return store::open_store(endpoint, /*create_if_missing=*/false).status();
  }
  int from = 0;
  {
    DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<store::sqlite::Connection> connection,
                              store::sqlite::Connection::open(path, 10000));
    DATAMESH_ASSIGN_OR_RETURN(from, store::sqlite::schema_version(*connection));
  }
  // Opening applies what is missing.
  DATAMESH_RETURN_IF_ERROR(store::SqliteStore::open(path));
  std::vector<int> applied;
  for (const store::sqlite::Migration& migration : store::sqlite::migrations()) {
    if (migration.version > from) applied.push_back(migration.version);
  }
  return report(endpoint.url, from, store::sqlite::latest_schema_version(), applied);
}

}  // namespace

absl::StatusOr<nlohmann::json> migrate_store(const std::string& url) {
  DATAMESH_ASSIGN_OR_RETURN(store::Endpoint endpoint, store::parse_endpoint(url));
  switch (endpoint.kind) {
    case store::Endpoint::Kind::kPostgres: {
      DATAMESH_ASSIGN_OR_RETURN(auto opened,
                                store::PostgresStore::open(url, {.create_if_missing = true}));
      const store::postgres::MigrationReport& done = opened->migration_report();
      return report(endpoint.display, done.from_version, done.to_version, done.applied);
    }
    case store::Endpoint::Kind::kSqlite:
      return migrate_sqlite(endpoint);
    case store::Endpoint::Kind::kHttp:
    case store::Endpoint::Kind::kAws:
      break;
  }
  return absl::InvalidArgumentError(
      cat("migrate works on the mesh's database: give --endpoint sqlite:///path/to/mesh.db or "
          "postgresql://user@host:port/database, not \"", url,
          "\" (a server migrates its store itself when it starts)"));
}

}  // namespace datamesh::api
