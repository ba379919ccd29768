#include "sqlite_baseline.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "core/text.h"
#include "load.h"

namespace datamesh::bench {
namespace {

using core::cat;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

absl::Status check(sqlite3* db, int code, std::string_view doing) {
  if (code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW) return absl::OkStatus();
  return absl::InternalError(cat("sqlite baseline: cannot ", doing, ": ", sqlite3_errmsg(db)));
}

absl::StatusOr<std::string> pragma_value(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (absl::Status ok = check(db, sqlite3_prepare_v2(db, sql, -1, &raw, nullptr), sql); !ok.ok()) {
    return ok;
  }
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> statement(raw);
  if (sqlite3_step(raw) != SQLITE_ROW) return std::string();
  const unsigned char* text = sqlite3_column_text(raw, 0);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

}  // namespace

absl::StatusOr<SqliteBaseline> measure_sqlite_commits(const std::string& path, double seconds,
                                                      double warmup_seconds) {
  sqlite3* raw_db = nullptr;
  const int opened = sqlite3_open_v2(
      path.c_str(), &raw_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  std::unique_ptr<sqlite3, CloseDb> db(raw_db);
  if (absl::Status ok = check(raw_db, opened, cat("open ", path)); !ok.ok()) return ok;
  // The store's settings (src/store/sqlite/sqlite_store.cc and statements.cc).
  if (absl::Status ok = check(raw_db,
                              sqlite3_exec(raw_db,
                                           "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                           "CREATE TABLE rows(id INTEGER PRIMARY KEY, "
                                           "key TEXT NOT NULL, payload TEXT NOT NULL)",
                                           nullptr, nullptr, nullptr),
                              "set up the table");
      !ok.ok()) {
    return ok;
  }
  SqliteBaseline result;
  auto mode = pragma_value(raw_db, "PRAGMA journal_mode");
  if (!mode.ok()) return mode.status();
  result.journal_mode = *mode;
  auto synchronous = pragma_value(raw_db, "PRAGMA synchronous");
  if (!synchronous.ok()) return synchronous.status();
  result.synchronous = *synchronous;

  sqlite3_stmt* raw_insert = nullptr;
  if (absl::Status ok = check(raw_db,
                              sqlite3_prepare_v2(raw_db,
                                                 "INSERT INTO rows(key, payload) VALUES(?1, ?2)",
                                                 -1, &raw_insert, nullptr),
                              "prepare the INSERT");
      !ok.ok()) {
    return ok;
  }
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> insert(raw_insert);
  sqlite3_stmt* raw_begin = nullptr;
  sqlite3_stmt* raw_commit = nullptr;
  if (absl::Status ok = check(
          raw_db, sqlite3_prepare_v2(raw_db, "BEGIN IMMEDIATE", -1, &raw_begin, nullptr), "BEGIN");
      !ok.ok()) {
    return ok;
  }
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> begin(raw_begin);
  if (absl::Status ok = check(
          raw_db, sqlite3_prepare_v2(raw_db, "COMMIT", -1, &raw_commit, nullptr), "COMMIT");
      !ok.ok()) {
    return ok;
  }
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> commit(raw_commit);

  // A ~200-byte row: a 24-byte key plus a 176-byte payload.
  const std::string payload(176, 'x');
  using Clock = std::chrono::steady_clock;
  std::vector<int64_t> latencies;
  latencies.reserve(1 << 18);
  uint64_t serial = 0;
  const auto run = [&](double duration, bool measure) -> absl::Status {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(duration));
    char key[32];
    while (true) {
      const auto started = Clock::now();
      if (started >= deadline) return absl::OkStatus();
      std::snprintf(key, sizeof key, "row-%020llu", static_cast<unsigned long long>(serial++));
      sqlite3_reset(raw_begin);
      if (absl::Status ok = check(raw_db, sqlite3_step(raw_begin), "BEGIN"); !ok.ok()) return ok;
      sqlite3_reset(raw_insert);
      sqlite3_bind_text(raw_insert, 1, key, 24, SQLITE_STATIC);
      sqlite3_bind_text(raw_insert, 2, payload.data(), static_cast<int>(payload.size()),
                        SQLITE_STATIC);
      if (absl::Status ok = check(raw_db, sqlite3_step(raw_insert), "INSERT"); !ok.ok()) {
        return ok;
      }
      sqlite3_reset(raw_commit);
      if (absl::Status ok = check(raw_db, sqlite3_step(raw_commit), "COMMIT"); !ok.ok()) {
        return ok;
      }
      if (measure) {
        ++result.commits;
        latencies.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count());
      }
    }
  };
  if (absl::Status warm = run(warmup_seconds, false); !warm.ok()) return warm;
  const auto started = Clock::now();
  if (absl::Status measured = run(seconds, true); !measured.ok()) return measured;
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.commits_per_second = static_cast<double>(result.commits) / result.seconds;
  const LatencySummary summary = summarize(latencies);
  result.p50_us = summary.p50_us;
  result.p99_us = summary.p99_us;
  return result;
}

}  // namespace datamesh::bench
