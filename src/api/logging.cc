#include "api/logging.h"

#include <cctype>
#include <string_view>
#include <utility>

#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace datamesh::api {

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto existing = spdlog::get("datamesh");
    return existing ? existing : spdlog::stderr_logger_mt("datamesh");
  }();
  return *instance;
}

absl::Status set_log_level(const std::string& level) {
  static const std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"DEBUG", spdlog::level::debug}, {"INFO", spdlog::level::info},
      {"WARNING", spdlog::level::warn}, {"WARN", spdlog::level::warn},
      {"ERROR", spdlog::level::err},   {"CRITICAL", spdlog::level::critical}};
  std::string upper(level);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& [name, value] : kLevels) {
    if (name == upper) {
      logger().set_level(value);
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("log_level \"" + level +
                                    "\" is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
}

}  // namespace datamesh::api
