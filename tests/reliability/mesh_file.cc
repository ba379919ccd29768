#include "reliability/mesh_file.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <set>
#include <system_error>

#include "base/text.h"

namespace datamesh::reliability {
namespace {

using base::cat;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

// Read-write without create: a read-only connection could not open a WAL file whose -shm is
// gone (after the last connection closed, or a crash). Nothing here writes.
absl::StatusOr<Db> open_existing(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  Db db(raw);
  if (opened != SQLITE_OK) {
    return absl::InternalError(cat("cannot open ", path.string(), " to inspect it: ",
                                   raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

absl::StatusOr<Statement> prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return absl::InternalError(cat("cannot prepare \"", sql, "\": ", sqlite3_errmsg(db)));
  }
  return Statement(raw);
}

// Every row of `sql`, each as its columns joined with " | " (blobs in hex, NULL as NULL).
absl::StatusOr<std::vector<std::string>> rows_of(sqlite3* db, const std::string& sql) {
  auto statement = prepare(db, sql);
  if (!statement.ok()) return statement.status();
  std::vector<std::string> rows;
  while (true) {
    const int stepped = sqlite3_step(statement->get());
    if (stepped == SQLITE_DONE) return rows;
    if (stepped != SQLITE_ROW) {
      return absl::InternalError(cat("cannot run \"", sql, "\": ", sqlite3_errmsg(db)));
    }
    std::string row;
    const int columns = sqlite3_column_count(statement->get());
    for (int i = 0; i < columns; ++i) {
      if (i > 0) row += " | ";
      switch (sqlite3_column_type(statement->get(), i)) {
        case SQLITE_NULL:
          row += "NULL";
          break;
        case SQLITE_BLOB: {
          static constexpr char kHex[] = "0123456789abcdef";
          const auto* bytes =
              static_cast<const unsigned char*>(sqlite3_column_blob(statement->get(), i));
          const int size = sqlite3_column_bytes(statement->get(), i);
          row += "x'";
          for (int b = 0; b < size; ++b) {
            row += kHex[bytes[b] >> 4];
            row += kHex[bytes[b] & 15];
          }
          row += "'";
          break;
        }
        default: {
          const auto* text = sqlite3_column_text(statement->get(), i);
          row += text != nullptr ? reinterpret_cast<const char*>(text) : "";
        }
      }
    }
    rows.push_back(std::move(row));
  }
}

std::string sql_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

absl::StatusOr<std::string> dump_mesh_file(const std::filesystem::path& db_path) {
  auto db = open_existing(db_path);
  if (!db.ok()) return db.status();
  // One read transaction, so the tables are dumped as of one moment.
  if (sqlite3_exec(db->get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return absl::InternalError(cat("cannot begin reading ", db_path.string()));
  }
  auto tables = rows_of(db->get(),
                        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  if (!tables.ok()) return tables.status();
  std::string dump;
  for (const std::string& table : *tables) {
    auto columns = rows_of(db->get(), cat("SELECT name FROM pragma_table_info(",
                                          "'", table, "') ORDER BY cid"));
    if (!columns.ok()) return columns.status();
    auto rows = rows_of(db->get(), cat("SELECT * FROM ", sql_identifier(table)));
    if (!rows.ok()) return rows.status();
    std::sort(rows->begin(), rows->end());
    dump += cat(table, "(", base::join(*columns, ", "), ")\n");
    for (const std::string& row : *rows) dump += cat("  ", row, "\n");
  }
  sqlite3_exec(db->get(), "COMMIT", nullptr, nullptr, nullptr);
  return dump;
}

std::string dump_difference(const std::string& before, const std::string& after, int limit) {
  const auto lines = [](const std::string& text) {
    std::multiset<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      out.insert(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return out;
  };
  const auto a = lines(before);
  const auto b = lines(after);
  std::vector<std::string> removed, added;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(removed));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(added));
  std::string out;
  int shown = 0;
  for (const auto* side : {&removed, &added}) {
    for (const std::string& line : *side) {
      if (shown++ == limit) return out + "  ...\n";
      out += cat(side == &removed ? "- " : "+ ", line.substr(0, 300), "\n");
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> integrity_problems(const std::filesystem::path& db_path) {
  auto db = open_existing(db_path);
  if (!db.ok()) return db.status();
  auto integrity = rows_of(db->get(), "PRAGMA integrity_check");
  if (!integrity.ok()) return integrity.status();
  std::vector<std::string> problems;
  for (const std::string& row : *integrity) {
    if (row != "ok") problems.push_back(cat("integrity_check: ", row));
  }
  auto foreign = rows_of(db->get(), "PRAGMA foreign_key_check");
  if (!foreign.ok()) return foreign.status();
  for (const std::string& row : *foreign) problems.push_back(cat("foreign_key_check: ", row));
  return problems;
}

absl::StatusOr<TableTail> audit_tail(const std::filesystem::path& db_path) {
  auto db = open_existing(db_path);
  if (!db.ok()) return db.status();
  auto count = rows_of(db->get(), "SELECT count(*) FROM audit_events");
  if (!count.ok()) return count.status();
  auto last = rows_of(db->get(), "SELECT action FROM audit_events ORDER BY rowid DESC LIMIT 1");
  if (!last.ok()) return last.status();
  return TableTail{.rows = std::stoll(count->at(0)),
                   .last_action = last->empty() ? "" : last->front()};
}

absl::Status copy_mesh(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  std::error_code error;
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(to.string() + suffix, error);
  for (const char* suffix : {"", "-wal", ".key"}) {
    const fs::path source = from.string() + suffix;
    if (!fs::exists(source)) continue;
    fs::copy_file(source, to.string() + suffix, fs::copy_options::overwrite_existing, error);
    if (error) {
      return absl::InternalError(
          cat("cannot copy ", source.string(), " to ", to.string(), suffix, ": ",
              error.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace datamesh::reliability
