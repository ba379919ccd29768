#include "sqlite_baseline.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "base/text.h"
#include "load.h"
#include "raw_sqlite.h"

namespace datamesh::bench {
namespace {

using base::cat;

constexpr std::string_view kWho = "sqlite baseline";

absl::Status check(sqlite3* db, int code, std::string_view doing) {
  return raw_sqlite::check(db, code, kWho, doing);
}

absl::StatusOr<std::string> pragma_value(sqlite3* db, const char* sql) {
  auto statement = raw_sqlite::prepare(db, sql, kWho, sql);
  if (!statement.ok()) return statement.status();
  sqlite3_stmt* raw = statement->get();
  if (sqlite3_step(raw) != SQLITE_ROW) return std::string();
  const unsigned char* text = sqlite3_column_text(raw, 0);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

}  // namespace

absl::StatusOr<SqliteBaseline> measure_sqlite_commits(const std::string& path, double seconds,
                                                      double warmup_seconds) {
  auto db = raw_sqlite::open(path,
                             "CREATE TABLE rows(id INTEGER PRIMARY KEY, "
                             "key TEXT NOT NULL, payload TEXT NOT NULL)",
                             kWho);
  if (!db.ok()) return db.status();
  sqlite3* raw_db = db->get();
  SqliteBaseline result;
  auto mode = pragma_value(raw_db, "PRAGMA journal_mode");
  if (!mode.ok()) return mode.status();
  result.journal_mode = *mode;
  auto synchronous = pragma_value(raw_db, "PRAGMA synchronous");
  if (!synchronous.ok()) return synchronous.status();
  result.synchronous = *synchronous;

  auto insert = raw_sqlite::prepare(raw_db, "INSERT INTO rows(key, payload) VALUES(?1, ?2)", kWho,
                                    "prepare the INSERT");
  if (!insert.ok()) return insert.status();
  auto begin = raw_sqlite::prepare(raw_db, "BEGIN IMMEDIATE", kWho, "BEGIN");
  if (!begin.ok()) return begin.status();
  auto commit = raw_sqlite::prepare(raw_db, "COMMIT", kWho, "COMMIT");
  if (!commit.ok()) return commit.status();
  sqlite3_stmt* raw_insert = insert->get();
  sqlite3_stmt* raw_begin = begin->get();
  sqlite3_stmt* raw_commit = commit->get();

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
