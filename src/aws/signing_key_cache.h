// Derived SigV4 signing keys, remembered so that a client signing many requests derives each
// key once per day instead of once per request (four HMACs). (The server remembers the keys it
// verifies with by access key id instead: server/remembered_keys.h.)
//
// An entry is found by the SHA-256 of the secret access key together with the day, region and
// service: the cache never holds a secret, and a secret that changed simply finds nothing.
// Whether a key may still be used (revoked, deleted) is not the cache's business.
// At most `capacity` entries; a full cache is emptied, since keys are scoped to a day anyway.
// Dropped entries are wiped.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace datamesh::aws {

class SigningKeyCache {
 public:
  // Precondition: capacity >= 1.
  explicit SigningKeyCache(std::size_t capacity = 4096) : capacity_(capacity) {}
  ~SigningKeyCache();
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // signing_key(secret_access_key, date8, region, service) (sigv4.h), derived only when this
  // cache does not hold it. Key material: callers wipe the copy they get.
  std::string get(std::string_view secret_access_key, std::string_view date8,
                  std::string_view region, std::string_view service);

  std::size_t size() const;
  // How many get() calls derived a key (for tests and the benchmark).
  std::size_t derivations() const;

 private:
  void clear_locked();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> keys_;  // guarded by mutex_
  std::size_t derivations_ = 0;                        // guarded by mutex_
};

}  // namespace datamesh::aws
