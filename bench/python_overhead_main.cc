// datamesh_python_bench: what the Python package costs over the C++ API (issue 17, acceptance
// 3; docs/PERFORMANCE.md, "Python overhead"). One embedded mesh file, one Active subscription
// (bench/mesh_setup.h); get_subscription called by the C++ client API (DataMeshConsumer on the
// embedded backend) and by data_mesh_util's DataMeshConsumer in a python3 child
// (bench/python_overhead.py), batch by batch in turn, so that both sides see the same load of
// the shared cores. Each round's figure is a batch's mean per call; the report gives the
// median over rounds of each side and of the per-round ratio Python / C++.
//
//   datamesh_python_bench                         # 15 rounds of 2,000 calls per side
//   datamesh_python_bench --quick --json x.json   # the CI smoke test (python_smoke.cmake)
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/text.h"
#include "cpu_time.h"
#include "datamesh/consumer.h"
#include "mesh_setup.h"

namespace datamesh::bench {
namespace {

using base::cat;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string python = DATAMESH_BENCH_PYTHON;
  std::string pythonpath = DATAMESH_BENCH_PYTHONPATH;
  std::string script = DATAMESH_BENCH_PYTHON_SCRIPT;
  int calls = 2000;   // per batch
  int rounds = 15;    // batches per side, interleaved
  int warmup = 500;   // calls per side before the first round
  std::string json_path;
  bool quick = false;
};

// The python3 child: its stdin and stdout are pipes, one request line and one answer line
// per batch (bench/python_overhead.py).
class PythonSide {
 public:
  static absl::StatusOr<PythonSide> start(const Options& o, const BenchMesh& mesh,
                                          const std::string& endpoint) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) {
      return absl::InternalError("pipe failed");
    }
    const BenchConsumer& consumer = mesh.consumers.front();
    std::vector<std::string> args = {o.python,
                                     o.script,
                                     endpoint,
                                     kBenchMeshAccount,
                                     consumer.credentials.access_key_id,
                                     consumer.credentials.secret_access_key,
                                     consumer.subscription_id};
    const std::string pythonpath = cat("PYTHONPATH=", o.pythonpath);
    const pid_t pid = ::fork();
    if (pid < 0) return absl::InternalError("fork failed");
    if (pid == 0) {
      ::dup2(to_child[0], STDIN_FILENO);
      ::dup2(from_child[1], STDOUT_FILENO);
      for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
      ::putenv(const_cast<char*>(pythonpath.c_str()));
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      std::perror("exec python");
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    PythonSide side;
    side.pid_ = pid;
    side.to_ = ::fdopen(to_child[1], "w");
    side.from_ = ::fdopen(from_child[0], "r");
    return side;
  }

  // Mean nanoseconds per call of a batch of `calls`.
  absl::StatusOr<double> batch(int calls) {
    std::fprintf(to_, "%d\n", calls);
    std::fflush(to_);
    char line[64];
    if (std::fgets(line, sizeof line, from_) == nullptr) {
      return absl::InternalError("the python side stopped (see its stderr)");
    }
    return std::strtod(line, nullptr);
  }

  // Ends the child; false unless it exited 0.
  bool stop() {
    std::fclose(to_);
    std::fclose(from_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

 private:
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::vector<double> load_average() {
  std::ifstream file("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  file >> one >> five >> fifteen;
  return {one, five, fifteen};
}

int run(const Options& o) {
  namespace fs = std::filesystem;
  const fs::path directory = fs::temp_directory_path() / cat("datamesh-pybench-", ::getpid());
  fs::create_directories(directory);
  const auto fail = [&](const absl::Status& status) {
    std::fprintf(stderr, "datamesh_python_bench: %s\n", std::string(status.message()).c_str());
    fs::remove_all(directory);
    return 1;
  };
  auto mesh = build_mesh((directory / "mesh.db").string(), /*consumers=*/1, /*tables=*/1);
  if (!mesh.ok()) return fail(mesh.status());
  const std::string endpoint = cat("sqlite://", mesh->store_path);
  const BenchConsumer& who = mesh->consumers.front();

  DataMeshConsumer consumer(kBenchMeshAccount, kBenchRegion, "INFO", who.credentials, endpoint);
  const auto cpp_batch = [&](int calls) -> absl::StatusOr<double> {
    const auto started = Clock::now();
    for (int i = 0; i < calls; ++i) {
      auto answer = consumer.get_subscription(who.subscription_id);
      if (!answer.ok()) return answer.status();
    }
    return std::chrono::duration<double, std::nano>(Clock::now() - started).count() / calls;
  };

  auto python = PythonSide::start(o, *mesh, endpoint);
  if (!python.ok()) return fail(python.status());
  const std::vector<double> load_before = load_average();
  const double busy_before = machine_busy_seconds();
  const auto started = Clock::now();

  if (auto warm = cpp_batch(o.warmup); !warm.ok()) return fail(warm.status());
  if (auto warm = python->batch(o.warmup); !warm.ok()) return fail(warm.status());
  std::vector<double> cpp_ns, python_ns, ratios;
  for (int round = 0; round < o.rounds; ++round) {
    // Alternate which side goes first, so neither always follows the other's cache misses.
    double cpp = 0, py = 0;
    for (int side = 0; side < 2; ++side) {
      if ((side == 0) == (round % 2 == 0)) {
        auto ns = cpp_batch(o.calls);
        if (!ns.ok()) return fail(ns.status());
        cpp = *ns;
      } else {
        auto ns = python->batch(o.calls);
        if (!ns.ok()) return fail(ns.status());
        py = *ns;
      }
    }
    cpp_ns.push_back(cpp);
    python_ns.push_back(py);
    ratios.push_back(py / cpp);
    std::printf("round %2d: C++ %8.2f us  Python %8.2f us  ratio %.3f\n", round + 1, cpp / 1000,
                py / 1000, py / cpp);
    std::fflush(stdout);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (!python->stop()) return fail(absl::InternalError("the python side did not exit 0"));
  const double busy = machine_busy_seconds() - busy_before;
  const double own = own_cpu_seconds() + children_cpu_seconds();
  const std::vector<double> load_after = load_average();

  const double ratio = median(ratios);
  std::printf(
      "\nget_subscription, embedded, %d rounds of %d calls per side:\n"
      "  C++ API        median %8.2f us per call\n"
      "  Python package median %8.2f us per call\n"
      "  ratio Python / C++: median %.3f (min %.3f, max %.3f)\n"
      "  machine: load average %.2f before, %.2f after; %.2f of 2 cores busy during the run\n",
      o.rounds, o.calls, median(cpp_ns) / 1000, median(python_ns) / 1000, ratio,
      *std::min_element(ratios.begin(), ratios.end()),
      *std::max_element(ratios.begin(), ratios.end()), load_before[0], load_after[0],
      busy / seconds);

  if (!o.json_path.empty()) {
    nlohmann::json report = {
        {"schema", "datamesh-python-overhead/1"},
        {"method", "consumer/get_subscription"},
        {"calls_per_round", o.calls},
        {"rounds",
         {{"cpp_ns", cpp_ns}, {"python_ns", python_ns}, {"ratio", ratios}}},
        {"median", {{"cpp_ns", median(cpp_ns)}, {"python_ns", median(python_ns)},
                    {"ratio", ratio}}},
        {"machine",
         {{"load_average_before", load_before},
          {"load_average_after", load_after},
          {"busy_cores", busy / seconds},
          {"own_cpu_seconds", own},
          {"seconds", seconds}}}};
    std::ofstream(o.json_path) << report.dump(2) << "\n";
  }
  fs::remove_all(directory);
  return 0;
}

}  // namespace
}  // namespace datamesh::bench

int main(int argc, char** argv) {
  datamesh::bench::Options o;
  CLI::App app{"get_subscription through data_mesh_util against the C++ API (embedded)"};
  app.add_option("--python", o.python, "The python3 the package is built for");
  app.add_option("--pythonpath", o.pythonpath, "Where data_mesh_util is (build/python)");
  app.add_option("--calls", o.calls, "Calls per batch")->check(CLI::PositiveNumber);
  app.add_option("--rounds", o.rounds, "Batches per side, interleaved")
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", o.warmup, "Calls per side before the first round");
  app.add_flag("--quick", o.quick, "A few small rounds: checks that it runs (CI smoke)");
  app.add_option("--json", o.json_path, "Also write the figures as JSON");
  CLI11_PARSE(app, argc, argv);
  if (o.quick) {
    o.calls = 50;
    o.rounds = 3;
    o.warmup = 20;
  }
  return datamesh::bench::run(o);
}
