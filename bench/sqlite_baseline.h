// Baseline 1 of the benchmark: how many single-row transactions raw SQLite commits per second
// on this disk with the durability settings of the mesh store (src/store/sqlite: WAL,
// synchronous=NORMAL, BEGIN IMMEDIATE ... COMMIT), one prepared INSERT of a ~200-byte row per
// transaction, from one thread. The store can commit no faster than this, so an authenticated
// write is reported as a fraction of it.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace datamesh::bench {

struct SqliteBaseline {
  uint64_t commits = 0;
  double seconds = 0;
  double commits_per_second = 0;
  double p50_us = 0, p99_us = 0;  // per commit (BEGIN + INSERT + COMMIT)
  std::string journal_mode;       // as SQLite reports it ("wal")
  std::string synchronous;        // "1" = NORMAL
};

// Commits rows into a new database file at `path` for `seconds` (after `warmup_seconds` of
// unmeasured commits). Internal on any SQLite error.
absl::StatusOr<SqliteBaseline> measure_sqlite_commits(const std::string& path, double seconds,
                                                      double warmup_seconds);

}  // namespace datamesh::bench
