#include "report.h"

#include <sys/statfs.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include "base/text.h"

namespace datamesh::bench {

using base::cat;
using nlohmann::json;

json number(double value) { return std::isnan(value) ? json(nullptr) : json(value); }

namespace {

std::string first_line_of(const std::string& path, std::string_view key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(key)) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        return value;
      }
    }
  }
  return "";
}

}  // namespace

double machine_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

std::string cpu_model() { return first_line_of("/proc/cpuinfo", "model name"); }

std::string filesystem_of(const std::string& path) {
  struct statfs info {};
  if (::statfs(path.c_str(), &info) != 0) return "unknown";
  switch (static_cast<unsigned long>(info.f_type)) {
    case 0xEF53: return "ext4";
    case 0x01021994: return "tmpfs";
    case 0x9123683E: return "btrfs";
    case 0x58465342: return "xfs";
    case 0x794C7630: return "overlayfs";
    default: {
      char hex[32];
      std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(info.f_type));
      return hex;
    }
  }
}

std::string utc_now(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

std::string format_number(double value, int decimals) {
  if (std::isnan(value)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

json scenario_json(const Scenario& s) {
  json out = {{"name", s.name},
              {"tool", s.tool},
              {"connections", s.connections},
              {"requests_per_second", number(s.rps())},
              {"p50_us", number(s.p50())},
              {"p99_us", number(s.p99())},
              {"baseline", s.baseline_name},
              {"baseline_value", number(s.baseline)},
              {"ratio_to_baseline", number(s.ratio())},
              {"client_cores", number(s.client_cores)},
              {"server_cores", number(s.server_cores)},
              {"other_processes_cores", number(s.other_cores)},
              {"server_cpu_us_per_request", number(s.server_us_per_request())},
              {"client_cpu_us_per_request", number(s.client_us_per_request())},
              {"requests_per_second_if_cores_idle", number(s.idle_cores_rps(machine_cores()))}};
  if (s.tool == "wrk") {
    out["p90_us"] = number(s.wrk.p90_us);
    out["requests"] = s.wrk.requests;
    out["non_2xx"] = s.wrk.non_2xx;
    out["socket_errors"] = s.wrk.socket_errors;
    out["command"] = s.wrk.command;
  } else {
    const LatencySummary& l = s.load.latency;
    out["seconds"] = s.load.seconds;
    out["requests_ok"] = s.load.ok;
    out["requests_not_ok"] = s.load.requests - s.load.ok;
    out["transport_failures"] = s.load.failures;
    out["connections_answered"] = s.load.connections_answered;
    out["mean_us"] = l.mean_us;
    out["p90_us"] = l.p90_us;
    out["p999_us"] = l.p999_us;
    out["max_us"] = l.max_us;
    out["request_make_mean_us"] = s.load.make_mean_us;
    json statuses = json::object();
    for (const auto& [status, count] : s.load.statuses) statuses[std::to_string(status)] = count;
    out["statuses"] = statuses;
    if (!s.load.first_error.empty()) out["first_error"] = s.load.first_error.substr(0, 500);
  }
  return out;
}

json step_costs_json(const std::vector<StepCost>& costs) {
  json list = json::array();
  for (const StepCost& cost : costs) {
    list.push_back({{"name", cost.name},
                    {"side", cost.side},
                    {"operations", cost.operations},
                    {"us_per_operation", cost.micros_per_operation},
                    {"cpu_us_per_operation", cost.cpu_micros_per_operation}});
  }
  return list;
}

void print_table_header() {
  std::printf("%-46s %5s %9s %8s %8s %6s  %-26s %6s %6s %6s %8s %9s\n", "scenario", "conns",
              "req/s", "p50 ms", "p99 ms", "ratio", "ratio is to", "srvCPU", "cliCPU", "other",
              "srv us/req", "idle req/s");
}

void print_sqlite_row(const SqliteBaseline& sqlite) {
  std::printf("%-46s %5d %9.0f %8.3f %8.3f %6s  %-26s\n",
              "raw SQLite commit, 1 row/txn (baseline 1)", 1, sqlite.commits_per_second,
              sqlite.p50_us / 1000, sqlite.p99_us / 1000, "1.000", "itself");
}

void print_row(const Scenario& s) {
  std::printf("%-46s %5d %9s %8s %8s %6s  %-26s %6s %6s %6s %8s %9s\n", s.name.c_str(),
              s.connections, format_number(s.rps(), 0).c_str(),
              format_number(s.p50() / 1000, 3).c_str(), format_number(s.p99() / 1000, 3).c_str(),
              format_number(s.ratio(), 3).c_str(), s.baseline_name.c_str(),
              format_number(s.server_cores, 2).c_str(), format_number(s.client_cores, 2).c_str(),
              format_number(s.other_cores, 2).c_str(),
              format_number(s.server_us_per_request(), 1).c_str(),
              format_number(s.idle_cores_rps(machine_cores()), 0).c_str());
}

void print_step_costs(const std::vector<StepCost>& costs) {
  if (costs.empty()) return;
  std::printf("\nin-process cost per operation, one thread, no HTTP:\n");
  for (const StepCost& cost : costs) {
    std::printf("  %-6s %-50s %9.2f us wall %9.2f us CPU (%.0f /s)\n", cost.side.c_str(),
                cost.name.c_str(), cost.micros_per_operation, cost.cpu_micros_per_operation,
                1e6 / cost.micros_per_operation);
  }
}

void print_targets(const json& targets) {
  std::printf("\ntargets:\n");
  for (const json& t : targets) {
    const std::string verdict = t["met"].is_null() ? "reported" : t["met"] ? "MET" : "MISSED";
    std::printf("  %-36s %-48s measured %-12s %s (%s)\n", t["name"].get<std::string>().c_str(),
                t["target"].get<std::string>().c_str(),
                t["measured"].is_null() ? "n/a"
                                        : format_number(t["measured"].get<double>(), 3).c_str(),
                verdict.c_str(), t["tool"].get<std::string>().c_str());
  }
}

}  // namespace datamesh::bench
