// What the credential-chain suites share: a scratch home folder to write AWS files into, a
// clock the test moves, and a stand-in for STS that hands out numbered temporary keys and
// records every AssumeRole (the chain under test is real; only the network is replaced).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/sts_calls.h"
#include "gtest/gtest.h"
#include "testkit/scratch_dir.h"

namespace datamesh::aws::test {

using testkit::ScratchDir;

// A clock that moves only when the test says; safe to read from several threads.
class ManualTime {
 public:
  // 2026-12-05 10:00:00 UTC.
  static constexpr std::chrono::system_clock::time_point kStart{std::chrono::seconds(1796464800)};

  std::chrono::system_clock::time_point now() const { return now_.load(); }
  void advance(std::chrono::system_clock::duration by) { now_.store(now_.load() + by); }
  TimeSource source() {
    return [this] { return now(); };
  }

 private:
  std::atomic<std::chrono::system_clock::time_point> now_{kStart};
};

struct AssumeCall {
  std::string source_access_key_id;
  std::string role_arn;
  std::string session_name;
};

// STS as far as the chain needs it. AssumeRole answers keys ASIA<n> / secret-<n> / token-<n>
// valid for `lifetime` from now; GetCallerIdentity knows the identities the test registers and
// those of the keys it handed out (UserId AROA<n>:<session name>, Account the role's).
class FakeSts {
 public:
  explicit FakeSts(ManualTime& time) : time_(time) {}

  void add_identity(std::string access_key_id, CallerIdentity identity) {
    std::lock_guard lock(mutex_);
    identities_.emplace_back(std::move(access_key_id), std::move(identity));
  }
  // The next AssumeRole answers `status` instead of keys.
  void fail_next_assume(absl::Status status) {
    std::lock_guard lock(mutex_);
    failures_.push_back(std::move(status));
  }
  // Called inside every AssumeRole before it answers (to hold it while a test looks).
  void on_assume(std::function<void()> hook) { hook_ = std::move(hook); }
  void set_lifetime(std::chrono::seconds lifetime) { lifetime_ = lifetime; }

  AssumeRoleFunction assume_role() {
    return [this](const SigningKey& source, std::string_view role_arn,
                  std::string_view session_name) -> absl::StatusOr<AssumedCredentials> {
      if (hook_) hook_();
      std::lock_guard lock(mutex_);
      calls_.push_back(
          AssumeCall{source.access_key_id, std::string(role_arn), std::string(session_name)});
      if (!failures_.empty()) {
        absl::Status failure = failures_.front();
        failures_.erase(failures_.begin());
        return failure;
      }
      const std::string n = std::to_string(++issued_);
      SigningKey key{"ASIA" + n, "secret-" + n, "token-" + n};
      identities_.emplace_back(key.access_key_id,
                               CallerIdentity{"AROA" + n + ":" + std::string(session_name),
                                              account_of(role_arn), "arn:aws:sts::assumed"});
      return AssumedCredentials{key, time_.now() + lifetime_};
    };
  }

  GetCallerIdentityFunction get_caller_identity() {
    return [this](const SigningKey& key) -> absl::StatusOr<CallerIdentity> {
      std::lock_guard lock(mutex_);
      ++identity_calls_;
      for (const auto& [id, identity] : identities_) {
        if (id == key.access_key_id) return identity;
      }
      return absl::PermissionDeniedError("InvalidClientTokenId: unknown key " + key.access_key_id);
    };
  }

  std::vector<AssumeCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int identity_calls() const {
    std::lock_guard lock(mutex_);
    return identity_calls_;
  }

 private:
  static std::string account_of(std::string_view role_arn) {
    // arn:aws:iam::<account>:role/...
    const auto start = role_arn.find("::");
    const auto end = role_arn.find(':', start + 2);
    return std::string(role_arn.substr(start + 2, end - start - 2));
  }

  ManualTime& time_;
  std::function<void()> hook_;
  std::chrono::seconds lifetime_{3600};
  mutable std::mutex mutex_;
  std::vector<AssumeCall> calls_;
  std::vector<std::pair<std::string, CallerIdentity>> identities_;
  std::vector<absl::Status> failures_;
  int issued_ = 0;
  int identity_calls_ = 0;
};

}  // namespace datamesh::aws::test
