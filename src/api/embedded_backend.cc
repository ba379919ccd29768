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
  // The mesh, then the caller, then the parameters: the order the server checks them in.
  if (absl::Status mesh = service_->check_mesh_id(data_mesh_account_id); !mesh.ok()) return mesh;
  auto caller = service_->engine().authenticate(credentials.value_or(Credentials{}));
  if (!caller.ok()) return caller.status();
  return service_->dispatch(**route, params, &*caller, data_mesh_account_id);
}

}  // namespace datamesh::api
