#include "core/clock.h"

#include <stdlib.h>
#include <time.h>

#include <chrono>
#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace datamesh::core {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::system_clock;
using std::chrono::year;

TEST(FormatDate, FormatsTheEpoch) {
  EXPECT_EQ(format_date(system_clock::time_point{}), "1970-01-01 00:00:00");
}

TEST(FormatDate, FormatsAKnownInstant) {
  EXPECT_EQ(format_date(system_clock::time_point{seconds{1'700'000'000}}), "2023-11-14 22:13:20");
}

TEST(FormatDate, PadsEveryFieldWithZeros) {
  const system_clock::time_point time =
      sys_days{year{2001} / 2 / 3} + hours{4} + minutes{5} + seconds{6};
  EXPECT_EQ(format_date(time), "2001-02-03 04:05:06");
}

TEST(FormatDate, HandlesALeapDayAndTheLastSecondOfADay) {
  const system_clock::time_point time =
      sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59};
  EXPECT_EQ(format_date(time), "2024-02-29 23:59:59");
}

TEST(FormatDate, DropsFractionsOfASecond) {
  const system_clock::time_point time =
      system_clock::time_point{seconds{1'700'000'000}} + milliseconds{999};
  EXPECT_EQ(format_date(time), "2023-11-14 22:13:20");
}

TEST(FormatDate, FloorsInstantsBeforeTheEpochToTheirSecond) {
  EXPECT_EQ(format_date(system_clock::time_point{} - milliseconds{1}), "1969-12-31 23:59:59");
}

// Restores TZ on scope exit so that other tests see the environment they started with.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = getenv("TZ")) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(FormatDate, IsUtcWhateverTheLocalTimeZone) {
  const ScopedTimeZone zone("XYZ-05:30");  // POSIX form: 5h30 east of UTC, no tzdata needed
  EXPECT_EQ(format_date(system_clock::time_point{seconds{1'700'000'000}}), "2023-11-14 22:13:20");
}

TEST(SystemClock, ReportsTheSystemTime) {
  const SystemClock clock;
  const system_clock::time_point before = system_clock::now();
  const system_clock::time_point now = clock.now();
  const system_clock::time_point after = system_clock::now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

}  // namespace
}  // namespace datamesh::core
