#include "aws/signing_key_cache.h"

#include <openssl/crypto.h>

#include "aws/sigv4.h"
#include "base/text.h"

namespace datamesh::aws {

SigningKeyCache::~SigningKeyCache() { clear_locked(); }

std::string SigningKeyCache::get(std::string_view secret_access_key, std::string_view date8,
                                 std::string_view region, std::string_view service) {
  // '\n' cannot occur in a date, region or service that SigV4 accepts, so the parts stay apart.
  const std::string lookup =
      base::cat(sha256_hex(secret_access_key), "\n", date8, "\n", region, "\n", service);
  {
    std::lock_guard lock(mutex_);
    if (auto found = keys_.find(lookup); found != keys_.end()) return found->second;
  }
  // Derived outside the lock; two threads may both derive the same key, which is harmless.
  std::string derived = signing_key(secret_access_key, date8, region, service);
  std::lock_guard lock(mutex_);
  ++derivations_;
  if (keys_.size() >= capacity_) clear_locked();
  keys_.emplace(lookup, derived);
  return derived;
}

std::size_t SigningKeyCache::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

std::size_t SigningKeyCache::derivations() const {
  std::lock_guard lock(mutex_);
  return derivations_;
}

void SigningKeyCache::clear_locked() {
  for (auto& [lookup, key] : keys_) OPENSSL_cleanse(key.data(), key.size());
  keys_.clear();
}

}  // namespace datamesh::aws
