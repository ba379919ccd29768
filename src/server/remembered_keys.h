// The access keys a server verified signatures with, each with the signing key derived for it
// (sigv4.h; one day, this server's region and service) and the caller it stood for then, so
// that the next request signed with the key that day is verified without reading the store.
//
// An entry is a hint, never an authority: a call by a remembered caller runs on an
// Engine::confirming engine, whose transactions check the key and the account as the store
// holds them (api/mesh_service.h), so a revoked key or a changed account is seen by the call
// itself, on every replica sharing the store. The secret is never held, only the derived key,
// which signs nothing past its day. At most `capacity` entries; a full set is emptied (keys are
// scoped to a day anyway). Dropped entries are wiped.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "aws/sigv4.h"
#include "core/engine.h"

namespace datamesh::server {

class RememberedKeys {
 public:
  // Precondition: capacity >= 1.
  explicit RememberedKeys(std::size_t capacity = 4096) : capacity_(capacity) {}
  ~RememberedKeys();
  RememberedKeys(const RememberedKeys&) = delete;
  RememberedKeys& operator=(const RememberedKeys&) = delete;

  // The caller remembered for auth.access_key_id when its signing key is remembered for
  // auth.date and auth.signature is the signature of `to_sign` under it; nullopt otherwise
  // (unknown key, another day, or a signature that does not match: the caller then reads the
  // key from the store, which gives the answer).
  std::optional<core::Caller> caller_if_signed(const aws::Authorization& auth,
                                               std::string_view to_sign) const;

  // Remembers `caller`, whose key signs auth.date's requests with `signing_key`.
  void remember(const core::Caller& caller, std::string_view date8, std::string_view signing_key);
  void forget(std::string_view access_key_id);

  std::size_t size() const;

 private:
  struct Entry {
    core::Caller caller;
    std::string date8;
    std::string signing_key;
  };
  static void wipe(Entry& entry);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // by access key id; guarded by mutex_
};

}  // namespace datamesh::server
