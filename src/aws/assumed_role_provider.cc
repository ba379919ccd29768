#include "aws/assumed_role_provider.h"

#include <utility>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::aws {
namespace {

absl::Status about_role(const absl::Status& status, std::string_view role_arn) {
  return absl::Status(status.code(), base::cat("assuming role ", role_arn, ": ", status.message()));
}

}  // namespace

AssumedRoleProvider::AssumedRoleProvider(std::shared_ptr<CredentialsProvider> source,
                                         std::string role_arn, SessionNamer session_name,
                                         AssumeRoleFunction assume_role, TimeSource now,
                                         RefreshWindows windows)
    : source_(std::move(source)),
      role_arn_(std::move(role_arn)),
      session_name_(std::move(session_name)),
      assume_role_(std::move(assume_role)),
      now_(std::move(now)),
      windows_(windows) {}

absl::StatusOr<AssumedCredentials> AssumedRoleProvider::assume() const {
  DATAMESH_ASSIGN_OR_RETURN(const SigningKey source, source_->signing_key());
  DATAMESH_ASSIGN_OR_RETURN(const std::string session_name, session_name_(source));
  return assume_role_(source, role_arn_, session_name);
}

bool AssumedRoleProvider::lasts(std::chrono::system_clock::time_point now,
                                std::chrono::seconds window) const {
  return current_.has_value() && current_->expiration - now >= window;
}

absl::StatusOr<SigningKey> AssumedRoleProvider::signing_key() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (lasts(now_(), windows_.advisory)) return current_->key;
    if (renewing_) {
      // Another caller renews. Keys still outside the mandatory window are good meanwhile.
      if (lasts(now_(), windows_.mandatory)) return current_->key;
      const std::uint64_t seen = renewals_ended_;
      renewed_.wait(lock, [&] { return renewals_ended_ != seen; });
      if (!last_failure_.ok() && !lasts(now_(), windows_.mandatory)) return last_failure_;
      continue;
    }
    renewing_ = true;
    lock.unlock();
    absl::StatusOr<AssumedCredentials> fresh = assume();
    lock.lock();
    renewing_ = false;
    ++renewals_ended_;
    const auto now = now_();
    if (fresh.ok() && fresh->expiration <= now) {
      fresh = absl::UnavailableError(
          "AssumeRole answered credentials that have already expired (is the clock right?)");
    }
    if (fresh.ok()) {
      current_ = *std::move(fresh);
      last_failure_ = absl::OkStatus();
    } else {
      last_failure_ = about_role(fresh.status(), role_arn_);
    }
    renewed_.notify_all();
    if (fresh.ok() || lasts(now, windows_.mandatory)) return current_->key;
    return last_failure_;
  }
}

}  // namespace datamesh::aws
