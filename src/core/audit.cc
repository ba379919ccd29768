#include "core/audit.h"

#include <utility>

#include "core/audit_chain.h"
#include "base/text.h"

namespace datamesh::core {
using base::cat;

std::string actor_arn(const Caller& caller, std::string_view role) {
  if (!caller.principal_arn.empty()) return caller.principal_arn;
  return cat("arn:datamesh:sts::", caller.account.account_id, ":assumed-role/", role,
                      "/", caller.access_key_id);
}

absl::Status append_audit(store::Transaction& tx, const SecretSealer& sealer, const Caller& caller,
                          const AuditRecord& record) {
  AuditEvent event;
  event.event_date = record.date;
  event.actor_account = caller.account.account_id;
  event.actor_principal = actor_arn(caller, record.actor_role);
  event.action = record.action;
  event.subscription_id = record.subscription_id;
  event.resource = record.resource;
  event.details_json = record.details.dump();
  event.notes = record.notes;
  return append_chained(tx, sealer, std::move(event));
}

}  // namespace datamesh::core
