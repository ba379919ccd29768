#include "sqlite_bulk_baseline.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include "base/text.h"
#include "raw_sqlite.h"

namespace datamesh::bench {
namespace {

using base::cat;
using Clock = std::chrono::steady_clock;

using raw_sqlite::StatementPtr;

constexpr std::string_view kBulkWho = "sqlite bulk baseline";

absl::Status check_bulk(sqlite3* db, int code, std::string_view doing) {
  return raw_sqlite::check(db, code, kBulkWho, doing);
}

absl::StatusOr<StatementPtr> prepare(sqlite3* db, const char* sql) {
  return raw_sqlite::prepare(db, sql, kBulkWho, sql);
}

// Runs a statement without rows to the end and resets it.
absl::Status run(sqlite3* db, sqlite3_stmt* statement, std::string_view doing) {
  const int code = sqlite3_step(statement);
  sqlite3_reset(statement);
  return check_bulk(db, code, doing);
}

// A subscription-id-like key: 22 characters from a 57-letter alphabet, random.
std::string random_key(std::mt19937_64& random) {
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::string key(22, ' ');
  for (char& c : key) c = kAlphabet[random() % 57];
  return key;
}

double micros(Clock::duration duration) {
  return std::chrono::duration<double, std::micro>(duration).count();
}

double p99(std::vector<double>& values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * 99 / 100)];
}

double mean(const std::vector<double>& values) {
  double total = 0;
  for (double v : values) total += v;
  return values.empty() ? 0 : total / static_cast<double>(values.size());
}

}  // namespace

absl::StatusOr<SqliteBulkBaseline> measure_sqlite_bulk(const std::string& path,
                                                       int rows_per_transaction,
                                                       double insert_seconds, int reads) {
  auto db = raw_sqlite::open(path,
                             "CREATE TABLE rows(id INTEGER PRIMARY KEY, "
                             "key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)",
                             kBulkWho);
  if (!db.ok()) return db.status();
  sqlite3* raw_db = db->get();
  auto begin = prepare(raw_db, "BEGIN IMMEDIATE");
  auto begin_read = prepare(raw_db, "BEGIN DEFERRED");
  auto commit = prepare(raw_db, "COMMIT");
  auto insert = prepare(raw_db, "INSERT INTO rows(key, payload) VALUES(?1, ?2)");
  auto point = prepare(raw_db, "SELECT id, key, payload FROM rows WHERE key = ?1");
  auto range =
      prepare(raw_db, "SELECT id, key, payload FROM rows WHERE key > ?1 ORDER BY key LIMIT 100");
  auto scan = prepare(raw_db, "SELECT key FROM rows ORDER BY key");
  for (auto* prepared : {&begin, &begin_read, &commit, &insert, &point, &range, &scan}) {
    if (!prepared->ok()) return prepared->status();
  }

  SqliteBulkBaseline result{.rows_per_transaction = rows_per_transaction};
  std::mt19937_64 random(42);
  const std::string payload(176, 'x');
  std::vector<std::string> keys;
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(insert_seconds));
  do {
    if (absl::Status ok = run(raw_db, begin->get(), "BEGIN"); !ok.ok()) return ok;
    for (int r = 0; r < rows_per_transaction; ++r) {
      std::string key = random_key(random);
      sqlite3_bind_text(insert->get(), 1, key.data(), static_cast<int>(key.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(insert->get(), 2, payload.data(), static_cast<int>(payload.size()),
                        SQLITE_STATIC);
      if (absl::Status ok = run(raw_db, insert->get(), "INSERT"); !ok.ok()) return ok;
      if (keys.size() < 1'000'000) keys.push_back(std::move(key));
    }
    if (absl::Status ok = run(raw_db, commit->get(), "COMMIT"); !ok.ok()) return ok;
    result.rows += static_cast<uint64_t>(rows_per_transaction);
  } while (Clock::now() < deadline);
  result.insert_rows_per_second =
      static_cast<double>(result.rows) /
      std::chrono::duration<double>(Clock::now() - started).count();

  // Reads, each in its own read transaction as the store runs them.
  const auto timed_read = [&](sqlite3_stmt* statement, const std::string& key,
                              double& micros_out) -> absl::Status {
    const auto t0 = Clock::now();
    if (absl::Status ok = run(raw_db, begin_read->get(), "BEGIN"); !ok.ok()) return ok;
    sqlite3_bind_text(statement, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    int code;
    while ((code = sqlite3_step(statement)) == SQLITE_ROW) {
      (void)sqlite3_column_text(statement, 2);
    }
    sqlite3_reset(statement);
    if (absl::Status ok = check_bulk(raw_db, code, "read"); !ok.ok()) return ok;
    if (absl::Status ok = run(raw_db, commit->get(), "COMMIT"); !ok.ok()) return ok;
    micros_out = micros(Clock::now() - t0);
    return absl::OkStatus();
  };
  std::vector<double> point_times, range_times;
  for (int r = 0; r < reads; ++r) {
    const std::string& key = keys[random() % keys.size()];
    double t = 0;
    if (absl::Status ok = timed_read(point->get(), key, t); !ok.ok()) return ok;
    point_times.push_back(t);
    if (absl::Status ok = timed_read(range->get(), key, t); !ok.ok()) return ok;
    range_times.push_back(t);
  }
  result.point_read_us = mean(point_times);
  result.point_read_p99_us = p99(point_times);
  result.range_read_100_us = mean(range_times);
  result.range_read_100_p99_us = p99(range_times);

  const auto scan_started = Clock::now();
  uint64_t scanned = 0;
  int code;
  while ((code = sqlite3_step(scan->get())) == SQLITE_ROW) {
    (void)sqlite3_column_text(scan->get(), 0);
    ++scanned;
  }
  sqlite3_reset(scan->get());
  if (absl::Status ok = check_bulk(raw_db, code, "scan"); !ok.ok()) return ok;
  result.scan_us_per_key =
      scanned == 0 ? 0 : micros(Clock::now() - scan_started) / static_cast<double>(scanned);
  return result;
}

}  // namespace datamesh::bench
