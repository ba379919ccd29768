#include "testkit/mesh_setup.h"

#include "base/status_macros.h"
#include "base/text.h"
#include "datamesh/admin.h"

namespace datamesh::testkit {
namespace {

using base::cat;

}  // namespace

Credentials credentials_of(const AccountCredentials& created) {
  return Credentials{.account_id = created.account_id,
                     .access_key_id = created.access_key_id,
                     .secret_access_key = created.secret_access_key};
}

ClientOptions MeshAccess::client(std::optional<Credentials> credentials) const {
  return ClientOptions{.data_mesh_account_id = mesh_account_id,
                       .region_name = region,
                       .log_level = log_level,
                       .use_credentials = std::move(credentials),
                       .endpoint = endpoint};
}

absl::StatusOr<std::map<std::string, Credentials>> set_up_mesh(
    const MeshAccess& mesh, const std::string& mesh_name,
    const std::vector<AccountSpec>& accounts) {
  std::map<std::string, Credentials> keys;
  {
    DataMeshAdmin installer(mesh.client(std::nullopt));
    DATAMESH_ASSIGN_OR_RETURN(const AccountCredentials initialized,
                              installer.initialize_mesh_account(mesh_name));
    if (initialized.account_id != mesh.mesh_account_id) {
      return absl::InternalError(cat("the mesh was initialized as ", initialized.account_id));
    }
    keys[initialized.account_id] = credentials_of(initialized);
  }
  DataMeshAdmin admin(mesh.client(keys[mesh.mesh_account_id]));
  for (const AccountSpec& spec : accounts) {
    DATAMESH_ASSIGN_OR_RETURN(const AccountCredentials created,
                              admin.create_account(spec.name, spec.account_id));
    keys[spec.account_id] = credentials_of(created);
    if (spec.role == Role::kNone) continue;
    DataMeshAdmin own(mesh.client(keys[spec.account_id]));
    if (spec.role == Role::kProducer) {
      DATAMESH_RETURN_IF_ERROR(admin.enable_account_as_producer(spec.account_id));
      DATAMESH_RETURN_IF_ERROR(own.initialize_producer_account());
    } else {
      DATAMESH_RETURN_IF_ERROR(admin.enable_account_as_consumer(spec.account_id));
      DATAMESH_RETURN_IF_ERROR(own.initialize_consumer_account());
    }
  }
  return keys;
}

}  // namespace datamesh::testkit
