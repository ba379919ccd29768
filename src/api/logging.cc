#include "api/logging.h"

#include <cctype>
#include <string_view>
#include <utility>

#include "spdlog/spdlog.h"

namespace datamesh::api {

absl::Status set_log_level(const std::string& level) {
  static const std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"DEBUG", spdlog::level::debug}, {"INFO", spdlog::level::info},
      {"WARNING", spdlog::level::warn}, {"WARN", spdlog::level::warn},
      {"ERROR", spdlog::level::err},   {"CRITICAL", spdlog::level::critical}};
  std::string upper(level);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& [name, value] : kLevels) {
    if (name == upper) {
      spdlog::set_level(value);
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("log_level \"" + level +
                                    "\" is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
}

}  // namespace datamesh::api
