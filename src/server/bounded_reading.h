// A value read from somewhere that may stop answering (the store, for /metrics' subscription
// counts), given to callers within a bound: each get() waits at most `wait` for a reading that
// ends after it asked (the one running, or a new one); when none ends in time, or it failed, the
// caller gets nothing, and the reading still running ends later for the next caller. One
// reading runs at a time, on a thread of its own, so a database that stops answering holds one
// thread, not every scrape's worker.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace datamesh::server {

class BoundedReading {
 public:
  // `read` gives the value, or nullopt when it failed; it runs on the reader thread.
  explicit BoundedReading(std::function<std::optional<std::string>()> read);
  // Waits for a reading in progress to end.
  ~BoundedReading();
  BoundedReading(const BoundedReading&) = delete;
  BoundedReading& operator=(const BoundedReading&) = delete;

  // The value of a reading that ended within `wait` of this call, or nullopt.
  std::optional<std::string> get(std::chrono::milliseconds wait);

 private:
  void run();

  const std::function<std::optional<std::string>()> read_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool wanted_ = false;          // a reading is asked for and not started yet
  bool reading_ = false;         // the reader thread is reading
  bool stopping_ = false;
  uint64_t finished_ = 0;        // readings ended so far
  std::optional<std::string> last_;  // of the last reading ended (nullopt: it failed)
  std::thread reader_;           // started on the first get()
};

}  // namespace datamesh::server
