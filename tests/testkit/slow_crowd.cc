#include "testkit/slow_crowd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/text.h"

namespace datamesh::testkit {

using base::cat;

absl::Status raise_fd_limit(int wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return absl::InternalError("getrlimit failed");
  const auto want = static_cast<rlim_t>(wanted);
  if (limit.rlim_cur >= want) return absl::OkStatus();
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < want) {
    return absl::FailedPreconditionError(
        cat("the hard limit of open files is ", limit.rlim_max, ", below ", wanted));
  }
  limit.rlim_cur = want;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return absl::InternalError("setrlimit failed");
  return absl::OkStatus();
}

SlowCrowd::SlowCrowd(Options options)
    : options_(std::move(options)), slots_(static_cast<size_t>(options_.connections)) {
  thread_ = std::thread([this] { run(); });
}

SlowCrowd::~SlowCrowd() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stop_changed_.notify_all();
  thread_.join();
  for (Slot& slot : slots_) {
    if (slot.fd >= 0) ::close(slot.fd);
  }
}

SlowCrowd::Counts SlowCrowd::counts() const {
  return Counts{.connects = connects_.load(),
                .closed_by_server = closed_by_server_.load(),
                .lines_sent = lines_sent_.load()};
}

void SlowCrowd::run() {
  // The slots are split in ten groups served a tenth of an interval apart, so that the lines
  // arrive as a steady trickle rather than in bursts.
  constexpr int kGroups = 10;
  const auto step = options_.line_interval / kGroups;
  auto next = std::chrono::steady_clock::now();
  for (int group = 0;; group = (group + 1) % kGroups) {
    for (size_t i = static_cast<size_t>(group); i < slots_.size(); i += kGroups) tick(slots_[i]);
    next += step;
    std::unique_lock lock(mutex_);
    if (stop_changed_.wait_until(lock, next, [this] { return stop_; })) return;
  }
}

void SlowCrowd::open(Slot& slot) {
  slot = Slot{};
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(options_.port));
  if (::inet_pton(AF_INET, options_.source.c_str(), &local.sin_addr) != 1 ||
      ::inet_pton(AF_INET, options_.host.c_str(), &server.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd);
    return;
  }
  ++connects_;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0 &&
      errno != EINPROGRESS) {
    ::close(fd);
    return;
  }
  slot.fd = fd;
}

void SlowCrowd::drop(Slot& slot) {
  ::close(slot.fd);
  slot = Slot{};
  ++closed_by_server_;
}

void SlowCrowd::tick(Slot& slot) {
  if (slot.fd < 0) {
    open(slot);
    return;
  }
  // The server never answers an unfinished head: any byte to read is the end of the stream.
  char byte;
  const ssize_t got = ::recv(slot.fd, &byte, 1, MSG_DONTWAIT);
  if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN)) {
    drop(slot);
    return;
  }
  const std::string line =
      slot.started ? std::string("X-Trickle: still coming\r\n")
                   : cat("GET /healthz HTTP/1.1\r\nHost: ", options_.host, "\r\n");
  const ssize_t sent = ::send(slot.fd, line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (sent == static_cast<ssize_t>(line.size())) {
    slot.started = true;
    ++lines_sent_;
  } else if (sent < 0 && (errno == EPIPE || errno == ECONNRESET || errno == ECONNREFUSED)) {
    drop(slot);
  }
  // Else still connecting (EAGAIN, ENOTCONN) or a full buffer: the next tick tries again.
}

}  // namespace datamesh::testkit
