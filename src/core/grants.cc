#include "core/grants.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "base/text.h"

namespace datamesh::core {
using base::cat;

std::vector<store::GrantRow> subscription_grant_rows(const Subscription& subscription,
                                                     std::string_view mesh_account,
                                                     const PermissionSet& granted,
                                                     const PermissionSet& grantable) {
  std::vector<store::GrantRow> rows;
  auto add = [&](std::string_view table, Permission permission) {
    store::GrantRow row;
    row.principal = subscription.subscriber_principal;
    row.catalog_id = std::string(mesh_account);
    row.database_name = subscription.database_name;
    row.table_name = std::string(table);
    row.permission = std::string(permission_name(permission));
    row.grantable = grantable.contains(permission);
    row.subscription_id = subscription.subscription_id;
    rows.push_back(std::move(row));
  };
  std::vector<std::string> tables = subscription.table_names;
  if (tables.empty()) tables.push_back(std::string(kAllTables));
  for (const std::string& table : tables) {
    for (const PermissionInfo& info : permission_table()) {
      if (granted.contains(info.permission)) add(table, info.permission);
    }
  }
  add("", Permission::kDescribe);
  return rows;
}

std::vector<store::GrantRow> recorded_grant_rows(const Subscription& subscription,
                                                 std::string_view mesh_account) {
  if (subscription.status != SubscriptionStatus::kActive) return {};
  PermissionSet granted{Permission::kDescribe};
  PermissionSet grantable;
  for (const std::string& name : subscription.permitted_grants) {
    if (const auto permission = parse_permission(name)) granted.add(*permission);
  }
  for (const std::string& name : subscription.grantable_grants) {
    if (const auto permission = parse_permission(name)) grantable.add(*permission);
  }
  std::vector<store::GrantRow> rows =
      subscription_grant_rows(subscription, mesh_account, granted, grantable);
  if (granted_by_original_as_database_only(subscription)) {
    std::erase_if(rows, [](const store::GrantRow& row) { return !row.table_name.empty(); });
  }
  return rows;
}

bool granted_by_original_as_database_only(const Subscription& subscription) {
  return subscription.status == SubscriptionStatus::kActive && subscription.table_names.empty() &&
         std::ranges::none_of(subscription.granted_table_arns, [](const std::string& arn) {
           return arn.ends_with(cat("/", kAllTables));
         });
}

std::vector<EffectiveGrant> group_grants(const std::vector<store::GrantRow>& rows) {
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<Key, std::pair<PermissionSet, PermissionSet>> grouped;
  for (const store::GrantRow& row : rows) {
    auto permission = parse_permission(row.permission);
    if (!permission) continue;  // written by a newer datamesh; not ours to interpret
    auto& [held, grantable] = grouped[Key{row.subscription_id, row.principal, row.catalog_id,
                                          row.database_name, row.table_name}];
    held.add(*permission);
    if (row.grantable) grantable.add(*permission);
  }
  std::vector<EffectiveGrant> grants;
  for (const auto& [key, sets] : grouped) {
    EffectiveGrant grant;
    std::tie(grant.subscription_id, grant.principal, grant.catalog_id, grant.database_name,
             grant.table_name) = key;
    grant.permissions = sets.first.names();
    grant.grantable_permissions = sets.second.names();
    grants.push_back(std::move(grant));
  }
  return grants;
}

PermissionCheck evaluate_grants(const std::vector<store::GrantRow>& rows, Permission permission,
                                std::string_view database_name, std::string_view table_name,
                                bool owner) {
  PermissionCheck check;
  const std::string wanted(permission_name(permission));
  // The reason names one grant, the same whatever order the store gave: a grantable one before
  // others, then the first by table, permission and subscription.
  const store::GrantRow* named = nullptr;
  const auto key = [](const store::GrantRow& row) {
    return std::tie(row.table_name, row.permission, row.subscription_id);
  };
  for (const store::GrantRow& row : rows) {
    if (row.database_name != database_name) continue;
    const bool on_resource = table_name.empty()
                                 ? row.table_name.empty()
                                 : (row.table_name == table_name || row.table_name == kAllTables);
    if (!on_resource) continue;
    if (row.permission != wanted && row.permission != permission_name(Permission::kAll)) continue;
    check.allowed = true;
    check.grantable = check.grantable || row.grantable;
    if (named == nullptr || (row.grantable && !named->grantable) ||
        (row.grantable == named->grantable && key(row) < key(*named))) {
      named = &row;
    }
  }
  if (named != nullptr) {
    const std::string source =
        !named->subscription_id.empty() ? cat("subscription ", named->subscription_id)
        : owner ? std::string("ownership of the data product")
                : std::string("no subscription: a grant left after its subscription ended "
                              "(admin reconcile lists it as Stray; --apply revokes it)");
    check.reason = cat(named->permission, " on ", named->database_name,
                       named->table_name.empty() ? "" : ".", named->table_name, " granted by ",
                       source, named->grantable ? " (grantable)" : "");
  } else {
    check.reason = cat("no grant of ", wanted, " on ", database_name,
                       table_name.empty() ? "" : ".", table_name);
  }
  return check;
}

}  // namespace datamesh::core
