// Log levels by the documents' (Python's) names. Logs never carry secrets: only account ids,
// key ids and method names.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "spdlog/logger.h"

namespace datamesh::api {

// The "datamesh" logger. It writes to stderr, never stdout, which carries the commands' JSON;
// the library leaves spdlog's default logger alone.
spdlog::logger& logger();

// Sets the level of logger(): DEBUG, INFO, WARNING (or WARN), ERROR, CRITICAL, in any case.
// InvalidArgument otherwise.
absl::Status set_log_level(const std::string& level);

}  // namespace datamesh::api
