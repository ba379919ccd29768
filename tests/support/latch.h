// A one-shot flag that threads can wait for, with a guard: wait() gives up after 30 seconds
// (false), a time only a hung server or pool reaches, so that a broken test fails instead of
// hanging.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace datamesh::test_support {

class Latch {
 public:
  static constexpr auto kGuard = std::chrono::seconds(30);

  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kGuard, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

}  // namespace datamesh::test_support
