#include "api/mesh_service.h"

#include "base/status_macros.h"
#include "base/text.h"
#include "security/secret_box.h"
#include "api/client_token.h"
#include "api/logging.h"
#include "store/open/endpoint.h"

namespace datamesh::api {

using base::cat;

namespace {

// The mesh's state as the new sealer will find it: whether it has a mesh account yet, and the
// sealed secret of one of the mesh admin's keys (empty when none).
struct MeshKeyState {
  bool initialized = false;
  std::string sample_sealed_secret;
};

absl::StatusOr<MeshKeyState> key_state(store::Store& store) {
  return store.run(store::TxMode::kRead,
                   [](store::Transaction& tx) -> absl::StatusOr<MeshKeyState> {
                     DATAMESH_ASSIGN_OR_RETURN(const std::optional<Account> mesh,
                                               tx.get_mesh_account());
                     if (!mesh) return MeshKeyState{};
                     DATAMESH_ASSIGN_OR_RETURN(const std::vector<store::AccessKeyRow> keys,
                                               tx.list_access_keys(mesh->account_id));
                     return MeshKeyState{
                         .initialized = true,
                         .sample_sealed_secret = keys.empty() ? "" : keys.front().sealed_secret};
                   });
}

// A key that does not unseal the mesh's secrets would answer every call DataLoss after a start
// that looked healthy: it is refused at open, naming the key and what to do.
absl::Status check_key_unseals(const MeshKeyState& state, const security::SecretBox& sealer,
                               std::string_view key, std::string_view mesh,
                               std::string_view remedy) {
  if (state.sample_sealed_secret.empty()) return absl::OkStatus();
  const auto unsealed = sealer.unseal(state.sample_sealed_secret);
  if (absl::IsDataLoss(unsealed.status())) {
    return absl::FailedPreconditionError(cat("the master key (", key,
                                             ") does not unseal the secrets of the mesh at ",
                                             mesh, ": ", remedy));
  }
  return unsealed.status();
}

// Replicas of a PostgreSQL mesh share one master key: DATAMESH_MASTER_KEY, else the key file.
absl::StatusOr<security::SecretBox> postgres_sealer(const store::Endpoint& endpoint,
                                                    store::Store& store, bool create_if_missing,
                                                    const std::string& master_key_file) {
  DATAMESH_ASSIGN_OR_RETURN(MeshKeyState state, key_state(store));
  // A new key only for a new mesh: it could not unseal the secrets of an existing one.
  DATAMESH_ASSIGN_OR_RETURN(security::SecretBox sealer,
                            security::SecretBox::from_environment_or_file(
                                master_key_file, create_if_missing && !state.initialized));
  DATAMESH_RETURN_IF_ERROR(check_key_unseals(
      state, sealer, security::SecretBox::key_source(master_key_file),
      endpoint.display, "every replica must use the key the mesh was initialized with"));
  return sealer;
}

}  // namespace

std::string key_file_beside(std::string_view mesh_path) { return cat(mesh_path, ".key"); }

std::string sqlite_key_file(const store::Endpoint& endpoint, const std::string& master_key_file) {
  return master_key_file.empty() ? key_file_beside(endpoint.path) : master_key_file;
}

absl::StatusOr<std::shared_ptr<MeshService>> MeshService::open(
    const store::Endpoint& endpoint, const std::string& region, bool create_if_missing,
    const std::string& master_key_file, const core::Clock& clock) {
  using Kind = store::Endpoint::Kind;
  if (endpoint.kind == Kind::kPostgres && master_key_file.empty() &&
      !security::SecretBox::key_in_environment()) {
    return absl::FailedPreconditionError(
        "a PostgreSQL mesh seals its access-key secrets with a master key that every replica "
        "must share: set DATAMESH_MASTER_KEY (64 hex characters) or give a key file "
        "(--master-key-file, DATAMESH_MASTER_KEY_FILE; see docs/DEPLOYMENT.md)");
  }
  if (endpoint.kind == Kind::kSqlite) {
    // The key file first, as a new mesh file must never exist without its key.
    const bool new_file = !store::sqlite_file_exists(endpoint);
    if (new_file && !create_if_missing) return store::open_store(endpoint, false).status();
    if (new_file) store::create_sqlite_folder(endpoint);
    // The key file is created together with a new mesh file and never for an existing one: a
    // new key could not unseal the secrets already stored.
    const std::string key_file = sqlite_key_file(endpoint, master_key_file);
    absl::StatusOr<security::SecretBox> sealer =
        security::SecretBox::from_environment_or_file(key_file, new_file);
    if (absl::IsNotFound(sealer.status()) && !new_file) {
      // No key beside a file that is no mesh at all (another file, an empty one, a folder):
      // what the file is comes first.
      DATAMESH_RETURN_IF_ERROR(store::open_store(endpoint, false).status());
    }
    DATAMESH_RETURN_IF_ERROR(sealer.status());
    DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                              store::open_store(endpoint, create_if_missing));
    if (!new_file) {
      DATAMESH_ASSIGN_OR_RETURN(const MeshKeyState state, key_state(*store));
      DATAMESH_RETURN_IF_ERROR(check_key_unseals(
          state, *sealer, security::SecretBox::key_source(key_file), endpoint.display,
          "use the key the mesh was made with: its key file (beside it unless --master-key-file "
          "names another; a backup's is the backup's name with .key, which admin backup writes "
          "beside it), or the DATAMESH_MASTER_KEY it was made with"));
    }
    return std::make_shared<MeshService>(
        std::move(store), std::make_unique<security::SecretBox>(*std::move(sealer)), region,
        "datamesh", clock);
  }
  DATAMESH_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                            store::open_store(endpoint, create_if_missing));
  DATAMESH_ASSIGN_OR_RETURN(
      security::SecretBox sealer,
      postgres_sealer(endpoint, *store, create_if_missing, master_key_file));
  return std::make_shared<MeshService>(std::move(store),
                                       std::make_unique<security::SecretBox>(std::move(sealer)),
                                       region, "datamesh", clock);
}

absl::StatusOr<std::shared_ptr<MeshService>> MeshService::open(
    std::string_view url, const std::string& region, bool create_if_missing,
    const std::string& master_key_file, const core::Clock& clock) {
  DATAMESH_ASSIGN_OR_RETURN(store::Endpoint endpoint, store::parse_endpoint(url));
  return open(endpoint, region, create_if_missing, master_key_file, clock);
}

MeshService::MeshService(std::unique_ptr<store::Store> store,
                         std::unique_ptr<core::SecretSealer> sealer, std::string region,
                         std::string partition, const core::Clock& clock)
    : store_(std::move(store)),
      sealer_(std::move(sealer)),
      clock_(clock),
      region_(std::move(region)),
      engine_(*store_, clock_, *sealer_, region_, std::move(partition)) {}

absl::Status MeshService::check_mesh_id(std::string_view data_mesh_account_id) {
  DATAMESH_ASSIGN_OR_RETURN(const std::string mesh_id, engine_.mesh_account_id());
  if (!data_mesh_account_id.empty() && mesh_id != data_mesh_account_id) {
    return absl::InvalidArgumentError(cat("data_mesh_account_id ", data_mesh_account_id,
                                          " is not this mesh's account (", mesh_id, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> MeshService::dispatch(const Route& route,
                                                     const nlohmann::json& params,
                                                     const core::Caller* caller,
                                                     std::string_view data_mesh_account_id,
                                                     const core::ProgressObserver& on_progress,
                                                     bool remembered_caller) {
  return dispatch_with(&Route::handler, route, params, caller, data_mesh_account_id,
                       on_progress, remembered_caller);
}

absl::StatusOr<std::string> MeshService::dispatch_text(const Route& route,
                                                       const nlohmann::json& params,
                                                       const core::Caller* caller,
                                                       std::string_view data_mesh_account_id,
                                                       bool remembered_caller) {
  return dispatch_with(&Route::text_handler, route, params, caller, data_mesh_account_id, {},
                       remembered_caller);
}

template <class Answer>
absl::StatusOr<Answer> MeshService::dispatch_with(RouteHandler<Answer> Route::*handler,
                                                  const Route& route,
                                                  const nlohmann::json& params,
                                                  const core::Caller* caller,
                                                  std::string_view data_mesh_account_id,
                                                  const core::ProgressObserver& on_progress,
                                                  bool remembered_caller) {
  core::CallerConfirmation confirmation;
  // A remembered caller is confirmed even when the parameters are refused, so that a refusal
  // never comes from a caller the store no longer holds.
  const auto confirmed = [&](absl::StatusOr<Answer> answer) -> absl::StatusOr<Answer> {
    if (remembered_caller && caller != nullptr && !confirmation.stale &&
        confirmation.confirmed == 0) {
      DATAMESH_RETURN_IF_ERROR(engine_.confirm_caller(*caller));
    }
    return answer;
  };
  if (absl::Status checked = check_params(route, params); !checked.ok()) return confirmed(checked);
  // Authenticated routes had the mesh id checked by the front end; the unauthenticated one
  // (initialize_mesh_account) takes it as the id of the new mesh.
  if (route.authenticated) {
    DATAMESH_RETURN_IF_ERROR(log_call(route.group, route.method, caller));
    auto token = client_token_of(route, params, *caller);
    if (!token.ok()) return confirmed(token.status());
    // A write with a token runs on an engine that makes it act once (core/client_token.h).
    std::optional<core::Engine> adapted;
    if (*token || remembered_caller) {
      core::Engine engine = *token ? engine_.with_client_token(**std::move(token)) : engine_;
      adapted.emplace(remembered_caller ? engine.confirming(caller, &confirmation)
                                        : std::move(engine));
    }
    auto answer = confirmed((route.*handler)(adapted ? *adapted : engine_,
                                             CallContext{caller, data_mesh_account_id}, params,
                                             on_progress));
    if (!answer.ok() && !core::is_stale_caller(answer.status())) {
      return as_spelled(route, params, answer.status());
    }
    return answer;
  }
  // Every route accepts data_mesh_account_id among its parameters (check_params); the id the
  // front end was given wins.
  std::string mesh_id(data_mesh_account_id);
  if (auto it = params.find("data_mesh_account_id");
      mesh_id.empty() && it != params.end() && it->is_string()) {
    mesh_id = it->get<std::string>();
  }
  return (route.*handler)(engine_, CallContext{nullptr, mesh_id}, params, on_progress);
}

absl::Status MeshService::dispatch_stream(const Route& route, const nlohmann::json& params,
                                          const core::Caller* caller,
                                          std::string_view data_mesh_account_id,
                                          const Each<nlohmann::json>& each) {
  return dispatch_stream_with(&Route::stream, route, params, caller, data_mesh_account_id, each);
}

absl::Status MeshService::dispatch_text_stream(const Route& route, const nlohmann::json& params,
                                               const core::Caller* caller,
                                               std::string_view data_mesh_account_id,
                                               const Each<std::string_view>& each) {
  return dispatch_stream_with(&Route::text_stream, route, params, caller, data_mesh_account_id,
                              each);
}

template <class Entry>
absl::Status MeshService::dispatch_stream_with(RouteStream<Entry> Route::*stream,
                                               const Route& route, const nlohmann::json& params,
                                               const core::Caller* caller,
                                               std::string_view data_mesh_account_id,
                                               const Each<Entry>& each) {
  if (!(route.*stream)) {
    return absl::InvalidArgumentError(
        cat(route.group, " ", dashed(route.method), " does not stream its answer"));
  }
  // Streamed answers are reads of authenticated methods: no client token, no new mesh.
  if (!route.authenticated || route.takes_client_token) {
    return absl::InternalError(cat(route.method, " streams but is not an authenticated read"));
  }
  DATAMESH_RETURN_IF_ERROR(check_params(route, params));
  DATAMESH_RETURN_IF_ERROR(log_call(route.group, route.method, caller));
  return as_spelled(route, params,
                    (route.*stream)(engine_, CallContext{caller, data_mesh_account_id}, params,
                                    each));
}

absl::StatusOr<std::optional<core::Engine>> MeshService::engine_with_token(
    std::string_view group, std::string_view method, nlohmann::json params,
    std::string_view client_token, const core::Caller& caller) const {
  DATAMESH_ASSIGN_OR_RETURN(const Route* route, find_route(group, method));
  params[std::string(kClientTokenParam)] = std::string(client_token);
  DATAMESH_ASSIGN_OR_RETURN(std::optional<core::ClientToken> token,
                            client_token_of(*route, params, caller));
  if (!token) return std::nullopt;
  return engine_.with_client_token(*std::move(token));
}

absl::Status MeshService::log_call(std::string_view group, std::string_view method,
                                   const core::Caller* caller) const {
  if (caller == nullptr) return absl::InternalError("an authenticated method without a caller");
  logger().debug("{}/{} by account {} key {}", group, method, caller->account.account_id,
                 caller->access_key_id);
  return absl::OkStatus();
}

}  // namespace datamesh::api
