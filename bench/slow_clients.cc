#include "slow_clients.h"

#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "base/status_macros.h"

namespace datamesh::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kClientAddress[] = "127.0.0.2";
constexpr char kCrowdAddress[] = "127.0.0.1";
constexpr auto kProbeInterval = std::chrono::milliseconds(20);

}  // namespace

absl::StatusOr<SlowClientsResult> measure_slow_clients(int port, const HttpCall& healthz,
                                                       const RequestMaker& read,
                                                       int crowd_connections, double settle_seconds,
                                                       double seconds) {
  DATAMESH_RETURN_IF_ERROR(testkit::raise_fd_limit(crowd_connections + 256));
  std::optional<testkit::SlowCrowd> crowd;
  if (crowd_connections > 0) {
    crowd.emplace(testkit::SlowCrowd::Options{
        .port = port, .source = kCrowdAddress, .connections = crowd_connections});
    std::this_thread::sleep_for(std::chrono::duration<double>(settle_seconds));
  }
  SlowClientsResult result{.crowd_connections = crowd_connections, .seconds = seconds};
  std::vector<int64_t> healthz_ns, read_ns;
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(seconds));
  auto next = Clock::now();
  for (uint64_t n = 0; Clock::now() < end; ++n) {
    const bool is_read = n % 2 == 1;
    const HttpCall call = is_read ? read(0, n) : healthz;  // signed before the clock starts
    const auto started = Clock::now();
    const int status = fetch_once("127.0.0.1", port, call, kClientAddress).first;
    const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started);
    if (status == 200) {
      (is_read ? read_ns : healthz_ns).push_back(took.count());
    } else {
      ++result.unanswered;
    }
    next += kProbeInterval;
    std::this_thread::sleep_until(next);
  }
  if (crowd) result.crowd = crowd->counts();
  result.healthz = summarize(healthz_ns);
  result.read = summarize(read_ns);
  return result;
}

}  // namespace datamesh::bench
