// The migration driver of the SQL stores (store/sql/migration.h), against steps that record
// what they are asked and answer as a test scripts them: when it takes the lock, what it reads
// again under it, what it refuses, and what it rolls back. The stores' own steps are tested on
// real files and databases in sqlite_store_test.cc and postgres_store_test.cc.
#include "store/sql/migration.h"

#include <deque>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::store::sql {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr Migration kMigrations[] = {
    {1, "one", "CREATE one"},
    {2, "two", "CREATE two"},
    {3, "three", "CREATE three"},
};

class RecordedSteps final : public MigrationSteps {
 public:
  // The versions schema_version() answers, one per call; the last one answers again.
  std::deque<int> versions;
  // The version whose apply() fails, 0 for none.
  int failing_version = 0;
  bool holds_something_else = false;
  absl::Status begin_status;
  absl::Status commit_status;
  std::vector<std::string> calls;

  absl::StatusOr<int> schema_version() override {
    calls.push_back("schema_version");
    const int version = versions.front();
    if (versions.size() > 1) versions.pop_front();
    return version;
  }
  absl::Status begin() override {
    calls.push_back("begin");
    return begin_status;
  }
  absl::Status check_holds_nothing_else() override {
    calls.push_back("check_holds_nothing_else");
    return holds_something_else ? absl::FailedPreconditionError("something else")
                                : absl::OkStatus();
  }
  absl::Status apply(const Migration& migration) override {
    calls.push_back(absl::StrCat("apply ", migration.version));
    return migration.version == failing_version ? absl::InternalError("apply failed")
                                                : absl::OkStatus();
  }
  absl::Status commit() override {
    calls.push_back("commit");
    return commit_status;
  }
  void roll_back() override { calls.push_back("roll_back"); }
  absl::Status newer_than_binary(int version, int latest) override {
    return absl::FailedPreconditionError(absl::StrCat("schema ", version, " > ", latest));
  }
};

TEST(MigrationDriverTest, ACurrentSchemaIsDecidedWithoutTheLock) {
  RecordedSteps steps;
  steps.versions = {3};
  ASSERT_OK_AND_ASSIGN(const MigrationReport report, migrate(kMigrations, steps));
  EXPECT_EQ(report.from_version, 3);
  EXPECT_EQ(report.to_version, 3);
  EXPECT_THAT(report.applied, IsEmpty());
  EXPECT_THAT(steps.calls, ElementsAre("schema_version"));
}

TEST(MigrationDriverTest, ANewSchemaIsCheckedForOtherTablesThenGetsEveryMigrationInOrder) {
  RecordedSteps steps;
  steps.versions = {0};
  ASSERT_OK_AND_ASSIGN(const MigrationReport report, migrate(kMigrations, steps));
  EXPECT_EQ(report.from_version, 0);
  EXPECT_EQ(report.to_version, 3);
  EXPECT_THAT(report.applied, ElementsAre(1, 2, 3));
  EXPECT_THAT(steps.calls, ElementsAre("schema_version", "begin", "schema_version",
                                       "check_holds_nothing_else", "apply 1", "apply 2",
                                       "apply 3", "commit"));
}

TEST(MigrationDriverTest, AnOlderSchemaGetsOnlyTheMissingMigrations) {
  RecordedSteps steps;
  steps.versions = {1};
  ASSERT_OK_AND_ASSIGN(const MigrationReport report, migrate(kMigrations, steps));
  EXPECT_EQ(report.from_version, 1);
  EXPECT_THAT(report.applied, ElementsAre(2, 3));
  EXPECT_THAT(steps.calls, ElementsAre("schema_version", "begin", "schema_version", "apply 2",
                                       "apply 3", "commit"));
}

// Another process migrated between the first look and the lock: the version read under the
// lock decides, and the report says what this call applied.
TEST(MigrationDriverTest, TheVersionReadUnderTheLockDecidesWhatIsApplied) {
  RecordedSteps steps;
  steps.versions = {1, 2};
  ASSERT_OK_AND_ASSIGN(const MigrationReport report, migrate(kMigrations, steps));
  EXPECT_EQ(report.from_version, 2);
  EXPECT_THAT(report.applied, ElementsAre(3));
  EXPECT_THAT(steps.calls,
              ElementsAre("schema_version", "begin", "schema_version", "apply 3", "commit"));

  RecordedSteps finished;
  finished.versions = {1, 3};
  ASSERT_OK_AND_ASSIGN(const MigrationReport nothing, migrate(kMigrations, finished));
  EXPECT_EQ(nothing.from_version, 3);
  EXPECT_THAT(nothing.applied, IsEmpty());
}

TEST(MigrationDriverTest, ANewerSchemaIsRefusedBeforeOrUnderTheLock) {
  RecordedSteps steps;
  steps.versions = {4};
  EXPECT_STATUS(migrate(kMigrations, steps), absl::StatusCode::kFailedPrecondition,
                "schema 4 > 3");
  EXPECT_THAT(steps.calls, ElementsAre("schema_version"));

  RecordedSteps raced;
  raced.versions = {1, 5};
  EXPECT_STATUS(migrate(kMigrations, raced), absl::StatusCode::kFailedPrecondition,
                "schema 5 > 3");
  EXPECT_THAT(raced.calls, ElementsAre("schema_version", "begin", "schema_version", "roll_back"));
}

TEST(MigrationDriverTest, ASchemaOfSomethingElseIsRefusedAndRolledBack) {
  RecordedSteps steps;
  steps.versions = {0};
  steps.holds_something_else = true;
  EXPECT_STATUS(migrate(kMigrations, steps), absl::StatusCode::kFailedPrecondition,
                "something else");
  EXPECT_THAT(steps.calls, ElementsAre("schema_version", "begin", "schema_version",
                                       "check_holds_nothing_else", "roll_back"));
}

TEST(MigrationDriverTest, AFailingMigrationStopsTheRestAndRollsBack) {
  RecordedSteps steps;
  steps.versions = {0};
  steps.failing_version = 2;
  EXPECT_STATUS(migrate(kMigrations, steps), absl::StatusCode::kInternal, "apply failed");
  EXPECT_THAT(steps.calls, ElementsAre("schema_version", "begin", "schema_version",
                                       "check_holds_nothing_else", "apply 1", "apply 2",
                                       "roll_back"));
}

// begin() may fail after opening the transaction (its lock or schema_migrations refused).
TEST(MigrationDriverTest, AFailedBeginIsTheErrorAndIsRolledBack) {
  RecordedSteps steps;
  steps.versions = {1};
  steps.begin_status = absl::UnavailableError("lock not granted");
  EXPECT_STATUS(migrate(kMigrations, steps), absl::StatusCode::kUnavailable, "lock not granted");
  EXPECT_THAT(steps.calls, ElementsAre("schema_version", "begin", "roll_back"));
}

TEST(MigrationDriverTest, AFailedCommitIsTheErrorAndIsRolledBack) {
  RecordedSteps steps;
  steps.versions = {2};
  steps.commit_status = absl::UnavailableError("disk full");
  EXPECT_STATUS(migrate(kMigrations, steps), absl::StatusCode::kUnavailable, "disk full");
  EXPECT_THAT(steps.calls, ElementsAre("schema_version", "begin", "schema_version", "apply 3",
                                       "commit", "roll_back"));
}

}  // namespace
}  // namespace datamesh::store::sql
