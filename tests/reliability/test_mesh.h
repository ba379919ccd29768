// The mesh the reliability tests act on: a SQLite mesh file (or a PostgreSQL schema) opened in
// this process through a FaultStore, called through the embedded backend (the dispatch path of
// the public clients and of the server), and the standard world built on it.
//
// The world (build_world) has the accounts of test_support (mesh admin M, producers P and P2,
// consumers C and C2, the account N without a role), each with an Active key and a revoked
// one; P has a second Active key (the spare, for rotate and revoke). Every account but M has a
// database "scratch" with a table "t" in its catalog. P publishes sales (orders, order_items,
// refunds) as sales-111111111111, P2 publishes its own sales. C holds one subscription on P's
// product in each status:
//   Pending  SELECT, INSERT on orders
//   Active   SELECT, INSERT on order_items, approved and finalized
//   Denied   SELECT on refunds
//   Deleted  SELECT on orders, approved, then left by C
// Not thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/embedded_backend.h"
#include "api/mesh_service.h"
#include "datamesh/types.h"
#include "support/fault_store.h"

namespace datamesh::reliability {

// A mesh file opened in this process. Closing it (destroying it) closes every connection.
class OpenMesh {
 public:
  // Opens `db`; creates it and its key only when `create`.
  static absl::StatusOr<std::unique_ptr<OpenMesh>> open(const std::filesystem::path& db,
                                                        bool create = false);
  // Opens the mesh in the PostgreSQL database (or schema) of `url`, sealing secrets with the key
  // in `key_file`; creates the schema and the key only when `create`. path() is the key file.
  static absl::StatusOr<std::unique_ptr<OpenMesh>> open_postgres(
      const std::string& url, const std::filesystem::path& key_file, bool create = false);

  // One call as the public clients make it (group/method, JSON parameters, the caller's key,
  // data_mesh_account_id = the mesh account).
  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params,
                                      const std::optional<Credentials>& key);

  test_support::FaultStore& faults() { return *faults_; }
  api::MeshService& service() { return *service_; }
  api::EmbeddedBackend& backend() { return *backend_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  static std::unique_ptr<OpenMesh> over(std::filesystem::path path,
                                        std::unique_ptr<store::Store> store,
                                        std::unique_ptr<core::SecretSealer> sealer);

  std::filesystem::path path_;
  test_support::FaultStore* faults_ = nullptr;  // owned by service_
  std::shared_ptr<api::MeshService> service_;
  std::unique_ptr<api::EmbeddedBackend> backend_;
};

struct World {
  std::map<std::string, Credentials> keys;     // by account id: the Active key
  std::map<std::string, Credentials> revoked;  // by account id: a revoked key
  Credentials spare;                           // P's second Active key
  std::map<SubscriptionStatus, std::string> subscriptions;  // C's, by status
};

// Builds the world described above on the new, empty mesh `mesh`.
absl::StatusOr<World> build_world(OpenMesh& mesh);

// A world saved once per process as a template mesh file, and fresh copies of it.
class WorldTemplate {
 public:
  // Builds the world in `directory`/template.db.
  static absl::StatusOr<std::unique_ptr<WorldTemplate>> create(
      const std::filesystem::path& directory);

  const World& world() const { return world_; }
  const std::filesystem::path& path() const { return path_; }
  // The dump of the template (mesh_file.h).
  const std::string& dump() const { return dump_; }
  // Copies the template over `db` and opens it, with the mesh id already checked (so the first
  // call makes the same store calls as every later one).
  absl::StatusOr<std::unique_ptr<OpenMesh>> fresh_copy(const std::filesystem::path& db) const;

 private:
  World world_;
  std::filesystem::path path_;
  std::string dump_;
};

// "PermissionDenied: account ... cannot ..." for messages.
std::string describe(const absl::Status& status);

}  // namespace datamesh::reliability
