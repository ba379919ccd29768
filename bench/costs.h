// Where an authenticated request's time goes, measured in-process on one thread without HTTP:
// the client's signing, and the server's steps in the order src/server/request_router.cc runs them
// (signature parse + verify, access-key lookup + unseal, the method's store transaction, JSON).
// Run on the benchmark's mesh file after the server has stopped, so nothing else competes for
// the cores. Single-threaded: these are CPU costs without contention.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mesh_setup.h"

namespace datamesh::bench {

struct StepCost {
  std::string name;
  std::string side;  // "client" or "server"
  uint64_t operations = 0;
  double micros_per_operation = 0;      // wall time
  double cpu_micros_per_operation = 0;  // this thread's CPU time (the rest is waiting: I/O, locks)
};

// Each step is repeated for `seconds_per_step`. Writes use write numbers from `next_write`
// (advanced), so they create new subscriptions as the load test did; each consumer then holds
// about next_write / consumers subscriptions, which request_access_to_product scans.
absl::StatusOr<std::vector<StepCost>> measure_step_costs(const BenchMesh& mesh,
                                                         const std::string& host_header,
                                                         double seconds_per_step,
                                                         uint64_t& next_write);

}  // namespace datamesh::bench
