// Grants as values: what a subscription grants, how grants read as effective permissions, and
// the one evaluator that answers "may P do X on R" with its reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/permissions.h"
#include "datamesh/types.h"
#include "core/store.h"

namespace datamesh::core {

// Table name of a grant row that covers every table of the database.
inline constexpr std::string_view kAllTables = "*";

// The rows that an Active subscription holds: `granted` (DESCRIBE added) on each of its tables,
// or on "*" for a database-level subscription, plus DESCRIBE on the database itself.
std::vector<store::GrantRow> subscription_grant_rows(const Subscription& subscription,
                                                     std::string_view mesh_account,
                                                     const PermissionSet& granted,
                                                     const PermissionSet& grantable);

// The rows a subscription's record stands for: none unless it is Active; then
// subscription_grant_rows of its permitted_grants with DESCRIBE added and its grantable_grants
// (what approve and update wrote). Names core does not know (the original passes any through)
// are left out. A database-level subscription the original library approved stands for what
// it granted: DESCRIBE on the database alone (granted_by_original_as_database_only).
std::vector<store::GrantRow> recorded_grant_rows(const Subscription& subscription,
                                                 std::string_view mesh_account);

// Whether `subscription` is a database-level one the original library approved, which granted
// DESCRIBE on the database alone whatever was permitted (docs/DECISIONS.md, "Database-level
// subscription"): Active, no tables, and no "*" table among its granted_table_arns, which
// datamesh's approve and update write and the original leaves empty. It stays so until a
// producer's update grants its tables; no repair widens it.
bool granted_by_original_as_database_only(const Subscription& subscription);

// Rows grouped by (principal, resource, subscription) into EffectiveGrant values.
std::vector<EffectiveGrant> group_grants(const std::vector<store::GrantRow>& rows);

// Evaluates `permission` on database.table (table "" = the database itself) against the rows
// that store::Transaction::find_grants returned, in any order: the reason names a grantable
// grant before others, then the first by table, permission and subscription. A grant of no
// subscription is the data product's owner's when `owner` is set; otherwise one left outside
// any subscription (AWS mode: a Lake Formation grant a consumer's leave kept, which admin
// reconcile lists as Stray), and the reason says so.
PermissionCheck evaluate_grants(const std::vector<store::GrantRow>& rows, Permission permission,
                                std::string_view database_name, std::string_view table_name,
                                bool owner = true);

}  // namespace datamesh::core
