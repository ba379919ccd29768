#include "server/metrics.h"

#include <algorithm>
#include <sstream>

#include "api/errors.h"

namespace datamesh::server {

Metrics::Metrics(const std::vector<std::string>& routes) {
  for (const std::string& route : routes) routes_.emplace(route, std::make_unique<RouteStats>());
  routes_.emplace(std::string(kUnknownRoute), std::make_unique<RouteStats>());
}

void Metrics::record(std::string_view route, int http_status, absl::StatusCode code,
                     std::chrono::nanoseconds latency) {
  auto found = routes_.find(route);
  if (found == routes_.end()) found = routes_.find(kUnknownRoute);
  RouteStats& stats = *found->second;
  const double seconds = std::chrono::duration<double>(latency).count();
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  stats.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  stats.count.fetch_add(1, std::memory_order_relaxed);
  stats.sum_ns.fetch_add(static_cast<uint64_t>(latency.count()), std::memory_order_relaxed);
  const auto status_at = std::find(kStatuses.begin(), kStatuses.end(), http_status);
  if (status_at != kStatuses.end()) {
    stats.by_status[static_cast<size_t>(status_at - kStatuses.begin())].fetch_add(
        1, std::memory_order_relaxed);
  } else {
    std::lock_guard lock(other_statuses_mutex_);
    ++other_statuses_[{found->first, http_status}];
  }
  if (code != absl::StatusCode::kOk) {
    const int index = static_cast<int>(code);
    stats.errors_by_code[index >= 0 && index < kCodes ? index : 2 /* kUnknown */].fetch_add(
        1, std::memory_order_relaxed);
  }
}

void Metrics::record_auth_refused() { auth_refused_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::record_caller(CallerSource source) {
  callers_[static_cast<size_t>(source)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::record_throttled(KeyThrottle::Limit limit) {
  throttled_[static_cast<size_t>(limit)].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render(const std::string& extra) const {
  std::map<std::pair<std::string, int>, uint64_t> requests;
  {
    std::lock_guard lock(other_statuses_mutex_);
    requests = other_statuses_;
  }
  for (const auto& [route, stats] : routes_) {
    for (size_t i = 0; i < kStatuses.size(); ++i) {
      if (const uint64_t n = stats->by_status[i].load(std::memory_order_relaxed); n > 0) {
        requests[{route, kStatuses[i]}] = n;
      }
    }
  }
  std::ostringstream out;
  out << "# HELP datamesh_requests_total Requests served, by route and HTTP status.\n"
      << "# TYPE datamesh_requests_total counter\n";
  for (const auto& [key, count] : requests) {
    out << "datamesh_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << count << "\n";
  }
  out << "# HELP datamesh_errors_total Requests that failed, by route and error code.\n"
      << "# TYPE datamesh_errors_total counter\n";
  for (const auto& [route, stats] : routes_) {
    for (int code = 1; code < kCodes; ++code) {
      if (const uint64_t n = stats->errors_by_code[code].load(std::memory_order_relaxed); n > 0) {
        out << "datamesh_errors_total{route=\"" << route << "\",code=\""
            << api::error_code_name(static_cast<absl::StatusCode>(code)) << "\"} " << n << "\n";
      }
    }
  }
  out << "# HELP datamesh_request_duration_seconds Request latency, by route.\n"
      << "# TYPE datamesh_request_duration_seconds histogram\n";
  for (const auto& [route, stats] : routes_) {
    const uint64_t count = stats->count.load(std::memory_order_relaxed);
    if (count == 0) continue;  // routes never called stay out, as before
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
        << "datamesh_request_duration_seconds_count{route=\"" << route << "\"} " << count
        << "\n";
  }
  out << "# HELP datamesh_throttled_total Calls refused with 429 for being over a per-key limit.\n"
      << "# TYPE datamesh_throttled_total counter\n";
  for (const KeyThrottle::Limit limit :
       {KeyThrottle::Limit::kConcurrency, KeyThrottle::Limit::kRate}) {
    out << "datamesh_throttled_total{limit=\"" << limit_name(limit) << "\"} "
        << throttled_[static_cast<size_t>(limit)].load(std::memory_order_relaxed) << "\n";
  }
  out << "# HELP datamesh_auth_failures_refused_total Requests refused with 429 because their "
         "client address had too many failed authentications.\n"
      << "# TYPE datamesh_auth_failures_refused_total counter\n"
      << "datamesh_auth_failures_refused_total " << auth_refused_.load(std::memory_order_relaxed)
      << "\n";
  out << "# HELP datamesh_signed_callers_total Signed calls by where their caller came from: "
         "read from the store, remembered from an earlier call (confirmed in the call's own "
         "transaction), or remembered and found stale (the call then ran again, read).\n"
      << "# TYPE datamesh_signed_callers_total counter\n";
  for (const auto& [source, label] : {std::pair{CallerSource::kStore, "store"},
                                      std::pair{CallerSource::kRemembered, "remembered"},
                                      std::pair{CallerSource::kStale, "stale"}}) {
    out << "datamesh_signed_callers_total{source=\"" << label << "\"} "
        << callers_[static_cast<size_t>(source)].load(std::memory_order_relaxed) << "\n";
  }
  out << extra;
  return out.str();
}

}  // namespace datamesh::server
