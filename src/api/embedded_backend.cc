#include "api/embedded_backend.h"

namespace datamesh::api {

absl::StatusOr<nlohmann::json> EmbeddedBackend::call(std::string_view group,
                                                     std::string_view method,
                                                     const nlohmann::json& params,
                                                     const std::optional<Credentials>& credentials,
                                                     std::string_view data_mesh_account_id) {
  auto route = find_route(group, method);
  if (!route.ok()) return route.status();
  if (!(*route)->authenticated) {
    return service_->dispatch(**route, params, nullptr, data_mesh_account_id);
  }
  // The caller is proven first, as the server does before it reads a request's parameters.
  auto caller = service_->engine().authenticate(credentials.value_or(Credentials{}));
  if (!caller.ok()) return caller.status();
  return service_->dispatch(**route, params, &*caller, data_mesh_account_id);
}

}  // namespace datamesh::api
