#include "server/connection_deadlines.h"

#include <sys/socket.h>

namespace datamesh::server {

struct ConnectionDeadlines::Connection {
  int fd;
  Phase phase = Phase::kHead;
  Clock::time_point since;
  bool shut_down = false;  // once shut down, never again, and never counted twice
};

ConnectionDeadlines::~ConnectionDeadlines() {
  for (Connection* connection : open_) delete connection;
}

ConnectionDeadlines::Connection* ConnectionDeadlines::opened(int fd, Clock::time_point now) {
  auto* connection = new Connection{.fd = fd, .since = now};
  std::lock_guard lock(mutex_);
  open_.insert(connection);
  if (limits_.high_water > 0 && open_.size() > static_cast<size_t>(limits_.high_water)) {
    // Room for this one: the connection that has waited longest for a head goes.
    Connection* oldest = nullptr;
    for (Connection* candidate : open_) {
      if (candidate == connection || candidate->shut_down || candidate->phase != Phase::kHead) {
        continue;
      }
      if (oldest == nullptr || candidate->since < oldest->since) oldest = candidate;
    }
    if (oldest != nullptr) {
      shut_down(*oldest);
      ++counts_.evicted;
    }
  }
  return connection;
}

void ConnectionDeadlines::entered(Connection* connection, Phase phase, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  connection->phase = phase;
  connection->since = now;
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
    if (connection->phase == Phase::kHead && limits_.head.count() > 0 &&
        now - connection->since > limits_.head) {
      shut_down(*connection);
      ++counts_.head_deadline;
    } else if (connection->phase == Phase::kBody && limits_.body.count() > 0 &&
               now - connection->since > limits_.body) {
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
