#include "server/remembered_keys.h"

#include <openssl/crypto.h>

namespace datamesh::server {

RememberedKeys::~RememberedKeys() {
  for (auto& [id, entry] : entries_) wipe(entry);
}

std::optional<core::Caller> RememberedKeys::caller_if_signed(const aws::Authorization& auth,
                                                             std::string_view to_sign) const {
  Entry entry;
  {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(auth.access_key_id);
    if (found == entries_.end() || found->second.date8 != auth.date) return std::nullopt;
    entry = found->second;
  }
  // The HMAC runs outside the lock, which every worker's signed call takes.
  const bool signed_by_key = aws::check_signature(auth, entry.signing_key, to_sign).ok();
  wipe(entry);
  if (!signed_by_key) return std::nullopt;
  return std::move(entry.caller);
}

void RememberedKeys::remember(const core::Caller& caller, std::string_view date8,
                              std::string_view signing_key) {
  std::lock_guard lock(mutex_);
  if (auto found = entries_.find(caller.access_key_id); found != entries_.end()) {
    wipe(found->second);
    entries_.erase(found);
  } else if (entries_.size() >= capacity_) {
    for (auto& [id, entry] : entries_) wipe(entry);
    entries_.clear();
  }
  entries_.emplace(caller.access_key_id, Entry{.caller = caller,
                                               .date8 = std::string(date8),
                                               .signing_key = std::string(signing_key)});
}

void RememberedKeys::forget(std::string_view access_key_id) {
  std::lock_guard lock(mutex_);
  if (auto found = entries_.find(std::string(access_key_id)); found != entries_.end()) {
    wipe(found->second);
    entries_.erase(found);
  }
}

std::size_t RememberedKeys::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void RememberedKeys::wipe(Entry& entry) {
  OPENSSL_cleanse(entry.signing_key.data(), entry.signing_key.size());
}

}  // namespace datamesh::server
