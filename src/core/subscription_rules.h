// Rules shared by the producer and consumer sides of a subscription: status checks, the
// revocation of its grants and the removal of the consumer's links.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "core/engine.h"
#include "core/permissions.h"
#include "store/store.h"

namespace datamesh::core::internal {

// FailedPrecondition "subscription X is <status>; only <allowed> subscriptions can be <verb>"
// unless the subscription's status is one of `allowed`.
absl::Status require_status(const Subscription& subscription,
                            std::initializer_list<SubscriptionStatus> allowed,
                            std::string_view verb);

// Replaces the subscription's grants with `granted` / `grantable` on its tables.
absl::Status write_grants(store::Transaction& tx, const Subscription& subscription,
                          std::string_view mesh_account, const PermissionSet& granted,
                          const PermissionSet& grantable);

// Removes from the consumer's catalog the links of this subscription that no other Active
// subscription of the same consumer still covers, and the link database once it is empty.
absl::Status remove_consumer_links(store::Transaction& tx, const Subscription& subscription,
                                   std::string_view mesh_account);

// Stamps UpdatedDate/UpdatedBy, appends the note, bumps the version and writes the
// subscription conditionally on its previous version.
absl::Status save_subscription(store::Transaction& tx, Subscription& subscription,
                               const std::string& date, const std::string& actor,
                               std::string_view note);

}  // namespace datamesh::core::internal
