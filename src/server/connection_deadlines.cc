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
    evict_one(now, connection);  // room for this one
  }
  return connection;
}

bool ConnectionDeadlines::evict_one(Clock::time_point now, const Connection* spare) {
  // The connection that has waited longest for a head goes, else the one whose body has been
  // arriving longest, if for kBodyEvictableAfter at least.
  Connection* oldest_head = nullptr;
  Connection* oldest_body = nullptr;
  const Clock::duration body_since_before = (now - kBodyEvictableAfter).time_since_epoch();
  for (Connection* candidate : open_) {
    if (candidate == spare || candidate->shut_down) continue;
    const Phase phase = candidate->phase.load(std::memory_order_acquire);
    const Clock::duration since = candidate->since.load(std::memory_order_relaxed);
    const auto older = [&](Connection* than) {
      return than == nullptr || since < than->since.load(std::memory_order_relaxed);
    };
    if (phase == Phase::kHead && older(oldest_head)) oldest_head = candidate;
    if (phase == Phase::kBody && since <= body_since_before && older(oldest_body)) {
      oldest_body = candidate;
    }
  }
  Connection* evicted = oldest_head != nullptr ? oldest_head : oldest_body;
  if (evicted == nullptr) return false;
  shut_down(*evicted);
  ++counts_.evicted;
  return true;
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
  std::size_t live = 0;
  for (Connection* connection : open_) {
    if (connection->shut_down) continue;
    ++live;
    const Phase phase = connection->phase.load(std::memory_order_acquire);
    const Clock::time_point since(connection->since.load(std::memory_order_relaxed));
    if (phase == Phase::kHead && limits_.head.count() > 0 && now - since > limits_.head) {
      shut_down(*connection);
      ++counts_.head_deadline;
      --live;
    } else if (phase == Phase::kBody && limits_.body.count() > 0 && now - since > limits_.body) {
      shut_down(*connection);
      ++counts_.body_deadline;
      --live;
    }
  }
  // Connections opened while none could be evicted (bodies that had not been arriving long
  // enough) may fill every slot, and then no new connection is even accepted to make room:
  // room is made here too, back down to the high-water mark.
  if (limits_.high_water > 0) {
    while (live > static_cast<std::size_t>(limits_.high_water) && evict_one(now, nullptr)) --live;
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
