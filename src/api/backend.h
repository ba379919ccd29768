// The seam between the client classes (DataMeshAdmin, ...) and where the mesh runs.
//
// A call by name is `group/method` with JSON parameters (the documents' snake_case names)
// answered with the documented JSON, exactly as the HTTP routes are: the CLI and the remote
// client call that way. The embedded backend also runs the method declarations with typed
// requests on its engine (embedded()), which is how the client classes call it: no JSON in
// process. Backends are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "core/progress.h"
#include "datamesh/each.h"
#include "datamesh/types.h"

namespace datamesh {

namespace api {
class EmbeddedBackend;
}  // namespace api

class Backend {
 public:
  virtual ~Backend() = default;
  // Runs `group/method` (method in snake_case or with dashes) as the caller proven by
  // `credentials` (nullopt only for initialize_mesh_account). data_mesh_account_id, when not
  // empty, must be the mesh's account id. on_progress is told the progress of
  // create_data_products by a backend that runs it in this process.
  virtual absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                              const nlohmann::json& params,
                                              const std::optional<Credentials>& credentials,
                                              std::string_view data_mesh_account_id,
                                              const core::ProgressObserver& on_progress = {}) = 0;

  // call() for a method that streams its answer (api/routes.h Route::stream): each entry of
  // the answer's list is handed to `each` as JSON, in order (datamesh/each.h). The embedded
  // and remote backends hand each entry on as it is read or arrives, holding one at a time;
  // this default calls call() and hands on the entries of the whole answer. InvalidArgument
  // for a method that does not stream.
  virtual absl::Status stream(std::string_view group, std::string_view method,
                              const nlohmann::json& params,
                              const std::optional<Credentials>& credentials,
                              std::string_view data_mesh_account_id,
                              const Each<nlohmann::json>& each);

  // The in-process backend that runs typed requests, or null when calls leave the process.
  virtual api::EmbeddedBackend* embedded() { return nullptr; }
};

}  // namespace datamesh
