// A fixed set of threads running posted jobs. `datamesh serve` hands every call that may touch
// the store to it, so that a store call that waits (for the write lock, for the disk) holds a
// worker, never the HTTP event loop.
//
// Fair between clients: each job carries a key (the access key it claims to be signed with; the
// client's address when unsigned), jobs of one key run in order of arrival, the keys with jobs
// waiting take turns, and one key runs at most `max_running_per_key` jobs at once. So a client
// that sends costly calls on many connections holds some of the workers, never all of them:
// another client's call starts as soon as a worker is free instead of queuing behind them.
// The key is not verified here (the job does that); claiming another client's key only puts the
// claimant in that client's turn, where its unsigned job fails in microseconds.
//
// Thread-safety: post() may be called from any thread. The destructor runs every job already
// posted, then joins the threads; post() after the destructor has begun is a programming error.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace datamesh::server {

class WorkerPool {
 public:
  // Preconditions: threads >= 1, max_running_per_key >= 1.
  WorkerPool(int threads, int max_running_per_key);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::string key, std::function<void()> job);
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  struct KeyJobs {
    std::deque<std::function<void()>> waiting;
    int running = 0;
    bool in_turn = false;  // listed in turns_
  };

  void run();
  // Lists `key` in turns_ when it has a job waiting and room to run it. Requires mutex_.
  void offer_turn(const std::string& key, KeyJobs& jobs);

  const int max_running_per_key_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::unordered_map<std::string, KeyJobs> keys_;  // keys with jobs waiting or running
  std::deque<std::string> turns_;                   // keys that may start a job, in turn
  bool stopping_ = false;                           // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace datamesh::server
