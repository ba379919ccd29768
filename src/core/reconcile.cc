#include "core/reconcile.h"

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "core/grants.h"

namespace datamesh::core {
namespace {

// A grant without its subscription: what Lake Formation holds once, whoever it is for.
using Held = std::tuple<std::string, std::string, std::string, std::string, std::string>;
Held held_key(const store::GrantRow& row) {
  return {row.principal, row.catalog_id, row.database_name, row.table_name, row.permission};
}

GrantDrift drift_of(std::string_view kind, const store::GrantRow& row) {
  return GrantDrift{.drift = std::string(kind),
                    .principal = row.principal,
                    .database_name = row.database_name,
                    .table_name = row.table_name,
                    .permission = row.permission,
                    .grantable = row.grantable,
                    .subscription_id = row.subscription_id};
}

}  // namespace

std::vector<GrantRepair> find_grant_drift(std::string_view mesh_account,
                                          std::string_view producer,
                                          const std::vector<Subscription>& subscriptions,
                                          const std::vector<store::GrantRow>& held) {
  // What is held, per subscription it is filed under: grantable when any such row is.
  std::map<std::pair<Held, std::string>, bool> held_rows;
  for (const store::GrantRow& row : held) {
    held_rows[{held_key(row), row.subscription_id}] |= row.grantable;
  }
  std::vector<GrantRepair> repairs;
  std::set<std::string> subscribers;
  // What the Active subscriptions stand for, per subscription and regardless of it.
  std::set<std::pair<Held, std::string>> expected;
  std::set<Held> expected_anyone;
  for (const Subscription& subscription : subscriptions) {
    subscribers.insert(subscription.subscriber_principal);
    for (const store::GrantRow& row : recorded_grant_rows(subscription, mesh_account)) {
      expected.insert({held_key(row), row.subscription_id});
      expected_anyone.insert(held_key(row));
      const auto found = held_rows.find({held_key(row), row.subscription_id});
      if (found == held_rows.end() || (row.grantable && !found->second)) {
        repairs.push_back({.drift = drift_of("Missing", row), .row = row});
      }
    }
  }
  for (const store::GrantRow& row : held) {
    if (row.principal == producer || !subscribers.contains(row.principal)) continue;
    // Explained by the subscription it is filed under, or, filed under none (a store that
    // keeps no subscription with its grants), by any Active subscription.
    const bool explained = row.subscription_id.empty()
                               ? expected_anyone.contains(held_key(row))
                               : expected.contains({held_key(row), row.subscription_id});
    if (!explained) repairs.push_back({.drift = drift_of("Stray", row), .row = row});
  }
  return repairs;
}

}  // namespace datamesh::core
