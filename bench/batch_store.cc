#include "batch_store.h"

namespace datamesh::bench {

absl::Status BatchStore::batch(const std::function<absl::Status()>& fill) {
  if (current_ != nullptr) {
    return absl::FailedPreconditionError("BatchStore::batch called inside a batch");
  }
  absl::Status status = inner_.run(store::TxMode::kWrite, [&](store::Transaction& tx) {
    current_ = &tx;
    absl::Status filled = fill();
    current_ = nullptr;
    return filled;
  });
  current_ = nullptr;
  return status;
}

absl::Status BatchStore::run_body(
    store::TxMode mode, const std::function<absl::Status(store::Transaction&)>& body) {
  if (current_ == nullptr) return inner_.run(mode, body);
  // A read body in the batch's write transaction sees the batch's own writes, as it would see
  // them committed had each call been its own transaction.
  return body(*current_);
}

}  // namespace datamesh::bench
