// The mesh file as SQLite sees it, read behind the engine's back: a dump of every row of every
// table (to prove a call changed nothing), SQLite's own integrity checks, and copies of a mesh
// (the file, its WAL and its sealing key) to start each case from the same state.
//
// The dump opens its own connection and only reads, so it sees exactly what is committed. It covers
// every table in the file, including ones added by later migrations, and sqlite_sequence (so a
// rolled-back insert that kept its AUTOINCREMENT number would show). Rows are sorted as text, so
// rewriting a row with the same values is not a change. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace datamesh::reliability {

// "table(columns)\n" then one line per row, for every table, tables in name order.
absl::StatusOr<std::string> dump_mesh_file(const std::filesystem::path& db);

// The lines of `after` not in `before` ("+ ...") and of `before` not in `after` ("- ..."), at
// most `limit` of them: what a dump comparison prints when a call changed the state.
std::string dump_difference(const std::string& before, const std::string& after, int limit = 12);

// Problems PRAGMA integrity_check and PRAGMA foreign_key_check report (empty when none).
absl::StatusOr<std::vector<std::string>> integrity_problems(const std::filesystem::path& db);

// The number of rows of `table` and the action of its row with the highest rowid ("" if none).
struct TableTail {
  int64_t rows = 0;
  std::string last_action;
};
absl::StatusOr<TableTail> audit_tail(const std::filesystem::path& db);

// Copies the mesh `from` (file, -wal when present, .key) over `to`, removing a stale -wal/-shm
// of `to`. No connection to either may be open.
absl::Status copy_mesh(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace datamesh::reliability
