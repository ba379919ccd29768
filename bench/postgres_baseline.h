// The PostgreSQL benchmark's baseline: how many single-row transactions the same PostgreSQL
// server commits per second, raw, through libpq: each of `connections` threads has its own
// connection and runs one prepared INSERT of a ~200-byte row per transaction (autocommit: one
// round trip, one commit), with the server's durability settings. Workflow writes through the
// server are reported as a fraction of it.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace datamesh::bench {

struct PostgresBaseline {
  int connections = 0;
  uint64_t commits = 0;
  double seconds = 0;
  double commits_per_second = 0;
  double p50_us = 0, p99_us = 0;  // per commit
  std::string fsync;              // as the server reports it
  std::string synchronous_commit;
};

// Commits rows into table datamesh_bench_baseline.commits of the database at `url` (created if
// missing) for `seconds`, after `warmup_seconds` of unmeasured commits. Internal on any error.
absl::StatusOr<PostgresBaseline> measure_postgres_commits(const std::string& url, int connections,
                                                          double seconds, double warmup_seconds);

}  // namespace datamesh::bench
