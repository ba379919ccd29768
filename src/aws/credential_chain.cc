#include "aws/credential_chain.h"

#include <utility>

#include "aws/environment_credentials.h"
#include "aws/original_credentials_file.h"
#include "aws/profile_credentials.h"
#include "aws/shared_config.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::aws {

absl::StatusOr<ResolvedCredentials> resolve_credential_chain(const CredentialChainOptions& options,
                                                             const EnvironmentLookup& environment,
                                                             AssumeRoleFunction assume_role,
                                                             TimeSource now) {
  using base::cat;
  ResolvedCredentials resolved;
  const bool profile_named = !options.profile.empty() ||
                             !variable(environment, "AWS_DEFAULT_PROFILE").empty() ||
                             !variable(environment, "AWS_PROFILE").empty();
  resolved.profile = options.profile.empty() ? profile_name(environment) : options.profile;

  if (options.explicit_key) {
    if (options.explicit_key->access_key_id.empty() ||
        options.explicit_key->secret_access_key.empty()) {
      return absl::InvalidArgumentError(
          "explicit AWS keys need both an access key id and a secret access key");
    }
    resolved.provider = std::make_shared<StaticCredentialsProvider>(*options.explicit_key);
    resolved.source = "explicit keys";
    return resolved;
  }

  const std::string file = options.credentials_file.empty()
                               ? variable(environment, "CredentialsFile")
                               : options.credentials_file;
  if (!file.empty()) {
    if (options.credentials_block.empty()) {
      return absl::InvalidArgumentError(
          cat("credentials file ", file,
              " given without the block to use (Mesh, Producer, Consumer, ProducerAdmin or "
              "ConsumerAdmin)"));
    }
    DATAMESH_ASSIGN_OR_RETURN(const OriginalCredentialsFile parsed,
                              load_original_credentials_file(file));
    DATAMESH_ASSIGN_OR_RETURN(OriginalCredentialsBlock block,
                              parsed.block(options.credentials_block));
    resolved.provider = std::make_shared<StaticCredentialsProvider>(std::move(block.key));
    resolved.source = cat("block ", options.credentials_block, " of ", file);
    resolved.account_id = block.account_id;
    resolved.region = parsed.region;
    return resolved;
  }

  if (options.profile.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<SigningKey> key, environment_signing_key(environment));
    if (key) {
      resolved.provider = std::make_shared<StaticCredentialsProvider>(*std::move(key));
      resolved.source = "environment variables";
      return resolved;
    }
  }

  DATAMESH_ASSIGN_OR_RETURN(const SharedConfig config, load_shared_config(environment));
  if (!profile_named && config.find(resolved.profile) == nullptr) {
    return absl::NotFoundError(cat(
        "no AWS credentials: none given explicitly, no credentials file (CredentialsFile), no "
        "AWS_ACCESS_KEY_ID, and no profile ",
        resolved.profile, " in ", config.config_path.empty() ? "~/.aws/config" : config.config_path,
        " or ", config.credentials_path.empty() ? "~/.aws/credentials" : config.credentials_path));
  }
  DATAMESH_ASSIGN_OR_RETURN(resolved.provider,
                            profile_credentials(config, resolved.profile, environment,
                                                std::move(assume_role), std::move(now)));
  resolved.source = cat("AWS profile ", resolved.profile);
  return resolved;
}

}  // namespace datamesh::aws
