// The slow-connection attack of issue 15, as a test or a benchmark runs it: many connections
// from one source address, each sending a request head one header line at a time and never
// finishing it, reconnecting whenever the server closes it (an attacker keeps the pressure
// on). Shared by tests/server/abuse_test.cc, which checks that other clients keep being
// answered, and datamesh_bench's slow-clients mode, which measures how fast.
//
// One thread drives every connection with non-blocking sockets, so 2,000 connections cost one
// thread; the process needs a descriptor limit above `connections` (raise_fd_limit).
// Thread-safe: counts() from any thread; the crowd stops and closes everything when destroyed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace datamesh::testkit {

// Raises this process's soft limit of open descriptors to at least `wanted` (up to the hard
// limit). FailedPrecondition when the hard limit is lower.
absl::Status raise_fd_limit(int wanted);

class SlowCrowd {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string source = "127.0.0.1";  // the one address every connection comes from
    int connections = 2000;
    // Each connection sends one header line per interval.
    std::chrono::milliseconds line_interval{1000};
  };

  struct Counts {
    uint64_t connects = 0;          // connections attempted (first ones and reconnections)
    uint64_t closed_by_server = 0;  // ends of stream or resets seen (each then reconnects)
    uint64_t lines_sent = 0;        // header lines the server took
  };

  explicit SlowCrowd(Options options);  // starts at once
  ~SlowCrowd();
  SlowCrowd(const SlowCrowd&) = delete;
  SlowCrowd& operator=(const SlowCrowd&) = delete;

  Counts counts() const;

 private:
  struct Slot {
    int fd = -1;
    bool started = false;  // the request line is sent
  };

  void run();
  void open(Slot& slot);
  void drop(Slot& slot);
  void tick(Slot& slot);

  const Options options_;
  std::vector<Slot> slots_;  // used by the thread only
  std::atomic<uint64_t> connects_{0};
  std::atomic<uint64_t> closed_by_server_{0};
  std::atomic<uint64_t> lines_sent_{0};
  std::mutex mutex_;
  std::condition_variable stop_changed_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace datamesh::testkit
