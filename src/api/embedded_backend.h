// The embedded backend: the engine in-process on a SQLite mesh file.
//
// Each call authenticates the caller's access key and secret against the store and dispatches
// through MeshService. Several processes may use the same file at once. Thread-safe.
#pragma once

#include <memory>

#include "api/backend.h"
#include "api/mesh_service.h"

namespace datamesh::api {

class EmbeddedBackend final : public Backend {
 public:
  explicit EmbeddedBackend(std::shared_ptr<MeshService> service)
      : service_(std::move(service)) {}

  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params,
                                      const std::optional<Credentials>& credentials,
                                      std::string_view data_mesh_account_id) override;

 private:
  std::shared_ptr<MeshService> service_;
};

}  // namespace datamesh::api
