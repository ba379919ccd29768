// Fuzz target: the files AWS mode's credential chain reads. Byte 0 even: an AWS shared file
// (aws::parse_ini, then merged as the config file and as the credentials file,
// aws::merge_shared_config); odd: the original library's JSON credentials file
// (aws::parse_original_credentials_file, then its Producer block). Every "$SECRET" in the rest
// is replaced by a canary secret first, so that the fuzzer can put a secret anywhere.
//
// Properties: no crash or undefined behaviour; refusals are InvalidArgument; a parsed INI file
// has unique, non-empty, lower-case keys per section and unique sections, each with the line
// it is on; an accepted block has a key id and a secret; no message holds the canary unless
// the file used it as a name (an INI section or key, a JSON key), which messages may quote.
#include <set>
#include <string>
#include <vector>

#include "aws/ini_file.h"
#include "aws/original_credentials_file.h"
#include "aws/shared_config.h"
#include "fuzz_support.h"
#include "secret_canary.h"
#include "nlohmann/json.hpp"

namespace {

using datamesh::fuzz::describe;
using datamesh::fuzz::has_canary;
using datamesh::fuzz::kSecretCanary;
using datamesh::fuzz::message;

constexpr std::string_view kPlaceholder = "$SECRET";
// True when the canary is in an INI name: a line starting with '[' or the part of a line
// before its first '=' or ':'.
bool canary_in_an_ini_name(std::string_view text) {
  for (std::string_view line : datamesh::fuzz::split_input(text, "\n", text.size() + 1)) {
    const size_t first = line.find_first_not_of(" \t\r\f\v");
    if (first != std::string_view::npos && line[first] == '[') {
      if (has_canary(line)) return true;
      continue;
    }
    const size_t delimiter = line.find_first_of("=:");
    if (delimiter != std::string_view::npos && has_canary(line.substr(0, delimiter))) return true;
  }
  return false;
}

void check_message(const absl::Status& status, bool names_may_hold_canary, std::string_view what) {
  DATAMESH_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, describe(status));
  DATAMESH_FUZZ_CHECK(!has_canary(message(status)) || names_may_hold_canary,
                      std::string("a secret from the ") + std::string(what) +
                          " is in the error: " + describe(status));
}

void check_ini(std::string_view file) {
  const absl::StatusOr<datamesh::aws::IniFile> parsed = datamesh::aws::parse_ini(file, "config");
  const bool named = canary_in_an_ini_name(file);
  if (!parsed.ok()) {
    check_message(parsed.status(), named, "AWS shared file");
    return;
  }
  std::set<std::string> sections;
  for (const datamesh::aws::IniSection& section : parsed->sections) {
    DATAMESH_FUZZ_CHECK(!section.name.empty() && sections.insert(section.name).second,
                        "an empty or repeated section name was accepted");
    DATAMESH_FUZZ_CHECK(section.line >= 1, "a section without its line");
    std::set<std::string> keys;
    for (const datamesh::aws::IniEntry& entry : section.entries) {
      DATAMESH_FUZZ_CHECK(!entry.key.empty() && keys.insert(entry.key).second,
                          "an empty or repeated key was accepted");
      for (char c : entry.key) {
        DATAMESH_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "a key was not lower-cased");
      }
      DATAMESH_FUZZ_CHECK(entry.line > section.line, "a key before its section");
    }
  }
  for (bool as_credentials : {false, true}) {
    std::optional<datamesh::aws::IniFile> config;
    std::optional<datamesh::aws::IniFile> credentials;
    (as_credentials ? credentials : config) = *parsed;
    const auto merged = datamesh::aws::merge_shared_config(config, credentials);
    if (!merged.ok()) check_message(merged.status(), named, "AWS shared file");
  }
}

// True when a key of `file`, read as JSON, holds the canary.
bool canary_in_a_json_key(std::string_view file) {
  const nlohmann::json document = nlohmann::json::parse(file, nullptr, false);
  return !document.is_discarded() && datamesh::fuzz::canary_in_a_json_key(document);
}

void check_original(std::string_view file) {
  const auto parsed = datamesh::aws::parse_original_credentials_file(file, "creds.json");
  if (!parsed.ok()) {
    check_message(parsed.status(), canary_in_a_json_key(file), "credentials file");
    return;
  }
  const auto block = parsed->block("Producer");
  if (!block.ok()) {
    check_message(block.status(), canary_in_a_json_key(file), "credentials file");
    return;
  }
  DATAMESH_FUZZ_CHECK(!block->key.access_key_id.empty() && !block->key.secret_access_key.empty(),
                      "accepted a block without a key id or a secret");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string file = datamesh::fuzz::replace_all(
      datamesh::fuzz::as_text(data + 1, size - 1), kPlaceholder, kSecretCanary);
  if (data[0] % 2 == 0) {
    check_ini(file);
  } else {
    check_original(file);
  }
  return 0;
}
