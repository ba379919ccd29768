// Both store adapters refuse a transaction body that calls its store's run() again on the same
// thread: it would wait for its own write lock (or hold a second connection) forever.
#pragma once

#include <algorithm>
#include <vector>

#include "core/store.h"

namespace datamesh::store {

// Marks `store`'s run() as on this thread's stack while the guard lives, unless it already was
// (reentered(): the caller refuses the call and the guard leaves the mark to its owner).
class RunGuard {
 public:
  explicit RunGuard(const Store* store)
      : reentered_(std::find(running().begin(), running().end(), store) != running().end()) {
    if (!reentered_) running().push_back(store);
  }
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;
  ~RunGuard() {
    if (!reentered_) running().pop_back();
  }

  bool reentered() const { return reentered_; }

 private:
  // The stores whose run() is on this thread's stack, innermost last.
  static std::vector<const Store*>& running() {
    thread_local std::vector<const Store*> stores;
    return stores;
  }

  const bool reentered_;
};

}  // namespace datamesh::store
