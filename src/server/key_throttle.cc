#include "server/key_throttle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/text.h"

namespace datamesh::server {

using base::cat;

namespace {

// 1000, or 0.5: a limit as a person would write it.
std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

std::string_view limit_name(KeyThrottle::Limit limit) {
  return limit == KeyThrottle::Limit::kConcurrency ? "concurrency" : "rate";
}

KeyThrottle::Pass::~Pass() {
  if (throttle_ != nullptr) throttle_->release(key_);
}

std::optional<KeyThrottle::Refusal> KeyThrottle::admit(std::string_view access_key_id,
                                                       Clock::time_point now, Pass& pass) {
  const double burst = std::max(1.0, limits_.burst);
  std::lock_guard lock(mutex_);
  auto [found, inserted] = keys_.try_emplace(std::string(access_key_id));
  KeyState& state = found->second;
  if (inserted) {
    state.tokens = burst;
    state.refilled = now;
  }
  if (limits_.max_concurrent > 0 && state.running >= limits_.max_concurrent) {
    // A slot frees when one of the key's calls ends, which the caller cannot see: a second.
    return Refusal{.limit = Limit::kConcurrency,
                   .retry_after = std::chrono::seconds(1),
                   .message = cat("access key ", access_key_id, " already has ", state.running,
                                  " calls running, the server's limit per key "
                                  "(max_concurrent_requests_per_key); retry after 1 second")};
  }
  if (limits_.rate > 0) {
    const double elapsed = std::chrono::duration<double>(now - state.refilled).count();
    state.tokens = std::min(burst, state.tokens + std::max(0.0, elapsed) * limits_.rate);
    state.refilled = now;
    if (state.tokens < 1) {
      const auto wait = static_cast<int64_t>(std::ceil((1 - state.tokens) / limits_.rate));
      const auto seconds = std::chrono::seconds(std::max<int64_t>(1, wait));
      return Refusal{.limit = Limit::kRate,
                     .retry_after = seconds,
                     .message = cat("access key ", access_key_id, " is over the server's rate of ",
                                    number_text(limits_.rate), " calls per second (burst ",
                                    number_text(burst),
                                    ", requests_per_second_per_key); retry after ",
                                    seconds.count(),
                                    seconds.count() == 1 ? " second" : " seconds")};
    }
    state.tokens -= 1;
  }
  ++state.running;
  pass.throttle_ = this;  // `pass` held nothing: admit takes an empty one
  pass.key_ = std::string(access_key_id);
  return std::nullopt;
}

void KeyThrottle::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (auto found = keys_.find(key); found != keys_.end()) --found->second.running;
}

}  // namespace datamesh::server
