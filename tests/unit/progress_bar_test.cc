#include "cli/progress_bar.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace datamesh::cli {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A bar drawing into memory, on a clock the test moves.
class ProgressBarTest : public ::testing::Test {
 protected:
  void SetUp() override { out_ = open_memstream(&buffer_, &size_); }
  void TearDown() override {
    std::fclose(out_);
    std::free(buffer_);
  }
  std::string drawn() {
    std::fflush(out_);
    return std::string(buffer_, size_);
  }
  ProgressBar make() {
    return ProgressBar(out_, "create_data_products", [this] { return now_; });
  }

  Clock::time_point now_{};
  std::FILE* out_ = nullptr;
  char* buffer_ = nullptr;
  size_t size_ = 0;
};

TEST_F(ProgressBarTest, QuickCallsDrawNothing) {
  ProgressBar bar = make();
  bar.update(0, 10000);
  now_ += milliseconds(900);
  bar.update(10000, 10000);
  bar.finish();
  EXPECT_EQ(drawn(), "");
}

TEST_F(ProgressBarTest, DrawsInPlaceAfterASecondAndEndsTheLine) {
  ProgressBar bar = make();
  now_ += milliseconds(1000);
  bar.update(5120, 10000);
  EXPECT_EQ(drawn(),
            "\rcreate_data_products [###############...............]  5,120/10,000 tables  51%"
            "\x1b[K");
  now_ += milliseconds(500);
  bar.update(10000, 10000);
  bar.finish();
  const std::string text = drawn();
  EXPECT_NE(text.find("10,000/10,000 tables  100%\x1b[K\r"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST_F(ProgressBarTest, RedrawsAtMostTenTimesASecondButAlwaysTheEnd) {
  ProgressBar bar = make();
  now_ += milliseconds(1000);
  bar.update(1, 4);
  const size_t after_first = drawn().size();
  now_ += milliseconds(50);
  bar.update(2, 4);  // too soon
  EXPECT_EQ(drawn().size(), after_first);
  bar.update(4, 4);  // the end is always drawn
  EXPECT_GT(drawn().size(), after_first);
}

TEST_F(ProgressBarTest, DrawsNothingAfterFinish) {
  ProgressBar bar = make();
  bar.finish();
  now_ += milliseconds(2000);
  bar.update(1, 2);
  EXPECT_EQ(drawn(), "");
}

TEST(ProgressBarRender, FillsInProportionAndGroupsThousands) {
  EXPECT_EQ(ProgressBar::render(0, 200000, 10), "[..........]  0/200,000 tables  0%");
  EXPECT_EQ(ProgressBar::render(100000, 200000, 10), "[#####.....]  100,000/200,000 tables  50%");
  EXPECT_EQ(ProgressBar::render(7, 7, 4), "[####]  7/7 tables  100%");
  // Never past the end, and an empty call is complete.
  EXPECT_EQ(ProgressBar::render(9, 7, 4), "[####]  7/7 tables  100%");
  EXPECT_EQ(ProgressBar::render(0, 0, 4), "[####]  0/0 tables  100%");
}

}  // namespace
}  // namespace datamesh::cli
