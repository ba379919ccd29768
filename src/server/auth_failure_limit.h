// A limit on failed authentication per client address on one `datamesh serve`: once an
// address has had `max_failures` requests whose credentials failed (an unknown, revoked or
// mismatched key, a bad signature, a date outside the allowed skew) within one `window`, its
// further requests that carry credentials are refused (HTTP 429, ThrottlingException,
// Retry-After) before any signature work, until the window ends. It slows the guessing of
// secrets and the probing of key ids, and a sign-in form's repeated wrong attempts.
//
// Windows are fixed: an address's window opens at its first failure and lasts `window`; the
// next failure after it opens a new one. Successful requests neither count nor reset the
// count. Every address behind one NAT shares its budget (docs/SECURITY.md), and so does every
// IPv6 address of one /64 network, the block one host or site is given: a client holding a
// /64 has 2^64 addresses to spread its guesses over.
//
// The table holds one entry per address (or /64) with a failure in an open window. Ended
// windows are dropped when it has doubled since the last sweep (at least kSweepAt entries, at
// most kMaxTracked) and a second has passed since, so a failure costs O(1) amortized however
// many addresses fail; it holds at most kMaxTracked entries, and an address that would make
// more is not counted until windows end.
//
// Thread-safe (one mutex; every call holds it for a map operation, or a sweep).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace datamesh::server {

class AuthFailureLimit {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    int max_failures = 0;  // failures one address may have in a window; 0 = no limit
    std::chrono::seconds window{60};
  };

  // Why a request was refused, and how long the address should wait before trying again.
  struct Refusal {
    std::chrono::seconds retry_after;  // at least 1
    std::string message;               // names the address, the limit and the wait
  };

  static constexpr std::size_t kSweepAt = 4096;
  // About 10 MB of entries.
  static constexpr std::size_t kMaxTracked = 1u << 17;

  explicit AuthFailureLimit(Limits limits) : limits_(limits) {}

  // Whether a request from `address` at `now` may try to authenticate; a refusal otherwise.
  // An empty address (not known) is never refused.
  std::optional<Refusal> check(std::string_view address, Clock::time_point now);

  // Counts one failed authentication of a request from `address` at `now`.
  void record_failure(std::string_view address, Clock::time_point now);

  // Addresses (or /64s) with a failure in a window not yet swept (for tests of the sweep).
  std::size_t tracked_addresses();

 private:
  struct Window {
    Clock::time_point opened;
    int failures = 0;
  };

  bool enabled() const { return limits_.max_failures > 0 && limits_.window.count() > 0; }

  const Limits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> addresses_;  // guarded by mutex_; by client_group
  std::size_t next_sweep_at_ = kSweepAt;                // guarded by mutex_
  Clock::time_point next_sweep_after_{};                // guarded by mutex_
};

// What the limit counts `address` under: the address itself, or for an IPv6 address its /64
// network ("2001:db8:1:2::/64"); an IPv4 address mapped into IPv6 counts as itself (1.2.3.4).
std::string client_group(std::string_view address);

}  // namespace datamesh::server
