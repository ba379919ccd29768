// The seam between the client classes (DataMeshAdmin, ...) and where the mesh runs.
//
// Every method is one call `group/method` with JSON parameters (the documents' snake_case
// names) answered with the documented JSON, exactly as the HTTP routes are. The embedded backend
// runs the call in-process on a store file; a remote backend sends it to `datamesh serve`. One
// code path for every mode means the embedded tests also check the wire mapping.
// Backends are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "datamesh/client_options.h"
#include "datamesh/types.h"

namespace datamesh {

class Backend {
 public:
  virtual ~Backend() = default;
  // Runs `group/method` (method in snake_case or with dashes) as the caller proven by
  // `credentials` (nullopt only for initialize_mesh_account). data_mesh_account_id, when not
  // empty, must be the mesh's account id.
  virtual absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                              const nlohmann::json& params,
                                              const std::optional<Credentials>& credentials,
                                              std::string_view data_mesh_account_id) = 0;
};

// The backend for options.endpoint (resolved as client_options.h says). Backends are shared:
// clients of one endpoint in one process use one store. A mesh file is created only when
// create_if_missing (initialize_mesh_account), so a mistyped path is an error, not a new mesh.
// InvalidArgument for a malformed or unsupported endpoint; FailedPrecondition for a missing
// mesh; the store's errors when it cannot be opened.
absl::StatusOr<std::shared_ptr<Backend>> open_backend(const ClientOptions& options,
                                                      bool create_if_missing);

// The endpoint that options resolve to.
std::string resolve_endpoint(const ClientOptions& options);

}  // namespace datamesh
