// A Store that wraps another and fails chosen store calls, for fault-injection tests (after
// LevelDB's fault_injection_test, which wraps its Env the same way).
//
// Every Transaction call made through the wrapper is forwarded to the wrapped store's
// transaction and counted, so a test can first run a method once to learn how many store calls
// it makes, then run it again with the Nth of them failing. Four kinds of position, each counted
// from the last arm()/disarm():
//   kBegin   the Nth run(): fails before the body runs (SQLite: BEGIN found the disk failing)
//   kCall    the Nth Transaction call of any method returns the fault instead of running
//   kWrite   the Nth write call (put_*, delete_*, insert_*, update_*, append_*) fails, and so does
//            every later write and every commit until disarm(): a disk that filled up stays full
//   kCommit  the Nth write transaction whose body returned OK fails to commit: the body's
//            writes are rolled back by the wrapped store, as after a failed COMMIT
// A failing call never reaches the wrapped store, so the wrapped transaction sees the body
// return the fault and rolls back. The wrapped store's own retry of Aborted bodies applies.
//
// force_retries() makes every transaction run its body twice, as a store does after a lost race
// (both stores) or a lost connection (PostgreSQL, reads too): the first time the body returns OK
// the wrapper answers Aborted instead, so the wrapped store rolls back and runs the body again,
// and the second run is the one that counts. Results a body leaks from its first run show up.
//
// A hook may also watch every call (e.g. to kill the process at a chosen one).
// Thread-safety: run() may be called from several threads; the counters are shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/store.h"

namespace datamesh::test_support {

enum class FaultPosition { kBegin, kCall, kWrite, kCommit };

std::string_view position_name(FaultPosition position);

// How many positions of each kind one run saw.
struct FaultCounts {
  int64_t begins = 0;
  int64_t calls = 0;
  int64_t writes = 0;
  int64_t commits = 0;
  int64_t first_write_call = 0;  // the call number of the first write; 0 when none
  int64_t write_begins = 0;      // how many of the begins were write transactions (not a position)

  int64_t of(FaultPosition position) const;
  int64_t total() const { return begins + calls + writes + commits; }
};

class FaultStore final : public store::Store {
 public:
  // Called before each Transaction call is forwarded (or failed): its 1-based number since the
  // last arm()/disarm(), the method's name, and the number of the write it is (0 for a read).
  using CallHook = std::function<void(int64_t call, std::string_view method, int64_t write)>;

  explicit FaultStore(std::unique_ptr<store::Store> inner);
  // Wraps a store the caller keeps, which must outlive this one.
  explicit FaultStore(store::Store& inner);

  // Counts from zero again and injects nothing.
  void disarm();
  // Counts from zero again; the `n`th (1-based) position of kind `position` fails with `fault`.
  void arm(FaultPosition position, int64_t n, absl::Status fault);
  void set_call_hook(CallHook hook);
  // While on, every transaction whose body returns OK loses a race once (see the top) and runs
  // again; run() fails with Internal when the wrapped store does not run it again. Stays as set
  // across arm()/disarm().
  void force_retries(bool on);
  // Bodies run a second time by force_retries since the last arm()/disarm().
  int64_t forced_retries() const;
  // From now on, the write calls of `method` ("delete_grant", ...) answer OK without reaching
  // the wrapped store: a store that reports a change made that did not take. Stays across
  // arm()/disarm().
  void drop_writes_of(std::string method);
  bool drops(std::string_view method) const;

  FaultCounts counts() const;
  // How many faults were injected since the last arm() (a kWrite fault counts once, however
  // many later writes and commits it also fails).
  int injected() const;
  // "get_subscription, put_grant, ..." in call order since the last arm()/disarm(): messages
  // name the failing call with it.
  std::vector<std::string> trace() const;

  absl::Status run_body(store::TxMode mode,
                        const std::function<absl::Status(store::Transaction&)>& body) override;

  // Used by the wrapping transaction: the status a call of `method` gets before it is
  // forwarded (OK = forward it).
  absl::Status on_call(std::string_view method, bool is_write);

 private:
  absl::Status on_commit();

  std::unique_ptr<store::Store> owned_;  // null when the caller keeps the wrapped store
  store::Store* inner_;
  mutable std::mutex mutex_;
  FaultCounts counts_;
  std::vector<std::string> trace_;
  FaultPosition position_ = FaultPosition::kCall;
  int64_t fail_at_ = 0;  // 0: nothing armed
  absl::Status fault_;
  bool disk_full_ = false;  // a kWrite fault fired: later writes and commits fail too
  int injected_ = 0;
  bool force_retries_ = false;
  int64_t forced_retries_ = 0;
  std::shared_ptr<CallHook> hook_;  // shared, so that a hook's own state persists across calls
  std::vector<std::string> dropped_;  // methods whose writes are dropped
};

}  // namespace datamesh::test_support
