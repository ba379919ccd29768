// How the CLI reports: JSON answers on stdout, errors on stderr, and one exit code per error
// code (documented in docs/CLI.md).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace datamesh::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,
  kExitInvalidArgument = 2,  // also usage errors
  kExitNotFound = 3,
  kExitAlreadyExists = 4,
  kExitPermissionDenied = 5,
  kExitUnauthenticated = 6,
  kExitFailedPrecondition = 7,
  kExitAborted = 8,
  kExitUnavailable = 9,
  kExitCheckFailed = 10,  // a check ran and found a problem (e.g. admin verify-audit)
};

int exit_code(const absl::Status& status);
// Prints `error (Code): message` on stderr and returns the exit code.
int report_error(const absl::Status& status);
// Pretty JSON on stdout; nothing for null (methods that return None).
void print_answer(const nlohmann::json& answer);

}  // namespace datamesh::cli
