#include "aws/environment.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

#include "base/text.h"

namespace datamesh::aws {

EnvironmentLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    if (const char* value = std::getenv(key.c_str())) return std::string(value);
    if (key == "HOME") {
      passwd entry{};
      passwd* found = nullptr;
      char buffer[4096];
      if (getpwuid_r(getuid(), &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr &&
          found->pw_dir != nullptr) {
        return std::string(found->pw_dir);
      }
    }
    return std::nullopt;
  };
}

EnvironmentLookup environment_of(std::map<std::string, std::string, std::less<>> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

std::string variable(const EnvironmentLookup& environment, std::string_view name) {
  return environment(name).value_or(std::string());
}

absl::StatusOr<std::string> expand_home(std::string_view path,
                                        const EnvironmentLookup& environment) {
  if (path != "~" && !path.starts_with("~/")) return std::string(path);
  const std::string home = variable(environment, "HOME");
  if (home.empty()) {
    return absl::FailedPreconditionError(
        base::cat("cannot find ", path, ": HOME is not set and the user has no home folder"));
  }
  return base::cat(home, path.substr(1));
}

}  // namespace datamesh::aws
