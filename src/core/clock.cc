#include "core/clock.h"

#include <time.h>

#include <cstdio>

namespace datamesh::core {

const Clock& system_clock() {
  static const SystemClock clock;  // stateless: shared by every thread
  return clock;
}

std::string format_date(std::chrono::system_clock::time_point time) {
  // Floor (not truncate) to whole seconds so that instants before the epoch still print the
  // second they fall in.
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const time_t since_epoch = static_cast<time_t>(seconds.time_since_epoch().count());
  struct tm utc {};
  if (gmtime_r(&since_epoch, &utc) == nullptr) {
    // Only for instants whose year does not fit in an int; no real clock produces them.
    return "0000-00-00 00:00:00";
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

}  // namespace datamesh::core
