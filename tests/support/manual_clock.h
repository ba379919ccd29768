// A core::Clock that stands still until the test moves it, so that every date the engine
// writes (creation, update and audit dates, access keys) can be asserted exactly.
// Not thread-safe: one test thread sets it while the engine reads it on that same thread.
#pragma once

#include <chrono>

#include "core/clock.h"

namespace datamesh::test_support {

class ManualClock final : public core::Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start) : now_(start) {}

  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(std::chrono::system_clock::duration by) { now_ += by; }

 private:
  std::chrono::system_clock::time_point now_;
};

}  // namespace datamesh::test_support
