// Running a shell command line from a test and taking what it printed: the datamesh command as a
// user runs it, with the environment and arguments the line gives it.
#pragma once

#include <string>

namespace datamesh::testkit {

struct CommandRun {
  int exit_code = -1;  // -1 when the command could not be run or did not exit
  std::string output;  // its stdout and stderr, interleaved as written
};

// Runs `shell_command` with /bin/sh, its stderr joined to its stdout, and waits for it.
CommandRun run_shell_command(const std::string& shell_command);

}  // namespace datamesh::testkit
