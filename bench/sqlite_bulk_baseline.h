// Baselines of the scale benchmark besides the single-row commit rate (sqlite_baseline.h):
// what raw SQLite does on this disk, with the mesh store's settings (WAL, synchronous=NORMAL),
// for the kinds of work the mesh's methods do. Every figure of the scale benchmark is printed
// as a ratio to one of them (docs/PERFORMANCE.md, "Scale").
//
// The table is like the mesh's subscriptions: an integer primary key, a random 22-character
// text key with a UNIQUE index, and a ~200-byte payload.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace datamesh::bench {

struct SqliteBulkBaseline {
  // Batched inserts: rows_per_transaction rows per BEGIN IMMEDIATE ... COMMIT.
  int rows_per_transaction = 0;
  uint64_t rows = 0;  // rows in the table afterwards
  double insert_rows_per_second = 0;
  // A read transaction reading one row by its text key (BEGIN; SELECT; COMMIT).
  double point_read_us = 0;  // mean
  double point_read_p99_us = 0;
  // A read transaction reading the 100 rows after a key, in key order.
  double range_read_100_us = 0;  // mean
  double range_read_100_p99_us = 0;
  // Reading every key in key order from the index, per key.
  double scan_us_per_key = 0;
};

// Creates a new database file at `path`, inserts rows in batches for `insert_seconds`, then
// times `reads` point reads and range reads and one full index scan. Internal on any SQLite
// error.
absl::StatusOr<SqliteBulkBaseline> measure_sqlite_bulk(const std::string& path,
                                                       int rows_per_transaction,
                                                       double insert_seconds, int reads);

}  // namespace datamesh::bench
