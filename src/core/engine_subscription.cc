// Methods both parties of a subscription call: reading it, its grants and history, and
// deleting it (the producer tears it down, the consumer leaves or withdraws).
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
                                                      std::string_view subscription_id) const {
  if (absl::Status allowed = require_persona(caller, persona, "read subscriptions");
      !allowed.ok()) {
    return allowed;
  }
  Subscription result;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto sub = internal::load_as_party(tx, caller, persona, subscription_id, "read");
    if (!sub.ok()) return sub.status();
    result = std::move(*sub);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<EffectiveGrant>> Engine::get_subscription_grants(
    const Caller& caller, Persona persona, std::string_view subscription_id) const {
  if (absl::Status allowed = require_persona(caller, persona, "read subscription grants");
      !allowed.ok()) {
    return allowed;
  }
  std::vector<EffectiveGrant> grants;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto sub = internal::load_as_party(tx, caller, persona, subscription_id, "read the grants of");
    if (!sub.ok()) return sub.status();
    auto rows = tx.list_subscription_grants(subscription_id);
    if (!rows.ok()) return rows.status();
    grants = group_grants(*rows);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return grants;
}

absl::StatusOr<AuditPage> Engine::get_subscription_history(const Caller& caller, Persona persona,
                                                           std::string_view subscription_id,
                                                           const PageRequest& page) const {
  if (absl::Status allowed = require_persona(caller, persona, "read subscription history");
      !allowed.ok()) {
    return allowed;
  }
  auto store_page = internal::store_page(page);
  if (!store_page.ok()) return store_page.status();
  AuditPage result;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto sub = internal::load_as_party(tx, caller, persona, subscription_id, "read the history of");
    if (!sub.ok()) return sub.status();
    auto events = tx.list_audit_events(subscription_id, *store_page);
    if (!events.ok()) return events.status();
    result.events = std::move(*events);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  result.next_token = internal::trim_page(result.events, page, [](const AuditEvent& event) {
    return std::to_string(event.sequence);
  });
  return result;
}

absl::Status Engine::delete_subscription(const Caller& caller, Persona persona,
                                         std::string_view subscription_id,
                                         std::string_view reason) const {
  if (absl::Status allowed = require_persona(caller, persona, "delete subscriptions");
      !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_text("reason", reason); !valid.ok()) return valid;
  const std::string_view role = internal::role_of(persona);
  return write([&](store::Transaction& tx) -> absl::Status {
    auto subscription = internal::load_as_party(tx, caller, persona, subscription_id, "delete");
    if (!subscription.ok()) return subscription.status();
    Subscription& sub = *subscription;
    if (absl::Status state = internal::require_status(
            sub, {SubscriptionStatus::kPending, SubscriptionStatus::kActive}, "deleted");
        !state.ok()) {
      return state;
    }
    auto mesh = internal::load_mesh_id(tx);
    if (!mesh.ok()) return mesh.status();
    auto revoked = tx.list_subscription_grants(sub.subscription_id);
    if (!revoked.ok()) return revoked.status();
    if (absl::Status deleted = tx.delete_subscription_grants(sub.subscription_id);
        !deleted.ok()) {
      return deleted;
    }
    auto shares = tx.list_subscription_shares(sub.subscription_id);
    if (!shares.ok()) return shares.status();
    for (store::ShareRow& share : *shares) {
      share.status = "DISASSOCIATED";
      if (absl::Status put = tx.put_share(share); !put.ok()) return put;
    }
    if (absl::Status removed = internal::remove_consumer_links(tx, sub, *mesh); !removed.ok()) {
      return removed;
    }
    const SubscriptionStatus previous = sub.status;
    sub.status = SubscriptionStatus::kDeleted;
    sub.permitted_grants.clear();
    sub.grantable_grants.clear();
    sub.granted_table_arns.clear();
    nlohmann::json revoked_grants = nlohmann::json::array();
    for (const EffectiveGrant& grant : group_grants(*revoked)) {
      revoked_grants.push_back({{"TableName", grant.table_name},
                                {"Permissions", grant.permissions}});
    }
    return internal::commit_change(
        tx, sealer_, caller, sub,
        {.role = role,
         .action = "delete_subscription",
         .date = now(),
         .note = reason,
         .details = {{"Status", "Deleted"},
                     {"PreviousStatus", status_name(previous)},
                     {"RevokedGrants", revoked_grants},
                     {"By", persona == Persona::kProducer ? "producer" : "consumer"}}});
  });
}

}  // namespace datamesh::core
