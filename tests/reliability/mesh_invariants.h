// The invariants a mesh file must keep whatever happened to the processes using it: checked by
// the crash tests after every kill, on the file itself (through the SQLite store, never the
// engine), with no process using it.
//
//  - SQLite finds the file sound (integrity_check, foreign_key_check);
//  - audit sequence numbers run 1..n without gaps, and the hash chain verifies
//    (core/audit_chain.h) under the mesh's key;
//  - each subscription's audit events follow its lifecycle (server_test::replay) and end in the
//    status it has;
//  - no method is half-applied: a subscription's version counts its audit events; it has grants
//    iff it is Active, and then exactly the rows its PermittedGrants and GrantableGrants imply
//    on its tables; an Active one has exactly one live share (the one in RamShares), others
//    only disassociated ones; an Active, imported one has its share accepted and a link in
//    the consumer's catalog for each of its tables;
//  - every acknowledged change is in the audit log exactly once (check_ledger).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "reliability/crash_ledger.h"

namespace datamesh::reliability {

struct MeshReport {
  std::vector<std::string> problems;
  std::vector<Workload::Known> subscriptions;  // every subscription, oldest first
  std::map<SubscriptionStatus, int> statuses;  // how many subscriptions are in each status
  int64_t events = 0;                          // audit events in the file
};

// Checks the mesh file `db` against the invariants above; `workload_from` is the sequence number
// of the first event the workload could have made (earlier ones set the mesh up). Errors only
// when the file cannot be read at all.
absl::StatusOr<MeshReport> check_mesh(const std::filesystem::path& db, int64_t workload_from,
                                      const std::vector<LedgerEntry>& ledger);

}  // namespace datamesh::reliability
