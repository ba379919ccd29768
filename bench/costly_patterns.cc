#include "costly_patterns.h"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "base/text.h"
#include "datamesh/catalog.h"
#include "requests.h"

namespace datamesh::bench {
namespace {

using base::cat;
using nlohmann::json;

constexpr int kCostlyConnections = 4;
const char* const kCostlyExpressions[] = {"(.*a){12}$", "(a+)+$", "(a|a)+$"};

// Table number `n` of `hostile`: 17 a's, then 7 letters from b to y that spell n, 24 bytes
// (each name takes (a+)+$ about 130,000 steps: under the 1,000,000 allowed for one name).
std::string hostile_name(int n) {
  std::string name(17, 'a');
  for (int digit = 0; digit < 7; ++digit, n /= 24) name += static_cast<char>('b' + n % 24);
  return name;
}

json latency_json(const LoadResult& result) {
  return {{"requests", result.requests},
          {"ok", result.ok},
          {"p50_us", result.latency.p50_us},
          {"p99_us", result.latency.p99_us},
          {"max_us", result.latency.max_us}};
}

// Sends `body` to `path` as the producer on kCostlyConnections threads until stopped, keeping
// each call's time and checking each is refused with 400 InvalidArgument.
class CostlyLoad {
 public:
  CostlyLoad(const CostlyPatternSetup& setup, std::string path,
             std::function<std::string(uint64_t)> body)
      : setup_(setup), path_(std::move(path)), body_(std::move(body)) {
    for (int t = 0; t < kCostlyConnections; ++t) {
      threads_.emplace_back([this, t] { loop(t); });
    }
  }
  ~CostlyLoad() { stop(); }

  void stop() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  json figures() {
    std::lock_guard lock(mutex_);
    LatencySummary summary = summarize(nanoseconds_);
    return {{"calls", summary.count},
            {"refused_as_too_costly", refused_},
            {"p50_ms", summary.p50_us / 1000},
            {"max_ms", summary.max_us / 1000},
            {"first_unexpected_answer", unexpected_}};
  }

 private:
  void loop(int thread) {
    for (uint64_t n = thread; !stop_; n += kCostlyConnections) {
      auto request = signed_request(setup_.host_header, path_, body_(n), setup_.producer);
      if (!request.ok()) continue;
      const auto start = std::chrono::steady_clock::now();
      auto [status, answer] =
          fetch_once(setup_.load.host, setup_.load.port, to_call(*std::move(request)));
      const auto took = std::chrono::steady_clock::now() - start;
      std::lock_guard lock(mutex_);
      nanoseconds_.push_back(std::chrono::nanoseconds(took).count());
      if (status == 400 && answer.find("too costly") != std::string::npos) {
        ++refused_;
      } else if (unexpected_.empty()) {
        unexpected_ = cat(status, " ", answer.substr(0, 300));
      }
    }
  }

  const CostlyPatternSetup& setup_;
  std::string path_;
  std::function<std::string(uint64_t)> body_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<int64_t> nanoseconds_;
  uint64_t refused_ = 0;
  std::string unexpected_;
  std::vector<std::thread> threads_;  // last: started once everything else exists
};

LoadResult measure(const CostlyPatternSetup& setup, int connections, const RequestMaker& make) {
  LoadOptions options = setup.load;
  options.connections = connections;
  return run_load(options, make);
}

}  // namespace

absl::Status add_hostile_tables(const std::string& store_path, const Credentials& producer) {
  DataMeshCatalog catalog(ClientOptions{.data_mesh_account_id = "999999999999",
                                        .use_credentials = producer,
                                        .endpoint = cat("sqlite://", store_path)});
  if (absl::Status s = catalog.create_database(DatabaseInput{.name = kHostileDatabase});
      !s.ok()) {
    return s;
  }
  json tables = json::array();
  for (int n = 0; n < kHostileTables; ++n) tables.push_back({{"Name", hostile_name(n)}});
  return catalog.import_tables(kHostileDatabase, json{{"TableList", tables}}.dump()).status();
}

absl::StatusOr<json> measure_costly_patterns(const CostlyPatternSetup& setup) {
  json out;
  std::cerr << "bench: patterns: idle read ..." << std::endl;
  out["read_idle"] = latency_json(measure(setup, 1, setup.read));
  {
    std::cerr << "bench: patterns: read while 4 connections send costly get-tables ..."
              << std::endl;
    CostlyLoad costly(setup, "/v1/catalog/get-tables", [](uint64_t n) {
      return json{{"database_name", kHostileDatabase},
                  {"expression", kCostlyExpressions[n % 3]}}
          .dump();
    });
    out["read_during_costly_get_tables"] = latency_json(measure(setup, 1, setup.read));
    costly.stop();
    out["costly_get_tables"] = costly.figures();
  }
  std::cerr << "bench: patterns: idle write ..." << std::endl;
  out["write_idle"] = latency_json(measure(setup, 1, setup.write));
  {
    std::cerr << "bench: patterns: write while 4 connections send costly create-data-products ..."
              << std::endl;
    CostlyLoad costly(setup, "/v1/producer/create-data-products", [](uint64_t) {
      return json{{"source_database_name", kHostileDatabase}, {"table_name_regex", "(a+)+$"}}
          .dump();
    });
    out["write_during_costly_create_data_products"] = latency_json(measure(setup, 1, setup.write));
    costly.stop();
    out["costly_create_data_products"] = costly.figures();
  }
  for (const char* costly : {"costly_get_tables", "costly_create_data_products"}) {
    if (!out[costly]["first_unexpected_answer"].get<std::string>().empty()) {
      return absl::InternalError(cat("bench: patterns: ", costly, " answered ",
                                     out[costly]["first_unexpected_answer"].get<std::string>()));
    }
  }
  std::fprintf(stderr, "%-44s %10s %10s %10s\n", "costly patterns", "requests", "p50 ms",
               "p99 ms");
  for (const char* row : {"read_idle", "read_during_costly_get_tables", "write_idle",
                          "write_during_costly_create_data_products"}) {
    std::fprintf(stderr, "%-44s %10llu %10.2f %10.2f\n", row,
                 static_cast<unsigned long long>(out[row]["requests"].get<uint64_t>()),
                 out[row]["p50_us"].get<double>() / 1000, out[row]["p99_us"].get<double>() / 1000);
  }
  for (const char* costly : {"costly_get_tables", "costly_create_data_products"}) {
    std::fprintf(stderr, "%-44s %10llu %10.2f %10.2f (max)\n", costly,
                 static_cast<unsigned long long>(out[costly]["calls"].get<uint64_t>()),
                 out[costly]["p50_ms"].get<double>(), out[costly]["max_ms"].get<double>());
  }
  return out;
}

}  // namespace datamesh::bench
