// Error codes as front ends show them: one name per canonical code, used in the HTTP error
// body {"Error": {"Code", "Message"}}, in CLI messages, and by clients to turn an error back
// into the same absl::Status.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace datamesh::api {

std::string_view error_code_name(absl::StatusCode code);
absl::StatusCode error_code_from_name(std::string_view name);

}  // namespace datamesh::api
