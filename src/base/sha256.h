// SHA-256 and HMAC-SHA256 over memory (sha256.cc says why not OpenSSL's one-shot helpers).
// Both abort the process if OpenSSL cannot allocate, rather than return a predictable value
// that a verifier might then accept. Thread-safe: each thread hashes with its own context.
#pragma once

#include <string>
#include <string_view>

namespace datamesh::base {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// The raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace datamesh::base
