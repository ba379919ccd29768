#include "aws/environment_credentials.h"

namespace datamesh::aws {

absl::StatusOr<std::optional<SigningKey>> environment_signing_key(
    const EnvironmentLookup& environment) {
  SigningKey key{.access_key_id = variable(environment, "AWS_ACCESS_KEY_ID"),
                 .secret_access_key = variable(environment, "AWS_SECRET_ACCESS_KEY"),
                 .session_token = variable(environment, "AWS_SESSION_TOKEN")};
  if (key.access_key_id.empty() && key.secret_access_key.empty()) {
    return std::optional<SigningKey>();
  }
  if (key.access_key_id.empty() || key.secret_access_key.empty()) {
    return absl::InvalidArgumentError(
        key.access_key_id.empty()
            ? "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID; set both or neither"
            : "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY; set both or neither");
  }
  if (key.session_token.empty()) key.session_token = variable(environment, "AWS_SECURITY_TOKEN");
  return std::optional<SigningKey>(std::move(key));
}

}  // namespace datamesh::aws
