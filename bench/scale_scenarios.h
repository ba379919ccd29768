// The figures of the scale benchmark at one mesh size: every documented method of the
// producer, consumer, catalog and admin through the public C++ API on the embedded store, the
// authorization check through the engine, each next to its raw-SQLite baseline and its target
// (docs/PERFORMANCE.md, "Scale").
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "scale_figures.h"
#include "scale_mesh.h"
#include "sqlite_baseline.h"
#include "sqlite_bulk_baseline.h"

namespace datamesh::bench {

struct Baselines {
  SqliteBaseline commits;    // single-row commits
  SqliteBulkBaseline bulk;   // batched inserts, point and range reads, index scan
};

struct ScenarioOptions {
  int samples = 1000;               // per fast figure
  int cycles = 500;                 // request → approve → finalize cycles
  int slow_samples = 20;            // get_data_product and other whole-database figures
  int create_tables = 10000;        // tables of each create_data_products sample
  int create_samples = 3;
  std::string regex = "orders_eu_.*";  // 1 table in 100 of the big database
  // get_data_product `.*` (every table of the big database) in the list form, which holds the
  // whole answer, instead of the callback form, whose memory does not grow with the answer:
  // the figure before streaming, for comparison.
  bool whole_answer = false;
};

// Measures every figure on `mesh` as it is now and appends them to `recorder`. Writes that
// need new subscriptions (the cycles, denials) request the spare tables of each product.
absl::Status measure_all(ScaleMesh& mesh, const Baselines& baselines,
                         const ScenarioOptions& options, FigureRecorder& recorder);

}  // namespace datamesh::bench
