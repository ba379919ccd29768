#include "server/connection_deadlines.h"

#include <sys/socket.h>

#include <atomic>

namespace datamesh::server {

// `phase` and `since` change on the connection's event-loop thread without the registry's
// mutex (three times a request, so the hot path takes no lock) and are read by sweep() and
// opened() under it. entered() stores `since` before `phase` (release) and readers load
// `phase` first (acquire): a reader that sees the new phase sees its start, and one that sees
// the old phase with the new start only closes the connection later, never early.
struct ConnectionDeadlines::Connection {
  explicit Connection(int fd, Clock::time_point now) : fd(fd), since(now.time_since_epoch()) {}

  const int fd;
  std::atomic<Phase> phase{Phase::kHead};
  std::atomic<Clock::duration> since;
  bool shut_down = false;  // guarded by the mutex: once shut down, never again nor counted twice
};

ConnectionDeadlines::~ConnectionDeadlines() {
  for (Connection* connection : open_) delete connection;
}

ConnectionDeadlines::Connection* ConnectionDeadlines::opened(int fd, Clock::time_point now) {
  auto* connection = new Connection(fd, now);
  std::lock_guard lock(mutex_);
  open_.insert(connection);
  if (limits_.high_water > 0 && open_.size() > static_cast<size_t>(limits_.high_water)) {
    // Room for this one: the connection that has waited longest for a head goes.
    Connection* oldest = nullptr;
    Clock::duration oldest_since{};
    for (Connection* candidate : open_) {
      if (candidate == connection || candidate->shut_down ||
          candidate->phase.load(std::memory_order_acquire) != Phase::kHead) {
        continue;
      }
      const Clock::duration since = candidate->since.load(std::memory_order_relaxed);
      if (oldest == nullptr || since < oldest_since) {
        oldest = candidate;
        oldest_since = since;
      }
    }
    if (oldest != nullptr) {
      shut_down(*oldest);
      ++counts_.evicted;
    }
  }
  return connection;
}

void ConnectionDeadlines::entered(Connection* connection, Phase phase, Clock::time_point now) {
  connection->since.store(now.time_since_epoch(), std::memory_order_relaxed);
  connection->phase.store(phase, std::memory_order_release);
}

void ConnectionDeadlines::closed(Connection* connection) {
  {
    std::lock_guard lock(mutex_);
    open_.erase(connection);
  }
  delete connection;
}

void ConnectionDeadlines::sweep(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  for (Connection* connection : open_) {
    if (connection->shut_down) continue;
    const Phase phase = connection->phase.load(std::memory_order_acquire);
    const Clock::time_point since(connection->since.load(std::memory_order_relaxed));
    if (phase == Phase::kHead && limits_.head.count() > 0 && now - since > limits_.head) {
      shut_down(*connection);
      ++counts_.head_deadline;
    } else if (phase == Phase::kBody && limits_.body.count() > 0 && now - since > limits_.body) {
      shut_down(*connection);
      ++counts_.body_deadline;
    }
  }
}

ConnectionDeadlines::Counts ConnectionDeadlines::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void ConnectionDeadlines::shut_down(Connection& connection) {
  // Both directions: the client's next send fails and libmicrohttpd's next read ends.
  ::shutdown(connection.fd, SHUT_RDWR);
  connection.shut_down = true;
}

}  // namespace datamesh::server
