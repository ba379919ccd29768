#include "postgres_baseline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "base/text.h"
#include "store/postgres/connection.h"

namespace datamesh::bench {

using base::cat;
using store::postgres::Connection;
using store::postgres::Params;

absl::StatusOr<PostgresBaseline> measure_postgres_commits(const std::string& url, int connections,
                                                          double seconds, double warmup_seconds) {
  auto setup = Connection::open(url, "the benchmark's database", "");
  if (!setup.ok()) return setup.status();
  auto created = (*setup)->exec(
      "CREATE SCHEMA IF NOT EXISTS datamesh_bench_baseline;"
      " CREATE TABLE IF NOT EXISTS datamesh_bench_baseline.commits"
      " (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload TEXT NOT NULL)",
      "create the baseline table");
  if (!created.ok()) return created.status();
  PostgresBaseline baseline{.connections = connections};
  for (const char* setting : {"fsync", "synchronous_commit"}) {
    auto shown = (*setup)->exec(cat("SHOW ", setting), "read the durability settings");
    if (!shown.ok()) return shown.status();
    (std::string_view(setting) == "fsync" ? baseline.fsync : baseline.synchronous_commit) =
        shown->text(0, 0);
  }

  using Clock = std::chrono::steady_clock;
  const std::string payload(200, 'x');
  const Clock::time_point start = Clock::now();
  const Clock::time_point measured_from =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(warmup_seconds));
  const Clock::time_point end =
      measured_from +
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::mutex mutex;
  std::vector<int64_t> latencies;
  absl::Status failure = absl::OkStatus();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      auto connection = Connection::open(url, "the benchmark's database", "");
      std::vector<int64_t> mine;
      absl::Status error = connection.status();
      while (error.ok()) {
        const Clock::time_point before = Clock::now();
        if (before >= end) break;
        auto inserted = (*connection)->query(
            "INSERT INTO datamesh_bench_baseline.commits (payload) VALUES ($1)",
            Params().text(payload));
        if (!inserted.ok()) {
          error = inserted.status();
          break;
        }
        const Clock::time_point after = Clock::now();
        if (before >= measured_from && after <= end) {
          mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(after - before)
                             .count());
        }
      }
      std::lock_guard lock(mutex);
      if (!error.ok() && failure.ok()) failure = error;
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  if (!failure.ok()) return absl::InternalError(cat("baseline commits: ", failure.message()));
  std::sort(latencies.begin(), latencies.end());
  baseline.commits = latencies.size();
  baseline.seconds = seconds;
  baseline.commits_per_second = seconds > 0 ? static_cast<double>(latencies.size()) / seconds : 0;
  if (!latencies.empty()) {
    baseline.p50_us = static_cast<double>(latencies[latencies.size() / 2]) / 1000.0;
    baseline.p99_us = static_cast<double>(latencies[latencies.size() * 99 / 100]) / 1000.0;
  }
  return baseline;
}

}  // namespace datamesh::bench
