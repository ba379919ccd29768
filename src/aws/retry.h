// The AWS "standard" retry mode, with botocore's numbers (botocore/retries/standard.py and
// quota.py, the mode boto3 and the AWS CLI use):
//  - at most 3 attempts;
//  - retried: network failures (the transport's Unavailable or DeadlineExceeded), HTTP 500, 502,
//    503 and 504, the transient codes RequestTimeout, RequestTimeoutException,
//    PriorRequestNotComplete, and the throttling codes (aws_errors.h, is_throttling_code);
//  - before retry n (n = 1, 2), a delay of random() * min(2^(n-1) s, 20 s): exponential backoff
//    with full jitter;
//  - a retry quota shared by the client's calls: 500 units; a retry takes 5 (10 after a
//    timeout); a success without retries gives 1 back, a success after retries gives back what
//    its last retry took; with too few units left, the failure is returned without retrying
//    (so a failing service is not hammered).
// The sleeper and the random source are injected: tests neither sleep nor guess.
//
// Thread-safety: RetryQuota is thread-safe; a Retrier may run on many threads at once if its
// sleeper and random source may (the defaults may).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "aws/http_types.h"

namespace datamesh::aws {

using Sleeper = std::function<void(std::chrono::nanoseconds)>;
// Uniform in [0, 1).
using UnitRandom = std::function<double()>;

// std::this_thread::sleep_for.
Sleeper real_sleeper();
// A uniform generator per thread, seeded from std::random_device.
UnitRandom real_random();

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::nanoseconds max_backoff = std::chrono::seconds(20);
};

// The delay before retrying after failed attempt `attempt` (1-based): random * min(2^(attempt-1)
// seconds, max_backoff).
std::chrono::nanoseconds backoff_delay(int attempt, double random,
                                       std::chrono::nanoseconds max_backoff);

class RetryQuota {
 public:
  static constexpr int kInitialCapacity = 500;
  static constexpr int kRetryCost = 5;
  static constexpr int kTimeoutRetryCost = 10;
  static constexpr int kNoRetryIncrement = 1;

  explicit RetryQuota(int capacity = kInitialCapacity)
      : capacity_(capacity), available_(capacity) {}

  // Takes `amount` units if that many are left.
  bool acquire(int amount);
  // Gives `amount` back, never above the capacity.
  void release(int amount);
  int available() const;

 private:
  const int capacity_;
  mutable std::mutex mutex_;
  int available_;  // guarded by mutex_; 0 <= available_ <= capacity_
};

// One attempt's outcome: the answer, or the transport's error for a network failure; and the AWS
// error code of a non-2xx answer (aws_errors.h, parse_error).
struct AttemptOutcome {
  absl::StatusOr<HttpResponse> response;
  std::string error_code;
};

// What `Retrier::run` ends with: the last outcome and how many attempts were made.
struct RetriedOutcome {
  AttemptOutcome last;
  int attempts = 0;
};

// True when the outcome is a failure the standard mode retries.
bool is_retryable(const AttemptOutcome& outcome);

class Retrier {
 public:
  // `quota` may be null (no quota); otherwise it must outlive the Retrier.
  Retrier(RetryPolicy policy, Sleeper sleep, UnitRandom random, RetryQuota* quota)
      : policy_(policy), sleep_(std::move(sleep)), random_(std::move(random)), quota_(quota) {}

  // Calls attempt(1), attempt(2), ... until an outcome is a 2xx answer or a failure that is not
  // retried, max_attempts were made, or the quota refuses a retry; sleeps backoff_delay before
  // each retry. `attempt` must build (and sign) its request afresh each time.
  RetriedOutcome run(const std::function<AttemptOutcome(int attempt)>& attempt) const;

 private:
  RetryPolicy policy_;
  Sleeper sleep_;
  UnitRandom random_;
  RetryQuota* quota_;
};

}  // namespace datamesh::aws
