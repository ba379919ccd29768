// The bookkeeping of the load tests (ledger.h) on hand-made audit logs: the checks the load
// tests rely on must be able to fail.
#include "server/ledger.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace datamesh::server_test {
namespace {

AuditEvent event(int64_t sequence, const std::string& action, const std::string& id,
                 const std::string& actor = "111111111111") {
  return AuditEvent{
      .sequence = sequence, .actor_account = actor, .action = action, .subscription_id = id};
}

TEST(LedgerTest, ReplayFollowsAValidLifecycle) {
  const Replay replayed = replay({event(1, kRequest, "a", "222222222222"), event(2, kDeny, "a"),
                                  event(3, kApprove, "a"), event(4, kUpdate, "a"),
                                  event(5, kFinalize, "a", "222222222222"),
                                  event(6, kDelete, "a", "222222222222")});
  EXPECT_TRUE(replayed.violations.empty());
  ASSERT_EQ(replayed.history.at("a").size(), 6u);
  EXPECT_EQ(replayed.history.at("a").back().second, SubscriptionStatus::kDeleted);
  EXPECT_EQ(replayed.requester.at("a"), "222222222222");
  EXPECT_EQ(replayed.status_before("a", 1), std::nullopt);
  EXPECT_EQ(replayed.status_before("a", 3), SubscriptionStatus::kDenied);
  EXPECT_EQ(replayed.status_before("a", 100), SubscriptionStatus::kDeleted);
}

TEST(LedgerTest, ReplayFlagsChangesTheLifecycleForbids) {
  const std::vector<std::vector<AuditEvent>> broken = {
      {event(1, kRequest, "a"), event(2, kApprove, "a"), event(3, kApprove, "a")},
      {event(1, kRequest, "a"), event(2, kApprove, "a"), event(3, kDeny, "a")},
      {event(1, kRequest, "a"), event(2, kDelete, "a"), event(3, kDelete, "a")},
      {event(1, kRequest, "a"), event(2, kUpdate, "a")},
      {event(1, kRequest, "a"), event(2, kFinalize, "a")},
      {event(1, kRequest, "a"), event(2, kRequest, "a")},
      {event(1, kApprove, "a")},
      {event(1, "create_account", "")},
  };
  for (const auto& events : broken) {
    EXPECT_EQ(replay(events).violations.size(), 1u) << events.back().action;
  }
}

TEST(LedgerTest, ReplayOrdersEventsBySequence) {
  EXPECT_TRUE(replay({event(2, kApprove, "a"), event(1, kRequest, "a")}).violations.empty());
}

TEST(LedgerTest, CountDifferencesReportsMissingAndExtraEvents) {
  const std::map<ChangeKey, int> acknowledged = {{{kApprove, "a", "p"}, 1}, {{kDeny, "b", "p"}, 1}};
  EXPECT_TRUE(count_differences(acknowledged, acknowledged).empty());
  const std::map<ChangeKey, int> audited = {{{kApprove, "a", "p"}, 2}, {{kDelete, "c", "p"}, 1}};
  EXPECT_EQ(count_differences(acknowledged, audited).size(), 3u);
}

TEST(LedgerTest, OnlyAConnectionLostAfterTheSignalIsAnUnknownOutcome) {
  const Call lost{.action = kApprove,
                  .status = absl::UnavailableError(
                      "cannot reach the mesh server at http://127.0.0.1:1: Couldn't connect")};
  const Call answered_503{.action = kApprove,
                          .status = absl::UnavailableError("the mesh store is busy")};
  EXPECT_EQ(classify(lost, true), Outcome::kUnknown);
  EXPECT_EQ(classify(lost, false), Outcome::kUnclean);
  EXPECT_EQ(classify(answered_503, true), Outcome::kUnclean);
  EXPECT_EQ(classify({.status = absl::FailedPreconditionError("already Active")}, false),
            Outcome::kLostRace);
  EXPECT_EQ(classify({.status = absl::AbortedError("lost")}, false), Outcome::kLostRace);
  EXPECT_EQ(classify({.status = absl::InternalError("boom")}, true), Outcome::kUnclean);
  EXPECT_EQ(classify({.status = absl::OkStatus()}, false), Outcome::kAcknowledged);
}

}  // namespace
}  // namespace datamesh::server_test
