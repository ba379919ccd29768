#include "server/auth_failure_limit.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <iterator>

#include "base/text.h"

namespace datamesh::server {

using base::cat;

std::string client_group(std::string_view address) {
  const std::string text(address);
  in6_addr ip6{};
  if (::inet_pton(AF_INET6, text.c_str(), &ip6) != 1) return text;  // IPv4, or not an address
  char printed[INET6_ADDRSTRLEN];
  if (IN6_IS_ADDR_V4MAPPED(&ip6)) {
    return ::inet_ntop(AF_INET, &ip6.s6_addr[12], printed, sizeof printed) != nullptr ? printed
                                                                                     : text;
  }
  std::fill(std::begin(ip6.s6_addr) + 8, std::end(ip6.s6_addr), 0);
  if (::inet_ntop(AF_INET6, &ip6, printed, sizeof printed) == nullptr) return text;
  return cat(printed, "/64");
}

std::optional<AuthFailureLimit::Refusal> AuthFailureLimit::check(std::string_view address,
                                                                 Clock::time_point now) {
  if (!enabled() || address.empty()) return std::nullopt;
  const std::string group = client_group(address);
  std::lock_guard lock(mutex_);
  const auto found = addresses_.find(group);
  if (found == addresses_.end()) return std::nullopt;
  const Window& window = found->second;
  const Clock::time_point ends = window.opened + limits_.window;
  if (now >= ends || window.failures < limits_.max_failures) return std::nullopt;
  // Rounded up, so that a client waiting Retry-After seconds finds the window ended.
  const auto wait = std::chrono::ceil<std::chrono::seconds>(ends - now);
  const std::chrono::seconds retry_after = std::max(wait, std::chrono::seconds(1));
  return Refusal{
      .retry_after = retry_after,
      .message = cat("too many failed authentications from ",
                     group.ends_with("/64") ? "network " : "address ", group, ": ",
                     window.failures, " within ", limits_.window.count(),
                     " s (max_auth_failures_per_address is ", limits_.max_failures,
                     "); requests with credentials from this address are refused for ",
                     retry_after.count(),
                     " s more. Check the access key id and secret, then retry after that")};
}

void AuthFailureLimit::record_failure(std::string_view address, Clock::time_point now) {
  if (!enabled() || address.empty()) return;
  const std::string group = client_group(address);
  std::lock_guard lock(mutex_);
  if (addresses_.size() >= next_sweep_at_ && now >= next_sweep_after_) {
    std::erase_if(addresses_, [&](const auto& entry) {
      return now >= entry.second.opened + limits_.window;
    });
    next_sweep_at_ = std::clamp(2 * addresses_.size(), kSweepAt, kMaxTracked);
    next_sweep_after_ = now + std::chrono::seconds(1);
  }
  if (addresses_.size() >= kMaxTracked && !addresses_.contains(group)) return;
  Window& window = addresses_[group];
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
