#include "aws/retry.h"

#include <algorithm>
#include <random>
#include <thread>

#include "aws/aws_errors.h"

namespace datamesh::aws {

namespace {

bool is_success(const AttemptOutcome& outcome) {
  return outcome.response.ok() && outcome.response->status >= 200 && outcome.response->status < 300;
}

bool is_timeout(const AttemptOutcome& outcome) {
  return !outcome.response.ok() &&
         outcome.response.status().code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

Sleeper real_sleeper() {
  return [](std::chrono::nanoseconds delay) { std::this_thread::sleep_for(delay); };
}

UnitRandom real_random() {
  return [] {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
  };
}

std::chrono::nanoseconds backoff_delay(int attempt, double random,
                                       std::chrono::nanoseconds max_backoff) {
  // 2^(attempt-1) seconds, computed without overflow for any attempt.
  const std::chrono::nanoseconds ceiling =
      attempt - 1 >= 30 ? max_backoff
                        : std::min<std::chrono::nanoseconds>(
                              std::chrono::seconds(1LL << (attempt - 1)), max_backoff);
  return std::chrono::nanoseconds(
      static_cast<long long>(std::clamp(random, 0.0, 1.0) * static_cast<double>(ceiling.count())));
}

bool RetryQuota::acquire(int amount) {
  std::lock_guard lock(mutex_);
  if (available_ < amount) return false;
  available_ -= amount;
  return true;
}

void RetryQuota::release(int amount) {
  std::lock_guard lock(mutex_);
  available_ = std::min(capacity_, available_ + amount);
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return available_;
}

bool is_retryable(const AttemptOutcome& outcome) {
  if (!outcome.response.ok()) {
    const absl::StatusCode code = outcome.response.status().code();
    return code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded;
  }
  const long status = outcome.response->status;
  if (status == 500 || status == 502 || status == 503 || status == 504) return true;
  return is_transient_code(outcome.error_code) || is_throttling_code(outcome.error_code);
}

RetriedOutcome Retrier::run(const std::function<AttemptOutcome(int attempt)>& attempt) const {
  int last_cost = 0;  // what the last retry took from the quota
  for (int number = 1;; ++number) {
    AttemptOutcome outcome = attempt(number);
    if (is_success(outcome)) {
      if (quota_ != nullptr) {
        quota_->release(last_cost > 0 ? last_cost : RetryQuota::kNoRetryIncrement);
      }
      return {std::move(outcome), number};
    }
    if (!is_retryable(outcome) || number >= policy_.max_attempts) {
      return {std::move(outcome), number};
    }
    const int cost = is_timeout(outcome) ? RetryQuota::kTimeoutRetryCost : RetryQuota::kRetryCost;
    if (quota_ != nullptr && !quota_->acquire(cost)) return {std::move(outcome), number};
    last_cost = cost;
    sleep_(backoff_delay(number, random_(), policy_.max_backoff));
  }
}

}  // namespace datamesh::aws
