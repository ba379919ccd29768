#include "core/ids.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace datamesh::core {
namespace {

static_assert(kSubscriptionIdAlphabet.size() == 57);

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kNonZeroDigits = "123456789";
constexpr std::string_view kUpperAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kHex = "0123456789abcdef";

void fill_random(unsigned char* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    // The functions' contract has no error path, and an id drawn from a failed CSPRNG could
    // collide or be guessed: stopping is the only safe answer. OpenSSL fails here only when
    // the operating system has no entropy source at all.
    std::fputs("datamesh: OpenSSL RAND_bytes failed; cannot generate identifiers\n", stderr);
    std::abort();
  }
}

// Appends `count` symbols drawn uniformly from `alphabet` to `out`.
void append_random(std::string& out, std::string_view alphabet, std::size_t count) {
  const std::size_t size = alphabet.size();
  // Bytes at or above `limit` are rejected: below it every symbol has exactly limit / size
  // byte values, so `byte % size` carries no modulo bias.
  const std::size_t limit = 256 - 256 % size;
  std::array<unsigned char, 64> pool;
  std::size_t next = pool.size();
  while (count > 0) {
    if (next == pool.size()) {
      fill_random(pool.data(), pool.size());
      next = 0;
    }
    const unsigned char byte = pool[next++];
    if (byte >= limit) continue;
    out.push_back(alphabet[byte % size]);
    --count;
  }
}

std::string random_string(std::string_view alphabet, std::size_t count) {
  std::string out;
  out.reserve(count);
  append_random(out, alphabet, count);
  return out;
}

}  // namespace

std::string new_subscription_id() {
  return random_string(kSubscriptionIdAlphabet, kSubscriptionIdLength);
}

std::string new_account_id() {
  std::string out = random_string(kNonZeroDigits, 1);
  append_random(out, kDigits, 11);
  return out;
}

std::string new_access_key_id() {
  std::string out = "DMAK";
  append_random(out, kUpperAlphanumeric, 16);
  return out;
}

std::string new_secret_access_key() { return random_string(kBase64, 40); }

std::string new_hex_id() { return random_string(kHex, 32); }

}  // namespace datamesh::core
