// server/bounded_reading.h: /metrics' way of reading the store within a bound. Nothing asserts
// a time: a reading held on a latch stands for a store that does not answer.
#include "server/bounded_reading.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "support/latch.h"

namespace datamesh::server {
namespace {

using std::chrono::milliseconds;
using test_support::Latch;

TEST(BoundedReadingTest, AReadingThatEndsInTimeIsTheAnswer) {
  std::atomic<int> readings{0};
  BoundedReading reading([&]() -> std::optional<std::string> {
    return "reading " + std::to_string(++readings);
  });
  EXPECT_EQ(reading.get(Latch::kGuard), "reading 1");
  EXPECT_EQ(reading.get(Latch::kGuard), "reading 2") << "each call reads afresh";
}

TEST(BoundedReadingTest, AReadingThatDoesNotEndInTimeIsNoAnswerAndDeliversToALaterCall) {
  Latch started;
  Latch release;
  std::atomic<int> readings{0};
  BoundedReading reading([&]() -> std::optional<std::string> {
    if (++readings == 1) {
      started.open();
      release.wait();  // a store that does not answer
    }
    return "reading " + std::to_string(readings.load());
  });
  EXPECT_EQ(reading.get(milliseconds(50)), std::nullopt);
  ASSERT_TRUE(started.wait());
  // Still held: another call does not start a second reading behind it.
  EXPECT_EQ(reading.get(milliseconds(50)), std::nullopt);
  EXPECT_EQ(readings.load(), 1);
  release.open();
  // The held reading ends for a call made while it runs; this call may come before it ends or
  // after (the test cannot order the two without a clock), and then gets a reading of its own:
  // never one that ended before the call.
  const std::optional<std::string> after = reading.get(Latch::kGuard);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(*after, "reading " + std::to_string(readings.load()));
  const std::optional<std::string> next = reading.get(Latch::kGuard);
  EXPECT_EQ(next, "reading " + std::to_string(readings.load()));
  EXPECT_NE(next, after) << "each call reads afresh";
}

TEST(BoundedReadingTest, AFailedReadingIsNoAnswer) {
  bool fail = true;
  BoundedReading reading([&]() -> std::optional<std::string> {
    if (fail) return std::nullopt;
    return "counts";
  });
  EXPECT_EQ(reading.get(Latch::kGuard), std::nullopt);
  fail = false;
  EXPECT_EQ(reading.get(Latch::kGuard), "counts");
}

TEST(BoundedReadingTest, DestroyingItWaitsForTheReadingInProgress) {
  Latch started;
  Latch release;
  std::atomic<bool> ended{false};
  {
    BoundedReading reading([&]() -> std::optional<std::string> {
      started.open();
      release.wait();
      ended = true;
      return "late";
    });
    EXPECT_EQ(reading.get(milliseconds(10)), std::nullopt);
    ASSERT_TRUE(started.wait());
    release.open();
  }
  EXPECT_TRUE(ended.load());
}

}  // namespace
}  // namespace datamesh::server
