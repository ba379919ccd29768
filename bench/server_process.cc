#include "server_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "base/text.h"
#include "load.h"

namespace datamesh::bench {
namespace {

using base::cat;

double seconds_of(const timeval& value) {
  return static_cast<double>(value.tv_sec) + static_cast<double>(value.tv_usec) / 1e6;
}

}  // namespace

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

double children_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
}

double machine_busy_seconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      cpu != "cpu") {
    return -1;
  }
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

ServerProcess::~ServerProcess() { stop(); }

absl::Status ServerProcess::start(const ServerSettings& settings) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    return absl::InternalError(cat("pipe: ", std::strerror(errno)));
  }
  std::vector<std::string> args = {settings.cli_path,
                                   "serve",
                                   "--store",
                                   settings.store_path.find("://") == std::string::npos
                                       ? cat("sqlite://", settings.store_path)
                                       : settings.store_path,
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--no-access-log"};
  if (!settings.command.empty()) {
    args = settings.command;
    args.push_back("--store");
    args.push_back(settings.store_path);
  }
  if (settings.workers > 0) {
    args.push_back("--workers");
    args.push_back(std::to_string(settings.workers));
  }
  if (!settings.config_path.empty()) {
    args.push_back("--config");
    args.push_back(settings.config_path);
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string err_path = settings.stderr_path.empty() ? "/dev/null" : settings.stderr_path;

  const pid_t child = ::fork();
  if (child < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return absl::InternalError(cat("fork: ", std::strerror(errno)));
  }
  if (child == 0) {
    // Only async-signal-safe calls between fork and exec. The server dies with the benchmark.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(out[1], STDOUT_FILENO);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = child;
  ::close(out[1]);

  // "datamesh serving sqlite:///... on http://127.0.0.1:PORT"
  std::string line;
  char c;
  while (line.size() < 4096) {
    const ssize_t n = ::read(out[0], &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    line.push_back(c);
  }
  stdout_fd_ = out[0];
  const size_t at = line.rfind(":");
  const size_t scheme = line.find(" on http://");
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) {
    stop();
    std::ifstream err(err_path);
    std::stringstream text;
    text << err.rdbuf();
    return absl::InternalError(
        cat("the server did not start (", settings.cli_path, "): \"", line, "\" ", text.str()));
  }
  port_ = std::atoi(line.c_str() + at + 1);

  const HttpCall health{.method = "GET",
                        .path = "/healthz",
                        .headers = {{"Host", cat("127.0.0.1:", port_)}}};
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (fetch_once("127.0.0.1", port_, health).first == 200) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  return absl::InternalError(cat("the server on port ", port_, " never answered GET /healthz"));
}

void ServerProcess::stop() {
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int waited = 0; waited < 1000; ++waited) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

double ServerProcess::cpu_seconds() const {
  if (pid_ <= 0) return -1;
  std::ifstream stat(cat("/proc/", pid_, "/stat"));
  std::string text;
  std::getline(stat, text);
  // Fields after the command name (which is in parentheses and may hold spaces).
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace datamesh::bench
