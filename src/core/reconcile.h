// Drift between the grants held on a mesh database and those its Active subscriptions stand for
// (admin reconcile): which grants are missing, which are stray, and the rows that repair them.
// Pure functions of what the store read; thread-safe.
//
// What the store holds is the self-hosted stores' grants table, or Lake Formation's permissions
// in AWS mode, each row told as the subscription it is of (store::Transaction::
// list_database_grants). A subscription stands for the rows of recorded_grant_rows (core/
// grants.h). Only grants to a subscriber of the database (any subscription, whatever its
// status) can be stray: grants datamesh did not make for a subscription (the producer's own,
// the admin and read-only roles, anyone else's) are never reported nor touched.
#pragma once

#include <string_view>
#include <vector>

#include "core/store.h"
#include "datamesh/types.h"

namespace datamesh::core {

// One difference, with the row that repairs it.
struct GrantRepair {
  GrantDrift drift;
  store::GrantRow row;  // Missing: the row to put; Stray: the row to delete
};

// The drift of one mesh database: `subscriptions` are its subscriptions of every status
// (Deleted included), `held` what the store read for it (list_database_grants), `producer` the
// product's producer account. Missing rows come first, each in the order of its subscription's
// rows; then stray ones in the order of `held`.
std::vector<GrantRepair> find_grant_drift(std::string_view mesh_account,
                                          std::string_view producer,
                                          const std::vector<Subscription>& subscriptions,
                                          const std::vector<store::GrantRow>& held);

}  // namespace datamesh::core
