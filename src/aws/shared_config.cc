#include "aws/shared_config.h"

#include <utility>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::aws {
namespace {

using base::cat;

constexpr std::string_view kProfilePrefix = "profile";

// The profile a config-file section holds: "default", or NAME of "profile NAME" (NAME may be
// quoted, as botocore's shlex split allows); nullopt for any other section.
std::optional<std::string> config_section_profile(std::string_view section) {
  if (section == "default") return std::string(section);
  if (!section.starts_with(kProfilePrefix)) return std::nullopt;
  std::string_view rest = section.substr(kProfilePrefix.size());
  const auto start = rest.find_first_not_of(" \t");
  if (start == 0 || start == std::string_view::npos) return std::nullopt;  // "profilex", "profile"
  rest = rest.substr(start);
  if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') &&
      rest.back() == rest.front()) {
    rest = rest.substr(1, rest.size() - 2);  // a quoted name may hold spaces
  } else if (rest.find_first_of(" \t") != std::string_view::npos) {
    return std::nullopt;  // three words: not a profile, as botocore's split decides
  }
  if (rest.empty()) return std::nullopt;
  return std::string(rest);
}

// configparser's special section: its keys are those of every other section of its file that
// does not set them itself; it is no profile of its own.
constexpr std::string_view kDefaultsSection = "DEFAULT";

// Sets the keys of `section` (and the defaults of its file it does not set) in `profile`.
void overlay(Profile& profile, const IniFile& file, const IniSection& section) {
  profile.origin = cat(file.path, ":", section.line);
  auto set = [&](const IniEntry& entry) {
    profile.settings.insert_or_assign(
        entry.key, ProfileSetting{.value = entry.value, .origin = cat(file.path, ":", entry.line)});
  };
  if (const IniSection* defaults = file.find(kDefaultsSection)) {
    for (const IniEntry& entry : defaults->entries) {
      if (section.find(entry.key) == nullptr) set(entry);
    }
  }
  for (const IniEntry& entry : section.entries) set(entry);
}

}  // namespace

std::optional<std::string_view> Profile::get(std::string_view key) const {
  const auto found = settings.find(key);
  if (found == settings.end()) return std::nullopt;
  return std::string_view(found->second.value);
}

std::string_view Profile::origin_of(std::string_view key) const {
  const auto found = settings.find(key);
  return found == settings.end() ? std::string_view(origin)
                                 : std::string_view(found->second.origin);
}

const Profile* SharedConfig::find(std::string_view name) const {
  const auto found = profiles.find(name);
  return found == profiles.end() ? nullptr : &found->second;
}

std::string profile_name(const EnvironmentLookup& environment) {
  for (std::string_view name : {"AWS_DEFAULT_PROFILE", "AWS_PROFILE"}) {
    std::string value = variable(environment, name);
    if (!value.empty()) return value;
  }
  return "default";
}

absl::StatusOr<SharedConfig> merge_shared_config(const std::optional<IniFile>& config,
                                                 const std::optional<IniFile>& credentials) {
  SharedConfig merged;
  if (config) {
    merged.config_path = config->path;
    std::map<std::string, int, std::less<>> section_line;
    for (const IniSection& section : config->sections) {
      const std::optional<std::string> name = config_section_profile(section.name);
      if (!name) continue;
      if (const auto earlier = section_line.find(*name); earlier != section_line.end()) {
        return absl::InvalidArgumentError(cat(config->path, ":", section.line, ": section [",
                                              section.name, "] names profile ", *name,
                                              " again (first at line ", earlier->second, ")"));
      }
      section_line.emplace(*name, section.line);
      Profile& profile = merged.profiles[*name];
      profile.name = *name;
      overlay(profile, *config, section);
    }
  }
  if (credentials) {
    merged.credentials_path = credentials->path;
    for (const IniSection& section : credentials->sections) {
      if (section.name == kDefaultsSection) continue;
      Profile& profile = merged.profiles[section.name];
      profile.name = section.name;
      overlay(profile, *credentials, section);
    }
  }
  return merged;
}

absl::StatusOr<SharedConfig> load_shared_config(const EnvironmentLookup& environment) {
  // A path named by its variable must be found; a default path is given up (no file) when
  // there is no home folder to start it from.
  auto path_of = [&](std::string_view variable_name,
                     std::string_view fallback) -> absl::StatusOr<std::string> {
    const std::string named = variable(environment, variable_name);
    if (!named.empty()) return expand_home(named, environment);
    if (variable(environment, "HOME").empty()) return std::string();
    return expand_home(fallback, environment);
  };
  auto load = [](const std::string& path) -> absl::StatusOr<std::optional<IniFile>> {
    if (path.empty()) return std::optional<IniFile>();
    return load_ini(path);
  };
  DATAMESH_ASSIGN_OR_RETURN(const std::string config_path,
                            path_of("AWS_CONFIG_FILE", "~/.aws/config"));
  DATAMESH_ASSIGN_OR_RETURN(const std::string credentials_path,
                            path_of("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"));
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<IniFile> config, load(config_path));
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<IniFile> credentials, load(credentials_path));
  DATAMESH_ASSIGN_OR_RETURN(SharedConfig merged, merge_shared_config(config, credentials));
  merged.config_path = config_path;
  merged.credentials_path = credentials_path;
  return merged;
}

}  // namespace datamesh::aws
