// Runs `wrk -t<threads> -c<connections> -d<seconds>s --latency [-s SCRIPT] URL` when wrk is on
// the PATH and parses its summary, as an independent check of the benchmark's own load generator
// and as its HTTPS client (wrk speaks TLS; the load generator does not).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace datamesh::bench {

struct WrkResult {
  std::string command;
  double requests_per_second = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0;
  long long requests = 0;
  long long non_2xx = 0;
  long long socket_errors = 0;  // connect + read + write + timeout
  double client_cpu_seconds = 0;  // wrk's own user + system time
  std::string output;
};

// The path of wrk, or nullopt when it is not installed.
std::optional<std::string> find_wrk();

// `script`: a wrk Lua script (wrk_request_script), or empty for GET url.
// Internal when wrk fails or prints no "Requests/sec:" line.
absl::StatusOr<WrkResult> run_wrk(const std::string& wrk, const std::string& url, int threads,
                                  int connections, int seconds, const std::string& script = "");

// A wrk Lua script that sends, on every connection and every time, the request of `method`,
// `headers` and `body` (signed once: the server keeps no record of the signatures it saw, so a
// signed read may be repeated while its date is within the allowed clock skew).
std::string wrk_request_script(const std::string& method,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& body);

}  // namespace datamesh::bench
