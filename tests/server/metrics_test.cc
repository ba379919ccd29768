// server::Metrics on its own: lock-free counts from many threads, routes it was not told of,
// statuses outside the usual set, and the histogram's shape.
#include "server/metrics.h"

#include <string>
#include <thread>
#include <vector>

#include "base/text.h"
#include "gtest/gtest.h"
#include "server/server_harness.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using std::chrono::microseconds;

std::string requests(const std::string& route, int status) {
  return cat("datamesh_requests_total{route=\"", route, "\",status=\"", status, "\"}");
}
std::string errors(const std::string& route, const std::string& code) {
  return cat("datamesh_errors_total{route=\"", route, "\",code=\"", code, "\"}");
}
std::string bucket(const std::string& route, const std::string& le) {
  return cat("datamesh_request_duration_seconds_bucket{route=\"", route, "\",le=\"", le, "\"}");
}

constexpr char kReadRoute[] = "consumer/get-subscription";

TEST(MetricsTest, CountsEveryRequestRecordedFromManyThreads) {
  server::Metrics metrics({kReadRoute, "healthz"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        metrics.record(kReadRoute, 200, absl::StatusCode::kOk, microseconds(50));
        metrics.record(kReadRoute, 401, absl::StatusCode::kUnauthenticated, microseconds(50));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string text = metrics.render("");
  EXPECT_EQ(metric_value(text, requests(kReadRoute, 200)), 20000.0) << text;
  EXPECT_EQ(metric_value(text, requests(kReadRoute, 401)), 20000.0);
  EXPECT_EQ(metric_value(text, errors(kReadRoute, "Unauthenticated")), 20000.0);
  EXPECT_EQ(metric_value(text, cat("datamesh_request_duration_seconds_count{route=\"", kReadRoute,
                                   "\"}")),
            40000.0);
  EXPECT_EQ(metric_value(text, bucket(kReadRoute, "0.0001")), 40000.0);
  // A route nobody called has no series.
  EXPECT_EQ(text.find("route=\"healthz\""), std::string::npos) << text;
}

TEST(MetricsTest, UnlistedRoutesCountAsUnknownAndRareStatusesAreKept) {
  server::Metrics metrics({"healthz"});
  metrics.record("made/up", 404, absl::StatusCode::kNotFound, microseconds(1));
  metrics.record("healthz", 418, absl::StatusCode::kOk, microseconds(300));
  const std::string text = metrics.render("# extra line\n");
  EXPECT_EQ(metric_value(text, requests("unknown", 404)), 1.0) << text;
  EXPECT_EQ(metric_value(text, errors("unknown", "NotFound")), 1.0);
  EXPECT_EQ(text.find("made/up"), std::string::npos);
  EXPECT_EQ(metric_value(text, requests("healthz", 418)), 1.0);
  // 300 us: above the 250 us bucket, within the 500 us one.
  EXPECT_EQ(metric_value(text, bucket("healthz", "0.00025")), 0.0);
  EXPECT_EQ(metric_value(text, bucket("healthz", "0.0005")), 1.0);
  EXPECT_NE(text.find("# extra line\n"), std::string::npos);
}

}  // namespace
}  // namespace datamesh::server_test
