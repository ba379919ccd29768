// SHA-256 and HMAC-SHA256, made cheap enough to run several times per request: SigV4 on both
// sides of `datamesh serve`, the audit chain's link of every write, client-token hashes.
//
// OpenSSL 3's one-shot helpers look the algorithm up in its provider registry on every call:
// measured on the benchmark machine, HMAC(EVP_sha256(), ...) cost 4-6 us and
// EVP_Digest(EVP_sha256(), ...) 1.3-2.4 us, against 0.7-1.5 us and 0.7-1 us here. So SHA-256 is
// fetched once per process, each thread keeps one digest context and reuses it, and HMAC is
// RFC 2104 over that digest (two digests; a key longer than a block is hashed first).
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdlib>
#include <cstring>

#include "absl/strings/escaping.h"
#include "base/sha256.h"

namespace datamesh::base {
namespace {

constexpr std::size_t kBlockSize = 64;   // SHA-256's block, HMAC's key pad
constexpr std::size_t kDigestSize = 32;

// OpenSSL fails SHA-256 over memory only when it cannot allocate. Any value returned instead
// would be predictable, and a verifier comparing against a predictable signature could accept
// a forged one; so such a failure stops the process (fail closed).
[[noreturn]] void fail_closed() { std::abort(); }

const EVP_MD* sha256_algorithm() {
  // Fetched once and kept for the life of the process.
  static EVP_MD* const algorithm = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) fail_closed();
    return fetched;
  }();
  return algorithm;
}

// This thread's digest context, reused by every hash the thread computes.
EVP_MD_CTX* thread_context() {
  struct Context {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(context); }
  };
  thread_local Context mine;
  if (mine.context == nullptr) fail_closed();
  return mine.context;
}

using Digest = std::array<unsigned char, kDigestSize>;

// SHA-256 of the concatenation of `parts`.
template <typename... Parts>
Digest digest(const Parts&... parts) {
  EVP_MD_CTX* context = thread_context();
  if (EVP_DigestInit_ex2(context, sha256_algorithm(), nullptr) != 1) fail_closed();
  const auto update = [&](std::string_view part) {
    if (EVP_DigestUpdate(context, part.data(), part.size()) != 1) fail_closed();
  };
  (update(parts), ...);
  Digest out;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(context, out.data(), &size) != 1 || size != kDigestSize) fail_closed();
  return out;
}

std::string_view view(const unsigned char* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  const Digest hash = digest(data);
  const std::string_view bytes = view(hash.data(), hash.size());
  return absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size()));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, kBlockSize> block{};
  if (key.size() > kBlockSize) {
    const Digest hashed = digest(key);
    std::memcpy(block.data(), hashed.data(), hashed.size());
  } else {
    std::memcpy(block.data(), key.data(), key.size());
  }
  std::array<unsigned char, kBlockSize> pad;
  for (std::size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x36;
  Digest inner = digest(view(pad.data(), pad.size()), data);
  for (std::size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x5c;
  const Digest outer =
      digest(view(pad.data(), pad.size()), view(inner.data(), inner.size()));
  // Key material: the padded key and the inner hash.
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  OPENSSL_cleanse(inner.data(), inner.size());
  return std::string(view(outer.data(), outer.size()));
}

}  // namespace datamesh::base
