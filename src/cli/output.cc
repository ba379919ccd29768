#include "cli/output.h"

#include <iostream>
#include <string>
#include <string_view>

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

namespace {

// `text` with its control characters escaped (\n, \x1b, ...): an error is one line, and a name
// a caller or a catalog gave cannot move the cursor or send a terminal escape sequence.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
    }
  }
  return out;
}

}  // namespace

int report_error(const absl::Status& status) {
  const absl::string_view message = status.message();
  std::cerr << "error (" << api::error_code_name(status.code())
            << "): " << one_line(std::string_view(message.data(), message.size())) << std::endl;
  return exit_code(status);
}

void print_answer(const nlohmann::json& answer) {
  if (answer.is_null()) return;
  std::cout << answer.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace datamesh::cli
