// Fairness between access keys on one `datamesh serve`: at most `max_concurrent` calls of one
// key run at once, and each key spends tokens from a bucket of `burst` refilled at `rate` per
// second, one per call. A call over either limit is refused (HTTP 429, ThrottlingException,
// Retry-After) before it touches the store; other keys are not affected.
//
// Only keys whose signature has been verified are counted, so nobody can spend another key's
// budget by naming it, and the table holds at most one entry per key of the mesh.
//
// Thread-safe (one mutex; every call holds it for a few map operations).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace datamesh::server {

class KeyThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    int max_concurrent = 0;  // calls of one key running at once; 0 = no limit
    double rate = 0;         // calls per second one key may sustain; 0 = no limit
    double burst = 0;        // calls one key may make at once after being idle (>= 1)
  };

  enum class Limit { kConcurrency, kRate };

  // Why a call was refused, and how long the caller should wait before retrying.
  struct Refusal {
    Limit limit;
    std::chrono::seconds retry_after;
    std::string message;  // names the limit, its value and the wait
  };

  // A call admitted: its key's running count goes back down when the Pass is destroyed.
  class Pass {
   public:
    Pass() = default;
    Pass(Pass&& other) noexcept : throttle_(other.throttle_), key_(std::move(other.key_)) {
      other.throttle_ = nullptr;
    }
    Pass& operator=(Pass&&) = delete;
    ~Pass();

   private:
    friend class KeyThrottle;
    KeyThrottle* throttle_ = nullptr;
    std::string key_;
  };

  explicit KeyThrottle(Limits limits) : limits_(limits) {}

  // Admits one call of `access_key_id` at `now` into `pass` (an empty Pass), or says why not
  // (and then takes neither a slot nor a token).
  std::optional<Refusal> admit(std::string_view access_key_id, Clock::time_point now, Pass& pass);

 private:
  struct KeyState {
    int running = 0;
    double tokens = 0;
    Clock::time_point refilled;
  };

  void release(const std::string& key);

  const Limits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, KeyState> keys_;  // guarded by mutex_
};

// "concurrency" or "rate": the label of the limit in messages and metrics.
std::string_view limit_name(KeyThrottle::Limit limit);

}  // namespace datamesh::server
