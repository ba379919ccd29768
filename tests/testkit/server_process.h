// `datamesh serve` as a child process, shared by the server and reliability suites
// (tests/server/server_harness.h) and the benchmarks (bench/): started on 127.0.0.1 port 0, its
// endpoint read from the line it prints once it listens, stopped with a signal and reaped.
// Nothing here sleeps: waits are blocking calls bounded by a deadline that only guards against
// a hung server. Not thread-safe; one object per server.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace datamesh::testkit {

struct ServeOptions {
  std::string cli_path;  // the datamesh binary
  // A mesh file (served as sqlite://<path>) or a URL with a scheme (postgresql://...), given to
  // --store as it is.
  std::string store;
  std::filesystem::path stderr_path = "/dev/null";  // the server's log (appended)
  bool allow_initialize = false;                    // --allow-initialize
  std::vector<std::string> extra_args;              // after the options above
};

// `cli_path serve --store <store> --listen 127.0.0.1:0 [--allow-initialize] --no-access-log
// <extra_args>`. The server inherits this process's environment (DATAMESH_MASTER_KEY, ...) with
// SIGTERM, SIGINT and SIGPIPE at their defaults and no signal blocked.
class ServerProcess {
 public:
  // Internal when it cannot be started or its first line names no endpoint; DeadlineExceeded
  // when it prints no line within 30 s.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> start(const ServeOptions& options);
  ~ServerProcess();  // SIGKILL and reap when still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // http://127.0.0.1:PORT, or https:// when served with --tls-cert.
  const std::string& endpoint() const { return endpoint_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` to the server. FailedPrecondition once it has been reaped.
  absl::Status send_signal(int signal);
  // Waits until the process exits and returns its wait status (see waitpid). DeadlineExceeded,
  // after killing it with SIGKILL, when it has not exited within `deadline`.
  absl::StatusOr<int> wait_for_exit(std::chrono::seconds deadline);
  // SIGTERM, then wait_for_exit.
  absl::StatusOr<int> terminate(std::chrono::seconds deadline);

  // User + system CPU seconds the server has used so far (all threads, from /proc); -1 when
  // unknown or reaped. The benchmarks use it to say how the cores were split.
  double cpu_seconds() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // kept open while the process runs, so it never writes to a closed pipe
  std::string endpoint_;
  int port_ = 0;
};

}  // namespace datamesh::testkit
