// The standard retry mode's pieces (aws/retry.h): backoff delays, the retry quota, and which
// outcomes are retried. The whole loop runs against a local server in aws_client_test.cc.
#include "aws/retry.h"

#include <chrono>
#include <vector>

#include "gtest/gtest.h"

namespace datamesh::aws {
namespace {

using namespace std::chrono_literals;

TEST(RetryTest, BackoffIsFullJitterOverDoublingCappedAtTwentySeconds) {
  EXPECT_EQ(backoff_delay(1, 1.0, 20s), 1s);
  EXPECT_EQ(backoff_delay(2, 1.0, 20s), 2s);
  EXPECT_EQ(backoff_delay(3, 0.5, 20s), 2s);
  EXPECT_EQ(backoff_delay(5, 1.0, 20s), 16s);
  EXPECT_EQ(backoff_delay(6, 1.0, 20s), 20s);
  EXPECT_EQ(backoff_delay(64, 1.0, 20s), 20s);  // no overflow
  EXPECT_EQ(backoff_delay(2, 0.0, 20s), 0s);
}

TEST(RetryTest, QuotaTakesAndGivesBackWithinItsCapacity) {
  RetryQuota quota(12);
  EXPECT_TRUE(quota.acquire(RetryQuota::kRetryCost));
  EXPECT_TRUE(quota.acquire(RetryQuota::kRetryCost));
  EXPECT_FALSE(quota.acquire(RetryQuota::kRetryCost));
  EXPECT_EQ(quota.available(), 2);
  quota.release(100);
  EXPECT_EQ(quota.available(), 12);
}

AttemptOutcome http(long status, std::string code = "") {
  return {HttpResponse{status, {}, ""}, std::move(code)};
}

TEST(RetryTest, RetriesNetworkFailures5xxThrottlingAndTransientCodesOnly) {
  EXPECT_TRUE(is_retryable({absl::UnavailableError("connection refused"), ""}));
  EXPECT_TRUE(is_retryable({absl::DeadlineExceededError("timeout"), ""}));
  EXPECT_FALSE(is_retryable({absl::InvalidArgumentError("bad URL"), ""}));
  for (long status : {500, 502, 503, 504}) EXPECT_TRUE(is_retryable(http(status))) << status;
  EXPECT_FALSE(is_retryable(http(501)));
  EXPECT_TRUE(is_retryable(http(400, "ThrottlingException")));
  EXPECT_TRUE(is_retryable(http(400, "RequestTimeout")));
  EXPECT_FALSE(is_retryable(http(400, "ValidationException")));
  EXPECT_FALSE(is_retryable(http(404, "EntityNotFoundException")));
}

TEST(RetryTest, AnEmptyQuotaReturnsTheFailureWithoutRetrying) {
  RetryQuota quota(RetryQuota::kRetryCost);  // room for one retry
  std::vector<std::chrono::nanoseconds> slept;
  const Retrier retrier(
      {}, [&](std::chrono::nanoseconds d) { slept.push_back(d); }, [] { return 1.0; }, &quota);
  int calls = 0;
  const RetriedOutcome outcome = retrier.run([&](int) {
    ++calls;
    return http(503);
  });
  EXPECT_EQ(outcome.attempts, 2);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(slept, (std::vector<std::chrono::nanoseconds>{1s}));
  EXPECT_EQ(quota.available(), 0);
}

TEST(RetryTest, ATimeoutCostsMoreOfTheQuota) {
  RetryQuota quota;
  const Retrier retrier(
      {}, [](std::chrono::nanoseconds) {}, [] { return 0.0; }, &quota);
  const RetriedOutcome outcome = retrier.run([](int attempt) -> AttemptOutcome {
    if (attempt == 1) return {absl::DeadlineExceededError("timeout"), ""};
    return http(200);
  });
  EXPECT_EQ(outcome.attempts, 2);
  // Took 10 for the retry after a timeout, gave them back with the success.
  EXPECT_EQ(quota.available(), RetryQuota::kInitialCapacity);
}

TEST(RetryTest, MaxAttemptsIsAPolicy) {
  RetryPolicy policy;
  policy.max_attempts = 5;
  const Retrier retrier(
      policy, [](std::chrono::nanoseconds) {}, [] { return 0.0; }, nullptr);
  const RetriedOutcome outcome = retrier.run([](int) { return http(500); });
  EXPECT_EQ(outcome.attempts, 5);
}

}  // namespace
}  // namespace datamesh::aws
