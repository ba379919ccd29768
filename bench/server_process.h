// `datamesh serve` as a child process of the benchmark: started with fork/exec on a loopback
// port chosen by the kernel, its port read from the line it prints, stopped with SIGTERM (then
// SIGKILL after 10 s). Its CPU time is read from /proc so the benchmark can say how the two
// shared cores were split between the server and the load generator.
// Not thread-safe; one object per server.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace datamesh::bench {

struct ServerSettings {
  std::string cli_path;    // the datamesh binary
  std::string store_path;  // an initialized mesh file, or a postgresql:// URL
  int workers = 0;         // --workers; 0 = the server's default
  std::string config_path; // --config FILE (docs/SERVER.md); empty = none
  std::string stderr_path; // where the server's log goes
  // When not empty, run this command instead of `cli_path serve ...`; "--store <path>" is
  // appended (see variant_server.h).
  std::vector<std::string> command;
};

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits until GET /healthz answers 200. Internal when it cannot be
  // started, prints no "... on http://host:port" line, or never answers.
  absl::Status start(const ServerSettings& settings);
  // SIGTERM, wait; SIGKILL after 10 s. Safe to call twice.
  void stop();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // User + system CPU seconds the server has used so far (all threads); -1 if unknown.
  double cpu_seconds() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  // The read end of the server's stdout, kept open so that a late write cannot kill it with
  // SIGPIPE.
  int stdout_fd_ = -1;
};

// User + system CPU seconds of this process so far (all threads).
double own_cpu_seconds();
// CPU seconds of the waited-for children of this process (e.g. wrk after pclose).
double children_cpu_seconds();
// CPU seconds all processes of the machine have used since boot (user, nice, system, irq,
// softirq, steal of /proc/stat); the difference over a window minus the benchmark's own
// processes is what other programs took from the shared cores meanwhile. -1 if unknown.
double machine_busy_seconds();

}  // namespace datamesh::bench
