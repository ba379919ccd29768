#include "core/subscription_rules.h"

#include <set>

#include "base/status_macros.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/engine_internal.h"
#include "core/grants.h"
#include "core/subscription_status.h"

namespace datamesh::core::internal {
using base::cat;
using base::join;

absl::Status require_status(const Subscription& subscription,
                            std::initializer_list<SubscriptionStatus> allowed,
                            std::string_view verb) {
  for (SubscriptionStatus status : allowed) {
    if (subscription.status == status) return absl::OkStatus();
  }
  std::vector<std::string_view> names;
  for (SubscriptionStatus status : allowed) names.push_back(status_name(status));
  if (subscription.status == SubscriptionStatus::kDeleted) {
    return absl::FailedPreconditionError(cat(
        "subscription ", subscription.subscription_id, " is Deleted; it cannot be ", verb));
  }
  return absl::FailedPreconditionError(
      cat("subscription ", subscription.subscription_id, " is ",
                   status_name(subscription.status), "; only ", join(names, " or "),
                   " subscriptions can be ", verb));
}

absl::Status write_grants(store::Transaction& tx, const Subscription& subscription,
                          std::string_view mesh_account, const PermissionSet& granted,
                          const PermissionSet& grantable) {
  DATAMESH_RETURN_IF_ERROR(tx.delete_subscription_grants(subscription.subscription_id));
  for (const store::GrantRow& row :
       subscription_grant_rows(subscription, mesh_account, granted, grantable)) {
    DATAMESH_RETURN_IF_ERROR(tx.put_grant(row));
  }
  return absl::OkStatus();
}

absl::Status remove_consumer_links(store::Transaction& tx, const Subscription& subscription,
                                   std::string_view mesh_account) {
  const std::string& consumer = subscription.subscriber_principal;
  const std::string& database = subscription.database_name;
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<Database> link_db,
                            tx.get_database(consumer, database));
  const bool is_link = link_db && link_db->input.target_database &&
                       link_db->input.target_database->catalog_id == mesh_account;
  if (!is_link) return absl::OkStatus();  // never finalized, or not ours to touch

  // What the consumer's other Active subscriptions on the same database still cover.
  store::SubscriptionFilter filter{.subscriber = consumer,
                                   .status = SubscriptionStatus::kActive,
                                   .database_name = database};
  std::set<std::string> covered;
  bool covers_all = false;
  bool others_active = false;
  std::string after;
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(
        const std::vector<Subscription> others,
        tx.list_subscriptions(filter, store::Page{.after = after, .limit = 500}));
    for (const Subscription& other : others) {
      if (other.subscription_id == subscription.subscription_id) continue;
      others_active = true;
      if (other.table_names.empty()) covers_all = true;
      covered.insert(other.table_names.begin(), other.table_names.end());
    }
    if (others.size() < 500) break;
    after = others.back().subscription_id;
  }
  if (covers_all) return absl::OkStatus();

  DATAMESH_ASSIGN_OR_RETURN(const std::vector<std::string> links,
                            tx.list_table_names(consumer, database));
  const std::set<std::string> own(subscription.table_names.begin(),
                                  subscription.table_names.end());
  size_t remaining = links.size();
  for (const std::string& name : links) {
    if (covered.contains(name)) continue;
    if (!subscription.table_names.empty() && !own.contains(name)) continue;
    DATAMESH_ASSIGN_OR_RETURN(const std::optional<Table> table,
                              tx.get_table(consumer, database, name));
    if (table && read_through_link(*table, consumer)) {
      --remaining;  // the mesh's own, listed through the database link: nothing to remove
      continue;
    }
    if (!table || !table->input.target_table ||
        table->input.target_table->catalog_id != mesh_account) {
      continue;  // a table the consumer made itself stays
    }
    DATAMESH_RETURN_IF_ERROR(tx.delete_table(consumer, database, name));
    --remaining;
  }
  // The database link goes with the last of the consumer's subscriptions that may use it (where
  // the store keeps no table links, as on AWS, nothing else tells that it is still used) and
  // once it holds nothing of the consumer's.
  if (remaining == 0 && !others_active) return tx.delete_database(consumer, database);
  return absl::OkStatus();
}

absl::StatusOr<Subscription> load_as_party(store::Transaction& tx, const Caller& caller,
                                           Persona persona, std::string_view id,
                                           std::string_view verb) {
  DATAMESH_ASSIGN_OR_RETURN(Subscription subscription, load_subscription(tx, id));
  DATAMESH_RETURN_IF_ERROR(require_party(caller, persona, subscription, verb));
  return subscription;
}

absl::StatusOr<Subscription> load_to_change(store::Transaction& tx, const Caller& caller,
                                            Persona persona, std::string_view id,
                                            std::string_view verb,
                                            std::initializer_list<SubscriptionStatus> allowed,
                                            std::string_view past) {
  DATAMESH_ASSIGN_OR_RETURN(Subscription subscription,
                            load_as_party(tx, caller, persona, id, verb));
  DATAMESH_RETURN_IF_ERROR(require_status(subscription, allowed, past));
  return subscription;
}

absl::Status commit_change(store::Transaction& tx, const SecretSealer& sealer, const Caller& caller,
                           Subscription& subscription, const ChangeRecord& change) {
  const int64_t previous = subscription.version;
  subscription.version = previous + 1;
  subscription.updated_date = change.date;
  subscription.updated_by = actor_arn(caller, change.role);
  if (!change.note.empty()) subscription.notes.emplace_back(change.note);
  DATAMESH_RETURN_IF_ERROR(tx.update_subscription(subscription, previous));
  // Each change's event names whose subscription it is and on which tables, as the request's
  // event does: the log alone then says who was given, changed or refused what.
  nlohmann::json details = change.details;
  details.emplace("SubscriberPrincipal", subscription.subscriber_principal);
  details.emplace("TableName", subscription.table_names);
  return append_audit(tx, sealer, caller,
                      {.date = change.date,
                       .actor_role = change.role,
                       .action = std::string(change.action),
                       .subscription_id = subscription.subscription_id,
                       .resource = cat("database/", subscription.database_name),
                       .details = std::move(details),
                       .notes = std::string(change.note)});
}

}  // namespace datamesh::core::internal
