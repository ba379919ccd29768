#include "api/backup.h"

#include <filesystem>
#include <system_error>

#include "api/mesh_service.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "security/secret_box.h"
#include "store/open/endpoint.h"
#include "store/sqlite/backup.h"

namespace datamesh::api {

using base::cat;

absl::StatusOr<nlohmann::json> backup_store(const std::string& url, const std::string& to,
                                            const std::string& master_key_file) {
  DATAMESH_ASSIGN_OR_RETURN(store::Endpoint endpoint, store::parse_endpoint(url));
  if (endpoint.kind != store::Endpoint::Kind::kSqlite) {
    return absl::InvalidArgumentError(cat(
        "backup copies a SQLite mesh file: give --endpoint sqlite:///path/to/mesh.db, not \"", url,
        "\" (a PostgreSQL mesh is backed up with pg_dump, docs/DEPLOYMENT.md; a server's mesh "
        "where its file is)"));
  }
  if (to.empty()) return absl::InvalidArgumentError("give the backup's path: --to PATH");
  if (!store::sqlite_file_exists(endpoint)) {
    // The missing-file message of every front end.
    return store::open_store(endpoint, /*create_if_missing=*/false).status();
  }
  const std::string key_copy = key_file_beside(to);
  for (const std::string& path : {to, key_copy}) {
    std::error_code unknown;  // cannot tell (a name too long, ...): the copy says why
    if (std::filesystem::exists(path, unknown)) {
      return absl::AlreadyExistsError(
          cat(path == to ? "backup file " : "key file ", path,
              " already exists: give a new path (a backup never overwrites)"));
    }
  }
  // The key as every other command reads it: a malformed DATAMESH_MASTER_KEY is refused here
  // too. The mesh then uses that key, not a key file beside it (which may be another key): the
  // backup gets no key file, and the environment's key must be kept with it.
  const std::string key_file = sqlite_key_file(endpoint, master_key_file);
  DATAMESH_RETURN_IF_ERROR(
      security::SecretBox::from_environment_or_file(key_file, /*create_if_missing=*/false)
          .status());
  const bool copies_key = !security::SecretBox::key_in_environment();
  std::error_code unknown;
  DATAMESH_ASSIGN_OR_RETURN(const store::sqlite::SqliteBackup made,
                            store::sqlite::backup_sqlite_file(endpoint.path, to));
  if (copies_key) {
    if (absl::Status copied = security::SecretBox::copy_key_file(key_file, key_copy);
        !copied.ok()) {
      std::filesystem::remove(to, unknown);
      return copied;
    }
  }
  return nlohmann::json{{"Store", endpoint.url},
                        {"Backup", to},
                        {"KeyFile", copies_key ? nlohmann::json(key_copy) : nlohmann::json()},
                        {"Pages", made.pages},
                        {"Bytes", made.bytes}};
}

}  // namespace datamesh::api
