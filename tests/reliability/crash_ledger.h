// What the crash tests' clients were told, and whether the audit log agrees.
//
// A ledger entry is one call of the workload: its intent, and its outcome when the caller saw
// one. A call whose process was killed, or whose connection to a killed server was lost, has an
// unknown outcome: it may or may not have been committed. The embedded test's child writes its
// ledger to a file, one line before each call and one after it returns (followed by fdatasync),
// so the file holds every acknowledged call even though the child dies by SIGKILL; a torn last
// line is ignored. Not thread-safe: one writer per file.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "reliability/crash_workload.h"

namespace datamesh::reliability {

struct LedgerEntry {
  Intent intent;
  std::optional<absl::StatusCode> code;  // nullopt: the outcome is unknown
  std::string returned_id;               // the SubscriptionId a successful request answered
  std::string message;                   // of a failed call
};

class LedgerFile final : public WorkloadObserver {
 public:
  // Appends to `path`, creating it. Errors from open(2), naming the file.
  static absl::StatusOr<std::unique_ptr<LedgerFile>> open(const std::filesystem::path& path);
  ~LedgerFile() override;

  void before(const Intent& intent) override;
  void after(const Intent& intent, const absl::Status& status,
             const std::string& returned_id) override;

  // Runs in after() before the outcome is written: the crash test kills the process there, so
  // a committed change is never acknowledged.
  std::function<void()> before_acknowledging;

 private:
  explicit LedgerFile(int fd) : fd_(fd) {}
  void write_line(const std::string& line, bool sync);
  int fd_;
  int64_t calls_ = 0;
};

// Cuts a torn last line (no newline: the writer died writing it) off the ledger file, so that
// the next writer starts on a line of its own. A missing file is fine.
absl::Status drop_torn_line(const std::filesystem::path& path);

// The entries of a ledger file, in order.
absl::StatusOr<std::vector<LedgerEntry>> read_ledger(const std::filesystem::path& path);

// Differences between the calls and the audit events they made (events of other actions, or
// before the workload, must not be given). For each (action, subscription, caller):
//   audited = acknowledged + u, with 0 <= u <= the calls with an unknown outcome
// and for requests: each subscription a successful request answered was created by exactly one
// request event, by the consumer that asked; any other request event is owed to a request with
// an unknown outcome by the same consumer (one event each at most).
std::vector<std::string> check_ledger(const std::vector<LedgerEntry>& entries,
                                      const std::vector<AuditEvent>& events);

}  // namespace datamesh::reliability
