// Log levels by the documents' (Python's) names. Logs never carry secrets: only account ids,
// key ids and method names.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace datamesh::api {

// DEBUG, INFO, WARNING (or WARN), ERROR, CRITICAL, in any case. InvalidArgument otherwise.
absl::Status set_log_level(const std::string& level);

}  // namespace datamesh::api
