// `datamesh admin backup --to PATH`: a consistent copy of a live SQLite mesh and its key file,
// while servers and other processes go on using it (store/sqlite/backup.h). A PostgreSQL mesh
// is backed up with the database's own tools (pg_dump; docs/DEPLOYMENT.md). Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace datamesh::api {

// Backs up the mesh file of `endpoint` (sqlite:///path) to the new file `to`, and its key file
// (sqlite_key_file(): master_key_file, else path.key) to `to`.key, and answers {"Store":
// <endpoint>, "Backup": to, "KeyFile": to.key, or null when the key comes from
// DATAMESH_MASTER_KEY (keep that key with the backup), "Pages", "Bytes"}. The copy holds
// exactly the transactions committed when it started and is checked before it takes its name.
// Errors: InvalidArgument for other endpoints (naming what to use);
// FailedPrecondition for a missing mesh file; AlreadyExists when `to` or `to`.key exists;
// those of store::sqlite::backup_sqlite_file and security::SecretBox::copy_key_file. When the
// key cannot be copied, the mesh copy is removed: a backup without its key unseals nothing.
absl::StatusOr<nlohmann::json> backup_store(const std::string& endpoint, const std::string& to,
                                            const std::string& master_key_file);

}  // namespace datamesh::api
