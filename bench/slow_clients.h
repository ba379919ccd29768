// The slow-clients part of datamesh_bench (docs/PERFORMANCE.md, "Slow clients"; issue 15,
// acceptance 1): how fast `datamesh serve` answers a well-behaved client at 127.0.0.2 while a
// crowd of connections from 127.0.0.1 trickles request heads (testkit::SlowCrowd, the server
// tests' attacker), against the same probes with no crowd.
//
// Probes alternate GET /healthz and a signed read, each on a new connection (a new client pays
// for its connection too), one every kProbeInterval: latency, not throughput, is measured.
#pragma once

#include <chrono>
#include <cstdint>

#include "absl/status/statusor.h"
#include "load.h"
#include "testkit/slow_crowd.h"

namespace datamesh::bench {

struct SlowClientsResult {
  int crowd_connections = 0;  // 0: the baseline, no crowd
  double seconds = 0;         // probing time
  LatencySummary healthz;     // answered probes only
  LatencySummary read;
  uint64_t unanswered = 0;    // probes without a 200 answer
  testkit::SlowCrowd::Counts crowd;
};

// Starts `crowd_connections` slow connections (none for 0), lets them settle for
// `settle_seconds`, then probes for `seconds`. FailedPrecondition when this process cannot
// open enough descriptors.
absl::StatusOr<SlowClientsResult> measure_slow_clients(int port, const HttpCall& healthz,
                                                       const RequestMaker& read,
                                                       int crowd_connections, double settle_seconds,
                                                       double seconds);

}  // namespace datamesh::bench
