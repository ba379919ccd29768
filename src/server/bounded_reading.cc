#include "server/bounded_reading.h"

#include <utility>

namespace datamesh::server {

BoundedReading::BoundedReading(std::function<std::optional<std::string>()> read)
    : read_(std::move(read)) {}

BoundedReading::~BoundedReading() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (reader_.joinable()) reader_.join();
}

std::optional<std::string> BoundedReading::get(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (!reader_.joinable()) reader_ = std::thread([this] { run(); });
  // The next reading to end: the one running (it started a moment ago at most, as far as a
  // scrape can tell), or a new one.
  const uint64_t wanted = finished_ + 1;
  if (!reading_) {
    wanted_ = true;
    changed_.notify_all();
  }
  if (!changed_.wait_for(lock, wait, [&] { return finished_ >= wanted || stopping_; }) ||
      finished_ < wanted) {
    return std::nullopt;
  }
  return last_;
}

void BoundedReading::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    reading_ = true;
    lock.unlock();
    std::optional<std::string> value = read_();
    lock.lock();
    reading_ = false;
    last_ = std::move(value);
    ++finished_;
    changed_.notify_all();
  }
}

}  // namespace datamesh::server
