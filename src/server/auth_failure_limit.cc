#include "server/auth_failure_limit.h"

#include <algorithm>

#include "base/text.h"

namespace datamesh::server {

using base::cat;

std::optional<AuthFailureLimit::Refusal> AuthFailureLimit::check(std::string_view address,
                                                                 Clock::time_point now) {
  if (!enabled() || address.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto found = addresses_.find(std::string(address));
  if (found == addresses_.end()) return std::nullopt;
  const Window& window = found->second;
  const Clock::time_point ends = window.opened + limits_.window;
  if (now >= ends || window.failures < limits_.max_failures) return std::nullopt;
  // Rounded up, so that a client waiting Retry-After seconds finds the window ended.
  const auto wait = std::chrono::ceil<std::chrono::seconds>(ends - now);
  const std::chrono::seconds retry_after = std::max(wait, std::chrono::seconds(1));
  return Refusal{
      .retry_after = retry_after,
      .message = cat("too many failed authentications from address ", address, ": ",
                     window.failures, " within ", limits_.window.count(),
                     " s (max_auth_failures_per_address is ", limits_.max_failures,
                     "); requests with credentials from this address are refused for ",
                     retry_after.count(),
                     " s more. Check the access key id and secret, then retry after that")};
}

void AuthFailureLimit::record_failure(std::string_view address, Clock::time_point now) {
  if (!enabled() || address.empty()) return;
  std::lock_guard lock(mutex_);
  if (addresses_.size() >= kSweepAt) {
    std::erase_if(addresses_, [&](const auto& entry) {
      return now >= entry.second.opened + limits_.window;
    });
  }
  Window& window = addresses_[std::string(address)];
  if (window.failures == 0 || now >= window.opened + limits_.window) {
    window = Window{.opened = now, .failures = 0};
  }
  ++window.failures;
}

std::size_t AuthFailureLimit::tracked_addresses() {
  std::lock_guard lock(mutex_);
  return addresses_.size();
}

}  // namespace datamesh::server
