// The filters of an audit listing (admin list_audit_events): which actions, whose, and when.
// Made once from the request, checked; then asked of each event the listing reads.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "datamesh/types.h"

namespace datamesh::core {

// The actions the audit log's events name: the methods that change the mesh, each of which
// writes one event (api/methods.h's writes; a unit test keeps the two lists alike).
inline constexpr std::string_view kAuditedActions[] = {
    "approve_access_request", "create_access_key", "create_account", "create_data_products",
    "create_database", "create_table", "delete_database", "delete_subscription", "delete_table",
    "deny_access_request", "enable_account_as_consumer", "enable_account_as_producer",
    "finalize_subscription", "import_tables", "initialize_consumer_account",
    "initialize_mesh_account", "initialize_producer_account", "reconcile",
    "request_access_to_product", "revoke_access_key", "rotate_access_key",
    "update_subscription_permissions", "update_table",
};

class AuditFilter {
 public:
  // actions: kAuditedActions (approve_access_request, ...; approve-access-request as the CLI
  // spells commands is the same), any of which an event may have; none = every action.
  // actor_account_id: the account that acted; "" = any. since, until: UTC instants, dates of
  // the calendar, "YYYY-MM-DD" (its midnight) or "YYYY-MM-DD HH:MM:SS" ("T" and a final "Z" as
  // in ISO 8601 accepted), events from `since` included to `until` excluded; "" = no bound.
  // InvalidArgument names the parameter, what it got and what it takes.
  static absl::StatusOr<AuditFilter> make(const std::vector<std::string>& actions,
                                          std::string_view actor_account_id,
                                          std::string_view since, std::string_view until);

  // Whether the listing keeps `event`.
  bool keeps(const AuditEvent& event) const;

 private:
  std::set<std::string> actions_;
  std::string actor_;
  std::string since_;  // "YYYY-MM-DD HH:MM:SS", as AuditEvent::event_date
  std::string until_;
};

}  // namespace datamesh::core
