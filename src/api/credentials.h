// Where a client's credentials come from, like AWS tools: explicit credentials, then the
// environment (DATAMESH_ACCESS_KEY_ID, DATAMESH_SECRET_ACCESS_KEY, DATAMESH_ACCOUNT_ID), then a
// credentials file (DATAMESH_CREDENTIALS_FILE, or CredentialsFile as the reference reads), then
// the profile DATAMESH_PROFILE (default "default") of $HOME/.datamesh/credentials.
//
// A credentials file is JSON: either one credentials object ({"AccountId", "AccessKeyId",
// "SecretAccessKey"}, what initialize-mesh-account and create-account print) or the
// reference's file with named blocks ("Mesh", "Producer", "Consumer", ...), of which the first
// of `blocks` present is used. The profile file is INI: [name] with access_key_id, secret_access_key, account_id.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datamesh/types.h"

namespace datamesh::api {

struct CredentialSources {
  std::optional<Credentials> explicit_credentials;
  std::string credentials_file;  // empty: DATAMESH_CREDENTIALS_FILE / CredentialsFile
  // Blocks of a reference credentials file to use, the first present wins, e.g. {"Producer"}.
  std::vector<std::string> blocks;
  std::string profile;           // empty: DATAMESH_PROFILE or "default"
};

// nullopt when no source has credentials. InvalidArgument / NotFound for a file or profile
// that is named but unreadable or malformed (the message names the file, never a secret).
absl::StatusOr<std::optional<Credentials>> resolve_credentials(const CredentialSources& sources);

absl::StatusOr<Credentials> load_credentials_file(const std::string& path,
                                                  const std::vector<std::string>& blocks);
absl::StatusOr<std::optional<Credentials>> load_profile(const std::string& path,
                                                        const std::string& profile);

}  // namespace datamesh::api
