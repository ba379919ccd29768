#include "raw_sqlite.h"

#include "base/text.h"

namespace datamesh::bench::raw_sqlite {

using base::cat;

absl::Status check(sqlite3* db, int code, std::string_view who, std::string_view doing) {
  if (code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW) return absl::OkStatus();
  return absl::InternalError(cat(who, ": cannot ", doing, ": ", sqlite3_errmsg(db)));
}

absl::StatusOr<StatementPtr> prepare(sqlite3* db, const char* sql, std::string_view who,
                                     std::string_view doing) {
  sqlite3_stmt* raw = nullptr;
  const int code = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  StatementPtr statement(raw);
  if (absl::Status ok = check(db, code, who, doing); !ok.ok()) return ok;
  return statement;
}

absl::StatusOr<DbPtr> open(const std::string& path, const char* schema, std::string_view who) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(
      path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  DbPtr db(raw);
  if (absl::Status ok = check(raw, opened, who, cat("open ", path)); !ok.ok()) return ok;
  const std::string setup = cat("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", schema);
  if (absl::Status ok = check(raw, sqlite3_exec(raw, setup.c_str(), nullptr, nullptr, nullptr),
                              who, "set up the table");
      !ok.ok()) {
    return ok;
  }
  return db;
}

}  // namespace datamesh::bench::raw_sqlite
