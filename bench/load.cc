#include "load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "testkit/http_connection.h"

namespace datamesh::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum Phase : int { kWaiting = 0, kWarmup = 1, kMeasuring = 2, kDone = 3 };

std::string serialize(const HttpCall& call) {
  std::string wire;
  wire.reserve(256 + call.body.size());
  wire.append(call.method).append(" ").append(call.path).append(" HTTP/1.1\r\n");
  for (const auto& [name, value] : call.headers) {
    wire.append(name).append(": ").append(value).append("\r\n");
  }
  if (!call.body.empty() || call.method == "POST") {
    wire.append("Content-Length: ").append(std::to_string(call.body.size())).append("\r\n");
  }
  wire.append("\r\n").append(call.body);
  return wire;
}

// One request and its answer on `connection`, connecting again first if it is closed. The HTTP
// status, or 0 with `error` set when the connection failed (it is then closed).
int round_trip(testkit::HttpConnection& connection, const std::string& wire, std::string* body,
               std::string& error) {
  if ((!connection.connected() && !connection.reconnect()) || !connection.send(wire)) {
    error = connection.error();
    return 0;
  }
  auto answer = connection.read_answer();
  if (!answer) {
    error = connection.error();
    connection.close();
    return 0;
  }
  if (answer->close) connection.close();
  if (body != nullptr) *body = std::move(answer->body);
  return answer->status;
}

struct ThreadTally {
  std::vector<int64_t> latencies;
  int64_t make_nanos = 0;
  uint64_t requests = 0, ok = 0, failures = 0;
  std::map<int, uint64_t> statuses;
  std::string first_error;
};

double quantile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t index =
      std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[index]) / 1000.0;
}

}  // namespace

LatencySummary summarize(std::vector<int64_t>& nanoseconds) {
  LatencySummary summary;
  summary.count = nanoseconds.size();
  if (nanoseconds.empty()) return summary;
  std::sort(nanoseconds.begin(), nanoseconds.end());
  long double total = 0;
  for (int64_t value : nanoseconds) total += static_cast<long double>(value);
  summary.mean_us = static_cast<double>(total / nanoseconds.size() / 1000.0L);
  summary.p50_us = quantile(nanoseconds, 0.50);
  summary.p90_us = quantile(nanoseconds, 0.90);
  summary.p99_us = quantile(nanoseconds, 0.99);
  summary.p999_us = quantile(nanoseconds, 0.999);
  summary.max_us = static_cast<double>(nanoseconds.back()) / 1000.0;
  return summary;
}

std::pair<int, std::string> fetch_once(const std::string& host, int port, const HttpCall& call,
                                       const std::string& source) {
  testkit::HttpConnection connection(host, port, source);
  std::string error;
  std::string body;
  const int status = round_trip(connection, serialize(call), &body, error);
  return {status, status == 0 ? error : body};
}

LoadResult run_load(const LoadOptions& options, const RequestMaker& make) {
  const int connections = std::max(1, options.connections);
  std::atomic<int> phase{kWaiting};
  std::atomic<int> ready{0};
  std::vector<ThreadTally> tallies(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(connections));

  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      ThreadTally& tally = tallies[static_cast<size_t>(c)];
      tally.latencies.reserve(1 << 16);
      testkit::HttpConnection connection(options.host, options.port);
      std::string error;
      if (!connection.connected()) tally.first_error = connection.error();
      ready.fetch_add(1);
      while (phase.load(std::memory_order_acquire) == kWaiting) std::this_thread::yield();

      std::string body;
      for (uint64_t sequence = 0; phase.load(std::memory_order_relaxed) != kDone; ++sequence) {
        const auto make_start = Clock::now();
        HttpCall call = make(c, sequence);
        const std::string wire = serialize(call);
        const auto sent = Clock::now();
        error.clear();
        const int status = round_trip(connection, wire, &body, error);
        const auto answered = Clock::now();
        // A dead server must not turn the loop into a busy spin of failed connects.
        if (status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (phase.load(std::memory_order_relaxed) != kMeasuring) continue;
        tally.make_nanos +=
            std::chrono::duration_cast<std::chrono::nanoseconds>(sent - make_start).count();
        if (status == 0) {
          ++tally.failures;
          if (tally.first_error.empty()) tally.first_error = error;
          continue;
        }
        ++tally.requests;
        ++tally.statuses[status];
        if (status == 200) {
          ++tally.ok;
          tally.latencies.push_back(
              std::chrono::duration_cast<std::chrono::nanoseconds>(answered - sent).count());
        } else if (tally.first_error.empty()) {
          tally.first_error = "HTTP " + std::to_string(status) + ": " + body;
        }
      }
    });
  }
  while (ready.load() < connections) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  phase.store(kWarmup, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_seconds));
  if (options.on_window_start) options.on_window_start();
  const auto start = Clock::now();
  phase.store(kMeasuring, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds));
  phase.store(kDone, std::memory_order_release);
  const auto end = Clock::now();
  if (options.on_window_end) options.on_window_end();
  for (std::thread& thread : threads) thread.join();

  LoadResult result;
  result.seconds = std::chrono::duration<double>(end - start).count();
  std::vector<int64_t> all;
  int64_t make_nanos = 0;
  uint64_t made = 0;
  for (ThreadTally& tally : tallies) {
    result.requests += tally.requests;
    result.ok += tally.ok;
    result.failures += tally.failures;
    for (const auto& [status, count] : tally.statuses) result.statuses[status] += count;
    if (result.first_error.empty()) result.first_error = tally.first_error;
    all.insert(all.end(), tally.latencies.begin(), tally.latencies.end());
    make_nanos += tally.make_nanos;
    made += tally.requests + tally.failures;
    if (tally.ok > 0) ++result.connections_answered;
  }
  result.requests_per_second =
      result.seconds > 0 ? static_cast<double>(result.ok) / result.seconds : 0;
  result.make_mean_us = made > 0 ? static_cast<double>(make_nanos) / made / 1000.0 : 0;
  result.latency = summarize(all);
  return result;
}

}  // namespace datamesh::bench
