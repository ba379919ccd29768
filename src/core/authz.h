// Who may do what: the authorization rules of every engine method, in one place.
// Each returns PermissionDenied with a message naming the account and the rule it broke.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "core/engine.h"

namespace datamesh::core {

// Only the mesh account's keys administer accounts and read the whole audit log.
absl::Status require_mesh_admin(const Caller& caller, std::string_view action);
// The account initialized itself as producer and the mesh admin enabled it.
absl::Status require_producer(const Caller& caller, std::string_view action);
// The account initialized itself as consumer and the mesh admin enabled it.
absl::Status require_consumer(const Caller& caller, std::string_view action);
// As a producer: owns the subscription's data product. As a consumer: is its subscriber.
absl::Status require_party(const Caller& caller, Persona persona, const Subscription& subscription,
                           std::string_view action);
// Catalog methods: any account but the mesh account acts on its own catalog.
absl::Status require_catalog_owner(const Caller& caller, std::string_view action);

}  // namespace datamesh::core
