// Fuzz target: the credentials files a client reads, api::parse_credentials_file (JSON: one
// credentials object, or the reference's file of named blocks) and api::parse_profile (INI
// profiles of ~/.datamesh/credentials). The first byte picks the parser (even: JSON, odd: INI);
// the rest is the file. Every "$SECRET" in it is replaced by a canary secret first, so that the
// fuzzer can place a secret anywhere in a file without having to guess one.
//
// Properties: no crash or undefined behaviour; refusals are InvalidArgument; accepted
// credentials have a key id and a secret; and no message ever holds the canary secret, unless
// the file used it as a name (a JSON key, an INI key or section), which messages may quote.
#include <string>
#include <vector>

#include "api/credentials.h"
#include "api/json_codec.h"
#include "fuzz_support.h"
#include "secret_canary.h"

namespace {

using datamesh::fuzz::describe;
using datamesh::fuzz::canary_in_a_json_key;
using datamesh::fuzz::has_canary;
using datamesh::fuzz::kSecretCanary;
using datamesh::fuzz::message;

constexpr std::string_view kPlaceholder = "$SECRET";
const std::string kPath = "credentials.json";

// True when the canary is in an INI name: a section header or the part of a line before '='.
// A line with neither (say "secret_access_key $SECRET", its '=' forgotten) holds no name: an
// error about it must not quote it.
bool canary_in_an_ini_name(std::string_view text) {
  for (std::string_view line : datamesh::fuzz::split_input(text, "\n", text.size() + 1)) {
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '[') {
      if (has_canary(line)) return true;
      continue;
    }
    const size_t equals = line.find('=');
    if (equals != std::string_view::npos && has_canary(line.substr(0, equals))) return true;
  }
  return false;
}

void check_json(std::string_view file) {
  const auto credentials = datamesh::api::parse_credentials_file(file, kPath, {"Producer", "Mesh"});
  if (credentials.ok()) {
    DATAMESH_FUZZ_CHECK(!credentials->access_key_id.empty() &&
                            !credentials->secret_access_key.empty(),
                        "accepted credentials without a key id or a secret");
    return;
  }
  DATAMESH_FUZZ_CHECK(credentials.status().code() == absl::StatusCode::kInvalidArgument,
                      describe(credentials.status()));
  if (!has_canary(message(credentials.status()))) return;
  // Only a file that parsed can have used the canary as a name.
  const auto document = datamesh::api::parse_json(file);
  DATAMESH_FUZZ_CHECK(document.ok() && canary_in_a_json_key(*document),
                      "a secret from the credentials file is in the error: " +
                          describe(credentials.status()));
}

void check_profile(std::string_view file) {
  const auto credentials = datamesh::api::parse_profile(file, "credentials", "default");
  if (credentials.ok()) {
    if (credentials->has_value()) {
      DATAMESH_FUZZ_CHECK(!(*credentials)->access_key_id.empty() &&
                              !(*credentials)->secret_access_key.empty(),
                          "accepted a profile without a key id or a secret");
    }
    return;
  }
  DATAMESH_FUZZ_CHECK(credentials.status().code() == absl::StatusCode::kInvalidArgument,
                      describe(credentials.status()));
  DATAMESH_FUZZ_CHECK(!has_canary(message(credentials.status())) || canary_in_an_ini_name(file),
                      "a secret from the profile file is in the error: " +
                          describe(credentials.status()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string file =
      datamesh::fuzz::replace_all(datamesh::fuzz::as_text(data + 1, size - 1), kPlaceholder, kSecretCanary);
  if (data[0] % 2 == 0) {
    check_json(file);
  } else {
    check_profile(file);
  }
  return 0;
}
