// datamesh_bench_postgres: the PostgreSQL store through one and through two `datamesh serve`
// replicas, each figure next to its baseline from the same run (docs/PERFORMANCE.md,
// "PostgreSQL"):
//   0. raw single-row commits/s of the same PostgreSQL (libpq, prepared INSERT, autocommit),
//      with 1 connection and with C connections: the baselines of the writes;
//   1. signed request-access-to-product (a write), C client connections, through one replica,
//      then through two (C/2 each);
//   2. signed approve-access-request (a write) of the Pending requests 1 made, same way;
//   3. signed get-subscription (a read), same way: two replicas against one.
// Unless --postgres names a server, a private one is started (tests/support/postgres_server.sh)
// with PostgreSQL's durable defaults (fsync on, synchronous_commit on) and stopped at the end.
// Load generator, replicas and PostgreSQL share the machine's cores; the output says how busy it
// was. Prints a table and writes JSON (default bench/results/, not committed).
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/text.h"
#include "cpu_budget.h"
#include "cpu_time.h"
#include "datamesh/producer.h"
#include "load.h"
#include "mesh_setup.h"
#include "postgres_baseline.h"
#include "requests.h"
#include "testkit/scratch_dir.h"
#include "testkit/server_process.h"
#include "store/postgres/connection.h"

namespace datamesh::bench {
namespace {

using base::cat;
using nlohmann::json;
using testkit::ServerProcess;

struct Options {
  double seconds = 10;
  double warmup_seconds = -1;  // -1: min(1, seconds / 5)
  int connections = 32;
  int tables = 8;
  std::string postgres;  // empty: start a private server
  std::string datamesh = DATAMESH_BENCH_CLI;
  std::string json_path;
  bool quick = false;
  double replica_cores = 0;  // > 0: each replica in a cgroup allowed this many cores
  int workers = 0;           // each replica's --workers; 0: the server's default
};

// The outcome of one scenario through one or two replicas.
struct Run {
  std::string name;
  int replicas = 0;
  uint64_t ok = 0;
  uint64_t other = 0;  // non-200 answers and transport failures
  double seconds = 0;
  double per_second = 0;
  double p50_us = 0, p99_us = 0;  // the worse of the replicas
  double machine_cores = NAN;     // CPU the whole machine used during the window
  double client_cores = NAN;      // this program (load generator, signing)
  double replica_cores = NAN;     // the datamesh serve replicas
  double postgres_cores = NAN;    // the private PostgreSQL's processes (NaN with --postgres)
  double other_cores = NAN;       // the rest of the machine: programs other than the benchmark
  std::string first_error;
};

// CPU seconds of process `pid` so far (utime + stime of /proc/pid/stat), and its parent.
struct ProcessCpu {
  double seconds = 0;
  long parent = 0;
};
std::optional<ProcessCpu> process_cpu(long pid) {
  std::ifstream stat(cat("/proc/", pid, "/stat"));
  std::string text;
  if (!std::getline(stat, text)) return std::nullopt;
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  ProcessCpu cpu;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 4) cpu.parent = std::stol(field);
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  cpu.seconds = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return cpu;
}

// CPU seconds of a PostgreSQL server so far: its postmaster and every process it started
// (backends, walwriter, checkpointer, ...). NaN when postmaster is 0.
double postgres_cpu_seconds(long postmaster) {
  if (postmaster <= 0) return NAN;
  double total = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(name);
    auto cpu = process_cpu(pid);
    if (cpu && (pid == postmaster || cpu->parent == postmaster)) total += cpu->seconds;
  }
  return total;
}

// A private PostgreSQL with durable settings, stopped on destruction.
class PrivateServer {
 public:
  absl::StatusOr<std::string> start(const std::string& state) {
    state_ = state;
    const std::string command =
        cat("POSTGRES_SERVER_OPTIONS='-c fsync=on -c full_page_writes=on -c synchronous_commit=on'"
            " '", DATAMESH_BENCH_POSTGRES_SCRIPT, "' start '", state, "' >&2");
    if (std::system(command.c_str()) != 0) {
      return absl::InternalError(cat("could not start PostgreSQL: ", command));
    }
    started_ = true;
    std::ifstream in(cat(state, "/url"));
    std::string url;
    std::getline(in, url);
    return url;
  }
  // The postmaster's pid (first line of postmaster.pid), 0 when not started here.
  long postmaster() const {
    if (!started_) return 0;
    std::ifstream root_file(cat(state_, "/root"));
    std::string root;
    std::getline(root_file, root);
    std::ifstream pid_file(cat(root, "/data/postmaster.pid"));
    long pid = 0;
    pid_file >> pid;
    return pid;
  }
  ~PrivateServer() {
    if (!started_) return;
    const std::string command =
        cat("'", DATAMESH_BENCH_POSTGRES_SCRIPT, "' stop '", state_, "' >&2");
    if (std::system(command.c_str()) != 0) std::cerr << "bench: could not stop PostgreSQL\n";
  }

 private:
  std::string state_;
  bool started_ = false;
};

std::string random_hex_key() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  unsigned char bytes[32] = {};
  random.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
}

// Every Pending request of the producer, oldest first.
absl::StatusOr<std::vector<std::string>> pending_requests(const std::string& store_url,
                                                          const Credentials& producer) {
  DataMeshProducer client(ClientOptions{.data_mesh_account_id = kBenchMeshAccount,
                                        .region_name = kBenchRegion,
                                        .log_level = "WARNING",
                                        .use_credentials = producer,
                                        .endpoint = store_url});
  std::vector<std::string> ids;
  PageRequest page{.max_results = 1000};
  while (true) {
    auto listed = client.list_pending_access_requests(page);
    if (!listed.ok()) return listed.status();
    for (const Subscription& s : listed->subscriptions) ids.push_back(s.subscription_id);
    if (listed->next_token.empty()) return ids;
    page.next_token = listed->next_token;
  }
}

class PostgresBench {
 public:
  explicit PostgresBench(Options options) : options_(std::move(options)) {}
  // Runs everything in a new scratch folder (the private PostgreSQL, the replicas' logs), which
  // is removed at the end, or kept and named when the run failed.
  int run(const std::string& command_line);

 private:
  int run_in(const testkit::ScratchDir& dir, const std::string& command_line);
  Run measure(const std::string& name, const std::vector<ServerProcess*>& replicas,
              const RequestMaker& make);
  long postmaster_ = 0;
  RequestMaker write_maker(const std::vector<ServerProcess*>& replicas);
  RequestMaker approve_maker(const std::vector<ServerProcess*>& replicas);
  RequestMaker read_maker(const std::vector<ServerProcess*>& replicas);

  Options options_;
  BenchMesh mesh_;
  std::atomic<uint64_t> next_write_{0};
  std::vector<std::string> pending_;
  std::atomic<uint64_t> next_approval_{0};
};

// Connection c of a two-replica run goes to replica c % 2; the maker is told which one by the
// host header it must send.
std::string host_of(const std::vector<ServerProcess*>& replicas, int connection) {
  return cat("127.0.0.1:", replicas[static_cast<size_t>(connection) % replicas.size()]->port());
}

RequestMaker PostgresBench::write_maker(const std::vector<ServerProcess*>& replicas) {
  return [this, replicas](int connection, uint64_t) {
    const WriteRequest write = write_request(mesh_, next_write_.fetch_add(1));
    auto request = signed_request(host_of(replicas, connection), kWritePath, write.body,
                                  write.consumer->credentials);
    return request.ok() ? to_call(*std::move(request)) : HttpCall{};
  };
}

RequestMaker PostgresBench::approve_maker(const std::vector<ServerProcess*>& replicas) {
  return [this, replicas](int connection, uint64_t) {
    // Each Pending request once; when they run out, approvals repeat and answer 409 (counted
    // apart, so the figure stays the rate of real approvals).
    const std::string& id = pending_[next_approval_.fetch_add(1) % pending_.size()];
    const std::string body = json{{"request_id", id}}.dump();
    auto request = signed_request(host_of(replicas, connection),
                                  "/v1/producer/approve-access-request", body, mesh_.producer);
    return request.ok() ? to_call(*std::move(request)) : HttpCall{};
  };
}

RequestMaker PostgresBench::read_maker(const std::vector<ServerProcess*>& replicas) {
  return [this, replicas](int connection, uint64_t) {
    const BenchConsumer& consumer =
        mesh_.consumers[static_cast<size_t>(connection) % mesh_.consumers.size()];
    auto request = signed_request(host_of(replicas, connection), kReadPath,
                                  read_body(consumer.subscription_id), consumer.credentials);
    return request.ok() ? to_call(*std::move(request)) : HttpCall{};
  };
}

Run PostgresBench::measure(const std::string& name, const std::vector<ServerProcess*>& replicas,
                           const RequestMaker& make) {
  std::cerr << "bench: " << name << " through " << replicas.size() << " replica(s), "
            << options_.connections << " connections, " << options_.seconds << " s ..."
            << std::endl;
  Run run{.name = name, .replicas = static_cast<int>(replicas.size())};
  std::vector<LoadResult> results(replicas.size());
  double busy_start = 0, busy_end = 0;
  double own_start = 0, own_end = 0, servers_start = 0, servers_end = 0, pg_start = 0, pg_end = 0;
  const auto servers_cpu = [&] {
    double total = 0;
    for (ServerProcess* replica : replicas) total += replica->cpu_seconds();
    return total;
  };
  std::vector<std::thread> threads;
  for (size_t r = 0; r < replicas.size(); ++r) {
    threads.emplace_back([&, r] {
      LoadOptions load{.port = replicas[r]->port(),
                       .connections = options_.connections / static_cast<int>(replicas.size()),
                       .warmup_seconds = options_.warmup_seconds,
                       .seconds = options_.seconds};
      if (r == 0) {
        load.on_window_start = [&] {
          busy_start = machine_busy_seconds();
          own_start = own_cpu_seconds();
          servers_start = servers_cpu();
          pg_start = postgres_cpu_seconds(postmaster_);
        };
        load.on_window_end = [&] {
          busy_end = machine_busy_seconds();
          own_end = own_cpu_seconds();
          servers_end = servers_cpu();
          pg_end = postgres_cpu_seconds(postmaster_);
        };
      }
      // Connection numbers of this replica's share: c * replicas + r keeps host_of() right.
      const int count = static_cast<int>(replicas.size());
      results[r] = run_load(load, [&, r, count](int c, uint64_t s) {
        return make(c * count + static_cast<int>(r), s);
      });
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const LoadResult& result : results) {
    run.ok += result.ok;
    run.other += result.requests - result.ok + result.failures;
    run.seconds = std::max(run.seconds, result.seconds);
    run.p50_us = std::max(run.p50_us, result.latency.p50_us);
    run.p99_us = std::max(run.p99_us, result.latency.p99_us);
    if (run.first_error.empty()) run.first_error = result.first_error;
  }
  run.per_second = run.seconds > 0 ? static_cast<double>(run.ok) / run.seconds : 0;
  if (busy_start >= 0 && busy_end >= 0 && run.seconds > 0) {
    run.machine_cores = (busy_end - busy_start) / run.seconds;
    run.client_cores = (own_end - own_start) / run.seconds;
    run.replica_cores = (servers_end - servers_start) / run.seconds;
    run.postgres_cores = (pg_end - pg_start) / run.seconds;
    run.other_cores = std::max(0.0, run.machine_cores - run.client_cores - run.replica_cores -
                                        (std::isnan(run.postgres_cores) ? 0 : run.postgres_cores));
  }
  if (run.other > 0) {
    std::cerr << "bench: " << name << ": " << run.other << " answers were not 200; first: "
              << run.first_error << std::endl;
  }
  return run;
}

json number(double value) { return std::isnan(value) ? json() : json(value); }

json run_json(const Run& run) {
  return {{"name", run.name},
          {"replicas", run.replicas},
          {"ok", run.ok},
          {"not_ok", run.other},
          {"seconds", run.seconds},
          {"per_second", run.per_second},
          {"p50_us", run.p50_us},
          {"p99_us", run.p99_us},
          {"machine_cores", number(run.machine_cores)},
          {"client_cores", number(run.client_cores)},
          {"replica_cores", number(run.replica_cores)},
          {"postgres_cores", number(run.postgres_cores)},
          {"other_cores", number(run.other_cores)}};
}

int PostgresBench::run(const std::string& command_line) {
  if (options_.quick) options_.seconds = std::min(options_.seconds, 1.0);
  if (options_.warmup_seconds < 0) options_.warmup_seconds = std::min(1.0, options_.seconds / 5);
  if (options_.connections < 2 || options_.connections % 2 != 0) {
    std::cerr << "bench: --connections must be even (split between two replicas)" << std::endl;
    return 1;
  }
  std::optional<testkit::ScratchDir> dir;
  try {
    dir.emplace("pgbench");
  } catch (const std::runtime_error& e) {
    std::cerr << "bench: " << e.what() << std::endl;
    return 1;
  }
  const int code = run_in(*dir, command_line);
  if (code != 0) {
    dir->keep();
    std::cerr << "bench: kept " << dir->path().string() << " (the replicas' logs)" << std::endl;
  }
  return code;
}

int PostgresBench::run_in(const testkit::ScratchDir& dir, const std::string& command_line) {
  PrivateServer private_server;
  std::string url = options_.postgres;
  if (url.empty()) {
    auto started = private_server.start(dir.file("pg"));
    if (!started.ok()) {
      std::cerr << "bench: " << started.status().message() << std::endl;
      return 1;
    }
    url = *started;
    postmaster_ = private_server.postmaster();
  }
  ::setenv("DATAMESH_MASTER_KEY", random_hex_key().c_str(), 1);

  // ---- baselines ---------------------------------------------------------------------------
  std::vector<PostgresBaseline> baselines;
  for (int connections : {1, options_.connections}) {
    std::cerr << "bench: raw single-row commits, " << connections << " connection(s) ..."
              << std::endl;
    auto measured =
        measure_postgres_commits(url, connections, options_.seconds, options_.warmup_seconds);
    if (!measured.ok()) {
      std::cerr << "bench: " << measured.status().message() << std::endl;
      return 1;
    }
    baselines.push_back(*measured);
  }

  // ---- the mesh, in a schema of its own, and two replicas on it ---------------------------
  const std::string schema = cat("datamesh_bench_", ::getpid());
  {
    auto admin = store::postgres::Connection::open(url, "the benchmark's database", "");
    if (!admin.ok() || !(*admin)->exec(cat("CREATE SCHEMA ", schema), "create schema").ok()) {
      std::cerr << "bench: cannot create schema " << schema << std::endl;
      return 1;
    }
  }
  const std::string store_url =
      cat(url, url.find('?') == std::string::npos ? "?" : "&", "options=-csearch_path%3D", schema);
  std::cerr << "bench: building the mesh (" << options_.connections << " consumers) ..."
            << std::endl;
  auto mesh = build_mesh(store_url, options_.connections, options_.tables);
  if (!mesh.ok()) {
    std::cerr << "bench: " << mesh.status().message() << std::endl;
    return 1;
  }
  mesh_ = *std::move(mesh);
  next_write_ = mesh_.consumers.size();
  // Declared before the replicas: a cgroup can only be removed once its processes are gone.
  std::vector<std::unique_ptr<CpuBudget>> budgets;
  std::vector<std::unique_ptr<ServerProcess>> replicas;
  for (int number = 1; number <= 2; ++number) {
    testkit::ServeOptions serve{.cli_path = options_.datamesh,
                                .store = store_url,
                                .stderr_path = dir.file(cat("replica", number, ".log"))};
    if (options_.workers > 0) {
      serve.extra_args = {"--workers", std::to_string(options_.workers)};
    }
    auto started = ServerProcess::start(serve);
    absl::Status status = started.status();
    if (started.ok()) replicas.push_back(*std::move(started));
    if (status.ok() && options_.replica_cores > 0) {
      auto budget = CpuBudget::create(cat("datamesh_bench_", ::getpid(), "_replica", number),
                                      options_.replica_cores);
      status = budget.ok() ? (*budget)->add(replicas.back()->pid()) : budget.status();
      if (budget.ok()) budgets.push_back(*std::move(budget));
    }
    if (!status.ok()) {
      std::cerr << "bench: " << status.message() << std::endl;
      return 1;
    }
  }
  ServerProcess& first = *replicas[0];
  ServerProcess& second = *replicas[1];
  const std::vector<ServerProcess*> one = {&first};
  const std::vector<ServerProcess*> two = {&first, &second};

  std::vector<Run> runs;
  runs.push_back(measure("request-access-to-product (write)", one, write_maker(one)));
  runs.push_back(measure("request-access-to-product (write)", two, write_maker(two)));
  // Each approval needs a Pending request of its own: make enough for both approval runs
  // (unmeasured), guessing approvals at up to 5 times the rate of requests.
  const double needed =
      2 * (options_.seconds + options_.warmup_seconds) * (5 * runs[1].per_second + 100);
  for (int chunk = 0; chunk < 60; ++chunk) {
    auto pending = pending_requests(store_url, mesh_.producer);
    if (!pending.ok() || static_cast<double>(pending->size()) >= needed) break;
    std::cerr << "bench: " << pending->size() << " Pending requests of " << needed
              << " wanted for the approvals; making more ..." << std::endl;
    LoadOptions supply{.port = first.port(),
                       .connections = options_.connections,
                       .warmup_seconds = 0,
                       .seconds = 2};
    run_load(supply, write_maker(one));
  }
  auto pending = pending_requests(store_url, mesh_.producer);
  if (!pending.ok() || pending->empty()) {
    std::cerr << "bench: no Pending request to approve: "
              << (pending.ok() ? "none" : pending.status().ToString()) << std::endl;
    return 1;
  }
  pending_ = *std::move(pending);
  runs.push_back(measure("approve-access-request (write)", one, approve_maker(one)));
  runs.push_back(measure("approve-access-request (write)", two, approve_maker(two)));
  const bool approvals_ran_out = next_approval_.load() > pending_.size();
  runs.push_back(measure("get-subscription (read)", one, read_maker(one)));
  runs.push_back(measure("get-subscription (read)", two, read_maker(two)));
  for (auto& replica : replicas) (void)replica->terminate(std::chrono::seconds(10));

  // ---- report -------------------------------------------------------------------------------
  const PostgresBaseline& serial = baselines[0];
  const PostgresBaseline& parallel = baselines[1];
  std::printf("\nPostgreSQL (fsync=%s, synchronous_commit=%s), %d client connections, %.0f s each\n",
              serial.fsync.c_str(), serial.synchronous_commit.c_str(), options_.connections,
              options_.seconds);
  if (options_.replica_cores > 0) {
    std::printf("each replica limited to %.2f cores (a cgroup CPU quota); PostgreSQL and the "
                "client are not\n",
                options_.replica_cores);
  }
  std::printf("%-40s %3s %9s %9s %9s   %s\n", "figure", "rep", "per sec", "p50 us", "p99 us",
              "cores: client replicas postgres other");
  for (const PostgresBaseline& b : baselines) {
    std::printf("%-40s %3s %9.0f %9.0f %9.0f\n",
                cat("raw single-row commits, ", b.connections, " conn").c_str(), "-",
                b.commits_per_second, b.p50_us, b.p99_us);
  }
  for (const Run& run : runs) {
    std::printf("%-40s %3d %9.0f %9.0f %9.0f   %.2f %.2f %.2f %.2f\n", run.name.c_str(),
                run.replicas, run.per_second, run.p50_us, run.p99_us, run.client_cores,
                run.replica_cores, run.postgres_cores, run.other_cores);
  }
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : NAN; };
  const json ratios = {
      {"request_1_replica_vs_raw_commits_1_connection",
       ratio(runs[0].per_second, serial.commits_per_second)},
      {"request_1_replica_vs_raw_commits_n_connections",
       ratio(runs[0].per_second, parallel.commits_per_second)},
      {"approve_1_replica_vs_raw_commits_1_connection",
       ratio(runs[2].per_second, serial.commits_per_second)},
      {"approve_1_replica_vs_raw_commits_n_connections",
       ratio(runs[2].per_second, parallel.commits_per_second)},
      {"request_2_vs_1_replicas", ratio(runs[1].per_second, runs[0].per_second)},
      {"approve_2_vs_1_replicas", ratio(runs[3].per_second, runs[2].per_second)},
      {"reads_2_vs_1_replicas", ratio(runs[5].per_second, runs[4].per_second)}};
  std::printf("\n%s\n", ratios.dump(2).c_str());
  if (approvals_ran_out) {
    std::printf("note: approvals ran out of Pending requests (%zu): the later ones answered 409\n",
                pending_.size());
  }

  utsname names{};
  ::uname(&names);
  json baselines_json = json::array();
  for (const PostgresBaseline& b : baselines) {
    baselines_json.push_back({{"connections", b.connections},
                              {"commits_per_second", b.commits_per_second},
                              {"commits", b.commits},
                              {"p50_us", b.p50_us},
                              {"p99_us", b.p99_us},
                              {"fsync", b.fsync},
                              {"synchronous_commit", b.synchronous_commit},
                              {"row_bytes", 200}});
  }
  json runs_json = json::array();
  for (const Run& run : runs) runs_json.push_back(run_json(run));
  const json out = {{"schema", "datamesh-bench-postgres/1"},
                    {"command", command_line},
                    {"machine",
                     {{"nproc", std::thread::hardware_concurrency()},
                      {"kernel", cat(names.sysname, " ", names.release)},
                      {"build_type", DATAMESH_BENCH_BUILD_TYPE}}},
                    {"settings",
                     {{"seconds", options_.seconds},
                      {"warmup_seconds", options_.warmup_seconds},
                      {"connections", options_.connections},
                      {"tables", options_.tables},
                      {"replica_cores_budget", options_.replica_cores},
                      {"replica_workers", options_.workers},
                      {"postgres", options_.postgres.empty() ? "private" : "given"}}},
                    {"baselines", baselines_json},
                    {"runs", runs_json},
                    {"ratios", ratios},
                    {"pending_requests_for_approval", pending_.size()},
                    {"approvals_ran_out", approvals_ran_out}};
  std::string path = options_.json_path;
  if (path.empty()) {
    std::filesystem::create_directories(DATAMESH_BENCH_RESULTS_DIR);
    path = cat(DATAMESH_BENCH_RESULTS_DIR, "/postgres-", ::time(nullptr), ".json");
  }
  std::ofstream(path) << out.dump(2) << "\n";
  std::cerr << "bench: wrote " << path << std::endl;
  return 0;
}

}  // namespace
}  // namespace datamesh::bench

int main(int argc, char** argv) {
  datamesh::bench::Options options;
  CLI::App app{"datamesh_bench_postgres: the PostgreSQL store through one and two replicas"};
  app.add_option("--seconds", options.seconds, "measured seconds per figure (default 10)");
  app.add_option("--warmup", options.warmup_seconds, "unmeasured seconds first");
  app.add_option("--connections", options.connections, "client connections (even; default 32)");
  app.add_option("--tables", options.tables, "tables of the product (default 8)");
  app.add_option("--postgres", options.postgres,
                 "postgresql:// URL of a server to use (default: start a private one)");
  app.add_option("--datamesh", options.datamesh, "the datamesh binary");
  app.add_option("--json", options.json_path, "where to write the JSON");
  app.add_flag("--quick", options.quick, "1 s per figure (smoke test)");
  app.add_option("--replica-cores", options.replica_cores,
                 "give each replica this many cores at most (a cgroup CPU quota, e.g. 0.5), as if "
                 "it ran on a machine of its own; needs root")
      ->check(CLI::PositiveNumber);
  app.add_option("--workers", options.workers,
                 "each replica's worker threads (datamesh serve --workers; default: the server's)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  return datamesh::bench::PostgresBench(options).run(command_line);
}
