// Raw SQLite for the baselines (sqlite_baseline.cc, sqlite_bulk_baseline.cc): the C API with
// owning pointers, errors as statuses, and a database file with the mesh store's durability
// settings.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace datamesh::bench::raw_sqlite {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using DbPtr = std::unique_ptr<sqlite3, CloseDb>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

// OK for SQLITE_OK, SQLITE_DONE and SQLITE_ROW; otherwise Internal
// "<who>: cannot <doing>: <SQLite's message>".
absl::Status check(sqlite3* db, int code, std::string_view who, std::string_view doing);

// `sql` compiled; its failure as check() reports it, doing `doing`.
absl::StatusOr<StatementPtr> prepare(sqlite3* db, const char* sql, std::string_view who,
                                     std::string_view doing);

// Opens (creating it) the database file at `path` with the mesh store's durability settings
// (src/store/sqlite: WAL, synchronous=NORMAL) and runs `schema` in it.
absl::StatusOr<DbPtr> open(const std::string& path, const char* schema, std::string_view who);

}  // namespace datamesh::bench::raw_sqlite
