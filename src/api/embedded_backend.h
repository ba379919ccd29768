// The embedded backend: the engine in-process on a mesh store (a SQLite file or PostgreSQL).
//
// Each call checks the mesh id, authenticates the caller's access key and secret against the
// store and runs the method: calls by name through MeshService's dispatch (JSON in and out),
// typed calls of the client classes straight on the engine. Several processes may use the same
// store at once. Thread-safe.
#pragma once

#include <memory>

#include "api/backend.h"
#include "api/mesh_service.h"
#include "api/methods.h"

namespace datamesh::api {

class EmbeddedBackend final : public Backend {
 public:
  explicit EmbeddedBackend(std::shared_ptr<MeshService> service)
      : service_(std::move(service)) {}

  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params,
                                      const std::optional<Credentials>& credentials,
                                      std::string_view data_mesh_account_id,
                                      const core::ProgressObserver& on_progress = {}) override;

  // Hands each entry on as the engine reads it.
  absl::Status stream(std::string_view group, std::string_view method,
                      const nlohmann::json& params, const std::optional<Credentials>& credentials,
                      std::string_view data_mesh_account_id,
                      const Each<nlohmann::json>& each) override;

  EmbeddedBackend* embedded() override { return this; }

  // The typed call: the same checks in the same order as call(), no JSON (but for the hash of a
  // write made under a client token: MeshService::run).
  template <class Req, class Ans>
  absl::StatusOr<Ans> run(const Method<Req, Ans>& method, const Req& request,
                          const std::optional<Credentials>& credentials,
                          std::string_view data_mesh_account_id,
                          std::string_view client_token = {}) {
    if (!method.authenticated) {
      return service_->run(method, request, nullptr, data_mesh_account_id);
    }
    DATAMESH_ASSIGN_OR_RETURN(const core::Caller caller,
                              authenticate(credentials, data_mesh_account_id));
    return service_->run(method, request, &caller, data_mesh_account_id, client_token);
  }
  // The typed call of a declaration that streams (MeshService::stream).
  template <class Req, class Ans>
  absl::Status stream(const Method<Req, Ans>& method, const Req& request,
                      const std::optional<Credentials>& credentials,
                      std::string_view data_mesh_account_id,
                      const Each<typename Method<Req, Ans>::Entry>& each) {
    DATAMESH_ASSIGN_OR_RETURN(const core::Caller caller,
                              authenticate(credentials, data_mesh_account_id));
    return service_->stream(method, request, &caller, data_mesh_account_id, each);
  }

 private:
  // The mesh, then the caller: the order the server checks them in.
  absl::StatusOr<core::Caller> authenticate(const std::optional<Credentials>& credentials,
                                            std::string_view data_mesh_account_id);

  std::shared_ptr<MeshService> service_;
};

}  // namespace datamesh::api
