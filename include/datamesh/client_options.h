// How a DataMeshAdmin / DataMeshProducer / DataMeshConsumer / DataMeshCatalog reaches the mesh.
//
// The constructor arguments of the documents (data_mesh_account_id, region_name, log_level,
// use_credentials) plus the endpoint. Endpoint resolution: the explicit value, then the
// DATAMESH_ENDPOINT environment variable, then the embedded default
// sqlite://$HOME/.datamesh/mesh.db (see docs/CLI.md); only initialize_mesh_account creates a
// missing mesh file. Credentials resolution: the explicit value, then
// DATAMESH_ACCESS_KEY_ID / DATAMESH_SECRET_ACCESS_KEY, then the file DATAMESH_CREDENTIALS_FILE
// (or CredentialsFile, as the reference reads), then the profile DATAMESH_PROFILE (default
// "default") of $HOME/.datamesh/credentials.
//
// An embedded client of a PostgreSQL mesh (endpoint postgresql://user@host:port/db) needs the
// master key the mesh's secrets are sealed with: DATAMESH_MASTER_KEY, else the key file
// master_key_file, else the file named by DATAMESH_MASTER_KEY_FILE (docs/DEPLOYMENT.md).
#pragma once

#include <optional>
#include <string>

#include "datamesh/types.h"

namespace datamesh {

struct ClientOptions {
  std::string data_mesh_account_id;
  std::string region_name = "us-east-1";
  std::string log_level = "INFO";
  std::optional<Credentials> use_credentials;
  // "sqlite:///path/mesh.db", "http://host:port", "postgresql://user@host:port/db" or
  // "aws://REGION" (docs/AWS.md; data_mesh_account_id is then required);
  // empty = resolve as described above
  std::string endpoint;
  // PostgreSQL endpoints only: the master key file; empty = $DATAMESH_MASTER_KEY_FILE.
  std::string master_key_file;
};

}  // namespace datamesh
