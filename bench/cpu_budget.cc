#include "cpu_budget.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "base/text.h"

namespace datamesh::bench {
namespace {

using base::cat;

constexpr long kPeriodUs = 100000;
constexpr char kV1Root[] = "/sys/fs/cgroup/cpu";
constexpr char kV2Root[] = "/sys/fs/cgroup";

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

absl::Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  if (!out) {
    return absl::FailedPreconditionError(
        cat("cannot write \"", text, "\" to ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CpuBudget>> CpuBudget::create(const std::string& name,
                                                             double cores) {
  if (!(cores > 0)) {
    return absl::InvalidArgumentError(
        cat("a CPU budget must be above 0 cores, not ", std::to_string(cores)));
  }
  const long quota = static_cast<long>(cores * kPeriodUs);
  const bool v1 = exists(cat(kV1Root, "/cpu.cfs_quota_us"));
  const bool v2 = !v1 && exists(cat(kV2Root, "/cgroup.controllers"));
  if (!v1 && !v2) {
    return absl::FailedPreconditionError(
        "no cgroup cpu controller at /sys/fs/cgroup/cpu (v1) or /sys/fs/cgroup (v2): CPU budgets "
        "need Linux cgroups");
  }
  const std::string directory = cat(v1 ? kV1Root : kV2Root, "/", name);
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(cat("cannot create the cgroup ", directory, ": ",
                                             std::strerror(errno),
                                             " (CPU budgets need root or a delegated cgroup)"));
  }
  std::unique_ptr<CpuBudget> budget(new CpuBudget(directory, cores));
  absl::Status limited;
  if (v1) {
    limited = write_file(cat(directory, "/cpu.cfs_period_us"), std::to_string(kPeriodUs));
    if (limited.ok()) {
      limited = write_file(cat(directory, "/cpu.cfs_quota_us"), std::to_string(quota));
    }
  } else {
    // The cpu controller must be enabled for the root's children first.
    limited = write_file(cat(kV2Root, "/cgroup.subtree_control"), "+cpu");
    if (limited.ok()) limited = write_file(cat(directory, "/cpu.max"), cat(quota, " ", kPeriodUs));
  }
  if (!limited.ok()) return limited;
  return budget;
}

CpuBudget::~CpuBudget() { ::rmdir(directory_.c_str()); }

absl::Status CpuBudget::add(pid_t pid) {
  return write_file(cat(directory_, "/cgroup.procs"), std::to_string(pid));
}

}  // namespace datamesh::bench
