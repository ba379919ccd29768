// The process environment as the AWS credential chain reads it: one lookup of variables
// (AWS_PROFILE, AWS_ACCESS_KEY_ID, HOME, ...), injected so that tests and embedders decide what
// the chain sees without touching the real environment, and the home folder that the default
// paths of ~/.aws/config and ~/.aws/credentials start from.
//
// AWS tools treat a variable that is set but empty as unset; `variable` does the same.
// Thread-safe: process_environment() reads with getenv, which is safe as long as nothing in the
// process calls setenv at the same time; environment_of() holds an immutable copy.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace datamesh::aws {

// The value of an environment variable, nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The real environment. HOME, when unset, falls back to the user's entry in the password
// database, as Python's os.path.expanduser does.
EnvironmentLookup process_environment();
// A fixed environment holding exactly `variables` (for tests and for callers that pass values).
EnvironmentLookup environment_of(std::map<std::string, std::string, std::less<>> variables);

// The variable's value; empty when unset or set to "".
std::string variable(const EnvironmentLookup& environment, std::string_view name);

// `path` with a leading "~" (alone or followed by '/') replaced by HOME. Other paths are
// returned unchanged. FailedPrecondition when the path needs HOME and HOME is unknown.
absl::StatusOr<std::string> expand_home(std::string_view path,
                                        const EnvironmentLookup& environment);

}  // namespace datamesh::aws
