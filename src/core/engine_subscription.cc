// Methods both parties of a subscription call: reading it, its grants and history, and
// deleting it (the producer tears it down, the consumer leaves or withdraws).
#include "base/status_macros.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/engine.h"
#include "core/engine_internal.h"
#include "core/grants.h"
#include "core/names.h"
#include "core/subscription_rules.h"
#include "core/subscription_status.h"

namespace datamesh::core {
namespace {

absl::Status require_persona(const Caller& caller, Persona persona, std::string_view action) {
  return persona == Persona::kProducer ? require_producer(caller, action)
                                       : require_consumer(caller, action);
}

}  // namespace

absl::StatusOr<Subscription> Engine::get_subscription(const Caller& caller, Persona persona,
                                                      const GetSubscriptionRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_persona(caller, persona, "read subscriptions"));
  return read([&](store::Transaction& tx) {
    return internal::load_as_party(tx, caller, persona, request.request_id, "read");
  });
}

absl::StatusOr<std::vector<EffectiveGrant>> Engine::get_subscription_grants(
    const Caller& caller, Persona persona, const SubscriptionIdRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_persona(caller, persona, "read subscription grants"));
  return read([&](store::Transaction& tx) -> absl::StatusOr<std::vector<EffectiveGrant>> {
    DATAMESH_RETURN_IF_ERROR(internal::load_as_party(tx, caller, persona, request.subscription_id,
                                                     "read the grants of"));
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<store::GrantRow> rows,
                              tx.list_subscription_grants(request.subscription_id));
    return group_grants(rows);
  });
}

absl::StatusOr<AuditPage> Engine::get_subscription_history(
    const Caller& caller, Persona persona, const GetSubscriptionHistoryRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_persona(caller, persona, "read subscription history"));
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request.page));
  return read([&](store::Transaction& tx) -> absl::StatusOr<AuditPage> {
    DATAMESH_RETURN_IF_ERROR(internal::load_as_party(tx, caller, persona, request.subscription_id,
                                                     "read the history of"));
    return internal::audit_page(tx, request.page, request.subscription_id);
  });
}

absl::Status Engine::delete_subscription(const Caller& caller, Persona persona,
                                         const DeleteSubscriptionRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_persona(caller, persona, "delete subscriptions"));
  DATAMESH_RETURN_IF_ERROR(validate_text("reason", request.reason));
  const std::string_view role = internal::role_of(persona);
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(
        Subscription sub,
        internal::load_to_change(tx, caller, persona, request.subscription_id, "delete",
                                 {SubscriptionStatus::kPending, SubscriptionStatus::kActive},
                                 "deleted"));
    DATAMESH_ASSIGN_OR_RETURN(const std::string mesh, mesh_id(tx));
    DATAMESH_ASSIGN_OR_RETURN(const std::vector<store::GrantRow> revoked,
                              tx.list_subscription_grants(sub.subscription_id));
    DATAMESH_RETURN_IF_ERROR(tx.delete_subscription_grants(sub.subscription_id));
    DATAMESH_ASSIGN_OR_RETURN(std::vector<store::ShareRow> shares,
                              tx.list_subscription_shares(sub.subscription_id));
    for (store::ShareRow& share : shares) {
      share.status = "DISASSOCIATED";
      DATAMESH_RETURN_IF_ERROR(tx.put_share(share));
    }
    DATAMESH_RETURN_IF_ERROR(internal::remove_consumer_links(tx, sub, mesh));
    const SubscriptionStatus previous = sub.status;
    sub.status = SubscriptionStatus::kDeleted;
    sub.permitted_grants.clear();
    sub.grantable_grants.clear();
    sub.granted_table_arns.clear();
    nlohmann::json revoked_grants = nlohmann::json::array();
    for (const EffectiveGrant& grant : group_grants(revoked)) {
      revoked_grants.push_back({{"TableName", grant.table_name},
                                {"Permissions", grant.permissions}});
    }
    nlohmann::json details = {{"Status", "Deleted"},
                              {"PreviousStatus", status_name(previous)},
                              {"RevokedGrants", revoked_grants},
                              {"By", persona == Persona::kProducer ? "producer" : "consumer"}};
    // The log says when the grants still hold outside the mesh's records (AWS: a consumer's
    // leave), so that no one reads RevokedGrants as access already gone.
    if (!revoked.empty() && tx.keeps_revoked_grants()) {
      details["GrantsHeldUntilReconcile"] = true;
    }
    return internal::commit_change(tx, sealer_, caller, sub,
                                   {.role = role,
                                    .action = "delete_subscription",
                                    .date = now(),
                                    .note = request.reason,
                                    .details = std::move(details)});
  });
}

}  // namespace datamesh::core
