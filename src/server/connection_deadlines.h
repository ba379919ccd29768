// Total deadlines for a connection's request head and body, and room kept for new clients:
// what `datamesh serve` does against clients that connect and then trickle (docs/SECURITY.md
// "Abuse resistance").
//
// libmicrohttpd's own timeout (MHD_OPTION_CONNECTION_TIMEOUT) counts idle time only, so a
// client sending one header line every second never trips it, and 0.9.75 has no option for a
// total. The transport therefore tells this registry when each connection opens, changes phase
// and closes (MHD_OPTION_NOTIFY_CONNECTION and the request callbacks), and sweep() shuts down
// the socket of every connection whose phase outlived its deadline. shutdown(2), not close(2):
// the descriptor stays libmicrohttpd's, which sees the end of the stream on its next read and
// closes the connection its own way; and since libmicrohttpd reports a connection closed
// before it closes the descriptor, and both go through this registry's mutex, a descriptor is
// never shut down after it could have been reused.
//
// Room for new clients: once more than `high_water` connections are open, each new one shuts
// down the connection that has waited longest for a request head (a trickler, or an idle
// keep-alive connection whose client will reconnect), or, when no connection waits for a
// head, the one whose body has been arriving longest (at least kBodyEvictableAfter: a body
// trickled to hold a slot, not one being sent at the speed of the network), so that slow or
// silent connections cannot hold every slot up to the transport's cap while a client with a
// request to send is kept out. sweep() makes the same room while more than `high_water` are
// open: bodies opened too fast to be evicted as they came could otherwise fill the cap, and a
// client past it is not even accepted to make room.
//
// Thread-safe: opened, closed, sweep and counts take the registry's mutex (the event-loop
// threads open and close connections; a timer thread sweeps); entered takes none and must be
// called on the thread that owns the connection (its event-loop thread), between opened and
// closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_set>

namespace datamesh::server {

class ConnectionDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    // From the connection's start (or the end of its previous answer) to its last header.
    std::chrono::seconds head{10};
    // From the last header to the last byte of the body.
    std::chrono::seconds body{60};
    // Connections open beyond this make room by closing the longest-waiting head. 0 = never.
    int high_water = 0;
  };

  enum class Phase {
    kHead,    // waiting for (the rest of) a request line and headers
    kBody,    // headers in, body arriving
    kAnswer,  // request in: being answered, or the answer being written (no deadline here)
  };

  // What sweep() and opened() have closed so far.
  struct Counts {
    uint64_t head_deadline = 0;
    uint64_t body_deadline = 0;
    uint64_t evicted = 0;
  };

  struct Connection;  // opaque to the transport: a handle from opened(), valid until closed()

  // How long a body must have been arriving before its connection may be evicted.
  static constexpr std::chrono::seconds kBodyEvictableAfter{1};

  explicit ConnectionDeadlines(Limits limits) : limits_(limits) {}
  ~ConnectionDeadlines();
  ConnectionDeadlines(const ConnectionDeadlines&) = delete;
  ConnectionDeadlines& operator=(const ConnectionDeadlines&) = delete;

  // A connection on socket `fd` opened, in phase kHead. Makes room as the header says.
  Connection* opened(int fd, Clock::time_point now);
  // The connection entered `phase` at `now`. Lock-free (see the header comment).
  void entered(Connection* connection, Phase phase, Clock::time_point now);
  // The connection is closing; the handle is freed. Must come before its fd is closed.
  void closed(Connection* connection);
  // Shuts down every connection past its phase's deadline at `now`, then evicts as opened()
  // does while more than `high_water` stay open.
  void sweep(Clock::time_point now);

  Counts counts() const;

 private:
  void shut_down(Connection& connection);
  // Shuts down the connection room is made from (see the header comment), other than
  // `spare`; false when there is none. Requires mutex_.
  bool evict_one(Clock::time_point now, const Connection* spare);

  const Limits limits_;
  mutable std::mutex mutex_;
  std::unordered_set<Connection*> open_;  // guarded by mutex_; owns its elements
  Counts counts_;                         // guarded by mutex_
};

}  // namespace datamesh::server
