// datamesh_scale: the mesh at scale (docs/PERFORMANCE.md, "Scale"). Builds a mesh of
// producers, consumers, a 200,000-table database and up to 1,000,000 subscriptions on the
// embedded store, measures every documented method through the public C++ API at each size
// of --sizes, next to raw SQLite baselines measured in the same run, and prints a table per
// size, the growth table and the peak memory; --json writes everything.
//
//   datamesh_scale                      # the full run: 10k, 100k, 1M subscriptions
//   datamesh_scale --quick --json x.json   # seconds: the CI smoke test (bench/scale_smoke.cmake)
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/text.h"
#include "scale_figures.h"
#include "scale_mesh.h"
#include "scale_report.h"
#include "scale_scenarios.h"
#include "sqlite_baseline.h"
#include "sqlite_bulk_baseline.h"

namespace datamesh::bench {
namespace {

using base::cat;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<int64_t> sizes = {10000, 100000, 1000000};
  ScaleShape shape;
  ScenarioOptions scenario;
  double baseline_seconds = 3;
  std::string directory;  // where the mesh files go; a new temporary directory by default
  std::string json_path;
  bool keep = false;
  bool quick = false;
  bool build_only = false;  // stop once the mesh is built (for profiling the build)
};

void apply_quick(Options& o) {
  o.sizes = {300, 1200};
  o.shape = ScaleShape{.producers = 3,
                       .consumers = 20,
                       .tables_per_product = 40,
                       .spare_tables = 20,
                       .big_tables = 3000,
                       .measured_consumers = 4,
                       .batch = 500};
  o.scenario = ScenarioOptions{.samples = 20,
                               .cycles = 10,
                               .slow_samples = 3,
                               .create_tables = 500,
                               .create_samples = 1};
  o.baseline_seconds = 0.3;
}

std::string utc_now() {
  char text[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "";
}

int run(const Options& o) {
  namespace fs = std::filesystem;
  const fs::path directory =
      o.directory.empty() ? fs::temp_directory_path() / cat("datamesh-scale-", ::getpid())
                          : fs::path(o.directory);
  fs::create_directories(directory);
  const auto fail = [&](const absl::Status& status) {
    std::fprintf(stderr, "datamesh_scale: %s\n", std::string(status.message()).c_str());
    if (!o.keep && o.directory.empty()) fs::remove_all(directory);
    return 1;
  };
  const auto elapsed = [started = Clock::now()] {
    return std::chrono::duration<double>(Clock::now() - started).count();
  };

  // Baselines first, on files of their own next to the mesh.
  Baselines baselines;
  auto commits = measure_sqlite_commits((directory / "baseline-commits.db").string(),
                                        o.baseline_seconds, o.baseline_seconds / 3);
  if (!commits.ok()) return fail(commits.status());
  baselines.commits = *commits;
  auto bulk = measure_sqlite_bulk((directory / "baseline-bulk.db").string(), 1000,
                                  o.baseline_seconds, o.quick ? 200 : 20000);
  if (!bulk.ok()) return fail(bulk.status());
  baselines.bulk = *bulk;
  print_baselines(baselines);

  std::printf("\n[%6.1f s] building the mesh: %d producers, %d consumers, %d tables per product,"
              " a database of %d tables\n",
              elapsed(), o.shape.producers, o.shape.consumers, o.shape.tables_per_product,
              o.shape.big_tables);
  std::fflush(stdout);
  reset_peak_rss();
  auto mesh = ScaleMesh::create((directory / "mesh.db").string(), o.shape);
  if (!mesh.ok()) return fail(mesh.status());
  const double build_peak = peak_rss_mb();
  std::printf("[%6.1f s] built; create_data_products of the %d-table database took %.2f s\n",
              elapsed(), o.shape.big_tables, (*mesh)->big_product_seconds());

  if (o.build_only) {
    mesh->reset();
    if (!o.keep && o.directory.empty()) fs::remove_all(directory);
    return 0;
  }
  nlohmann::json levels = nlohmann::json::array();
  std::vector<Figure> all;
  for (int64_t size : o.sizes) {
    reset_peak_rss();
    const auto grow_started = Clock::now();
    int64_t last_report = (*mesh)->subscriptions();
    absl::Status grown = (*mesh)->grow_to(size, [&](int64_t done) {
      if (done - last_report >= 100000 || done == size) {
        std::printf("[%6.1f s]   %lld subscriptions\n", elapsed(), static_cast<long long>(done));
        std::fflush(stdout);
        last_report = done;
      }
    });
    if (!grown.ok()) return fail(grown);
    const double grow_seconds =
        std::chrono::duration<double>(Clock::now() - grow_started).count();
    const double populate_peak = peak_rss_mb();
    std::error_code ignored;
    const double file_mb =
        static_cast<double>(fs::file_size(directory / "mesh.db", ignored) +
                            fs::file_size(directory / "mesh.db-wal", ignored)) /
        (1024.0 * 1024.0);
    std::printf("[%6.1f s] %lld subscriptions (populated in %.1f s, peak RSS %.0f MB); mesh file"
                " %.0f MB; measuring\n",
                elapsed(), static_cast<long long>(size), grow_seconds, populate_peak, file_mb);
    std::fflush(stdout);

    FigureRecorder level(size);
    reset_peak_rss();
    if (absl::Status measured = measure_all(**mesh, baselines, o.scenario, level);
        !measured.ok()) {
      return fail(measured);
    }
    double measure_peak = 0;
    for (const Figure& f : level.figures()) measure_peak = std::max(measure_peak, f.peak_rss_mb);
    Figure memory{.size = size, .name = "peak RSS while measuring (every figure above)"};
    memory.peak_rss_mb = measure_peak;
    memory.target = {Target::Kind::kPeakRssAtMostMb, 200, "≤ 200 MB"};
    judge(memory);
    level.figures().push_back(memory);
    print_figures(size, level.figures());
    levels.push_back({{"subscriptions", size},
                      {"populate_seconds", grow_seconds},
                      {"populate_peak_rss_mb", populate_peak},
                      {"mesh_file_mb", file_mb},
                      {"measure_peak_rss_mb", measure_peak}});
    all.insert(all.end(), level.figures().begin(), level.figures().end());
  }
  print_growth(all, /*cpu=*/false);
  print_growth(all, /*cpu=*/true);

  if (!o.json_path.empty()) {
    struct utsname machine {};
    ::uname(&machine);
    nlohmann::json figures = nlohmann::json::array();
    for (const Figure& f : all) figures.push_back(figure_json(f));
    nlohmann::json report{
        {"schema", "datamesh-scale/1"},
        {"date", utc_now()},
        {"machine",
         {{"cpu", cpu_model()},
          {"cores", std::thread::hardware_concurrency()},
          {"kernel", machine.release},
          {"build_type", DATAMESH_SCALE_BUILD_TYPE}}},
        {"shape",
         {{"producers", o.shape.producers},
          {"consumers", o.shape.consumers},
          {"tables_per_product", o.shape.tables_per_product},
          {"big_tables", o.shape.big_tables},
          {"sizes", o.sizes}}},
        {"build", {{"peak_rss_mb", build_peak},
                   {"big_create_data_products_seconds", (*mesh)->big_product_seconds()}}},
        {"baselines", baselines_json(baselines)},
        {"levels", levels},
        {"figures", figures}};
    std::ofstream out(o.json_path);
    out << report.dump(2) << "\n";
    if (!out) return fail(absl::UnavailableError(cat("cannot write ", o.json_path)));
    std::printf("\nJSON: %s\n", o.json_path.c_str());
  }
  mesh->reset();  // closes the store before its files are removed
  if (!o.keep && o.directory.empty()) fs::remove_all(directory);
  return 0;
}

}  // namespace
}  // namespace datamesh::bench

int main(int argc, char** argv) {
  using datamesh::bench::Options;
  Options o;
  CLI::App app{"datamesh_scale: every method at 10k, 100k and 1M subscriptions"};
  bool quick = false;
  app.add_flag("--quick", quick, "small sizes, a few seconds (the CI smoke test)");
  app.add_option("--sizes", o.sizes, "subscription counts to measure at, ascending")->delimiter(',');
  app.add_option("--producers", o.shape.producers);
  app.add_option("--consumers", o.shape.consumers);
  app.add_option("--tables-per-product", o.shape.tables_per_product);
  app.add_option("--spare-tables", o.shape.spare_tables);
  app.add_option("--big-tables", o.shape.big_tables, "tables of the big database (Glue's limit)");
  app.add_option("--batch", o.shape.batch, "subscriptions per commit while populating");
  app.add_option("--samples", o.scenario.samples, "calls per fast figure");
  app.add_option("--cycles", o.scenario.cycles, "request → approve → finalize cycles");
  app.add_option("--create-tables", o.scenario.create_tables);
  app.add_option("--regex", o.scenario.regex, "get_data_product's regex over the big database");
  app.add_flag("--whole-answer", o.scenario.whole_answer,
               "measure get_data_product .* in the list form (the whole answer in memory) "
               "instead of the callback form");
  app.add_option("--baseline-seconds", o.baseline_seconds);
  app.add_option("--dir", o.directory, "directory for the mesh files (kept)");
  app.add_flag("--keep", o.keep, "keep the temporary directory");
  app.add_flag("--build-only", o.build_only, "build the mesh and stop (to profile the build)");
  app.add_option("--json", o.json_path, "write the results as JSON here");
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    Options defaults = o;
    datamesh::bench::apply_quick(o);
    o.json_path = defaults.json_path;
    o.directory = defaults.directory;
    o.keep = defaults.keep;
    o.quick = true;
  }
  return datamesh::bench::run(o);
}
