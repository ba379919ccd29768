// The engine with what every front end needs around it: the store, the sealing key, the
// clock (the real one unless a test injects its own), and the dispatch of one method-table call (parameters checked, mesh id checked,
// handler run). The embedded backend and the HTTP server both dispatch through it, so both
// modes apply the same checks in the same order. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/methods.h"
#include "api/request_fields.h"
#include "api/routes.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/secrets.h"
#include "core/store.h"
#include "store/open/endpoint.h"

namespace datamesh::api {

// The key file beside the SQLite mesh file `mesh_path`: its path with ".key" (where a new mesh's
// key is made, and where admin backup writes a backup's).
std::string key_file_beside(std::string_view mesh_path);

// The key file of a SQLite mesh (when DATAMESH_MASTER_KEY is not set): master_key_file when
// given (a key kept apart from the data), else key_file_beside() the mesh file.
std::string sqlite_key_file(const store::Endpoint& endpoint, const std::string& master_key_file);

class MeshService {
 public:
  // Opens the mesh of a store endpoint (store/open/endpoint.h): a SQLite file, or a PostgreSQL
  // database that several servers and embedded clients may share. A SQLite file (with its
  // sealing key file, sqlite_key_file()) or a PostgreSQL schema is created only when
  // create_if_missing; missing migrations of an existing mesh are applied either way.
  //
  // PostgreSQL replicas must seal secrets with one master key: DATAMESH_MASTER_KEY (64 hex
  // characters), else the key file `master_key_file`. The file is created (mode 0600, a new
  // random key) only for a mesh that has no account yet and only when create_if_missing; copy
  // it to every replica. A SQLite mesh's key: DATAMESH_MASTER_KEY, else sqlite_key_file(), made
  // with a new mesh file only.
  // Errors: parse_endpoint's and open_store's; FailedPrecondition when a PostgreSQL mesh is
  // given no key, and when the key does not unseal the secrets already stored (every replica
  // must use the key the mesh was created with); the key file's errors (secret_box.h).
  // `clock` dates what the engine writes; it must outlive the service.
  static absl::StatusOr<std::shared_ptr<MeshService>> open(
      const store::Endpoint& endpoint, const std::string& region, bool create_if_missing,
      const std::string& master_key_file, const core::Clock& clock = core::system_clock());
  static absl::StatusOr<std::shared_ptr<MeshService>> open(
      std::string_view url, const std::string& region, bool create_if_missing,
      const std::string& master_key_file, const core::Clock& clock = core::system_clock());

  // partition: that of the ARNs the engine makes (core::Engine): "datamesh" for a self-hosted
  // store, the region's AWS partition for the AWS store. `clock` must outlive the service.
  MeshService(std::unique_ptr<store::Store> store, std::unique_ptr<core::SecretSealer> sealer,
              std::string region, std::string partition = "datamesh",
              const core::Clock& clock = core::system_clock());

  const core::Engine& engine() const { return engine_; }
  store::Store& store() { return *store_; }
  const std::string& region() const { return region_; }

  // FailedPrecondition when the mesh is not initialized yet; InvalidArgument unless
  // data_mesh_account_id is empty or the mesh's id. Front ends check it before the caller's
  // key, so a call to an empty mesh says so instead of refusing the key.
  absl::Status check_mesh_id(std::string_view data_mesh_account_id);

  // Runs `route` with `params` as `caller` (null only for unauthenticated routes), after
  // checking the parameters against the route. The caller's credentials and the mesh id have
  // been checked by the front end. A write whose params hold a client_token acts once under it
  // (api/client_token.h): a replay answers the first call's answer; InvalidArgument for a token
  // that is not 1-64 printable ASCII characters or was used for another request.
  // on_progress: see Route::handler.
  //
  // remembered_caller: the front end took `caller` from what it remembers of the key instead of
  // reading it from the store for this call (server/request_auth.h). The call then runs on an
  // Engine::confirming engine, each transaction checking the caller first, and one that ran no
  // transaction is confirmed after it: the answer is core::stale_caller_error when the key or
  // its account changed since, and the front end reads the caller afresh and calls again.
  absl::StatusOr<nlohmann::json> dispatch(const Route& route, const nlohmann::json& params,
                                          const core::Caller* caller,
                                          std::string_view data_mesh_account_id,
                                          const core::ProgressObserver& on_progress = {},
                                          bool remembered_caller = false);
  // dispatch(), answering the answer's compact JSON text (Route::text_handler): the HTTP
  // server's path, which writes the text and never needs the DOM.
  absl::StatusOr<std::string> dispatch_text(const Route& route, const nlohmann::json& params,
                                            const core::Caller* caller,
                                            std::string_view data_mesh_account_id,
                                            bool remembered_caller = false);

  // dispatch() for a route that streams (Route::stream): the same checks, then each entry of
  // the answer is handed to `each` as the engine reads it. Internal for a route that does not
  // stream.
  absl::Status dispatch_stream(const Route& route, const nlohmann::json& params,
                               const core::Caller* caller, std::string_view data_mesh_account_id,
                               const Each<nlohmann::json>& each);
  // dispatch_stream(), each entry as its compact JSON text (Route::text_stream): the HTTP
  // server's path.
  absl::Status dispatch_text_stream(const Route& route, const nlohmann::json& params,
                                    const core::Caller* caller,
                                    std::string_view data_mesh_account_id,
                                    const Each<std::string_view>& each);

  // Runs a declaration with its typed request as `caller` (null only for unauthenticated
  // methods), without JSON: the embedded path of the client classes. The mesh id and the
  // caller have been checked as for dispatch.
  // A write with a `client_token` acts once under it, as a dispatched one does; its request
  // hash is that of the request's JSON form, which the remote client sends.
  template <class Req, class Ans>
  absl::StatusOr<Ans> run(const Method<Req, Ans>& method, const Req& request,
                          const core::Caller* caller, std::string_view data_mesh_account_id,
                          std::string_view client_token = {}) {
    if (method.authenticated) {
      DATAMESH_RETURN_IF_ERROR(log_call(method.group, method.name, caller));
    }
    const CallContext context{caller, data_mesh_account_id};
    if (!client_token.empty() && caller != nullptr) {
      DATAMESH_ASSIGN_OR_RETURN(
          std::optional<core::Engine> once,
          engine_with_token(method.group, method.name, write_request(request), client_token,
                            *caller));
      if (once) return method.run(*once, context, request);
    }
    return method.run(engine_, context, request);
  }
  // run() for a declaration that streams (Method::stream); Internal for one that does not.
  template <class Req, class Ans>
  absl::Status stream(const Method<Req, Ans>& method, const Req& request,
                      const core::Caller* caller, std::string_view data_mesh_account_id,
                      const Each<typename Method<Req, Ans>::Entry>& each) {
    if (method.stream == nullptr) {
      return absl::InternalError(base::cat(method.name, " does not stream its answer"));
    }
    DATAMESH_RETURN_IF_ERROR(log_call(method.group, method.name, caller));
    return method.stream(engine_, CallContext{caller, data_mesh_account_id}, request, each);
  }

 private:
  // dispatch() and dispatch_text(): the route's `handler` member run after the same checks.
  template <class Answer>
  absl::StatusOr<Answer> dispatch_with(RouteHandler<Answer> Route::*handler, const Route& route,
                                       const nlohmann::json& params, const core::Caller* caller,
                                       std::string_view data_mesh_account_id,
                                       const core::ProgressObserver& on_progress,
                                       bool remembered_caller);

  // dispatch_stream() and dispatch_text_stream(): the route's `stream` member run after the same
  // checks.
  template <class Entry>
  absl::Status dispatch_stream_with(RouteStream<Entry> Route::*stream, const Route& route,
                                    const nlohmann::json& params, const core::Caller* caller,
                                    std::string_view data_mesh_account_id,
                                    const Each<Entry>& each);

  // The engine that makes a write of group/method with `params` (its JSON form) act once under
  // `client_token`; nullopt for a method that takes no token.
  absl::StatusOr<std::optional<core::Engine>> engine_with_token(std::string_view group,
                                                                std::string_view method,
                                                                nlohmann::json params,
                                                                std::string_view client_token,
                                                                const core::Caller& caller) const;

  // Logs an authenticated call at DEBUG; Internal when it has no caller.
  absl::Status log_call(std::string_view group, std::string_view method,
                        const core::Caller* caller) const;

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<core::SecretSealer> sealer_;
  const core::Clock& clock_;
  std::string region_;
  core::Engine engine_;
};

}  // namespace datamesh::api
