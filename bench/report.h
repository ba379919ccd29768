// The benchmark's report: one measured scenario (a load test or wrk run) with the baseline its
// ratio is taken to, the table printed on stdout, and the JSON forms of every result.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "costs.h"
#include "load.h"
#include "sqlite_baseline.h"
#include "wrk_runner.h"

namespace datamesh::bench {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Scenario {
  // A load test (tool "datamesh_bench/raw") or a wrk run (tool "wrk").
  std::string name;
  std::string tool;
  int connections = 0;
  LoadResult load;
  WrkResult wrk;  // when tool == "wrk"
  double client_cores = kNaN;
  double server_cores = kNaN;
  double other_cores = kNaN;  // CPU other programs used meanwhile: should be ~0
  double baseline = kNaN;
  std::string baseline_name;

  double rps() const { return tool == "wrk" ? wrk.requests_per_second : load.requests_per_second; }
  double p50() const { return tool == "wrk" ? wrk.p50_us : load.latency.p50_us; }
  double p99() const { return tool == "wrk" ? wrk.p99_us : load.latency.p99_us; }
  double ratio() const { return baseline > 0 ? rps() / baseline : kNaN; }
  double seconds() const { return tool == "wrk" ? 0 : load.seconds; }
  double server_us_per_request() const {
    return rps() > 0 && !std::isnan(server_cores) ? server_cores / rps() * 1e6 : kNaN;
  }
  double client_us_per_request() const {
    return rps() > 0 && !std::isnan(client_cores) ? client_cores / rps() * 1e6 : kNaN;
  }
  // The rate this client and server would reach with all `cores` to themselves, at the CPU
  // they spent per request in this run: rps x cores / (server + client cores). A projection
  // for runs where other programs took CPU (the "other" column), valid while the load is
  // CPU-bound (closed loop, no waiting on the disk); the measured rps stays the figure of record.
  double idle_cores_rps(double cores) const {
    const double used = server_cores + client_cores;
    return rps() > 0 && used > 0 && !std::isnan(used) ? rps() * cores / used : kNaN;
  }
};

// NaN as JSON null.
nlohmann::json number(double value);
// The machine's logical cores (at least 1).
double machine_cores();
// "model name" of /proc/cpuinfo.
std::string cpu_model();
// The file system `path` is on: "ext4", "tmpfs", ... or its magic number.
std::string filesystem_of(const std::string& path);
// The current UTC time in strftime `format`.
std::string utc_now(const char* format);
// `value` with `decimals` decimals; "n/a" for NaN.
std::string format_number(double value, int decimals);

nlohmann::json scenario_json(const Scenario& s);
nlohmann::json step_costs_json(const std::vector<StepCost>& costs);

// The table on stdout: header, the SQLite baseline row, one row per scenario.
void print_table_header();
void print_sqlite_row(const SqliteBaseline& sqlite);
void print_row(const Scenario& s);
void print_step_costs(const std::vector<StepCost>& costs);
// `targets`: [{"name", "target", "measured", "met" (bool or null), "tool"}].
void print_targets(const nlohmann::json& targets);

}  // namespace datamesh::bench
