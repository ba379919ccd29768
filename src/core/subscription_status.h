// The exact status strings of subscriptions: Pending, Active, Denied, Deleted.
#pragma once

#include <optional>
#include <string_view>

#include "datamesh/types.h"

namespace datamesh::core {

constexpr std::string_view status_name(SubscriptionStatus status) {
  switch (status) {
    case SubscriptionStatus::kPending: return "Pending";
    case SubscriptionStatus::kActive: return "Active";
    case SubscriptionStatus::kDenied: return "Denied";
    case SubscriptionStatus::kDeleted: return "Deleted";
  }
  return "Unknown";
}

constexpr std::optional<SubscriptionStatus> parse_status(std::string_view name) {
  for (SubscriptionStatus status :
       {SubscriptionStatus::kPending, SubscriptionStatus::kActive, SubscriptionStatus::kDenied,
        SubscriptionStatus::kDeleted}) {
    if (status_name(status) == name) return status;
  }
  return std::nullopt;
}

}  // namespace datamesh::core
