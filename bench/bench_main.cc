// datamesh_bench: the server's throughput and latency on loopback, each figure next to the
// baseline that bounds it (see docs/PERFORMANCE.md):
//   1. raw SQLite single-row commits/s with the store's durability settings, on the same disk;
//   2. the server's unauthenticated GET /healthz with C keep-alive connections (this program's
//      load generator, and wrk when installed);
//   3. a signed POST /v1/consumer/get-subscription (read), as a fraction of 2;
//   4. a signed POST /v1/consumer/request-access-to-product creating distinct subscriptions
//      (write), as a fraction of 1;
// plus the client's signing cost and an in-process breakdown of the server's steps; and
//   5. the latency of /healthz and signed reads from 127.0.0.2 while 2,000 slow connections
//      from 127.0.0.1 trickle request heads, against the same probes alone (slow_clients.h);
//   6. with wrk, /healthz (kept-alive connections, and a new connection per request) and a
//      signed read over HTTPS (datamesh serve --tls-cert) against the same over plain HTTP, each
//      on a server of its own on the same mesh;
// and, only with --only aws, the documented workflow in AWS mode on a moto server of its own,
// its AWS calls counted per step and service and timed (aws_workflow.h).
// The server is a separate `datamesh serve` process (testkit/server_process.h, as the server
// tests start it) on a fresh mesh in a temporary directory;
// client and server share the machine's cores, which the output says with the CPU each used.
// Prints a table and writes JSON (default bench/results/, not committed).
#include <sqlite3.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "aws_workflow.h"
#include "base/text.h"
#include "costly_patterns.h"
#include "costs.h"
#include "cpu_time.h"
#include "load.h"
#include "mesh_setup.h"
#include "report.h"
#include "requests.h"
#include "slow_clients.h"
#include "sqlite_baseline.h"
#include "testkit/scratch_dir.h"
#include "testkit/server_process.h"
#include "testkit/tls_files.h"
#include "wrk_runner.h"

namespace datamesh::bench {
namespace {

using base::cat;
using nlohmann::json;

constexpr double kHealthzTarget = 50000;  // req/s on 2 cores
constexpr double kReadTargetRatio = 0.5;  // authenticated read / healthz

struct BenchOptions {
  double seconds = 10;
  double warmup_seconds = -1;  // -1: min(1, seconds / 5)
  int connections = 64;
  int workers = 0;
  int consumers = 0;  // 0: as many as connections
  int slow_connections = 2000;
  int tables = 8;
  bool quick = false;
  std::string json_path;
  bool wrk = true;
  bool keep_dir = false;
  std::string tmpdir;
  std::string datamesh = DATAMESH_BENCH_CLI;
  std::vector<std::string> only;
  std::vector<int> aws_tables = {1, 10, 100};  // --only aws: the workflow's table counts
  std::string server_config;   // datamesh serve --config FILE

  bool runs(std::string_view part) const {
    // 10,000 tables more, or a moto server of its own: only when asked for
    if (only.empty()) return part != "patterns" && part != "aws";
    for (const std::string& name : only) {
      if (name == part) return true;
    }
    return false;
  }
};

class Bench {
 public:
  explicit Bench(BenchOptions options) : options_(std::move(options)) {}

  int run(const std::string& command_line);

 private:
  int run_aws(const std::string& command_line);
  absl::Status prepare_directory();
  Scenario load_scenario(const std::string& name, int connections, const RequestMaker& make);
  // wrk on `url` (with `script`, a wrk_request_script, when not empty), the CPU `server` used
  // counted; the error is also written to out[error_key].
  std::optional<Scenario> wrk_scenario(const std::string& name, const std::string& wrk,
                                       const std::string& url, const std::string& script,
                                       const testkit::ServerProcess& server, json& out,
                                       const std::string& error_key);
  // The "tls" part: /healthz and a signed read with wrk, over HTTP and over HTTPS.
  std::vector<Scenario> tls_scenarios(const std::string& wrk, json& out);
  RequestMaker healthz_maker() const;
  RequestMaker read_maker() const;
  RequestMaker write_maker();
  json machine_json() const;

  BenchOptions options_;
  std::optional<testkit::ScratchDir> dir_;  // made by prepare_directory()
  BenchMesh mesh_;
  std::unique_ptr<testkit::ServerProcess> server_;
  std::string host_header_;
  std::atomic<uint64_t> next_write_{0};
};

absl::Status Bench::prepare_directory() {
  try {
    dir_.emplace("bench", options_.tmpdir);
  } catch (const std::runtime_error& e) {
    return absl::InternalError(e.what());
  }
  if (options_.keep_dir) dir_->keep();
  return absl::OkStatus();
}

RequestMaker Bench::healthz_maker() const {
  return [call = healthz_call(host_header_)](int, uint64_t) { return call; };
}

RequestMaker Bench::read_maker() const {
  return [this](int connection, uint64_t) {
    const BenchConsumer& consumer =
        mesh_.consumers[static_cast<size_t>(connection) % mesh_.consumers.size()];
    auto request = signed_request(host_header_, kReadPath, read_body(consumer.subscription_id),
                                  consumer.credentials);
    return request.ok() ? to_call(*std::move(request)) : HttpCall{};
  };
}

RequestMaker Bench::write_maker() {
  return [this](int, uint64_t) {
    const WriteRequest write = write_request(mesh_, next_write_.fetch_add(1));
    auto request =
        signed_request(host_header_, kWritePath, write.body, write.consumer->credentials);
    return request.ok() ? to_call(*std::move(request)) : HttpCall{};
  };
}

std::optional<Scenario> Bench::wrk_scenario(const std::string& name, const std::string& wrk,
                                             const std::string& url, const std::string& script,
                                             const testkit::ServerProcess& server, json& out,
                                             const std::string& error_key) {
  Scenario s{.name = name, .tool = "wrk", .connections = options_.connections};
  const double server_before = server.cpu_seconds();
  const double busy_before = machine_busy_seconds();
  const auto started = std::chrono::steady_clock::now();
  auto result = run_wrk(wrk, url, 2, options_.connections,
                        std::max(1, static_cast<int>(std::lround(options_.seconds))), script);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!result.ok()) {
    std::cerr << "bench: " << result.status().message() << std::endl;
    out[error_key] = std::string(result.status().message());
    return std::nullopt;
  }
  s.wrk = *result;
  s.server_cores = (server.cpu_seconds() - server_before) / wall;
  s.client_cores = result->client_cpu_seconds / wall;
  if (busy_before >= 0) {
    s.other_cores = std::max(
        0.0, (machine_busy_seconds() - busy_before) / wall - s.client_cores - s.server_cores);
  }
  return s;
}

std::vector<Scenario> Bench::tls_scenarios(const std::string& wrk, json& out) {
  const auto failed = [&](const absl::Status& status) {
    std::cerr << "bench: " << status.message() << std::endl;
    out["tls_error"] = std::string(status.message());
    return std::vector<Scenario>{};
  };
  std::filesystem::create_directories(dir_->path() / "tls");
  auto files = testkit::write_tls_files(dir_->path() / "tls");
  if (!files.ok()) return failed(files.status());
  // No per-key limit: every wrk connection sends the one consumer's read.
  const std::string config =
      dir_->write("serve-tls.json",
                  R"({"requests_per_second_per_key": 0, "max_concurrent_requests_per_key": 0})");
  const BenchConsumer& consumer = mesh_.consumers.front();
  std::vector<Scenario> scenarios;
  std::optional<double> http_healthz, http_read, http_connect;
  for (const bool https : {false, true}) {
    testkit::ServeOptions serve{.cli_path = options_.datamesh,
                                .store = mesh_.store_path,
                                .stderr_path = dir_->file(https ? "server-https.log"
                                                                : "server-http.log"),
                                .extra_args = {"--config", config}};
    if (https) {
      serve.extra_args.insert(serve.extra_args.end(),
                              {"--tls-cert", files->server_cert.string(), "--tls-key",
                               files->server_key.string()});
    }
    auto server = testkit::ServerProcess::start(serve);
    if (!server.ok()) return failed(server.status());
    const std::string host = cat("127.0.0.1:", (*server)->port());
    auto read = signed_request(host, kReadPath, read_body(consumer.subscription_id),
                               consumer.credentials);
    if (!read.ok()) return failed(read.status());
    const HttpCall call = to_call(*std::move(read));
    const std::string script = dir_->write(https ? "read-https.lua" : "read-http.lua",
                                           wrk_request_script(call.method, call.headers,
                                                              call.body));
    const char* over = https ? "HTTPS" : "HTTP";
    std::cerr << "bench: wrk on /healthz and a signed read over " << over << " ..." << std::endl;
    auto healthz = wrk_scenario(cat("GET /healthz over ", over, " (wrk -t2)"), wrk,
                                cat((*server)->endpoint(), "/healthz"), "", **server, out,
                                "tls_error");
    auto signed_read = wrk_scenario(cat("signed get-subscription over ", over, " (wrk -t2)"),
                                    wrk, cat((*server)->endpoint(), kReadPath), script, **server,
                                    out, "tls_error");
    // What a process that makes one call pays (the CLI, a script): a connection, and over
    // HTTPS a handshake, per request.
    const std::string close_script =
        dir_->write(https ? "close-https.lua" : "close-http.lua",
                    wrk_request_script("GET", {{"Connection", "close"}}, ""));
    auto connect = wrk_scenario(cat("GET /healthz, a new ", over, " connection each (wrk -t2)"),
                                wrk, cat((*server)->endpoint(), "/healthz"), close_script,
                                **server, out, "tls_error");
    if (!healthz || !signed_read || !connect) return {};
    if (signed_read->wrk.non_2xx > 0) {
      return failed(absl::InternalError(cat("the signed read over ", over, " got ",
                                            signed_read->wrk.non_2xx,
                                            " answers other than 200: see ",
                                            serve.stderr_path.string())));
    }
    if (https) {
      healthz->baseline = http_healthz.value_or(kNaN);
      signed_read->baseline = http_read.value_or(kNaN);
      connect->baseline = http_connect.value_or(kNaN);
      healthz->baseline_name = signed_read->baseline_name = connect->baseline_name =
          "the same over HTTP (wrk)";
    } else {
      http_healthz = healthz->rps();
      http_read = signed_read->rps();
      http_connect = connect->rps();
    }
    scenarios.push_back(*std::move(healthz));
    scenarios.push_back(*std::move(signed_read));
    scenarios.push_back(*std::move(connect));
  }
  return scenarios;
}

Scenario Bench::load_scenario(const std::string& name, int connections, const RequestMaker& make) {
  // The tool name keeps the transport it had when there were two, so JSON files compare.
  Scenario s{.name = name, .tool = "datamesh_bench/raw", .connections = connections};
  double own_start = 0, server_start = 0, own_end = 0, server_end = 0, busy_start = 0,
         busy_end = 0;
  LoadOptions load{.port = server_->port(),
                   .connections = connections,
                   .warmup_seconds = options_.warmup_seconds,
                   .seconds = options_.seconds,
                   .on_window_start =
                       [&] {
                         busy_start = machine_busy_seconds();
                         own_start = own_cpu_seconds();
                         server_start = server_->cpu_seconds();
                       },
                   .on_window_end =
                       [&] {
                         own_end = own_cpu_seconds();
                         server_end = server_->cpu_seconds();
                         busy_end = machine_busy_seconds();
                       }};
  std::cerr << "bench: " << name << " with " << connections << " connections for "
            << options_.seconds << " s ..." << std::endl;
  s.load = run_load(load, make);
  if (s.load.seconds > 0) {
    s.client_cores = (own_end - own_start) / s.load.seconds;
    if (server_start >= 0) s.server_cores = (server_end - server_start) / s.load.seconds;
    if (busy_start >= 0 && !std::isnan(s.server_cores)) {
      s.other_cores = std::max(0.0, (busy_end - busy_start) / s.load.seconds - s.client_cores -
                                        s.server_cores);
    }
  }
  if (s.load.connections_answered < connections) {
    std::cerr << "bench: " << name << ": only " << s.load.connections_answered << " of "
              << connections << " connections got an answer in the measured window" << std::endl;
  }
  if (s.load.ok == 0 || s.load.ok != s.load.requests || s.load.failures > 0) {
    std::cerr << "bench: " << name << ": " << s.load.requests - s.load.ok << " non-200 answers, "
              << s.load.failures << " transport failures; first: " << s.load.first_error
              << std::endl;
  }
  return s;
}

json Bench::machine_json() const {
  utsname names{};
  ::uname(&names);
  return {{"nproc", std::thread::hardware_concurrency()},
          {"cpu_model", cpu_model()},
          {"kernel", cat(names.sysname, " ", names.release)},
          {"bench_dir_filesystem", filesystem_of(dir_->path().string())},
          {"sqlite_version", sqlite3_libversion()},
          {"build_type", DATAMESH_BENCH_BUILD_TYPE}};
}

// The AWS-mode workflow on moto (aws_workflow.h): its own table and JSON file, no server.
int Bench::run_aws(const std::string& command_line) {
  if (absl::Status made = prepare_directory(); !made.ok()) {
    std::cerr << "bench: " << made.message() << std::endl;
    return 1;
  }
  auto measured = measure_aws_workflow(AwsWorkflowSetup{
      .moto_script = DATAMESH_BENCH_MOTO_SCRIPT, .state_dir = dir_->file("moto"),
      .table_counts = options_.aws_tables});
  dir_.reset();
  if (absl::IsNotFound(measured.status())) {
    std::printf("aws: skipped: %s\n", std::string(measured.status().message()).c_str());
    return 0;
  }
  if (!measured.ok()) {
    std::cerr << "bench: aws: " << measured.status().message() << std::endl;
    return 1;
  }
  print_aws_workflow(*measured);
  const json out = {{"schema", "datamesh-bench-aws/1"},
                    {"command", command_line},
                    {"started_utc", utc_now("%Y-%m-%dT%H:%M:%SZ")},
                    {"build_type", DATAMESH_BENCH_BUILD_TYPE},
                    {"aws", aws_workflow_json(*measured)}};
  std::string json_path = options_.json_path;
  if (json_path.empty()) {
    json_path = cat(DATAMESH_BENCH_RESULTS_DIR, "/datamesh-bench-aws-",
                    utc_now("%Y%m%dT%H%M%SZ"), ".json");
  }
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(json_path).parent_path(), ignored);
  std::ofstream file(json_path);
  file << out.dump(2) << "\n";
  file.close();
  if (!file) {
    std::cerr << "bench: cannot write " << json_path << std::endl;
    return 1;
  }
  std::printf("\nJSON: %s\n", json_path.c_str());
  return 0;
}

int Bench::run(const std::string& command_line) {
  // The AWS group stands alone: it measures moto and the AWS backend, not the server.
  if (options_.runs("aws")) {
    if (options_.only.size() > 1) {
      std::cerr << "bench: --only aws runs alone (it writes its own JSON)" << std::endl;
      return 1;
    }
    return run_aws(command_line);
  }
  if (options_.quick) {
    options_.seconds = std::min(options_.seconds, 1.0);
    if (options_.warmup_seconds < 0) options_.warmup_seconds = 0.2;
  }
  if (options_.warmup_seconds < 0) options_.warmup_seconds = std::min(1.0, options_.seconds / 5);
  if (options_.consumers <= 0) options_.consumers = options_.connections;
  const double step_seconds = options_.quick ? 0.1 : 0.5;
  // What the rest of the machine uses before anything starts (the benchmark is idle now).
  const double idle_probe_seconds = options_.quick ? 0.25 : 1.0;
  const double busy_before = machine_busy_seconds();
  std::this_thread::sleep_for(std::chrono::duration<double>(idle_probe_seconds));
  const double other_before =
      busy_before < 0
          ? kNaN
          : std::max(0.0, (machine_busy_seconds() - busy_before) / idle_probe_seconds);
  if (other_before > 0.2) {
    std::cerr << "bench: warning: other programs use " << other_before
              << " cores right now, so the figures will be low; the 'other' column says how much "
                 "CPU they took during each run"
              << std::endl;
  }

  if (absl::Status made = prepare_directory(); !made.ok()) {
    std::cerr << "bench: " << made.message() << std::endl;
    return 1;
  }
  struct Cleanup {  // the server first: it writes into the folder
    Bench& bench;
    ~Cleanup() {
      bench.server_.reset();
      if (bench.options_.keep_dir) {
        std::cerr << "bench: kept " << bench.dir_->path().string() << std::endl;
      }
      bench.dir_.reset();
    }
  } cleanup{*this};

  json out = {{"schema", "datamesh-bench/1"},
              {"command", command_line},
              {"started_utc", utc_now("%Y-%m-%dT%H:%M:%SZ")},
              {"machine", machine_json()},
              {"other_processes_cores_before_start", number(other_before)},
              {"settings",
               {{"seconds", options_.seconds},
                {"warmup_seconds", options_.warmup_seconds},
                {"connections", options_.connections},
                {"server_workers", options_.workers > 0 ? json(options_.workers)
                                                        : json("default")},
                {"server_config", options_.server_config},
                {"consumers", options_.consumers},
                {"tables", options_.tables},
                {"server", "datamesh serve"},
                {"transport", "raw"},
                {"quick", options_.quick}}},
              {"note",
               "client (load generator or wrk) and server run on the same machine and share its "
               "cores; client_cores/server_cores say how they were split, and "
               "other_processes_cores what the rest of the machine used meanwhile"}};

  // ---- baseline 1: raw SQLite commits ------------------------------------------------------
  std::optional<SqliteBaseline> sqlite;
  if (options_.runs("sqlite")) {
    std::cerr << "bench: raw SQLite commits for " << options_.seconds << " s ..." << std::endl;
    auto measured = measure_sqlite_commits(dir_->file("sqlite-baseline.db"), options_.seconds,
                                           options_.warmup_seconds);
    if (!measured.ok()) {
      std::cerr << "bench: " << measured.status().message() << std::endl;
      return 1;
    }
    sqlite = *measured;
    out["baselines"]["sqlite_commits"] = {{"commits_per_second", sqlite->commits_per_second},
                                          {"commits", sqlite->commits},
                                          {"seconds", sqlite->seconds},
                                          {"p50_us", sqlite->p50_us},
                                          {"p99_us", sqlite->p99_us},
                                          {"journal_mode", sqlite->journal_mode},
                                          {"synchronous", sqlite->synchronous},
                                          {"row_bytes", 200}};
  }

  // ---- the mesh and the server -------------------------------------------------------------
  std::cerr << "bench: building a mesh with " << options_.consumers << " consumers ..."
            << std::endl;
  auto mesh = build_mesh(dir_->file("mesh.db"), options_.consumers, options_.tables);
  if (!mesh.ok()) {
    std::cerr << "bench: " << mesh.status().message() << std::endl;
    return 1;
  }
  mesh_ = *std::move(mesh);
  if (options_.runs("patterns")) {
    std::cerr << "bench: adding database " << kHostileDatabase << " of " << kHostileTables
              << " tables ..." << std::endl;
    if (absl::Status added = add_hostile_tables(mesh_.store_path, mesh_.producer); !added.ok()) {
      std::cerr << "bench: " << added.message() << std::endl;
      return 1;
    }
  }
  next_write_ = mesh_.consumers.size();  // write numbers below are the read subscriptions'
  testkit::ServeOptions serve{.cli_path = options_.datamesh,
                              .store = mesh_.store_path,
                              .stderr_path = dir_->file("server.log")};
  if (options_.workers > 0) {
    serve.extra_args.insert(serve.extra_args.end(),
                            {"--workers", std::to_string(options_.workers)});
  }
  // The benchmark measures capacity, not the per-key rate limit (docs/SERVER.md): by default
  // its server runs without one. At 25,000 reads/s over 64 keys a key averages 400 calls/s, but
  // the scheduler lets a few connections outrun the others for seconds, past the default 1,000
  // per second, and their 429s would count as failures.
  std::string server_config = options_.server_config;
  if (server_config.empty()) {
    server_config = dir_->file("serve.json");
    std::ofstream(server_config) << R"({"requests_per_second_per_key": 0})";
  }
  serve.extra_args.insert(serve.extra_args.end(), {"--config", server_config});
  auto started = testkit::ServerProcess::start(serve);
  if (!started.ok()) {
    std::cerr << "bench: " << started.status().message() << std::endl;
    return 1;
  }
  server_ = *std::move(started);
  host_header_ = cat("127.0.0.1:", server_->port());
  std::cerr << "bench: datamesh serve pid " << server_->pid() << " on " << host_header_
            << std::endl;

  // One request of each kind must succeed before anything is timed.
  for (const auto& [what, make] : std::vector<std::pair<std::string, RequestMaker>>{
           {"GET /healthz", healthz_maker()},
           {"signed get-subscription", read_maker()},
           {"signed request-access-to-product", write_maker()}}) {
    auto [status, body] = fetch_once("127.0.0.1", server_->port(), make(0, 0));
    if (status != 200) {
      std::cerr << "bench: preflight " << what << " answered " << status << ": " << body
                << std::endl;
      return 1;
    }
  }

  std::vector<Scenario> scenarios;
  std::optional<Scenario> healthz, healthz_wrk, read, write;
  if (options_.runs("healthz")) {
    healthz = load_scenario("GET /healthz (baseline 2)", options_.connections, healthz_maker());
    healthz->baseline = kHealthzTarget;
    healthz->baseline_name = "target 50,000 req/s";
  }
  if (options_.runs("wrk") && options_.wrk) {
    if (auto wrk = find_wrk()) {
      std::cerr << "bench: wrk on /healthz ..." << std::endl;
      healthz_wrk = wrk_scenario("GET /healthz (wrk -t2)", *wrk,
                                 cat("http://", host_header_, "/healthz"), "", *server_, out,
                                 "wrk_error");
      if (healthz_wrk) {
        healthz_wrk->baseline = kHealthzTarget;
        healthz_wrk->baseline_name = "target 50,000 req/s";
      }
    } else {
      std::cerr << "bench: wrk is not installed; skipping its /healthz run" << std::endl;
      out["wrk_error"] = "wrk not installed";
    }
  }
  if (options_.runs("read")) {
    read = load_scenario("signed POST get-subscription (read)", options_.connections,
                         read_maker());
    read->baseline = healthz ? healthz->rps() : kNaN;
    read->baseline_name = "GET /healthz (same client)";
  }
  if (options_.runs("write")) {
    write = load_scenario("signed POST request-access-to-product (write)", options_.connections,
                          write_maker());
    write->baseline = sqlite ? sqlite->commits_per_second : kNaN;
    write->baseline_name = "raw SQLite commits/s";
  }
  for (const auto* s : {&healthz, &healthz_wrk, &read, &write}) {
    if (s->has_value()) scenarios.push_back(**s);
  }
  if (options_.runs("tls")) {
    if (auto wrk = find_wrk()) {
      for (Scenario& s : tls_scenarios(*wrk, out)) scenarios.push_back(std::move(s));
    } else {
      std::cerr << "bench: wrk is not installed; skipping the HTTPS runs" << std::endl;
      out["tls_error"] = "wrk not installed";
    }
  }
  // Slow clients: the same probes without a crowd, then with one.
  std::vector<SlowClientsResult> slow;
  if (options_.runs("slow")) {
    for (const int crowd : {0, options_.slow_connections}) {
      std::cerr << "bench: probes from 127.0.0.2 with " << crowd
                << " slow connections from 127.0.0.1 for " << options_.seconds << " s ..."
                << std::endl;
      auto measured = measure_slow_clients(server_->port(), healthz_call(host_header_),
                                           read_maker(), crowd, options_.quick ? 1.0 : 3.0,
                                           options_.seconds);
      if (!measured.ok()) {
        std::cerr << "bench: slow clients: " << measured.status().message() << std::endl;
        out["slow_clients_error"] = std::string(measured.status().message());
        break;
      }
      slow.push_back(*measured);
    }
  }

  // ---- costly patterns against other accounts' reads and writes ------------------------------
  if (options_.runs("patterns")) {
    auto measured = measure_costly_patterns(CostlyPatternSetup{
        .load = {.port = server_->port(),
                 .warmup_seconds = options_.warmup_seconds,
                 .seconds = options_.seconds},
        .read = read_maker(),
        .write = write_maker(),
        .host_header = host_header_,
        .producer = mesh_.producer});
    if (!measured.ok()) {
      std::cerr << "bench: " << measured.status().message() << std::endl;
      return 1;
    }
    out["costly_patterns"] = *std::move(measured);
  }

  const uint64_t writes_sent = next_write_.load() - mesh_.consumers.size();
  // The server stops (SIGTERM, then SIGKILL after 10 s) before the in-process measurements.
  (void)server_->terminate(std::chrono::seconds(10));

  // ---- where the time goes (in-process, one thread, server stopped) --------------------------
  std::vector<StepCost> costs;
  uint64_t next = next_write_.load();  // write numbers continue after the load test's
  if (options_.runs("costs")) {
    std::cerr << "bench: step costs in-process ..." << std::endl;
    auto measured = measure_step_costs(mesh_, host_header_, step_seconds, next);
    if (!measured.ok()) {
      std::cerr << "bench: " << measured.status().message() << std::endl;
      return 1;
    }
    costs = *std::move(measured);
  }
  // ---- report ------------------------------------------------------------------------------
  std::printf("\ndatamesh_bench: %u cores (%s), client and server share them; "
              "%.1f s per run after %.1f s warm-up\n"
              "CPU columns: average cores used by the server, the client and other programs\n",
              std::thread::hardware_concurrency(), cpu_model().c_str(), options_.seconds,
              options_.warmup_seconds);
  print_table_header();
  if (sqlite) print_sqlite_row(*sqlite);
  for (const Scenario& s : scenarios) print_row(s);
  print_step_costs(costs);
  const StepCost* sign_cost = nullptr;
  for (const StepCost& cost : costs) {
    if (cost.side == "client" && sign_cost == nullptr) sign_cost = &cost;
  }
  if (read) {
    std::printf("\nclient signing (aws::sign per request, part of the client's cost): %.1f us per "
                "request under load",
                read->load.make_mean_us);
    if (sign_cost != nullptr) {
      std::printf("; %.1f us alone on one thread = %.0f signs/s = %.0f%% of the client's CPU per "
                  "read request",
                  sign_cost->micros_per_operation, 1e6 / sign_cost->micros_per_operation,
                  100 * sign_cost->cpu_micros_per_operation / read->client_us_per_request());
    }
    std::printf("\n");
  }

  for (const SlowClientsResult& r : slow) {
    std::printf("%sprobes from 127.0.0.2 with %d slow connections from 127.0.0.1: /healthz p50 "
                "%.2f / p99 %.2f ms (%llu), signed read p50 %.2f / p99 %.2f ms (%llu), %llu "
                "unanswered; the crowd connected %llu times, sent %llu lines, was closed %llu "
                "times\n",
                r.crowd_connections == 0 ? "\n" : "", r.crowd_connections,
                r.healthz.p50_us / 1000, r.healthz.p99_us / 1000,
                static_cast<unsigned long long>(r.healthz.count), r.read.p50_us / 1000,
                r.read.p99_us / 1000, static_cast<unsigned long long>(r.read.count),
                static_cast<unsigned long long>(r.unanswered),
                static_cast<unsigned long long>(r.crowd.connects),
                static_cast<unsigned long long>(r.crowd.lines_sent),
                static_cast<unsigned long long>(r.crowd.closed_by_server));
  }

  json targets = json::array();
  const auto target = [&](std::string name, std::string goal, double measured, double threshold,
                          std::string tool) {
    targets.push_back({{"name", std::move(name)},
                       {"target", std::move(goal)},
                       {"measured", number(measured)},
                       {"met", std::isnan(measured) ? json(nullptr) : json(measured >= threshold)},
                       {"tool", std::move(tool)}});
  };
  if (healthz) {
    target("healthz", ">= 50,000 req/s on 2 cores", healthz->rps(), kHealthzTarget,
           healthz->tool);
  }
  if (healthz_wrk) {
    target("healthz", ">= 50,000 req/s on 2 cores", healthz_wrk->rps(), kHealthzTarget, "wrk");
  }
  if (read) {
    target("authenticated read / healthz", ">= 0.5", read->ratio(), kReadTargetRatio,
           read->tool);
    if (healthz_wrk && healthz_wrk->rps() > 0) {
      target("authenticated read / healthz(wrk)", ">= 0.5",
             read->rps() / healthz_wrk->rps(), kReadTargetRatio, "read: " + read->tool);
    }
  }
  // The same targets at the rates projected for idle cores (report.h: idle_cores_rps), for
  // runs where other programs took CPU. Reported, never counted as met.
  const double cores = machine_cores();
  const auto projected = [&](std::string name, std::string goal, double value) {
    targets.push_back({{"name", std::move(name)},
                       {"target", std::move(goal)},
                       {"measured", number(value)},
                       {"met", nullptr},
                       {"tool", "projection: req/s x cores / (server + client cores)"}});
  };
  if (healthz) {
    projected("healthz, idle cores (projected)", ">= 50,000 req/s on 2 cores",
              healthz->idle_cores_rps(cores));
  }
  if (healthz_wrk) {
    projected("healthz(wrk), idle cores (projected)", ">= 50,000 req/s on 2 cores",
              healthz_wrk->idle_cores_rps(cores));
  }
  if (read && healthz) {
    projected("read / healthz, idle cores (projected)", ">= 0.5",
              read->idle_cores_rps(cores) / healthz->idle_cores_rps(cores));
  }
  if (write) {
    targets.push_back({{"name", "authenticated write / raw SQLite commits"},
                       {"target", "bounded by the store's commit rate: reported as a ratio"},
                       {"measured", number(write->ratio())},
                       {"met", nullptr},
                       {"tool", write->tool}});
  }
  for (const SlowClientsResult& r : slow) {
    if (r.crowd_connections == 0) continue;
    // No answer at all is no latency, not a latency of 0.
    const double worst_p99_ms = r.healthz.count == 0 || r.read.count == 0
                                    ? kNaN
                                    : std::max(r.healthz.p99_us, r.read.p99_us) / 1000;
    targets.push_back({{"name", cat("p99 of /healthz and signed reads under ", r.crowd_connections,
                                    " slow connections (ms)")},
                       {"target", "<= 100 ms, every probe answered"},
                       {"measured", number(worst_p99_ms)},
                       {"met", worst_p99_ms <= 100 && r.unanswered == 0},
                       {"tool", "datamesh_bench/slow"}});
  }
  print_targets(targets);

  json scenario_list = json::array();
  for (const Scenario& s : scenarios) scenario_list.push_back(scenario_json(s));
  out["scenarios"] = scenario_list;
  out["step_costs"] = step_costs_json(costs);
  if (sign_cost != nullptr && read) {
    out["signing"] = {
        {"us_per_sign", sign_cost->micros_per_operation},
        {"signs_per_second_one_thread", 1e6 / sign_cost->micros_per_operation},
        {"read_request_make_mean_us_under_load", read->load.make_mean_us},
        {"share_of_client_cpu_per_read", number(sign_cost->cpu_micros_per_operation /
                                                read->client_us_per_request())}};
  }
  out["targets"] = targets;
  if (!slow.empty()) {
    json runs = json::array();
    const auto latency = [](const LatencySummary& l) {
      return json{{"count", l.count}, {"p50_ms", l.p50_us / 1000}, {"p99_ms", l.p99_us / 1000},
                  {"max_ms", l.max_us / 1000}};
    };
    for (const SlowClientsResult& r : slow) {
      runs.push_back({{"slow_connections", r.crowd_connections},
                      {"seconds", r.seconds},
                      {"healthz", latency(r.healthz)},
                      {"signed_read", latency(r.read)},
                      {"unanswered", r.unanswered},
                      {"crowd",
                       {{"connects", r.crowd.connects},
                        {"lines_sent", r.crowd.lines_sent},
                        {"closed_by_server", r.crowd.closed_by_server}}}});
    }
    out["slow_clients"] = runs;
  }
  out["writes"] = {{"sent", writes_sent},
                   {"consumers", mesh_.consumers.size()},
                   {"subscriptions_per_consumer_at_end",
                    static_cast<double>(writes_sent) / mesh_.consumers.size() + 1},
                   {"all_distinct", writes_sent / mesh_.consumers.size() + 1 <
                                        distinct_write_combinations(options_.tables)}};

  std::string json_path = options_.json_path;
  if (json_path.empty()) {
    json_path = cat(DATAMESH_BENCH_RESULTS_DIR, "/datamesh-bench-",
                    utc_now("%Y%m%dT%H%M%SZ"), ".json");
  }
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(json_path).parent_path(), ignored);
  std::ofstream file(json_path);
  file << out.dump(2) << "\n";
  file.close();
  if (!file) {
    std::cerr << "bench: cannot write " << json_path << std::endl;
    return 1;
  }
  std::printf("\nJSON: %s\n", json_path.c_str());
  return 0;
}

}  // namespace
}  // namespace datamesh::bench

int main(int argc, char** argv) {
  datamesh::bench::BenchOptions options;
  CLI::App app{"datamesh_bench: datamesh serve on loopback against its baselines"};
  app.add_option("--seconds", options.seconds, "measured seconds per run (default 10)")
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", options.warmup_seconds,
                 "unmeasured seconds before each run (default min(1, seconds/5))");
  app.add_option("--connections,-c", options.connections,
                 "concurrent keep-alive connections (default 64)")
      ->check(CLI::PositiveNumber);
  app.add_option("--workers", options.workers,
                 "server worker threads (datamesh serve --workers; default: the server's)");
  app.add_option("--consumers", options.consumers,
                 "consumer accounts (default: the largest connection count)");
  app.add_option("--slow-connections", options.slow_connections,
                 "slow connections of the slow-clients part (default 2000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--tables", options.tables, "tables in the data product (default 8)")
      ->check(CLI::Range(1, 16));
  app.add_flag("--quick", options.quick, "CI smoke run: about 1 s per run");
  app.add_option("--aws-tables", options.aws_tables,
                 "--only aws: the workflow's table counts (default 1 10 100)");
  app.add_option("--json", options.json_path,
                 "where to write the JSON (default bench/results/datamesh-bench-<UTC>.json)");
  bool no_wrk = false;
  app.add_flag("--no-wrk", no_wrk, "do not run wrk even when it is installed");
  app.add_flag("--keep-dir", options.keep_dir, "keep the temporary directory (mesh, logs)");
  app.add_option("--tmpdir", options.tmpdir,
                 "where the temporary directory (SQLite baseline and mesh) goes; default $TMPDIR "
                 "or /tmp");
  app.add_option("--datamesh", options.datamesh, "the datamesh binary to serve with");
  app.add_option("--only", options.only,
                 "run only these parts: sqlite,healthz,wrk,read,write,slow,costs,tls, and "
                 "patterns and aws (only when named; aws alone: the AWS-mode workflow on moto)")
      ->delimiter(',');
  app.add_option("--server-config", options.server_config,
                 "a datamesh serve config file (event_threads, workers, ...; docs/SERVER.md); "
                 "default: no per-key rate limit");
  CLI11_PARSE(app, argc, argv);
  options.wrk = !no_wrk;
  std::string command_line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) command_line += ' ';
    command_line += argv[i];
  }
  return datamesh::bench::Bench(std::move(options)).run(command_line);
}
