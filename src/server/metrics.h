// Request metrics in the Prometheus text format: requests by route and HTTP status, errors by
// route and code, latency histograms by route, calls refused by a per-key limit, requests
// refused for their address's failed authentications, and where signed calls' callers came from.
//
// The routes are fixed when the Metrics is made, so recording touches only atomic counters:
// event-loop and worker threads record every request without taking a lock. A route not named
// at construction is counted as "unknown". Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/key_throttle.h"

namespace datamesh::server {

class Metrics {
 public:
  static constexpr std::string_view kUnknownRoute = "unknown";

  // `routes`: every label record() will be given ("producer/approve-access-request",
  // "healthz", ...); "unknown" is always there.
  explicit Metrics(const std::vector<std::string>& routes);

  // Records one request to `route`.
  void record(std::string_view route, int http_status, absl::StatusCode code,
              std::chrono::nanoseconds latency);

  // Records one call refused for being over `limit` (key_throttle.h).
  void record_throttled(KeyThrottle::Limit limit);

  // Records one request refused because its address is past its failed authentications
  // (auth_failure_limit.h).
  void record_auth_refused();

  // Where a signed call's caller came from (request_auth.h): read from the store, remembered
  // from an earlier call (and confirmed by the call's own transaction), or remembered and found
  // stale by the call, which then ran again with the caller read from the store.
  enum class CallerSource { kStore, kRemembered, kStale };
  void record_caller(CallerSource source);

  // The text exposition of everything recorded, plus `extra` lines appended as they are.
  std::string render(const std::string& extra) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.5,    2.5};
  // The statuses the server answers with (server/http_status.cc, and 200); any other is
  // counted in a map under a lock.
  static constexpr std::array<int, 12> kStatuses = {200, 400, 401, 403, 404, 409,
                                                    413, 429, 500, 501, 503, 504};
  static constexpr int kCodes = 17;  // absl::StatusCode kOk (0) .. kUnauthenticated (16)

  struct RouteStats {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_ns{0};
    std::array<std::atomic<uint64_t>, kStatuses.size()> by_status{};
    std::array<std::atomic<uint64_t>, kCodes> errors_by_code{};
  };

  // Immutable after construction, so looked up without a lock.
  std::map<std::string, std::unique_ptr<RouteStats>, std::less<>> routes_;
  mutable std::mutex other_statuses_mutex_;
  std::map<std::pair<std::string, int>, uint64_t> other_statuses_;  // guarded by the mutex
  std::array<std::atomic<uint64_t>, 2> throttled_{};  // by KeyThrottle::Limit
  std::atomic<uint64_t> auth_refused_{0};
  std::array<std::atomic<uint64_t>, 3> callers_{};  // by CallerSource
};

}  // namespace datamesh::server
