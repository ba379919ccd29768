// A consistent copy of a live mesh file: SQLite's online backup (sqlite3_backup), which reads
// the whole database in one read transaction, so writers of other connections and processes go
// on meanwhile (WAL) and the copy holds exactly the transactions committed when it started.
// Copying the file alone is no backup: the commits still in its write-ahead log (mesh.db-wal)
// are not in it, and nothing tells the copy is short.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace datamesh::store::sqlite {

struct SqliteBackup {
  int64_t pages = 0;
  int64_t bytes = 0;
};

// Copies the SQLite database `from` to the new file `to` (mode 0600), checks the copy
// (PRAGMA quick_check) and makes it durable. The copy is made under a temporary name beside
// `to` and renamed into place once complete and checked, so `to` is never a partial copy.
// Errors: AlreadyExists when `to` exists (a backup never overwrites); the store's errors
// (sqlite_status) when `from` cannot be read; DataLoss when the copy fails its check.
absl::StatusOr<SqliteBackup> backup_sqlite_file(const std::string& from, const std::string& to);

}  // namespace datamesh::store::sqlite
