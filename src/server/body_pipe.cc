#include "server/body_pipe.h"

#include <algorithm>
#include <cstring>

namespace datamesh::server {

BodyPipe::BodyPipe(std::size_t limit, Response head, Hooks hooks)
    : limit_(limit), head_(std::move(head)), hooks_(std::move(hooks)) {
  head_.produce = nullptr;
  head_.body.clear();
}

absl::Status BodyPipe::write(std::string_view bytes) {
  std::unique_lock lock(mutex_);
  if (gone_) return absl::CancelledError("the client has gone");
  buffer_.append(bytes);
  high_water_ = std::max(high_water_, buffer_.size());
  if (sender_waiting_) {
    sender_waiting_ = false;
    hooks_.resume();
  }
  if (!started_ && buffer_.size() >= limit_) {
    started_ = true;
    hooks_.start();
  }
  drained_.wait(lock, [this] { return gone_ || !started_ || buffer_.size() < limit_; });
  if (gone_) return absl::CancelledError("the client has gone");
  return absl::OkStatus();
}

bool BodyPipe::started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

void BodyPipe::replace(Response answer) {
  std::lock_guard lock(mutex_);
  if (!started_) replacement_ = std::move(answer);
}

std::optional<Response> BodyPipe::finish(const absl::Status& status) {
  std::lock_guard lock(mutex_);
  if (!started_) {
    if (replacement_) return std::move(*replacement_);
    if (!status.ok()) return Response{.status = 500, .body = "{}"};
    Response whole = head_;
    whole.body = std::move(buffer_);
    return whole;
  }
  end_ = status.ok() ? End::kOk : End::kFailed;
  if (sender_waiting_ && !gone_) {
    sender_waiting_ = false;
    hooks_.resume();
  }
  return std::nullopt;
}

BodyPipe::Take BodyPipe::take(char* out, std::size_t max, std::size_t& taken) {
  std::lock_guard lock(mutex_);
  if (!buffer_.empty()) {
    taken = std::min(max, buffer_.size());
    std::memcpy(out, buffer_.data(), taken);
    buffer_.erase(0, taken);
    drained_.notify_all();
    return Take::kBytes;
  }
  if (end_ == End::kOk) return Take::kEnd;
  if (end_ == End::kFailed) return Take::kFailed;
  sender_waiting_ = true;
  hooks_.suspend();
  return Take::kWait;
}

void BodyPipe::gone() {
  {
    std::lock_guard lock(mutex_);
    gone_ = true;
    sender_waiting_ = false;
  }
  drained_.notify_all();
}

std::size_t BodyPipe::high_water() const {
  std::lock_guard lock(mutex_);
  return high_water_;
}

}  // namespace datamesh::server
