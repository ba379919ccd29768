// The credentials file of the original library (its examples and CLI read it, from the path
// given or the CredentialsFile variable): JSON with "AWS_REGION" and one block per identity,
// "Mesh", "Producer", "Consumer", "ProducerAdmin", "ConsumerAdmin" (names in mesh_names.h), each
// {"AccountId", "AccessKeyId", "SecretAccessKey", "SessionToken" optional}. Other keys of a block
// (Expiration, ...) are ignored, as the original ignores them. A file that is one such block
// (AccessKeyId at the top) serves as every block, as datamesh mode reads it (api/credentials.h).
//
// The original requires all five blocks; datamesh only the one it is asked for.
// Messages name the file, the block and the key, never a value. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/sigv4.h"

namespace datamesh::aws {

struct OriginalCredentialsBlock {
  std::string account_id;  // empty when the block has none
  SigningKey key;
};

struct OriginalCredentialsFile {
  std::string path;
  std::string region;  // AWS_REGION; empty when absent
  // Every JSON object at the top, read as a block, or why it is not one: a malformed block the
  // caller does not use must not fail the others. The key is "" when the file is one block.
  std::map<std::string, absl::StatusOr<OriginalCredentialsBlock>, std::less<>> blocks;

  // The block `name` (the whole file when it is one block). InvalidArgument when it is absent
  // (listing the blocks there), lacks AccessKeyId or SecretAccessKey, or a value is not a
  // string.
  absl::StatusOr<OriginalCredentialsBlock> block(std::string_view name) const;
};

// Parses `text`, the contents of `path`. InvalidArgument "<path>:<line>:<column>: malformed
// JSON" (the text there is never quoted: it may be a secret), or when the top is not an object
// or AWS_REGION is not a string.
absl::StatusOr<OriginalCredentialsFile> parse_original_credentials_file(std::string_view text,
                                                                        std::string_view path);
// Reads and parses the file. NotFound when it cannot be read.
absl::StatusOr<OriginalCredentialsFile> load_original_credentials_file(const std::string& path);

}  // namespace datamesh::aws
