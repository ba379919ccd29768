// A Store that hands every transaction to another store and then rolls it back, for fuzz
// targets that must leave the state they run against unchanged: each call sees exactly the
// seeded mesh, so a run is a pure function of its input. While `seeding` is on, transactions
// commit normally (to build that mesh). Not a store for anything but tests: nothing is kept.
#pragma once

#include <memory>
#include <utility>

#include "core/store.h"

namespace datamesh::fuzz {

class RollbackStore final : public store::Store {
 public:
  explicit RollbackStore(std::unique_ptr<store::Store> inner) : inner_(std::move(inner)) {}

  void set_seeding(bool seeding) { seeding_ = seeding; }

  absl::Status run_body(store::TxMode mode,
                        const std::function<absl::Status(store::Transaction&)>& body) override {
    if (seeding_) return inner_->run(mode, body);
    absl::Status result;
    const absl::Status ran = inner_->run(mode, [&](store::Transaction& tx) {
      result = body(tx);
      // Failing the body is the only way the Store interface offers to roll back; a code the
      // inner store never retries, told apart from the body's own failures by `result`.
      return result.ok() ? absl::CancelledError("rolled back by RollbackStore") : result;
    });
    return result.ok() && absl::IsCancelled(ran) ? absl::OkStatus() : ran;
  }

 private:
  std::unique_ptr<store::Store> inner_;
  bool seeding_ = true;
};

}  // namespace datamesh::fuzz
