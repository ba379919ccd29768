// The filters of admin list_audit_events (core/audit_filter.h): what they accept, what they
// refuse and why, and which events they keep, at the edges of each bound.
#include "core/audit_filter.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

using ::testing::HasSubstr;

AuditEvent event(std::string action, std::string actor, std::string date) {
  return AuditEvent{.sequence = 1,
                    .event_date = std::move(date),
                    .actor_account = std::move(actor),
                    .action = std::move(action)};
}

TEST(AuditFilterTest, NoFilterKeepsEveryEvent) {
  ASSERT_OK_AND_ASSIGN(const AuditFilter filter, AuditFilter::make({}, "", "", ""));
  EXPECT_TRUE(filter.keeps(event("approve_access_request", "111111111111", "2026-12-07 09:05:00")));
}

TEST(AuditFilterTest, ActionsAndActorKeepOnlyTheirEvents) {
  ASSERT_OK_AND_ASSIGN(
      const AuditFilter filter,
      AuditFilter::make({"approve_access_request", "deny_access_request"}, "111111111111", "", ""));
  EXPECT_TRUE(filter.keeps(event("deny_access_request", "111111111111", "2026-12-07 09:05:00")));
  EXPECT_FALSE(filter.keeps(event("delete_subscription", "111111111111", "2026-12-07 09:05:00")));
  EXPECT_FALSE(filter.keeps(event("deny_access_request", "222222222222", "2026-12-07 09:05:00")));
}

TEST(AuditFilterTest, SinceIsIncludedAndUntilExcluded) {
  ASSERT_OK_AND_ASSIGN(const AuditFilter filter,
                       AuditFilter::make({}, "", "2026-12-01", "2026-12-07 09:05:00"));
  EXPECT_FALSE(filter.keeps(event("a", "1", "2026-11-30 23:59:59")));
  EXPECT_TRUE(filter.keeps(event("a", "1", "2026-12-01 00:00:00")));
  EXPECT_TRUE(filter.keeps(event("a", "1", "2026-12-07 09:04:59")));
  EXPECT_FALSE(filter.keeps(event("a", "1", "2026-12-07 09:05:00")));
}

TEST(AuditFilterTest, Iso8601InstantsAreReadAsTheSameUtcInstant) {
  ASSERT_OK_AND_ASSIGN(const AuditFilter filter,
                       AuditFilter::make({}, "", "2026-12-07T09:05:00Z", ""));
  EXPECT_FALSE(filter.keeps(event("a", "1", "2026-12-07 09:04:59")));
  EXPECT_TRUE(filter.keeps(event("a", "1", "2026-12-07 09:05:00")));
}

TEST(AuditFilterTest, ActionsMayBeSpelledAsTheCliSpellsCommands) {
  ASSERT_OK_AND_ASSIGN(const AuditFilter filter,
                       AuditFilter::make({"rotate-access-key"}, "", "", ""));
  EXPECT_TRUE(filter.keeps(event("rotate_access_key", "111111111111", "2026-12-07 09:05:00")));
}

TEST(AuditFilterTest, TheLastDayOfFebruaryOfALeapYearIsADay) {
  EXPECT_OK(AuditFilter::make({}, "", "2028-02-29", "2028-02-29 23:59:59"));
}

TEST(AuditFilterTest, MalformedFiltersAreRefusedNamingWhatIsAllowed) {
  EXPECT_STATUS(AuditFilter::make({"Approve"}, "", "", ""), absl::StatusCode::kInvalidArgument,
                "action \"Approve\" is not an action of the audit log; allowed: "
                "approve_access_request, create_access_key,");
  // A typo would otherwise answer an empty log, as if nothing had been done.
  EXPECT_STATUS(AuditFilter::make({"aprove_access_request"}, "", "", ""),
                absl::StatusCode::kInvalidArgument,
                "action \"aprove_access_request\" is not an action of the audit log");
  EXPECT_STATUS(AuditFilter::make({""}, "", "", ""), absl::StatusCode::kInvalidArgument,
                "is not an action of the audit log");
  EXPECT_STATUS(AuditFilter::make({}, "12", "", ""), absl::StatusCode::kInvalidArgument,
                "actor_account_id");
  // The shape alone is not enough: a day of the calendar and a time of the day.
  for (const char* date : {"2026-12", "07/12/2026", "2026-12-07 9:05", "2026-12-07T09:05:00+01",
                           "tomorrow", "2026-13-45", "2026-12-32", "2026-02-29", "2026-00-10",
                           "2026-12-07 25:00:00", "2026-12-07 23:60:00", "2026-12-07 23:59:60"}) {
    EXPECT_STATUS(AuditFilter::make({}, "", date, ""), absl::StatusCode::kInvalidArgument,
                  "is not a UTC date: give YYYY-MM-DD or YYYY-MM-DD HH:MM:SS")
        << date;
  }
  EXPECT_STATUS(AuditFilter::make({}, "", "", "soon"), absl::StatusCode::kInvalidArgument,
                "until \"soon\"");
  EXPECT_STATUS(AuditFilter::make({}, "", "2026-12-07", "2026-12-07"),
                absl::StatusCode::kInvalidArgument, "must come after since");
}

}  // namespace
}  // namespace datamesh::core
