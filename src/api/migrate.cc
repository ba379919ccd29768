#include "api/migrate.h"

#include "base/status_macros.h"
#include "base/text.h"
#include "store/postgres/postgres_store.h"
#include "store/open/endpoint.h"
#include "store/sql/migration.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::api {

using base::cat;

namespace {

nlohmann::json report(const std::string& store, const store::sql::MigrationReport& done) {
  return {{"Store", store},
          {"PreviousSchemaVersion", done.from_version},
          {"SchemaVersion", done.to_version},
          {"AppliedMigrations", done.applied}};
}

}  // namespace

absl::StatusOr<nlohmann::json> migrate_store(const std::string& url) {
  DATAMESH_ASSIGN_OR_RETURN(store::Endpoint endpoint, store::parse_endpoint(url));
  switch (endpoint.kind) {
    case store::Endpoint::Kind::kPostgres: {
      DATAMESH_ASSIGN_OR_RETURN(auto opened,
                                store::PostgresStore::open(url, {.create_if_missing = true}));
      return report(endpoint.display, opened->migration_report());
    }
    case store::Endpoint::Kind::kSqlite: {
      if (!store::sqlite_file_exists(endpoint)) {
        // The missing-file message of every front end.
        return store::open_store(endpoint, /*create_if_missing=*/false).status();
      }
      DATAMESH_ASSIGN_OR_RETURN(auto opened, store::SqliteStore::open(endpoint.path));
      return report(endpoint.url, opened->migration_report());
    }
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
