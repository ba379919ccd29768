// The credential chain of AWS mode: where the keys of the caller come from, in the order AWS
// tools look (botocore's create_credential_resolver), with the original library's file first:
//  1. explicit keys (ClientOptions, --access-key-id ...);
//  2. a block of the original's credentials file (the path given, or the CredentialsFile
//     variable as the original reads it);
//  3. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN — skipped when a profile
//     is named explicitly (botocore's rule: an explicit profile outranks the environment;
//     AWS_PROFILE does not);
//  4. the profile (explicit, else AWS_DEFAULT_PROFILE / AWS_PROFILE, else "default") of
//     ~/.aws/config and ~/.aws/credentials, with role_arn chains (profile_credentials.h).
// The first source that holds credentials wins; a source that is named but broken is an error,
// not a reason to go on (a typo must not silently pick other keys).
// What the persona then assumes on top is persona_chain.h.
//
// Thread-safe: resolve_credential_chain reads files and touches nothing shared; the providers
// it returns are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "aws/credentials_provider.h"
#include "aws/environment.h"
#include "aws/sigv4.h"
#include "aws/sts_calls.h"

namespace datamesh::aws {

struct CredentialChainOptions {
  std::optional<SigningKey> explicit_key;
  std::string credentials_file;   // the original's JSON file; empty: the CredentialsFile variable
  std::string credentials_block;  // its block to use (names::kProducerBlock, ...)
  std::string profile;            // empty: AWS_DEFAULT_PROFILE / AWS_PROFILE / "default"
};

struct ResolvedCredentials {
  std::shared_ptr<CredentialsProvider> provider;
  // Where they came from, for messages and logs: "explicit keys", "block Producer of
  // creds.json", "environment variables", "AWS profile dev".
  std::string source;
  std::string account_id;  // the credentials file block's AccountId; empty when not known
  std::string region;      // the credentials file's AWS_REGION; empty when not known
  std::string profile;     // the profile looked at (step 4), even when another source won
};

// The first source of the list above that holds credentials. NotFound naming every source
// tried when none does (or naming the profile, when one was named and is absent).
// InvalidArgument for explicit keys without an id or a secret, or a credentials file without
// `credentials_block`; the errors of the sources (original_credentials_file.h,
// environment_credentials.h, shared_config.h, profile_credentials.h).
absl::StatusOr<ResolvedCredentials> resolve_credential_chain(const CredentialChainOptions& options,
                                                             const EnvironmentLookup& environment,
                                                             AssumeRoleFunction assume_role,
                                                             TimeSource now);

}  // namespace datamesh::aws
