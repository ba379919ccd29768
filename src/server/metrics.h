// Request metrics in the Prometheus text format: requests and errors by route and code, and
// latency histograms by route. Recording is lock-free per route after the first request.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace datamesh::server {

class Metrics {
 public:
  // Records one request to `route` ("producer/approve-access-request", "healthz", ...).
  void record(const std::string& route, int http_status, absl::StatusCode code,
              std::chrono::nanoseconds latency);

  // The text exposition of everything recorded, plus `extra` lines appended as they are.
  std::string render(const std::string& extra) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.5,    2.5};
  struct RouteStats {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_ns{0};
  };
  RouteStats& stats_for(const std::string& route);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<RouteStats>> routes_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (route, http status)
  std::map<std::pair<std::string, std::string>, uint64_t> errors_;  // (route, error code)
};

}  // namespace datamesh::server
