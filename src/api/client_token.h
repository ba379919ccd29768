// The client_token parameter of the write routes (AWS's ClientToken; core/client_token.h says
// what it does): its spec, declared once and added to every route whose method
// takes_client_token (api/methods.h), hence to the CLI's options, the OpenAPI document and the
// parameter checks; how a route's call names its token and its request for the record; and a
// new token for a client that makes one per call. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/params.h"
#include "core/client_token.h"
#include "core/engine.h"

namespace datamesh::api {

struct Route;

inline constexpr std::string_view kClientTokenParam = "client_token";

// The spec of client_token, appended to the parameters of every write route.
ParamSpec client_token_spec();

// A new token: 32 random hex characters (128 bits), for one write and its retries.
std::string new_client_token();

// The token of a call of `route` as `caller`, when its checked parameters hold one: scoped to
// the caller's account, for the route's method, with the hash of the parameters other than
// client_token and data_mesh_account_id (a retry repeats them; the mesh id is checked apart).
// nullopt without a token. InvalidArgument when the token is not 1-64 printable ASCII
// characters (core::check_client_token).
absl::StatusOr<std::optional<core::ClientToken>> client_token_of(const Route& route,
                                                                 const nlohmann::json& params,
                                                                 const core::Caller& caller);

}  // namespace datamesh::api
