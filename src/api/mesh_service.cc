#include "api/mesh_service.h"

#include <sys/stat.h>

#include "core/text.h"
#include "security/secret_box.h"
#include "api/logging.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::api {

using core::cat;

absl::StatusOr<std::shared_ptr<MeshService>> MeshService::open_sqlite(const std::string& path,
                                                                      const std::string& region,
                                                                      bool create_if_missing) {
  struct stat info {};
  const bool exists = ::stat(path.c_str(), &info) == 0;
  if (!exists && !create_if_missing) {
    return absl::FailedPreconditionError(
        cat("no mesh at sqlite://", path,
            ": check the endpoint, or create one with `datamesh admin initialize-mesh-account`"));
  }
  // The key is created together with a new mesh file, never for an existing one: a new key
  // could not unseal the secrets already stored.
  auto sealer = security::SecretBox::from_environment_or_file(path + ".key", !exists);
  if (!sealer.ok()) return sealer.status();
  auto store = store::SqliteStore::open(path);
  if (!store.ok()) return store.status();
  return std::make_shared<MeshService>(
      std::move(*store), std::make_unique<security::SecretBox>(std::move(*sealer)), region);
}

MeshService::MeshService(std::unique_ptr<store::Store> store,
                         std::unique_ptr<core::SecretSealer> sealer, std::string region)
    : store_(std::move(store)),
      sealer_(std::move(sealer)),
      region_(std::move(region)),
      engine_(*store_, clock_, *sealer_, region_) {}

absl::Status MeshService::check_mesh_id(std::string_view data_mesh_account_id) {
  std::lock_guard lock(mesh_id_mutex_);
  if (mesh_id_.empty()) {
    auto id = engine_.mesh_account_id();
    if (!id.ok()) {
      if (absl::IsNotFound(id.status())) {
        return absl::FailedPreconditionError(
            "the mesh is not initialized: run `datamesh admin initialize-mesh-account` first");
      }
      return id.status();
    }
    mesh_id_ = *id;
  }
  if (!data_mesh_account_id.empty() && mesh_id_ != data_mesh_account_id) {
    return absl::InvalidArgumentError(cat("data_mesh_account_id ", data_mesh_account_id,
                                          " is not this mesh's account (", mesh_id_, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> MeshService::dispatch(const Route& route,
                                                     const nlohmann::json& params,
                                                     const core::Caller* caller,
                                                     std::string_view data_mesh_account_id) {
  // Authenticated routes had the mesh id checked by the front end; the unauthenticated one
  // (initialize_mesh_account) takes it as the id of the new mesh.
  if (absl::Status checked = check_params(route, params); !checked.ok()) return checked;
  if (!route.authenticated) {
    // initialize_mesh_account takes the mesh id as the id of the new mesh.
    nlohmann::json with_id = params;
    if (!data_mesh_account_id.empty()) with_id["data_mesh_account_id"] = data_mesh_account_id;
    return route.handler(engine_, nullptr, Params(with_id));
  }
  if (caller == nullptr) return absl::InternalError("an authenticated route without a caller");
  logger().debug("{}/{} by account {} key {}", route.group, route.method,
                caller->account.account_id, caller->access_key_id);
  return route.handler(engine_, caller, Params(params));
}

}  // namespace datamesh::api
