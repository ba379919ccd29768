#include "api/mesh_service.h"

#include <sys/stat.h>

#include <cstdlib>

#include "base/status_macros.h"
#include "base/text.h"
#include "security/secret_box.h"
#include "api/logging.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/url.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::api {

using base::cat;

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

namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

// The mesh's state as the new sealer will find it: whether it has a mesh account yet, and the
// sealed secret of one of the mesh admin's keys (empty when none).
struct MeshKeyState {
  bool initialized = false;
  std::string sample_sealed_secret;
};

absl::StatusOr<MeshKeyState> key_state(store::Store& store) {
  MeshKeyState state;
  absl::Status read = store.run(store::TxMode::kRead, [&](store::Transaction& tx) -> absl::Status {
    auto mesh = tx.get_mesh_account();
    if (!mesh.ok()) return mesh.status();
    if (!mesh->has_value()) return absl::OkStatus();
    state.initialized = true;
    auto keys = tx.list_access_keys((*mesh)->account_id);
    if (!keys.ok()) return keys.status();
    if (!keys->empty()) state.sample_sealed_secret = keys->front().sealed_secret;
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return state;
}

}  // namespace

absl::StatusOr<std::shared_ptr<MeshService>> MeshService::open_postgres(
    const std::string& url, const std::string& region, bool create_if_missing,
    const std::string& master_key_file) {
  const bool key_in_environment =
      std::getenv(std::string(security::SecretBox::kKeyEnvironmentVariable).c_str()) != nullptr;
  if (!key_in_environment && master_key_file.empty()) {
    return absl::FailedPreconditionError(
        "a PostgreSQL mesh seals its access-key secrets with a master key that every replica "
        "must share: set DATAMESH_MASTER_KEY (64 hex characters) or give a key file "
        "(--master-key-file, DATAMESH_MASTER_KEY_FILE; see docs/DEPLOYMENT.md)");
  }
  auto store = store::PostgresStore::open(
      url, store::PostgresOptions{.create_if_missing = create_if_missing});
  if (!store.ok()) return store.status();
  auto state = key_state(**store);
  if (!state.ok()) return state.status();
  // A new key only for a new mesh: it could not unseal the secrets of an existing one.
  auto sealer = security::SecretBox::from_environment_or_file(
      master_key_file, create_if_missing && !state->initialized);
  if (!sealer.ok()) return sealer.status();
  if (!state->sample_sealed_secret.empty()) {
    auto unsealed = sealer->unseal(state->sample_sealed_secret);
    if (absl::IsDataLoss(unsealed.status())) {
      return absl::FailedPreconditionError(cat(
          "the master key (", key_in_environment ? "DATAMESH_MASTER_KEY" : master_key_file,
          ") does not unseal the secrets of the mesh at ", (*store)->display_url(),
          ": every replica must use the key the mesh was initialized with"));
    }
    if (!unsealed.ok()) return unsealed.status();
  }
  return std::make_shared<MeshService>(
      std::move(*store), std::make_unique<security::SecretBox>(std::move(*sealer)), region);
}

absl::StatusOr<std::shared_ptr<MeshService>> MeshService::open_store(
    const std::string& store_url, const std::string& region, bool create_if_missing,
    const std::string& master_key_file) {
  if (store::postgres::is_postgres_url(store_url)) {
    return open_postgres(store_url, region, create_if_missing, master_key_file);
  }
  if (std::string_view(store_url).starts_with(kSqliteScheme) &&
      store_url.size() > kSqliteScheme.size()) {
    return open_sqlite(store_url.substr(kSqliteScheme.size()), region, create_if_missing);
  }
  return absl::InvalidArgumentError(
      cat("store \"", store_url,
          "\" must be sqlite:///path/to/mesh.db or postgresql://user@host:port/database"));
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
                                                     std::string_view data_mesh_account_id,
                                                     const core::ProgressObserver& on_progress) {
  DATAMESH_RETURN_IF_ERROR(check_params(route, params));
  // Authenticated routes had the mesh id checked by the front end; the unauthenticated one
  // (initialize_mesh_account) takes it as the id of the new mesh.
  if (route.authenticated) {
    DATAMESH_RETURN_IF_ERROR(log_call(route.group, route.method, caller));
    auto answer =
        route.handler(engine_, CallContext{caller, data_mesh_account_id}, params, on_progress);
    if (!answer.ok()) return as_spelled(route, params, answer.status());
    return answer;
  }
  // Every route accepts data_mesh_account_id among its parameters (check_params); the id the
  // front end was given wins.
  std::string mesh_id(data_mesh_account_id);
  if (auto it = params.find("data_mesh_account_id");
      mesh_id.empty() && it != params.end() && it->is_string()) {
    mesh_id = it->get<std::string>();
  }
  return route.handler(engine_, CallContext{nullptr, mesh_id}, params, on_progress);
}

absl::Status MeshService::log_call(std::string_view group, std::string_view method,
                                   const core::Caller* caller) const {
  if (caller == nullptr) return absl::InternalError("an authenticated method without a caller");
  logger().debug("{}/{} by account {} key {}", group, method, caller->account.account_id,
                 caller->access_key_id);
  return absl::OkStatus();
}

}  // namespace datamesh::api
