#include "aws/region.h"

#include "base/text.h"

namespace datamesh::aws {

absl::StatusOr<std::string> resolve_region(const RegionSources& sources,
                                           const EnvironmentLookup& environment,
                                           const SharedConfig& config) {
  if (!sources.explicit_region.empty()) return sources.explicit_region;
  if (!sources.credentials_file_region.empty()) return sources.credentials_file_region;
  for (std::string_view name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string region = variable(environment, name);
    if (!region.empty()) return region;
  }
  const std::string profile = sources.profile.empty() ? profile_name(environment) : sources.profile;
  if (const Profile* found = config.find(profile)) {
    if (std::optional<std::string_view> region = found->get("region"); region && !region->empty()) {
      return std::string(*region);
    }
  }
  return absl::NotFoundError(base::cat(
      "no AWS region: name one (aws://REGION), or set AWS_REGION or AWS_DEFAULT_REGION, or "
      "region in profile ",
      profile, " of ", config.config_path.empty() ? "~/.aws/config" : config.config_path));
}

}  // namespace datamesh::aws
