// The AWS region, chosen as the original library and AWS tools choose it: the region the caller
// names (aws://REGION), then the AWS_REGION of the original's credentials file (the original
// passes it explicitly), then the variables AWS_REGION and AWS_DEFAULT_REGION, then `region` of
// the profile in the shared config. Pure given its inputs; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/environment.h"
#include "aws/shared_config.h"

namespace datamesh::aws {

struct RegionSources {
  std::string explicit_region;          // empty: none
  std::string credentials_file_region;  // empty: none
  std::string profile;                  // empty: profile_name(environment)
};

// The first region found as above. NotFound saying every place looked at when there is none.
absl::StatusOr<std::string> resolve_region(const RegionSources& sources,
                                           const EnvironmentLookup& environment,
                                           const SharedConfig& config);

}  // namespace datamesh::aws
