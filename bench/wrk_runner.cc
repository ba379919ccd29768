#include "wrk_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "base/text.h"
#include "cpu_time.h"

namespace datamesh::bench {
namespace {

using base::cat;

// "1.23ms", "845.00us", "2.01s" in microseconds; -1 when unparsable.
double duration_us(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  const std::string unit(end);
  if (unit == "us") return value;
  if (unit == "ms") return value * 1e3;
  if (unit == "s") return value * 1e6;
  if (unit == "m") return value * 60e6;
  return -1;
}

}  // namespace

std::optional<std::string> find_wrk() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = cat(dir, "/wrk");
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

absl::StatusOr<WrkResult> run_wrk(const std::string& wrk, const std::string& url, int threads,
                                  int connections, int seconds, const std::string& script) {
  WrkResult result;
  result.command = cat(wrk, " -t", threads, " -c", connections, " -d", seconds, "s --latency ",
                       script.empty() ? "" : cat("-s ", script, " "), url);
  const double cpu_before = children_cpu_seconds();
  FILE* pipe = ::popen(cat(result.command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return absl::InternalError(cat("cannot run ", result.command));
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  const int status = ::pclose(pipe);
  // pclose waited for the shell and wrk, so their CPU time is in RUSAGE_CHILDREN now.
  result.client_cpu_seconds = children_cpu_seconds() - cpu_before;
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(cat(result.command, " failed: ", result.output));
  }
  std::istringstream lines(result.output);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "Requests/sec:") {
      words >> result.requests_per_second;
      found = true;
    } else if (first == "50%" || first == "90%" || first == "99%") {
      std::string value;
      words >> value;
      (first == "50%" ? result.p50_us : first == "90%" ? result.p90_us : result.p99_us) =
          duration_us(value);
    } else if (first == "Non-2xx") {
      // "Non-2xx or 3xx responses: N"
      std::string word;
      while (words >> word) result.non_2xx = std::atoll(word.c_str());
    } else if (first == "Socket") {
      // "Socket errors: connect 0, read 0, write 0, timeout 0"
      std::string word;
      while (words >> word) {
        if (!word.empty() && std::isdigit(static_cast<unsigned char>(word[0]))) {
          result.socket_errors += std::atoll(word.c_str());
        }
      }
    } else if (line.find(" requests in ") != std::string::npos) {
      result.requests = std::atoll(first.c_str());
    }
  }
  if (!found) return absl::InternalError(cat(result.command, " printed no Requests/sec: ", result.output));
  return result;
}

std::string wrk_request_script(const std::string& method,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& body) {
  // Lua long strings ([==[ ... ]==]) take any text without escaping; none of ours holds ]==].
  const auto quoted = [](const std::string& text) { return cat("[==[", text, "]==]"); };
  std::string script = cat("wrk.method = ", quoted(method), "\nwrk.body = ", quoted(body), "\n");
  for (const auto& [name, value] : headers) {
    // A space after '[': "[[" would begin a long string.
    script += cat("wrk.headers[ ", quoted(name), " ] = ", quoted(value), "\n");
  }
  return script;
}

}  // namespace datamesh::bench
