#include "testkit/shell_command.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace datamesh::testkit {

CommandRun run_shell_command(const std::string& shell_command) {
  CommandRun run;
  FILE* pipe = ::popen((shell_command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
    run.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace datamesh::testkit
