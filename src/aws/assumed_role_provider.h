// Temporary credentials of an IAM role, assumed with the keys of another provider (which may be
// an assumed role itself: the hops of a persona's chain stack this way) and renewed before they
// expire. The original library assumes each role once and fails mid-run when the hour is up.
//
// Renewal follows botocore's two windows before the expiry:
//  - advisory (15 min): the first caller to notice renews; callers arriving meanwhile keep
//    using the current keys, which are still good; if this renewal fails, the current keys
//    are kept and the next caller tries again.
//  - mandatory (10 min): the keys are too close to their end to hand out; callers wait for the
//    renewal in progress (one AssumeRole for all of them) and get its keys or its error.
// The first call assumes the role (nothing before: construction never calls AWS).
//
// Thread-safe: any number of threads may call signing_key() at once; at most one AssumeRole of
// this provider runs at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "aws/credentials_provider.h"
#include "aws/sts_calls.h"

namespace datamesh::aws {

// How long before the expiry to renew (see above). Precondition: advisory >= mandatory >= 0.
struct RefreshWindows {
  std::chrono::seconds advisory{15 * 60};
  std::chrono::seconds mandatory{10 * 60};
};

// The RoleSessionName of each AssumeRole, given the source keys it is signed with (so it may
// ask who they belong to). Called at every renewal: a name may carry the date.
using SessionNamer = std::function<absl::StatusOr<std::string>(const SigningKey& source)>;

class AssumedRoleProvider final : public CredentialsProvider {
 public:
  // Preconditions: source, session_name, assume_role and now are set; windows as above.
  AssumedRoleProvider(std::shared_ptr<CredentialsProvider> source, std::string role_arn,
                      SessionNamer session_name, AssumeRoleFunction assume_role, TimeSource now,
                      RefreshWindows windows = {});

  // The role's current keys, renewed as above. Errors (the source's, the session namer's or
  // AssumeRole's, with their codes) name the role; Unavailable when AssumeRole answers keys
  // that have already expired.
  absl::StatusOr<SigningKey> signing_key() override;

  const std::string& role_arn() const { return role_arn_; }

 private:
  // One AssumeRole with fresh source keys; called without the lock.
  absl::StatusOr<AssumedCredentials> assume() const;
  // Whether current_ has at least `window` left at `now`. Requires mutex_.
  bool lasts(std::chrono::system_clock::time_point now, std::chrono::seconds window) const;

  const std::shared_ptr<CredentialsProvider> source_;
  const std::string role_arn_;
  const SessionNamer session_name_;
  const AssumeRoleFunction assume_role_;
  const TimeSource now_;
  const RefreshWindows windows_;

  std::mutex mutex_;
  std::condition_variable renewed_;            // signalled when a renewal ends
  std::optional<AssumedCredentials> current_;  // guarded by mutex_
  bool renewing_ = false;                      // guarded by mutex_; one renewal at a time
  std::uint64_t renewals_ended_ = 0;           // guarded by mutex_; wakes the waiters
  absl::Status last_failure_;                  // guarded by mutex_; OK after a success
};

}  // namespace datamesh::aws
