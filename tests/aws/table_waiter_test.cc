// wait_until_table_active (store/aws/mesh_tables.h): how ensure_mesh_tables waits for a new
// table. moto makes tables ACTIVE at once, so the polling is driven here by scripted
// DescribeTable answers and a sleeper that records instead of sleeping.
#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/aws/mesh_tables.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;

nlohmann::json described(const std::string& status) {
  return {{"Table", {{"TableName", "DatameshJournal"}, {"TableStatus", status}}}};
}

class TableWaiterTest : public ::testing::Test {
 protected:
  // Answers `statuses` one after the other, then the last one for ever.
  std::function<absl::StatusOr<nlohmann::json>()> describe(std::vector<std::string> statuses) {
    return [this, statuses] {
      const size_t at = std::min(calls_++, statuses.size() - 1);
      return absl::StatusOr<nlohmann::json>(described(statuses[at]));
    };
  }

  TableWaitPolicy policy(milliseconds max_wait = milliseconds(10000)) {
    return {.first_delay = milliseconds(200),
            .max_delay = milliseconds(1000),
            .max_wait = max_wait,
            .sleep = [this](std::chrono::nanoseconds delay) {
              slept_.push_back(std::chrono::duration_cast<milliseconds>(delay).count());
            }};
  }

  size_t calls_ = 0;
  std::vector<int64_t> slept_;
};

TEST_F(TableWaiterTest, AnActiveTableNeedsNoWait) {
  ASSERT_OK(wait_until_table_active("DatameshJournal", describe({"ACTIVE"}), policy()));
  EXPECT_EQ(calls_, 1u);
  EXPECT_TRUE(slept_.empty());
}

TEST_F(TableWaiterTest, PollsWithDoublingDelaysUpToTheMaximum) {
  ASSERT_OK(wait_until_table_active(
      "DatameshJournal",
      describe({"CREATING", "CREATING", "CREATING", "CREATING", "CREATING", "ACTIVE"}), policy()));
  EXPECT_EQ(calls_, 6u);
  EXPECT_THAT(slept_, ElementsAre(200, 400, 800, 1000, 1000));
}

TEST_F(TableWaiterTest, GivesUpAfterTheMaximumWaitNamingTheTable) {
  EXPECT_STATUS(wait_until_table_active("DatameshJournal", describe({"CREATING"}),
                                        policy(milliseconds(1000))),
                absl::StatusCode::kDeadlineExceeded,
                "table DatameshJournal is still CREATING after 1000 ms");
  // 200 + 400 + the 400 left: never more than max_wait in all.
  EXPECT_THAT(slept_, ElementsAre(200, 400, 400));
}

TEST_F(TableWaiterTest, DescribeErrorsAndAnswersWithoutAStatusStopTheWait) {
  EXPECT_STATUS(wait_until_table_active(
                    "DatameshJournal",
                    [] { return absl::StatusOr<nlohmann::json>(absl::NotFoundError("gone")); },
                    policy()),
                absl::StatusCode::kNotFound, "gone");
  EXPECT_STATUS(wait_until_table_active(
                    "DatameshJournal",
                    [] { return absl::StatusOr<nlohmann::json>(nlohmann::json::object()); },
                    policy()),
                absl::StatusCode::kInternal, "DescribeTable of DatameshJournal answered no");
}

}  // namespace
}  // namespace datamesh::store::aws
