// BatchStore: a Store whose run() calls share one transaction of the store it wraps, so that
// the scale benchmark can populate a mesh of a million subscriptions in minutes by calling the
// engine's own methods, many per commit. The rows and audit events are exactly those the engine
// writes for each call through the public API; only the commits are fewer.
//
// Not for production: a method that fails half-way leaves its writes in the batch, so batch()
// rolls the whole batch back on the first error. Thread-safety: one thread at a time; run()
// outside batch() passes straight through to the wrapped store.
#pragma once

#include <functional>

#include "absl/status/status.h"
#include "core/store.h"

namespace datamesh::bench {

class BatchStore final : public store::Store {
 public:
  explicit BatchStore(store::Store& inner) : inner_(inner) {}

  // Runs fill inside one write transaction of the wrapped store; every run() made meanwhile
  // uses that transaction. Commits when fill returns OK, rolls back otherwise (fill's error).
  absl::Status batch(const std::function<absl::Status()>& fill);

  absl::Status run_body(store::TxMode mode,
                        const std::function<absl::Status(store::Transaction&)>& body) override;

 private:
  store::Store& inner_;
  store::Transaction* current_ = nullptr;  // set while batch() runs
};

}  // namespace datamesh::bench
