// The body of a streamed answer (http_transport.h BodyWriter) on its way from the worker thread
// that produces it to the event loop that sends it, through a bounded buffer.
//
// The producer writes; while the answer has not started to leave, everything stays here, so a
// small answer or a failure before the first byte is still answered whole (finish()). Once the
// buffer holds `limit` bytes the answer starts (Hooks::start) and from then on write() waits
// while the buffer is full. The sender takes bytes as the socket can take them; when there are
// none yet it is suspended (Hooks::suspend) and resumed (Hooks::resume) by the next write or the
// end. The hooks are called under the pipe's lock, which orders each suspend before its resume.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "server/http_transport.h"

namespace datamesh::server {

class BodyPipe final : public BodyWriter {
 public:
  struct Hooks {
    std::function<void()> start;    // producer's thread: the answer's head must leave now
    std::function<void()> suspend;  // sender's thread: it waits for bytes (take() said kWait)
    std::function<void()> resume;   // producer's thread: bytes or the end came for the sender
  };
  // head: the status, content type and headers of the answer.
  BodyPipe(std::size_t limit, Response head, Hooks hooks);

  // BodyWriter.
  absl::Status write(std::string_view bytes) override;
  bool started() const override;
  void replace(Response answer) override;

  // The producer returned `status`. Before the answer started: the whole answer to send (the
  // replacement, else the head with what was written, else for a failure a bare 500). After:
  // nullopt, and the sender is told the end (kEnd, or kFailed for a failure).
  std::optional<Response> finish(const absl::Status& status);
  const Response& head() const { return head_; }

  enum class Take { kBytes, kWait, kEnd, kFailed };
  // The sender's side: up to `max` bytes into `out` (kBytes, `taken` set), or kWait (suspend
  // was called; the sender is resumed when there is more), or the end of the body.
  Take take(char* out, std::size_t max, std::size_t& taken);
  // The connection is over (sent, or closed early): write() answers Cancelled from now on and
  // no hook is called again.
  void gone();

  // The most bytes the buffer ever held: at most limit plus one write.
  std::size_t high_water() const;

 private:
  const std::size_t limit_;
  Response head_;
  const Hooks hooks_;

  mutable std::mutex mutex_;
  std::condition_variable drained_;
  std::string buffer_;  // written, not yet taken
  bool started_ = false;
  bool sender_waiting_ = false;
  bool gone_ = false;
  enum class End { kNone, kOk, kFailed } end_ = End::kNone;
  std::optional<Response> replacement_;
  std::size_t high_water_ = 0;
};

}  // namespace datamesh::server
