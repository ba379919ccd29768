// Rules shared by the producer and consumer sides of a subscription: status checks, the
// revocation of its grants and the removal of the consumer's links.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "core/engine.h"
#include "core/permissions.h"
#include "nlohmann/json.hpp"
#include "core/store.h"

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

// Whether `table`, read from the catalog of `account`, belongs to another catalog: a store that
// follows database links, as Glue does, answers the mesh's own table through the consumer's
// link to a mesh database. (The SQL stores answer only the account's own tables and links.)
inline bool read_through_link(const Table& table, std::string_view account) {
  return table.catalog_id != account;
}

// Removes from the consumer's catalog the links of this subscription that no other Active
// subscription of the same consumer still covers, and the link database once it is empty.
absl::Status remove_consumer_links(store::Transaction& tx, const Subscription& subscription,
                                   std::string_view mesh_account);

// The subscription `id`, when the caller is its party as `persona` (see require_party);
// `verb` names the action in the refusal ("approve", "read the grants of", ...).
absl::StatusOr<Subscription> load_as_party(store::Transaction& tx, const Caller& caller,
                                           Persona persona, std::string_view id,
                                           std::string_view verb);

// What a change of state starts with: the subscription `id` loaded as its party (load_as_party,
// `verb` as there), whose status must be one of `allowed` (require_status, `past` as its verb).
absl::StatusOr<Subscription> load_to_change(store::Transaction& tx, const Caller& caller,
                                            Persona persona, std::string_view id,
                                            std::string_view verb,
                                            std::initializer_list<SubscriptionStatus> allowed,
                                            std::string_view past);

// What a change of a subscription records beyond the subscription itself.
struct ChangeRecord {
  std::string_view role;    // the role the caller acts as, e.g. DataMeshProducer
  std::string_view action;  // the method name
  std::string date;
  std::string_view note;    // appended to Notes and kept in the audit event; may be empty
  nlohmann::json details = nlohmann::json::object();
};

// Stamps UpdatedDate/UpdatedBy, appends the note, bumps the version, writes the subscription
// conditionally on its previous version (Aborted if it changed meanwhile), and appends the
// audit event of the change, all in `tx`.
absl::Status commit_change(store::Transaction& tx, const SecretSealer& sealer, const Caller& caller,
                           Subscription& subscription, const ChangeRecord& change);

}  // namespace datamesh::core::internal
