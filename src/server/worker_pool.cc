#include "server/worker_pool.h"

#include <utility>

namespace datamesh::server {

WorkerPool::WorkerPool(int threads, int max_running_per_key)
    : max_running_per_key_(max_running_per_key) {
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::offer_turn(const std::string& key, KeyJobs& jobs) {
  if (jobs.in_turn || jobs.waiting.empty() || jobs.running >= max_running_per_key_) return;
  jobs.in_turn = true;
  turns_.push_back(key);
}

void WorkerPool::post(std::string key, std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = keys_.try_emplace(std::move(key));
    it->second.waiting.push_back(std::move(job));
    offer_turn(it->first, it->second);
  }
  wake_.notify_one();
}

void WorkerPool::run() {
  while (true) {
    std::function<void()> job;
    std::pair<const std::string, KeyJobs>* entry = nullptr;  // stays valid across rehashes
    {
      std::unique_lock lock(mutex_);
      // Jobs posted before the stop still run: each one is a request some client waits for.
      // Every key with a job waiting is in turns_ or at its limit, and a key at its limit has a
      // job running that offers it a turn when it ends: workers stop only when all is done.
      wake_.wait(lock, [this] { return !turns_.empty() || (stopping_ && keys_.empty()); });
      if (turns_.empty()) return;
      entry = &*keys_.find(turns_.front());
      turns_.pop_front();
      KeyJobs& jobs = entry->second;
      jobs.in_turn = false;
      job = std::move(jobs.waiting.front());
      jobs.waiting.pop_front();
      ++jobs.running;
      offer_turn(entry->first, jobs);  // at the back: the other keys go first
    }
    job();
    bool wake_all = false;
    {
      std::lock_guard lock(mutex_);
      KeyJobs& jobs = entry->second;
      --jobs.running;
      offer_turn(entry->first, jobs);  // this key may have been at its limit
      if (jobs.running == 0 && jobs.waiting.empty()) keys_.erase(keys_.find(entry->first));
      wake_all = stopping_ && keys_.empty();  // the other workers may stop now
    }
    if (wake_all) {
      wake_.notify_all();
    } else {
      wake_.notify_one();
    }
  }
}

}  // namespace datamesh::server
