// A JSON POST signed as a remote datamesh client signs it (src/client/remote_backend.cc): Host,
// Content-Type application/json, then any extra headers, signed with AWS Signature Version 4
// for service "datamesh" (aws::sign). Shared by the server suites, which also sign requests a
// client would never send (another region, an old date), and the benchmarks' load generators.
// Thread-safe: a pure function but for reading the clock when `when` is left to now.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "datamesh/types.h"

namespace datamesh::testkit {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct SigningOptions {
  Headers extra;  // sent after Host and Content-Type, and signed
  aws::Scope scope = {.region = "us-east-1", .service = "datamesh"};
  std::optional<std::chrono::system_clock::time_point> when;  // nullopt: now
  // Derived signing keys to reuse, as a remote client keeps them; nullptr derives each time.
  aws::SigningKeyCache* keys = nullptr;
};

// POST `path` to Host `host` (e.g. "127.0.0.1:8080") with `body`, signed as `key`. The status
// of aws::sign on error.
absl::StatusOr<aws::HttpRequest> signed_post(const std::string& host, const std::string& path,
                                             const std::string& body, const Credentials& key,
                                             const SigningOptions& options = {});

}  // namespace datamesh::testkit
