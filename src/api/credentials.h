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
#include <string_view>
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
  // Whether ~/.datamesh/credentials is read: not in AWS mode, where its datamesh keys are no
  // AWS credentials (the caller's AWS profile is AWS_PROFILE there).
  bool datamesh_profiles = true;
};

// nullopt when no source has credentials. InvalidArgument / NotFound for a file or profile
// that is named but unreadable or malformed (the message names the file, never a secret).
absl::StatusOr<std::optional<Credentials>> resolve_credentials(const CredentialSources& sources);

// The mesh account a reference credentials file names, as the original's scripts take it:
// the AccountId of its "Mesh" block; "" when `sources` name no credentials file, or the file
// has no such block or cannot be read (resolve_credentials reports those).
std::string mesh_account_in_credentials_file(const CredentialSources& sources);

// Reads the credentials file at `path` and parses it with parse_credentials_file.
// NotFound when it cannot be read.
absl::StatusOr<Credentials> load_credentials_file(const std::string& path,
                                                  const std::vector<std::string>& blocks);
// Reads the INI profile file at `path` and parses it with parse_profile; nullopt when the file
// cannot be read.
absl::StatusOr<std::optional<Credentials>> load_profile(const std::string& path,
                                                        const std::string& profile);

// The credentials in `text`, the contents of the credentials file `path` (which only names it in
// messages). InvalidArgument for malformed JSON (naming only the line and column, never the text
// there, which may be a secret), a missing block, or credentials without AccessKeyId or
// SecretAccessKey. Pure; the parsers behind load_credentials_file, split out for the fuzzer.
absl::StatusOr<Credentials> parse_credentials_file(std::string_view text, const std::string& path,
                                                   const std::vector<std::string>& blocks);
// The credentials of section [profile] of INI `contents` (the contents of `path`); nullopt when the
// section is absent. InvalidArgument naming the line for a malformed line or an unknown key, and
// when the section lacks access_key_id or secret_access_key. Values never appear in messages.
absl::StatusOr<std::optional<Credentials>> parse_profile(std::string_view contents,
                                                         const std::string& path,
                                                         const std::string& profile);

}  // namespace datamesh::api
