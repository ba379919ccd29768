// One measured figure of the scale benchmark, its baseline and target, and the process's peak
// memory. A figure is a method called `samples` times through the public C++ API (or, for the
// authorization check, through the engine) on a mesh of `size` subscriptions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "load.h"

namespace datamesh::bench {

// A target on one statistic of a figure.
struct Target {
  enum class Kind { kNone, kP99AtMostUs, kMaxAtMostUs, kRatioAtLeast, kPeakRssAtMostMb };
  Kind kind = Kind::kNone;
  double limit = 0;
  std::string text;  // as the issue states it, e.g. "p99 ≤ 2 ms"
};

struct Figure {
  int64_t size = 0;  // subscriptions in the mesh
  std::string name;
  LatencySummary latency;  // wall-clock time of each call
  // CPU time of this thread in each call: what the call costs, without the time spent waiting
  // for a core (on a shared machine, the run queue makes most of a high percentile).
  LatencySummary cpu;
  double ops_per_second = 0;  // 1 / mean latency
  // What raw SQLite takes for the same rows (sqlite_bulk_baseline.h), and the ratio
  // baseline / mean latency: 1 would be raw SQLite's speed.
  std::string baseline_name;
  double baseline_us = 0;
  double ratio = 0;
  Target target;
  std::optional<bool> met;
  double peak_rss_mb = 0;  // the process's peak resident memory while measuring this figure
  std::string note;
};

// Gives the heap's free pages back to the kernel (malloc_trim: glibc keeps what an earlier
// figure freed, e.g. the answer of a 200,000-table call) and resets the kernel's peak-RSS mark
// of this process (/proc/self/clear_refs), so that the next peak_rss_mb() is what the process
// held at its peak since now. False when the kernel refuses.
bool reset_peak_rss();
// VmHWM of /proc/self/status in MB (0 when unreadable).
double peak_rss_mb();
double current_rss_mb();

// Times call(i) for i in [0, samples) after `warmup` untimed calls, and fills a Figure with
// the latency summary, the peak RSS and the verdict on `target`. The first error of call stops
// the measurement and is returned, naming the figure.
class FigureRecorder {
 public:
  explicit FigureRecorder(int64_t size) : size_(size) {}

  absl::Status measure(const std::string& name, int samples, int warmup,
                       const std::function<absl::Status(int)>& call,
                       const std::string& baseline_name, double baseline_us,
                       const Target& target = {}, const std::string& note = "");
  // A figure measured elsewhere (e.g. one long call): wall and thread-CPU nanoseconds per call.
  void record(const std::string& name, std::vector<int64_t> nanoseconds,
              std::vector<int64_t> cpu_nanoseconds, const std::string& baseline_name,
              double baseline_us, const Target& target, const std::string& note,
              double peak_rss);

  std::vector<Figure>& figures() { return figures_; }

 private:
  int64_t size_;
  std::vector<Figure> figures_;
};

// Applies a target to a figure: sets met (nullopt for Kind::kNone).
void judge(Figure& figure);

// This thread's CPU time so far, in nanoseconds.
int64_t thread_cpu_ns();

// Times one call: appends its wall and thread-CPU nanoseconds, returns its result.
template <typename Call>
auto timed(std::vector<int64_t>& wall, std::vector<int64_t>& cpu, const Call& call) {
  const int64_t cpu_started = thread_cpu_ns();
  const auto started = std::chrono::steady_clock::now();
  auto result = call();
  const auto took = std::chrono::steady_clock::now() - started;
  cpu.push_back(thread_cpu_ns() - cpu_started);
  wall.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
  return result;
}

}  // namespace datamesh::bench
