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

class AuditFilter {
 public:
  // actions: method names (approve_access_request, ...), any of which an event may have; none
  // = every action. actor_account_id: the account that acted; "" = any. since, until: UTC
  // instants, "YYYY-MM-DD" (its midnight) or "YYYY-MM-DD HH:MM:SS" ("T" and a final "Z" as in
  // ISO 8601 accepted), events from `since` included to `until` excluded; "" = no bound.
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
