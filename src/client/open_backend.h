// Where the client classes' calls go: the backend an endpoint names (client_options.h says how
// it is resolved), in this process (api::EmbeddedBackend) or in a `datamesh serve`
// (client::RemoteBackend). This sits above both backends, so that api never includes client.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/backend.h"
#include "datamesh/client_options.h"

namespace datamesh {

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
