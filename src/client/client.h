// What the four client classes share: the resolved backend and credentials, and the typed call
// of a method declaration (api/methods.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/answer_json.h"
#include "api/client_token.h"
#include "api/embedded_backend.h"
#include "api/methods.h"
#include "api/request_fields.h"
#include "base/status_macros.h"
#include "client/open_backend.h"
#include "datamesh/client_options.h"

namespace datamesh::client {

class Client {
 public:
  // block: the block of a reference credentials file this class reads (Mesh, Producer, ...).
  Client(ClientOptions options, std::string_view block);

  // Runs `method` with `request` (a write as `write` says, when given): on the engine when the
  // endpoint is embedded, else as the route's JSON. The backend or credentials error when they
  // could not be resolved.
  template <class Req, class Ans>
  absl::StatusOr<Ans> call(const api::Method<Req, Ans>& method, const Req& request,
                           const WriteOptions* write = nullptr) {
    DATAMESH_RETURN_IF_ERROR(open(/*create_if_missing=*/!method.authenticated));
    const std::string_view client_token =
        write != nullptr ? std::string_view(write->client_token) : std::string_view();
    if (api::EmbeddedBackend* embedded = backend_->embedded()) {
      return embedded->run(method, request, *credentials_, options_.data_mesh_account_id,
                           client_token);
    }
    nlohmann::json params = api::write_request(request);
    if (!client_token.empty()) params[std::string(api::kClientTokenParam)] = client_token;
    DATAMESH_ASSIGN_OR_RETURN(
        nlohmann::json answer,
        backend_->call(method.group, method.name, params, *credentials_,
                       options_.data_mesh_account_id));
    return api::answer_from_json<Ans>(answer, method.wrap, method.name);
  }

  // Runs a declaration that streams (api::Method::stream), handing each entry of its answer to
  // `each` as the engine reads it (embedded) or as the server's answer arrives (remote).
  template <class Req, class Ans>
  absl::Status stream(const api::Method<Req, Ans>& method, const Req& request,
                      const Each<typename api::Method<Req, Ans>::Entry>& each) {
    using Entry = typename api::Method<Req, Ans>::Entry;
    DATAMESH_RETURN_IF_ERROR(open(/*create_if_missing=*/false));
    if (api::EmbeddedBackend* embedded = backend_->embedded()) {
      return embedded->stream(method, request, *credentials_, options_.data_mesh_account_id,
                              each);
    }
    return backend_->stream(method.group, method.name, api::write_request(request),
                            *credentials_, options_.data_mesh_account_id,
                            [&each](const nlohmann::json& json) -> absl::Status {
                              DATAMESH_ASSIGN_OR_RETURN(const Entry entry,
                                                        api::Reader<Entry>::read(json));
                              return each(entry);
                            });
  }

 private:
  // Checks the options and opens the backend on the first call, creating a missing mesh file
  // only for a method without authentication (initialize_mesh_account), as the CLI does.
  absl::Status open(bool create_if_missing);

  ClientOptions options_;
  std::shared_ptr<Backend> backend_;  // opened by the first call
  absl::StatusOr<std::optional<Credentials>> credentials_;
  absl::Status log_level_;
};

}  // namespace datamesh::client
