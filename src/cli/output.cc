#include "cli/output.h"

#include <iostream>

#include "api/errors.h"

namespace datamesh::cli {

int exit_code(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kInvalidArgument: return kExitInvalidArgument;
    case absl::StatusCode::kNotFound: return kExitNotFound;
    case absl::StatusCode::kAlreadyExists: return kExitAlreadyExists;
    case absl::StatusCode::kPermissionDenied: return kExitPermissionDenied;
    case absl::StatusCode::kUnauthenticated: return kExitUnauthenticated;
    case absl::StatusCode::kFailedPrecondition: return kExitFailedPrecondition;
    case absl::StatusCode::kAborted: return kExitAborted;
    case absl::StatusCode::kUnavailable: return kExitUnavailable;
    default: return kExitInternal;
  }
}

int report_error(const absl::Status& status) {
  std::cerr << "error (" << api::error_code_name(status.code()) << "): " << status.message()
            << std::endl;
  return exit_code(status);
}

void print_answer(const nlohmann::json& answer) {
  if (answer.is_null()) return;
  std::cout << answer.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace datamesh::cli
