#include "scale_figures.h"

#include <malloc.h>
#include <time.h>

#include <fstream>
#include <sstream>

#include "base/text.h"

namespace datamesh::bench {

using base::cat;
using Clock = std::chrono::steady_clock;

namespace {

double status_field_mb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::string prefix = cat(field, ":");
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream values(line.substr(prefix.size()));
    double kb = 0;
    values >> kb;
    return kb / 1024.0;
  }
  return 0;
}

}  // namespace

bool reset_peak_rss() {
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

double peak_rss_mb() { return status_field_mb("VmHWM"); }
double current_rss_mb() { return status_field_mb("VmRSS"); }

void judge(Figure& figure) {
  const Target& target = figure.target;
  switch (target.kind) {
    case Target::Kind::kNone:
      figure.met.reset();
      return;
    case Target::Kind::kP99AtMostUs:
      figure.met = figure.latency.p99_us <= target.limit;
      return;
    case Target::Kind::kMaxAtMostUs:
      figure.met = figure.latency.max_us <= target.limit;
      return;
    case Target::Kind::kRatioAtLeast:
      figure.met = figure.ratio >= target.limit;
      return;
    case Target::Kind::kPeakRssAtMostMb:
      figure.met = figure.peak_rss_mb <= target.limit;
      return;
  }
}

int64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

void FigureRecorder::record(const std::string& name, std::vector<int64_t> nanoseconds,
                            std::vector<int64_t> cpu_nanoseconds,
                            const std::string& baseline_name, double baseline_us,
                            const Target& target, const std::string& note, double peak_rss) {
  Figure figure{.size = size_, .name = name};
  figure.latency = summarize(nanoseconds);
  figure.cpu = summarize(cpu_nanoseconds);
  figure.ops_per_second = figure.latency.mean_us > 0 ? 1e6 / figure.latency.mean_us : 0;
  figure.baseline_name = baseline_name;
  figure.baseline_us = baseline_us;
  figure.ratio = figure.latency.mean_us > 0 ? baseline_us / figure.latency.mean_us : 0;
  figure.target = target;
  figure.peak_rss_mb = peak_rss;
  figure.note = note;
  judge(figure);
  figures_.push_back(std::move(figure));
}

absl::Status FigureRecorder::measure(const std::string& name, int samples, int warmup,
                                     const std::function<absl::Status(int)>& call,
                                     const std::string& baseline_name, double baseline_us,
                                     const Target& target, const std::string& note) {
  reset_peak_rss();
  for (int i = 0; i < warmup; ++i) {
    if (absl::Status status = call(samples + i); !status.ok()) {
      return absl::Status(status.code(), cat(name, " (warm-up): ", status.message()));
    }
  }
  std::vector<int64_t> nanoseconds, cpu;
  nanoseconds.reserve(static_cast<size_t>(samples));
  cpu.reserve(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    absl::Status status = timed(nanoseconds, cpu, [&] { return call(i); });
    if (!status.ok()) return absl::Status(status.code(), cat(name, ": ", status.message()));
  }
  record(name, std::move(nanoseconds), std::move(cpu), baseline_name, baseline_us, target, note,
         peak_rss_mb());
  return absl::OkStatus();
}

}  // namespace datamesh::bench
