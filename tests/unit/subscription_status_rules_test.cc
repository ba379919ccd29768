// core/subscription_rules.h require_status: the guard every state change of a subscription goes
// through, and the FailedPrecondition it answers for a transition the state machine does not
// have (docs/CONCEPTS.md, "The state machine"). The engine-level transitions are in
// engine_rules_test.cc.
#include "core/subscription_rules.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::core::internal {
namespace {

Subscription with_status(SubscriptionStatus status) {
  return Subscription{.subscription_id = "7xKabc", .status = status};
}

TEST(RequireStatus, AcceptsEveryAllowedStatus) {
  for (SubscriptionStatus status : {SubscriptionStatus::kPending, SubscriptionStatus::kActive}) {
    EXPECT_OK(require_status(with_status(status),
                             {SubscriptionStatus::kPending, SubscriptionStatus::kActive},
                             "deleted"));
  }
}

TEST(RequireStatus, RefusesAnotherStatusNamingItAndTheAllowedOnes) {
  const absl::Status refused =
      require_status(with_status(SubscriptionStatus::kDenied),
                     {SubscriptionStatus::kPending, SubscriptionStatus::kActive}, "deleted");
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            "subscription 7xKabc is Denied; only Pending or Active subscriptions can be deleted");
  EXPECT_EQ(require_status(with_status(SubscriptionStatus::kActive),
                           {SubscriptionStatus::kPending}, "denied")
                .message(),
            "subscription 7xKabc is Active; only Pending subscriptions can be denied");
}

TEST(RequireStatus, ADeletedSubscriptionIsFinal) {
  // Deleted is never among the allowed statuses, and its message says it cannot change at all
  // rather than listing statuses it will never reach again.
  const absl::Status refused = require_status(with_status(SubscriptionStatus::kDeleted),
                                              {SubscriptionStatus::kActive}, "finalized");
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(), "subscription 7xKabc is Deleted; it cannot be finalized");
}

}  // namespace
}  // namespace datamesh::core::internal
