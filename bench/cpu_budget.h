// A CPU budget for some processes of the benchmark: a Linux cgroup whose CPU quota is a
// fraction of one core, so that a `datamesh serve` replica can be given the share of the machine
// it would have on a machine of its own. Two replicas with a budget each then show what a second
// replica adds when the replicas, not the shared cores, are what runs out (docs/PERFORMANCE.md).
//
// cgroup v1 (/sys/fs/cgroup/cpu) and v2 (cpu.max) are both supported; creating one needs the
// right to write there (root, as in the CI container). Not thread-safe; one object per budget.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace datamesh::bench {

class CpuBudget {
 public:
  // A new cgroup named `name` allowed `cores` CPUs' worth of time (e.g. 0.5) per 100 ms period.
  // FailedPrecondition saying why when the machine has no writable cpu controller;
  // InvalidArgument when cores is not above 0.
  static absl::StatusOr<std::unique_ptr<CpuBudget>> create(const std::string& name, double cores);

  CpuBudget(const CpuBudget&) = delete;
  CpuBudget& operator=(const CpuBudget&) = delete;
  // Removes the cgroup; its processes must have ended (or moved) by then, or it stays behind.
  ~CpuBudget();

  // Moves process `pid` (all its threads) under the budget.
  absl::Status add(pid_t pid);
  double cores() const { return cores_; }

 private:
  CpuBudget(std::string directory, double cores)
      : directory_(std::move(directory)), cores_(cores) {}

  std::string directory_;
  double cores_;
};

}  // namespace datamesh::bench
