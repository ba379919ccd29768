// The credentials of a profile of the AWS shared files (shared_config.h), by botocore's rules:
//  - a profile with role_arn assumes that role with the keys of its source_profile (which may
//    assume a role in turn, so chains of any length work) or of its credential_source
//    (Environment only: datamesh reads no instance or container metadata). role_arn wins over
//    keys in the profile asked for; in a source profile, its keys win over its role_arn;
//  - a profile with aws_access_key_id and aws_secret_access_key (aws_session_token optional)
//    gives those keys;
//  - a profile may name itself as source_profile when it holds keys; any other loop in
//    source_profile is refused, naming the whole loop.
// The session of a profile's AssumeRole is named by its role_session_name, or
// datamesh-<seconds since 1970> as botocore names it botocore-session-<seconds>.
// Refused with Unimplemented rather than ignored: mfa_serial, external_id (the AssumeRole
// function takes neither), credential_process, sso_*, web_identity_token_file.
// duration_seconds is not passed on either: STS then grants its default hour.
//
// Thread-safe: the providers returned are (see assumed_role_provider.h).
#pragma once

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/credentials_provider.h"
#include "aws/environment.h"
#include "aws/shared_config.h"
#include "aws/sts_calls.h"

namespace datamesh::aws {

// The provider of `profile`. Errors, each naming the profile and the file and line concerned:
// NotFound when the profile is absent or holds no credentials; InvalidArgument for one key
// without the other, role_arn with neither or both of source_profile and credential_source, a
// source_profile that does not exist or holds no credentials, a loop; Unimplemented as above.
absl::StatusOr<std::shared_ptr<CredentialsProvider>> profile_credentials(
    const SharedConfig& config, std::string_view profile, const EnvironmentLookup& environment,
    AssumeRoleFunction assume_role, TimeSource now);

}  // namespace datamesh::aws
