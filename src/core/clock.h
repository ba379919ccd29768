// Time source of the engine, injected so tests can fix it.
#pragma once

#include <chrono>
#include <string>

namespace datamesh::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// The process's one SystemClock, for the owners that take a Clock and default to the real time.
const Clock& system_clock();

// UTC "YYYY-MM-DD HH:MM:SS", the documents' date format.
std::string format_date(std::chrono::system_clock::time_point time);

}  // namespace datamesh::core
