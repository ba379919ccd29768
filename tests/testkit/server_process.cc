#include "testkit/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/text.h"

extern char** environ;

namespace datamesh::testkit {

using base::cat;

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::start(const ServeOptions& options) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(cat("pipe2: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, options.stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = {
      options.cli_path, "serve", "--store",
      options.store.find("://") == std::string::npos ? cat("sqlite://", options.store)
                                                     : options.store,
      "--listen", "127.0.0.1:0"};
  if (options.allow_initialize) args.push_back("--allow-initialize");
  args.push_back("--no-access-log");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int spawned =
      posix_spawn(&pid, options.cli_path.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    return absl::InternalError(cat("cannot start ", options.cli_path, ": ",
                                   std::strerror(spawned)));
  }
  std::unique_ptr<ServerProcess> process(new ServerProcess());
  process->pid_ = pid;
  process->stdout_fd_ = fds[0];

  // The first line of stdout, within a deadline that only guards against a hung server.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.empty() || line.back() != '\n') {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return absl::DeadlineExceededError(cat("the server printed no line in 30 s: ", line));
    }
    pollfd readable{.fd = fds[0], .events = POLLIN, .revents = 0};
    const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char c = 0;
    const ssize_t got = ::read(fds[0], &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      return absl::InternalError(
          cat("the server closed stdout before printing its endpoint; "
              "stdout so far: \"",
              line, "\"; see ", options.stderr_path.string()));
    }
    line.push_back(c);
  }
  line.pop_back();
  // "datamesh serving sqlite:///... on http://127.0.0.1:PORT" (https:// with --tls-cert)
  auto on = line.rfind(" on http://");
  if (on == std::string::npos) on = line.rfind(" on https://");
  const auto colon = line.rfind(':');
  if (on == std::string::npos || colon == std::string::npos || colon < on) {
    return absl::InternalError(cat("unexpected first line of datamesh serve: \"", line, "\""));
  }
  process->endpoint_ = line.substr(on + 4);
  process->port_ = std::atoi(line.c_str() + colon + 1);
  if (process->port_ <= 0) {
    return absl::InternalError(cat("no port in the first line of datamesh serve: \"", line, "\""));
  }
  return process;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

absl::Status ServerProcess::send_signal(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server process has been reaped");
  if (::kill(pid_, signal) != 0) return absl::InternalError(cat("kill: ", std::strerror(errno)));
  return absl::OkStatus();
}

absl::StatusOr<int> ServerProcess::wait_for_exit(std::chrono::seconds deadline) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server process has been reaped");
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    int ready = 0;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      pollfd exited{.fd = pidfd, .events = POLLIN, .revents = 0};
      ready = ::poll(&exited, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
      if (ready < 0 && errno == EINTR) continue;
      break;
    }
    ::close(pidfd);
    if (ready == 0) {
      ::kill(pid_, SIGKILL);
      int ignored = 0;
      ::waitpid(pid_, &ignored, 0);
      pid_ = -1;
      return absl::DeadlineExceededError(
          cat("the server process did not exit within ", deadline.count(), " s; killed it"));
    }
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(cat("waitpid: ", std::strerror(errno)));
  }
  pid_ = -1;
  return status;
}

absl::StatusOr<int> ServerProcess::terminate(std::chrono::seconds deadline) {
  if (absl::Status sent = send_signal(SIGTERM); !sent.ok()) return sent;
  return wait_for_exit(deadline);
}

double ServerProcess::cpu_seconds() const {
  if (pid_ <= 0) return -1;
  std::ifstream stat(cat("/proc/", pid_, "/stat"));
  std::string text;
  std::getline(stat, text);
  // Fields after the command name (which is in parentheses and may hold spaces): utime and
  // stime are fields 14 and 15 of proc(5).
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

}  // namespace datamesh::testkit
