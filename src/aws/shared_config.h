// The profiles of the AWS shared files, merged as botocore merges them: the config file
// (AWS_CONFIG_FILE, default ~/.aws/config; sections [default] and [profile NAME]) overlaid, key
// by key, with the credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials;
// sections [NAME]). Sections of the config file that are not profiles ([sso-session x],
// [services x], ...) are left out. A [DEFAULT] section is no profile: as in Python's
// configparser, under botocore, its keys go to every section of its file that does not set
// them. Either file may be missing.
//
// Also the profile name AWS tools choose: AWS_DEFAULT_PROFILE, then AWS_PROFILE, then
// "default".
//
// Values are immutable after loading; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/environment.h"
#include "aws/ini_file.h"

namespace datamesh::aws {

struct ProfileSetting {
  std::string value;
  std::string origin;  // "<path>:<line>", for messages
};

struct Profile {
  std::string name;
  std::string origin;  // "<path>:<line>" of the section that last contributed to it
  std::map<std::string, ProfileSetting, std::less<>> settings;  // keys lower case

  // The setting's value; nullopt when absent.
  std::optional<std::string_view> get(std::string_view key) const;
  bool has(std::string_view key) const { return settings.contains(key); }
  // Where the setting is ("<path>:<line>"), or the profile's origin when absent.
  std::string_view origin_of(std::string_view key) const;
};

struct SharedConfig {
  std::string config_path;       // as resolved, even when no file is there
  std::string credentials_path;  // likewise
  std::map<std::string, Profile, std::less<>> profiles;

  const Profile* find(std::string_view name) const;
};

// The profile name: AWS_DEFAULT_PROFILE, AWS_PROFILE, else "default".
std::string profile_name(const EnvironmentLookup& environment);

// Merges the parsed files (either may be absent). InvalidArgument when the config file names
// one profile twice ([default] and [profile default]).
absl::StatusOr<SharedConfig> merge_shared_config(const std::optional<IniFile>& config,
                                                 const std::optional<IniFile>& credentials);

// Finds, reads and merges the two files. Without HOME the default paths are skipped (no file);
// a path a variable names that starts with "~" needs HOME (expand_home's error). Errors of
// load_ini and merge_shared_config.
absl::StatusOr<SharedConfig> load_shared_config(const EnvironmentLookup& environment);

}  // namespace datamesh::aws
