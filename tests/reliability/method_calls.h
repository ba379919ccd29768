// The call each route of the method table (api/routes.cc) is exercised with in the standard
// world (test_mesh.h): valid parameters naming the world's accounts, databases and, for routes
// that act on a subscription, C's subscription in a given status. The authorization matrix and
// the fault-injection tests share it, so every route is covered by both.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/routes.h"
#include "datamesh/types.h"
#include "reliability/test_mesh.h"

namespace datamesh::reliability {

// True when the route acts on one subscription (a required request_id or subscription_id).
bool takes_subscription(const api::Route& route);

// "admin create_account".
std::string route_name(const api::Route& route);

// The parameters of `route` in `world`; `status` picks the subscription for routes that take
// one (required for them, ignored otherwise). NotFound for a route this table does not know:
// a new route must be added here (and to docs/AUTHORIZATION.md).
absl::StatusOr<nlohmann::json> params_for(const api::Route& route, const World& world,
                                          std::optional<SubscriptionStatus> status);

}  // namespace datamesh::reliability
