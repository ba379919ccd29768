// A fixed set of threads running posted jobs in order of arrival. `datamesh serve` hands every
// call that may touch the store to it, so that a store call that waits (for the write lock, for
// the disk) holds a worker, never the HTTP event loop.
//
// Thread-safety: post() may be called from any thread. The destructor runs every job already
// posted, then joins the threads; post() after the destructor has begun is a programming error.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace datamesh::server {

class WorkerPool {
 public:
  // Precondition: threads >= 1.
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> job);
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace datamesh::server
