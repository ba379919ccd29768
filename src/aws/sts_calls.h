// The two STS calls the credential chain needs, as functions the AWS client provides (it plugs
// them in where AWS mode is assembled), so that the chain is tested without a network, and a
// time source for the expiry of what AssumeRole returns.
//
// Thread-safety: the functions given must be callable from several threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/sigv4.h"

namespace datamesh::aws {

// Temporary credentials returned by AssumeRole.
struct AssumedCredentials {
  SigningKey key;  // with its session token
  std::chrono::system_clock::time_point expiration;
};

// STS AssumeRole(RoleArn = role_arn, RoleSessionName = session_name), signed with `source`.
// Errors are the AWS client's (AccessDenied as PermissionDenied, ...).
using AssumeRoleFunction = std::function<absl::StatusOr<AssumedCredentials>(
    const SigningKey& source, std::string_view role_arn, std::string_view session_name)>;

// STS GetCallerIdentity's answer.
struct CallerIdentity {
  std::string user_id;  // e.g. AIDA... for a user, AROA...:<session> for an assumed role
  std::string account;  // 12 digits
  std::string arn;
};

// STS GetCallerIdentity signed with `key`.
using GetCallerIdentityFunction =
    std::function<absl::StatusOr<CallerIdentity>(const SigningKey& key)>;

// The current time (std::chrono::system_clock::now outside tests).
using TimeSource = std::function<std::chrono::system_clock::time_point()>;

}  // namespace datamesh::aws
