// Pieces shared by the engine_*.cc files; not part of the engine's interface.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "base/role_names.h"
#include "core/engine.h"
#include "core/paging.h"
#include "core/pattern.h"
#include "core/store.h"

namespace datamesh::core::internal {

// Role names under which callers act; they appear in CreatedBy / UpdatedBy and the audit log.
using base::kConsumerRole;
using base::kMeshManagerRole;
using base::kProducerRole;
// An account administrator writing its own catalog (a role of datamesh, not of the original).
inline constexpr std::string_view kAccountAdminRole = "DataMeshAccountAdmin";

// Walks a database's table names after `after`, in name order, a page at a time: calls
// read(page) for each page and visit(names) with it, until a page comes back short or visit
// answers false. Pages start at 256 names and double up to 4,096 (get_tables with an
// expression, get_data_product, create_data_products): memory stays bounded however many tables
// the database has, and a costly pattern, which runs out of its budget within the first few
// hundred names, has not read thousands at normal CPU priority first.
absl::Status walk_name_pages(
    std::string after,
    absl::FunctionRef<absl::StatusOr<std::vector<std::string>>(const store::Page& page)> read,
    absl::FunctionRef<absl::StatusOr<bool>(const std::vector<std::string>& names)> visit);

std::string_view role_of(Persona persona);

// arn:<partition>:iam::<account>:<kind>/AwsDataMesh/<name>
std::string iam_arn(std::string_view partition, std::string_view account, std::string_view kind,
                    std::string_view name);
// arn:<partition>:glue:<region>:<catalog>:table/<database>/<table>
std::string table_arn(std::string_view partition, std::string_view region,
                      std::string_view catalog, std::string_view database,
                      std::string_view table);
// The ARNs of the tables `subscription` is granted on, as approve and update record them
// (Subscription::granted_table_arns): its tables, or "*" for a database-level subscription.
std::vector<std::string> granted_table_arns(const Subscription& subscription,
                                            std::string_view partition, std::string_view region,
                                            std::string_view mesh_account);

// NotFound naming the id when the subscription does not exist.
absl::StatusOr<Subscription> load_subscription(store::Transaction& tx, std::string_view id);
// The mesh account id; FailedPrecondition when the mesh is not initialized.
absl::StatusOr<std::string> load_mesh_id(store::Transaction& tx);

// Calls visit(name) for each table name of catalog.database after `after` that `pattern`
// fully matches, in name order, until visit answers false. Reads names by walk_name_pages, only
// from the range of the pattern's literal prefix (Pattern::literal_prefix), so that a
// selective pattern costs its matches, not the whole database. The walk has one MatchBudget:
// InvalidArgument when the pattern is too costly over the names it reads.
absl::Status for_each_matching_name(
    store::Transaction& tx, std::string_view catalog, std::string_view database,
    const Pattern& pattern, std::string after,
    const std::function<absl::StatusOr<bool>(const std::string& name)>& visit);

// InvalidArgument unless max_results is 1 to 1000 and next_token could be one of ours.
absl::Status check_page(const PageRequest& page);

// "no data product is published as mesh database <database>; <parameter> takes the mesh
// database's name, ...": for a name of no product where a mesh database's is taken (the
// source database's name is the likely mistake).
std::string no_product_named(std::string_view database, std::string_view parameter);

// The key subscription listings page by (the NextToken after a row).
inline std::string subscription_key(const Subscription& s) { return s.subscription_id; }

// The statuses a listing's `status` filter names, and the store filter closest to them: one
// status, or every status with or without Deleted.
struct StatusSelection {
  std::set<SubscriptionStatus> statuses;
  store::SubscriptionFilter filter;
};
// No names select every status but Deleted. InvalidArgument names an unknown status and the
// allowed ones.
absl::StatusOr<StatusSelection> select_statuses(const std::vector<std::string>& names);

// The page of `request` of the subscriptions `filter` selects whose status is in `statuses`
// (core/paging.h); the store's rows of other statuses are dropped.
absl::StatusOr<SubscriptionPage> subscription_page(store::Transaction& tx,
                                                   const PageRequest& request,
                                                   const store::SubscriptionFilter& filter,
                                                   const std::set<SubscriptionStatus>& statuses);

// The page of `request` of the audit events of `subscription_id` ("" = all) (core/paging.h).
absl::StatusOr<AuditPage> audit_page(
    store::Transaction& tx, const PageRequest& request, std::string_view subscription_id,
    absl::FunctionRef<bool(const AuditEvent&)> keeps = [](const AuditEvent&) { return true; });

}  // namespace datamesh::core::internal
