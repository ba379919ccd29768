#include "aws/original_credentials_file.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/files.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws {
namespace {

using base::cat;
using nlohmann::json;

// Line and column (1-based) of byte `offset` of `text`.
std::string position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return cat(line, ":", column);
}

absl::StatusOr<json> parse(std::string_view text, std::string_view path) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    // error.byte is one past the byte it stopped at.
    const std::size_t at = error.byte > 0 ? error.byte - 1 : 0;
    return absl::InvalidArgumentError(cat(path, ":", position(text, at), ": malformed JSON"));
  } catch (const json::exception&) {
    // out_of_range: a number too large for a double (found by fuzzing). Its what() quotes the
    // number, which may be a secret; it says no position.
    return absl::InvalidArgumentError(cat(path, ": malformed JSON: a number is out of range"));
  }
}

// The string at `key` of `object`, empty when absent.
absl::StatusOr<std::string> string_field(const json& object, std::string_view key,
                                         std::string_view where) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::string();
  if (!found->is_string()) {
    return absl::InvalidArgumentError(cat(where, ": ", key, " must be a string"));
  }
  return found->get<std::string>();
}

absl::StatusOr<OriginalCredentialsBlock> read_block(const json& object, std::string_view where) {
  if (!object.is_object()) return absl::InvalidArgumentError(cat(where, ": not a JSON object"));
  OriginalCredentialsBlock block;
  DATAMESH_ASSIGN_OR_RETURN(block.account_id, string_field(object, "AccountId", where));
  DATAMESH_ASSIGN_OR_RETURN(block.key.access_key_id, string_field(object, "AccessKeyId", where));
  DATAMESH_ASSIGN_OR_RETURN(block.key.secret_access_key,
                            string_field(object, "SecretAccessKey", where));
  DATAMESH_ASSIGN_OR_RETURN(block.key.session_token, string_field(object, "SessionToken", where));
  if (block.key.access_key_id.empty() || block.key.secret_access_key.empty()) {
    return absl::InvalidArgumentError(
        cat(where, ": Malformed Credentials - missing AccessKeyId or SecretAccessKey"));
  }
  return block;
}

}  // namespace

absl::StatusOr<OriginalCredentialsFile> parse_original_credentials_file(std::string_view text,
                                                                        std::string_view path) {
  DATAMESH_ASSIGN_OR_RETURN(const json document, parse(text, path));
  if (!document.is_object()) {
    return absl::InvalidArgumentError(
        cat("credentials file ", path, ": expected a JSON object of credential blocks"));
  }
  OriginalCredentialsFile file;
  file.path = std::string(path);
  DATAMESH_ASSIGN_OR_RETURN(file.region,
                            string_field(document, "AWS_REGION", cat("credentials file ", path)));
  if (document.contains("AccessKeyId")) {
    file.blocks.emplace("", read_block(document, cat("credentials file ", path)));
    return file;
  }
  for (const auto& [name, value] : document.items()) {
    if (value.is_object()) {
      file.blocks.emplace(name,
                          read_block(value, cat("block ", name, " of credentials file ", path)));
    }
  }
  return file;
}

absl::StatusOr<OriginalCredentialsBlock> OriginalCredentialsFile::block(
    std::string_view name) const {
  if (const auto whole = blocks.find(""); whole != blocks.end()) return whole->second;
  const auto found = blocks.find(name);
  if (found != blocks.end()) return found->second;
  std::vector<std::string_view> present;
  for (const auto& entry : blocks) present.push_back(entry.first);
  return absl::InvalidArgumentError(cat("credentials file ", path, " has no block ", name,
                                        "; blocks: ", base::join(present, ", ")));
}

absl::StatusOr<OriginalCredentialsFile> load_original_credentials_file(const std::string& path) {
  const std::optional<std::string> text = base::read_whole_file(path);
  if (!text) {
    return absl::NotFoundError(
        cat("cannot read credentials file ", path, ": ", std::strerror(errno)));
  }
  return parse_original_credentials_file(*text, path);
}

}  // namespace datamesh::aws
