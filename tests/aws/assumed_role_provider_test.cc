// Renewal of assumed-role credentials before they expire, on a clock the test moves: when
// AssumeRole is called (counted), what callers get while a renewal runs or fails, and that
// concurrent callers share one renewal.
#include "aws/assumed_role_provider.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "credentials_test_support.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using std::chrono::minutes;
using test::FakeSts;
using test::ManualTime;

constexpr std::string_view kRole = "arn:aws:iam::444455556666:role/AwsDataMesh/DataMeshProducer";

// A source whose keys the test can break.
class SourceKeys final : public CredentialsProvider {
 public:
  absl::StatusOr<SigningKey> signing_key() override {
    std::lock_guard lock(mutex_);
    if (!failure_.ok()) return failure_;
    return SigningKey{"AKIACALLER", "caller-secret", ""};
  }
  void fail(absl::Status failure) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(failure);
  }

 private:
  std::mutex mutex_;
  absl::Status failure_;
};

class AssumedRoleProviderTest : public ::testing::Test {
 protected:
  AssumedRoleProviderTest()
      : sts_(time_),
        source_(std::make_shared<SourceKeys>()),
        provider_(
            source_, std::string(kRole),
            [](const SigningKey&) -> absl::StatusOr<std::string> { return "session"; },
            sts_.assume_role(), time_.source()) {}

  std::string key_id() {
    absl::StatusOr<SigningKey> key = provider_.signing_key();
    return key.ok() ? key->access_key_id : std::string(key.status().ToString());
  }

  ManualTime time_;
  FakeSts sts_;
  std::shared_ptr<SourceKeys> source_;
  AssumedRoleProvider provider_;
};

TEST_F(AssumedRoleProviderTest, AssumesOnFirstUseWithTheSourceKeys) {
  EXPECT_TRUE(sts_.calls().empty());
  ASSERT_OK_AND_ASSIGN(const SigningKey key, provider_.signing_key());
  EXPECT_EQ(key.access_key_id, "ASIA1");
  EXPECT_EQ(key.secret_access_key, "secret-1");
  EXPECT_EQ(key.session_token, "token-1");
  ASSERT_EQ(sts_.calls().size(), 1u);
  EXPECT_EQ(sts_.calls()[0].source_access_key_id, "AKIACALLER");
  EXPECT_EQ(sts_.calls()[0].role_arn, kRole);
  EXPECT_EQ(sts_.calls()[0].session_name, "session");
}

TEST_F(AssumedRoleProviderTest, KeepsTheKeysUntilFifteenMinutesBeforeExpiry) {
  EXPECT_EQ(key_id(), "ASIA1");
  time_.advance(minutes(45));  // exactly 15 minutes left: still good
  EXPECT_EQ(key_id(), "ASIA1");
  EXPECT_EQ(sts_.calls().size(), 1u);
  time_.advance(std::chrono::seconds(1));
  EXPECT_EQ(key_id(), "ASIA2");
  EXPECT_EQ(sts_.calls().size(), 2u);
  // The renewed keys last a new hour.
  time_.advance(minutes(44));
  EXPECT_EQ(key_id(), "ASIA2");
  EXPECT_EQ(sts_.calls().size(), 2u);
}

TEST_F(AssumedRoleProviderTest, FailedAdvisoryRenewalKeepsTheCurrentKeysAndRetries) {
  EXPECT_EQ(key_id(), "ASIA1");
  time_.advance(minutes(47));  // 13 minutes left
  sts_.fail_next_assume(absl::UnavailableError("Throttling"));
  EXPECT_EQ(key_id(), "ASIA1");
  EXPECT_EQ(sts_.calls().size(), 2u);
  EXPECT_EQ(key_id(), "ASIA2");  // the next caller tries again
  EXPECT_EQ(sts_.calls().size(), 3u);
}

TEST_F(AssumedRoleProviderTest, FailedMandatoryRenewalIsTheCallersError) {
  EXPECT_EQ(key_id(), "ASIA1");
  time_.advance(minutes(51));  // 9 minutes left
  sts_.fail_next_assume(absl::PermissionDeniedError("AccessDenied: not allowed"));
  EXPECT_STATUS(provider_.signing_key(), absl::StatusCode::kPermissionDenied,
                std::string("assuming role ") + std::string(kRole) + ": AccessDenied: not allowed");
  EXPECT_EQ(key_id(), "ASIA2");
}

TEST_F(AssumedRoleProviderTest, FirstAssumeFailureIsTheCallersError) {
  sts_.fail_next_assume(absl::PermissionDeniedError("AccessDenied"));
  EXPECT_STATUS(provider_.signing_key(), absl::StatusCode::kPermissionDenied, kRole);
}

TEST_F(AssumedRoleProviderTest, SourceFailureNamesTheRole) {
  source_->fail(absl::NotFoundError("no AWS credentials"));
  EXPECT_STATUS(provider_.signing_key(), absl::StatusCode::kNotFound,
                std::string("assuming role ") + std::string(kRole) + ": no AWS credentials");
  EXPECT_TRUE(sts_.calls().empty());
}

TEST_F(AssumedRoleProviderTest, AlreadyExpiredAnswerIsRefused) {
  sts_.set_lifetime(std::chrono::seconds(0));
  EXPECT_STATUS(provider_.signing_key(), absl::StatusCode::kUnavailable,
                "AssumeRole answered credentials that have already expired");
}

TEST_F(AssumedRoleProviderTest, SessionNameIsAskedAtEveryRenewal) {
  int named = 0;
  AssumedRoleProvider provider(
      source_, std::string(kRole),
      [&named](const SigningKey& source) -> absl::StatusOr<std::string> {
        return source.access_key_id + "-" + std::to_string(++named);
      },
      sts_.assume_role(), time_.source());
  ASSERT_OK(provider.signing_key());
  time_.advance(minutes(50));
  ASSERT_OK(provider.signing_key());
  ASSERT_EQ(sts_.calls().size(), 2u);
  EXPECT_EQ(sts_.calls()[0].session_name, "AKIACALLER-1");
  EXPECT_EQ(sts_.calls()[1].session_name, "AKIACALLER-2");
}

// Holds AssumeRole until released, and tells when one has started.
class Gate {
 public:
  void enter() {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void wait_entered(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_ >= count; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool open_ = false;
};

TEST_F(AssumedRoleProviderTest, CallersDuringAnAdvisoryRenewalKeepTheCurrentKeys) {
  EXPECT_EQ(key_id(), "ASIA1");
  time_.advance(minutes(47));  // 13 minutes left: renew, but the keys are still good
  Gate gate;
  sts_.on_assume([&gate] { gate.enter(); });
  std::string renewer_key;
  std::thread renewer([&] { renewer_key = key_id(); });
  gate.wait_entered(1);
  EXPECT_EQ(key_id(), "ASIA1");  // does not wait for the renewal in progress
  gate.open();
  renewer.join();
  EXPECT_EQ(renewer_key, "ASIA2");
  EXPECT_EQ(sts_.calls().size(), 2u);
}

TEST_F(AssumedRoleProviderTest, ConcurrentCallersNeedingKeysShareOneRenewal) {
  EXPECT_EQ(key_id(), "ASIA1");
  time_.advance(minutes(55));  // 5 minutes left: nobody may use the old keys
  constexpr int kCallers = 8;
  std::atomic<int> started{0};
  std::mutex mutex;
  std::condition_variable all_started;
  // AssumeRole answers only once every caller has asked for keys: the others are then either
  // waiting for this renewal or come after it.
  sts_.on_assume([&] {
    std::unique_lock lock(mutex);
    all_started.wait(lock, [&] { return started.load() == kCallers; });
  });
  std::vector<std::string> keys(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      {
        std::lock_guard lock(mutex);
        ++started;
      }
      all_started.notify_all();
      keys[i] = key_id();
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(sts_.calls().size(), 2u);  // the first assume and one renewal
  for (const std::string& key : keys) EXPECT_EQ(key, "ASIA2");
}

TEST_F(AssumedRoleProviderTest, ConcurrentCallersWaitingOnAFailedRenewalGetItsError) {
  constexpr int kCallers = 6;
  std::atomic<int> started{0};
  std::mutex mutex;
  std::condition_variable all_started;
  sts_.fail_next_assume(absl::PermissionDeniedError("AccessDenied"));
  sts_.on_assume([&] {
    std::unique_lock lock(mutex);
    all_started.wait(lock, [&] { return started.load() == kCallers; });
  });
  std::vector<absl::Status> results(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      {
        std::lock_guard lock(mutex);
        ++started;
      }
      all_started.notify_all();
      results[i] = provider_.signing_key().status();
    });
  }
  for (std::thread& caller : callers) caller.join();
  // Callers that waited on the failed renewal share its error; any that came after it try
  // again and succeed. Either way no caller gets expired keys, and the renewals are few.
  int failed = 0;
  for (const absl::Status& result : results) {
    if (!result.ok()) {
      ++failed;
      EXPECT_EQ(result.code(), absl::StatusCode::kPermissionDenied) << result;
    }
  }
  EXPECT_GE(failed, 1);
  EXPECT_EQ(sts_.calls().size(), static_cast<std::size_t>(1 + (kCallers - failed > 0 ? 1 : 0)));
}

}  // namespace
}  // namespace datamesh::aws
