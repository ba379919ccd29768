// Runs `wrk -t<threads> -c<connections> -d<seconds>s --latency URL` when wrk is on the PATH and
// parses its summary, as an independent check of the benchmark's own load generator.
#pragma once

#include <optional>
#include <string>

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

// Internal when wrk fails or prints no "Requests/sec:" line.
absl::StatusOr<WrkResult> run_wrk(const std::string& wrk, const std::string& url, int threads,
                                  int connections, int seconds);

}  // namespace datamesh::bench
