// CPU time of the benchmark, its reaped children and the whole machine, so that every figure
// can say how the shared cores were split between the load generator, the server (see
// testkit::ServerProcess::cpu_seconds) and other programs.
// Thread-safe: each function reads the kernel's counters.
#pragma once

namespace datamesh::bench {

// User + system CPU seconds of this process so far (all threads).
double own_cpu_seconds();
// CPU seconds of the waited-for children of this process (e.g. wrk after pclose).
double children_cpu_seconds();
// CPU seconds all processes of the machine have used since boot (user, nice, system, irq,
// softirq, steal of /proc/stat); the difference over a window minus the benchmark's own
// processes is what other programs took from the shared cores meanwhile. -1 if unknown.
double machine_busy_seconds();

}  // namespace datamesh::bench
