#include "api/embedded_backend.h"

#include <sys/stat.h>

#include "api/routes.h"
#include "core/text.h"
#include "security/secret_box.h"
#include "spdlog/spdlog.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::api {

using core::cat;

absl::StatusOr<std::shared_ptr<EmbeddedBackend>> EmbeddedBackend::open(const std::string& path,
                                                                        const std::string& region) {
  struct stat info {};
  const bool exists = ::stat(path.c_str(), &info) == 0;
  // The key is created together with a new mesh file, never for an existing one: a new key
  // could not unseal the secrets already stored.
  auto sealer = security::SecretBox::from_environment_or_file(path + ".key", !exists);
  if (!sealer.ok()) return sealer.status();
  auto store = store::SqliteStore::open(path);
  if (!store.ok()) return store.status();
  return std::make_shared<EmbeddedBackend>(
      std::move(*store), std::make_unique<security::SecretBox>(std::move(*sealer)), region);
}

EmbeddedBackend::EmbeddedBackend(std::unique_ptr<store::Store> store,
                                 std::unique_ptr<core::SecretSealer> sealer, std::string region)
    : store_(std::move(store)),
      sealer_(std::move(sealer)),
      engine_(*store_, clock_, *sealer_, std::move(region)) {}

absl::Status EmbeddedBackend::check_mesh_id(std::string_view data_mesh_account_id) {
  if (data_mesh_account_id.empty()) return absl::OkStatus();
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
  if (mesh_id_ != data_mesh_account_id) {
    return absl::InvalidArgumentError(cat("data_mesh_account_id ", data_mesh_account_id,
                                          " is not this mesh's account (", mesh_id_, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> EmbeddedBackend::call(std::string_view group,
                                                     std::string_view method,
                                                     const nlohmann::json& params,
                                                     const std::optional<Credentials>& credentials,
                                                     std::string_view data_mesh_account_id) {
  auto route = find_route(group, method);
  if (!route.ok()) return route.status();
  if (absl::Status checked = check_params(**route, params); !checked.ok()) return checked;
  spdlog::debug("call {}/{}", group, (*route)->method);
  if (!(*route)->authenticated) {
    nlohmann::json with_id = params;
    if (!data_mesh_account_id.empty()) with_id["data_mesh_account_id"] = data_mesh_account_id;
    return (*route)->handler(engine_, nullptr, Params(with_id));
  }
  if (absl::Status mesh = check_mesh_id(data_mesh_account_id); !mesh.ok()) return mesh;
  if (!credentials) {
    return engine_.authenticate(Credentials{}).status();  // the "no credentials" message
  }
  auto caller = engine_.authenticate(*credentials);
  if (!caller.ok()) return caller.status();
  spdlog::debug("caller account {} key {}", caller->account.account_id, caller->access_key_id);
  return (*route)->handler(engine_, &*caller, Params(params));
}

}  // namespace datamesh::api
