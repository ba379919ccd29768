// The embedded backend: the engine in-process on a SQLite mesh file.
//
// Each call authenticates the caller's access key against the store, checks the parameters
// against the method table and runs the method as one transaction. Several processes may use
// the same file at once. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api/backend.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/secrets.h"
#include "store/store.h"

namespace datamesh::api {

class EmbeddedBackend final : public Backend {
 public:
  // Opens (creating when missing) the mesh file at `path`; its sealing key lives beside it in
  // `<path>.key` unless DATAMESH_MASTER_KEY is set.
  static absl::StatusOr<std::shared_ptr<EmbeddedBackend>> open(const std::string& path,
                                                               const std::string& region);

  EmbeddedBackend(std::unique_ptr<store::Store> store,
                  std::unique_ptr<core::SecretSealer> sealer, std::string region);

  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params,
                                      const std::optional<Credentials>& credentials,
                                      std::string_view data_mesh_account_id) override;

 private:
  absl::Status check_mesh_id(std::string_view data_mesh_account_id);

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<core::SecretSealer> sealer_;
  core::SystemClock clock_;
  core::Engine engine_;
  std::mutex mesh_id_mutex_;
  std::string mesh_id_;  // cached once known: the mesh account never changes
};

}  // namespace datamesh::api
