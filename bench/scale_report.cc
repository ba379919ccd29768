#include "scale_report.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>


namespace datamesh::bench {

namespace {

// NaN and infinities as JSON null.
nlohmann::json number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

std::string verdict(const Figure& figure) {
  if (!figure.met) return "";
  return *figure.met ? "yes" : "NO";
}

// Microseconds as "812 µs", "3.4 ms" or "1.52 s".
std::string duration(double us) {
  char text[32];
  if (us < 1000) {
    std::snprintf(text, sizeof text, "%.1f µs", us);
  } else if (us < 1e6) {
    std::snprintf(text, sizeof text, "%.2f ms", us / 1000);
  } else {
    std::snprintf(text, sizeof text, "%.2f s", us / 1e6);
  }
  return text;
}

}  // namespace

void print_baselines(const Baselines& b) {
  std::printf("\nBaselines (raw SQLite, WAL, synchronous=NORMAL, this disk):\n");
  std::printf("  single-row commits        %10.0f commits/s (p50 %.1f µs, p99 %.1f µs)\n",
              b.commits.commits_per_second, b.commits.p50_us, b.commits.p99_us);
  std::printf("  batched inserts           %10.0f rows/s (%d rows per commit, %llu rows)\n",
              b.bulk.insert_rows_per_second, b.bulk.rows_per_transaction,
              static_cast<unsigned long long>(b.bulk.rows));
  std::printf("  point read (own txn)      %10.1f µs mean, p99 %.1f µs\n", b.bulk.point_read_us,
              b.bulk.point_read_p99_us);
  std::printf("  range read of 100 rows    %10.1f µs mean, p99 %.1f µs\n",
              b.bulk.range_read_100_us, b.bulk.range_read_100_p99_us);
  std::printf("  index scan                %10.3f µs per key\n", b.bulk.scan_us_per_key);
}

void print_figures(int64_t size, const std::vector<Figure>& figures) {
  std::printf("\n%lld subscriptions:\n", static_cast<long long>(size));
  std::printf("%-62s %6s %10s %10s %10s %10s %9s %7s %7s %26s %4s\n", "figure", "n", "p50",
              "p99", "cpu p50", "cpu p99", "ops/s", "ratio", "RSS MB", "target", "met");
  for (const Figure& f : figures) {
    if (f.size != size) continue;
    std::printf("%-62s %6llu %10s %10s %10s %10s %9.0f %7.3f %7.0f %26s %4s\n", f.name.c_str(),
                static_cast<unsigned long long>(f.latency.count), duration(f.latency.p50_us).c_str(),
                duration(f.latency.p99_us).c_str(), duration(f.cpu.p50_us).c_str(),
                duration(f.cpu.p99_us).c_str(), f.ops_per_second, f.ratio, f.peak_rss_mb,
                f.target.text.c_str(), verdict(f).c_str());
  }
}

void print_growth(const std::vector<Figure>& figures, bool cpu) {
  std::set<int64_t> sizes;
  std::vector<std::string> order;
  std::map<std::string, std::map<int64_t, const Figure*>> by_name;
  for (const Figure& f : figures) {
    sizes.insert(f.size);
    if (!by_name.contains(f.name)) order.push_back(f.name);
    by_name[f.name][f.size] = &f;
  }
  if (sizes.size() < 2) return;
  std::printf("\nGrowth of %s (p50 / p99 at each size; last column: p50 at the largest size over"
              " p50 at the smallest):\n%-62s",
              cpu ? "CPU time per call" : "wall-clock latency", "figure");
  for (int64_t size : sizes) std::printf(" %22lld", static_cast<long long>(size));
  std::printf(" %8s\n", "growth");
  for (const std::string& name : order) {
    if (name.starts_with("peak RSS")) continue;
    std::printf("%-62s", name.c_str());
    for (int64_t size : sizes) {
      auto found = by_name[name].find(size);
      if (found == by_name[name].end()) {
        std::printf(" %22s", "");
        continue;
      }
      const LatencySummary& l = cpu ? found->second->cpu : found->second->latency;
      const std::string cell = duration(l.p50_us) + " / " + duration(l.p99_us);
      std::printf(" %22s", cell.c_str());
    }
    const auto& row = by_name[name];
    const auto p50 = [cpu](const Figure* f) { return cpu ? f->cpu.p50_us : f->latency.p50_us; };
    if (row.size() >= 2 && p50(row.begin()->second) > 0) {
      std::printf(" %7.2fx", p50(row.rbegin()->second) / p50(row.begin()->second));
    }
    std::printf("\n");
  }
}

nlohmann::json baselines_json(const Baselines& b) {
  return {{"single_row_commits_per_second", number(b.commits.commits_per_second)},
          {"single_row_commit_p50_us", number(b.commits.p50_us)},
          {"single_row_commit_p99_us", number(b.commits.p99_us)},
          {"journal_mode", b.commits.journal_mode},
          {"synchronous", b.commits.synchronous},
          {"batched_insert_rows_per_second", number(b.bulk.insert_rows_per_second)},
          {"batched_insert_rows_per_transaction", b.bulk.rows_per_transaction},
          {"point_read_us", number(b.bulk.point_read_us)},
          {"point_read_p99_us", number(b.bulk.point_read_p99_us)},
          {"range_read_100_us", number(b.bulk.range_read_100_us)},
          {"range_read_100_p99_us", number(b.bulk.range_read_100_p99_us)},
          {"index_scan_us_per_key", number(b.bulk.scan_us_per_key)}};
}

nlohmann::json figure_json(const Figure& f) {
  nlohmann::json json{{"size", f.size},
                      {"name", f.name},
                      {"samples", f.latency.count},
                      {"mean_us", number(f.latency.mean_us)},
                      {"p50_us", number(f.latency.p50_us)},
                      {"p90_us", number(f.latency.p90_us)},
                      {"p99_us", number(f.latency.p99_us)},
                      {"max_us", number(f.latency.max_us)},
                      {"cpu_mean_us", number(f.cpu.mean_us)},
                      {"cpu_p50_us", number(f.cpu.p50_us)},
                      {"cpu_p99_us", number(f.cpu.p99_us)},
                      {"ops_per_second", number(f.ops_per_second)},
                      {"baseline", f.baseline_name},
                      {"baseline_us", number(f.baseline_us)},
                      {"ratio_to_baseline", number(f.ratio)},
                      {"peak_rss_mb", number(f.peak_rss_mb)},
                      {"target", f.target.text},
                      {"note", f.note}};
  json["met"] = f.met ? nlohmann::json(*f.met) : nlohmann::json(nullptr);
  return json;
}

}  // namespace datamesh::bench
