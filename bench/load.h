// A small closed-loop HTTP/1.1 load generator for the benchmark (see docs/PERFORMANCE.md):
// `connections` threads, each with one keep-alive TCP connection, send a
// request, wait for the whole answer, and send the next one, for a warm-up and then a measured
// window. Every request is made fresh by a caller-supplied function (so a signed request is
// signed per request, and that cost is part of the client's), and the time it takes is kept
// apart from the round trip.
//
// Each connection (testkit::HttpConnection, which the transport tests use too) writes the
// request bytes on a blocking socket (TCP_NODELAY) and parses the answer itself (Content-Length
// bodies, which is what the server sends): cheaper for the client than an HTTP library, which
// matters when client and server share the same cores.
//
// Thread-safety: run_load() may be called from one thread at a time; the RequestMaker is called
// concurrently from every connection thread and must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace datamesh::bench {

struct HttpCall {
  std::string method = "GET";
  std::string path = "/";
  // Sent as given, in order (Host included: nothing else is sent but Content-Length).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Makes the request number `sequence` (0, 1, ... per connection) of connection `connection`.
using RequestMaker = std::function<HttpCall(int connection, uint64_t sequence)>;

struct LoadOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  int connections = 64;
  double warmup_seconds = 1.0;
  double seconds = 10.0;
  // Called on the calling thread at the start and the end of the measured window (e.g. to
  // read CPU counters); may be empty.
  std::function<void()> on_window_start;
  std::function<void()> on_window_end;
};

struct LatencySummary {
  uint64_t count = 0;
  double mean_us = 0, p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};

struct LoadResult {
  uint64_t requests = 0;  // answered within the measured window, any status
  uint64_t ok = 0;        // of which HTTP 200
  uint64_t failures = 0;  // transport errors (connection lost, unparsable answer)
  // Connections with at least one 200 answer in the measured window: fewer than `connections`
  // means the server left some clients waiting (e.g. one thread per keep-alive connection).
  int connections_answered = 0;
  double seconds = 0;     // the measured window
  double requests_per_second = 0;  // ok / seconds
  LatencySummary latency;          // round trip of the 200 answers (request making excluded)
  double make_mean_us = 0;         // mean time of the RequestMaker per request (e.g. signing)
  std::map<int, uint64_t> statuses;
  std::string first_error;  // the first non-200 answer body or transport error, for diagnosis
};

LoadResult run_load(const LoadOptions& options, const RequestMaker& make);

// One request on a new connection (from local address `source`, when given); the status (0 on
// transport error) and the body.
std::pair<int, std::string> fetch_once(const std::string& host, int port, const HttpCall& call,
                                       const std::string& source = "");

LatencySummary summarize(std::vector<int64_t>& nanoseconds);

}  // namespace datamesh::bench
