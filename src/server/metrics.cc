#include "server/metrics.h"

#include <sstream>

#include "api/errors.h"

namespace datamesh::server {

Metrics::RouteStats& Metrics::stats_for(const std::string& route) {
  std::lock_guard lock(mutex_);
  auto& stats = routes_[route];
  if (!stats) stats = std::make_unique<RouteStats>();
  return *stats;
}

void Metrics::record(const std::string& route, int http_status, absl::StatusCode code,
                     std::chrono::nanoseconds latency) {
  RouteStats& stats = stats_for(route);
  const double seconds = std::chrono::duration<double>(latency).count();
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  stats.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  stats.count.fetch_add(1, std::memory_order_relaxed);
  stats.sum_ns.fetch_add(static_cast<uint64_t>(latency.count()), std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  ++requests_[{route, http_status}];
  if (code != absl::StatusCode::kOk) {
    ++errors_[{route, std::string(api::error_code_name(code))}];
  }
}

std::string Metrics::render(const std::string& extra) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP datamesh_requests_total Requests served, by route and HTTP status.\n"
      << "# TYPE datamesh_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out << "datamesh_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << count << "\n";
  }
  out << "# HELP datamesh_errors_total Requests that failed, by route and error code.\n"
      << "# TYPE datamesh_errors_total counter\n";
  for (const auto& [key, count] : errors_) {
    out << "datamesh_errors_total{route=\"" << key.first << "\",code=\"" << key.second << "\"} "
        << count << "\n";
  }
  out << "# HELP datamesh_request_duration_seconds Request latency, by route.\n"
      << "# TYPE datamesh_request_duration_seconds histogram\n";
  for (const auto& [route, stats] : routes_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      cumulative += stats->buckets[i].load(std::memory_order_relaxed);
      out << "datamesh_request_duration_seconds_bucket{route=\"" << route << "\",le=\"";
      if (i < kBuckets.size()) {
        out << kBuckets[i];
      } else {
        out << "+Inf";
      }
      out << "\"} " << cumulative << "\n";
    }
    out << "datamesh_request_duration_seconds_sum{route=\"" << route << "\"} "
        << static_cast<double>(stats->sum_ns.load(std::memory_order_relaxed)) / 1e9 << "\n"
        << "datamesh_request_duration_seconds_count{route=\"" << route << "\"} "
        << stats->count.load(std::memory_order_relaxed) << "\n";
  }
  out << extra;
  return out.str();
}

}  // namespace datamesh::server
