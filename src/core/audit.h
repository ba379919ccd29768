// Building audit events. Every state change of the engine appends one event in the same
// transaction as the change, so the log and the state never disagree.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "core/engine.h"
#include "core/secrets.h"
#include "nlohmann/json.hpp"
#include "core/store.h"

namespace datamesh::core {

// The principal a caller acts as, in the reference's assumed-role form:
// arn:datamesh:sts::<account>:assumed-role/<role>/<access key id>; in AWS mode the caller's own
// STS ARN (Caller::principal_arn).
std::string actor_arn(const Caller& caller, std::string_view role);

struct AuditRecord {
  std::string date;
  std::string_view actor_role;  // e.g. DataMeshProducer (a constant)
  std::string action;      // the method name
  std::string subscription_id;
  std::string resource;
  nlohmann::json details = nlohmann::json::object();
  std::string notes;
};

// Appends the record as the next event of the hash-chained log (core/audit_chain.h).
absl::Status append_audit(store::Transaction& tx, const SecretSealer& sealer, const Caller& caller,
                          const AuditRecord& record);

}  // namespace datamesh::core
