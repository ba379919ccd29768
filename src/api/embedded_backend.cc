#include "api/embedded_backend.h"

#include "base/status_macros.h"

namespace datamesh::api {

absl::StatusOr<core::Caller> EmbeddedBackend::authenticate(
    const std::optional<Credentials>& credentials, std::string_view data_mesh_account_id) {
  DATAMESH_RETURN_IF_ERROR(service_->check_mesh_id(data_mesh_account_id));
  return service_->engine().authenticate(credentials.value_or(Credentials{}));
}

absl::StatusOr<nlohmann::json> EmbeddedBackend::call(std::string_view group,
                                                     std::string_view method,
                                                     const nlohmann::json& params,
                                                     const std::optional<Credentials>& credentials,
                                                     std::string_view data_mesh_account_id,
                                                     const core::ProgressObserver& on_progress) {
  DATAMESH_ASSIGN_OR_RETURN(const Route* route, find_route(group, method));
  if (!route->authenticated) {
    return service_->dispatch(*route, params, nullptr, data_mesh_account_id, on_progress);
  }
  DATAMESH_ASSIGN_OR_RETURN(core::Caller caller, authenticate(credentials, data_mesh_account_id));
  return service_->dispatch(*route, params, &caller, data_mesh_account_id, on_progress);
}

absl::Status EmbeddedBackend::stream(std::string_view group, std::string_view method,
                                     const nlohmann::json& params,
                                     const std::optional<Credentials>& credentials,
                                     std::string_view data_mesh_account_id,
                                     const Each<nlohmann::json>& each) {
  DATAMESH_ASSIGN_OR_RETURN(const Route* route, find_route(group, method));
  DATAMESH_ASSIGN_OR_RETURN(core::Caller caller, authenticate(credentials, data_mesh_account_id));
  return service_->dispatch_stream(*route, params, &caller, data_mesh_account_id, each);
}

}  // namespace datamesh::api
