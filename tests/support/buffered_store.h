// A Store that runs every write transaction as the AWS store does, with another store standing
// in for AWS: the body runs on a store::aws::BufferedTransaction over the wrapped store's
// transaction, and when it succeeds its buffered writes are applied (apply_writes) to that same
// transaction, which then commits. A body that fails leaves the wrapped transaction unwritten.
// Read transactions pass straight through.
//
// The store conformance suite runs over it (backend buffered_sqlite): every test there then
// checks the buffer's read-your-writes, its write checks and the order of its writes.
// Thread-safety: that of the wrapped store.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "base/status_macros.h"
#include "core/store.h"
#include "store/aws/buffered_transaction.h"

namespace datamesh::test_support {

class BufferedStore final : public store::Store {
 public:
  explicit BufferedStore(std::unique_ptr<store::Store> wrapped) : wrapped_(std::move(wrapped)) {}

  absl::Status run_body(store::TxMode mode,
                        const std::function<absl::Status(store::Transaction&)>& body) override {
    if (mode == store::TxMode::kRead) return wrapped_->run(mode, body);
    return wrapped_->run(mode, [&](store::Transaction& tx) -> absl::Status {
      store::aws::BufferedTransaction buffered(tx);
      DATAMESH_RETURN_IF_ERROR(body(buffered));
      return store::aws::apply_writes(buffered.writes(), tx);
    });
  }

 private:
  std::unique_ptr<store::Store> wrapped_;
};

}  // namespace datamesh::test_support
