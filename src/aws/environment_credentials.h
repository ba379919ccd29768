// Keys from the environment, as AWS tools read them: AWS_ACCESS_KEY_ID with
// AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN (or its older name AWS_SECURITY_TOKEN) for
// temporary keys. Pure given the lookup; thread-safe.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "aws/environment.h"
#include "aws/sigv4.h"

namespace datamesh::aws {

// nullopt when neither key variable is set. InvalidArgument when only one of the two is set
// (botocore ignores a lone secret; datamesh refuses it, since it is a mistake either way).
absl::StatusOr<std::optional<SigningKey>> environment_signing_key(
    const EnvironmentLookup& environment);

}  // namespace datamesh::aws
