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
// master_key_file, else the file named by DATAMESH_MASTER_KEY_FILE (docs/DEPLOYMENT.md). An
// embedded client of a SQLite mesh reads the same, else the key file beside the mesh file
// (<file>.key).
//
// A client of an https:// server trusts the certificate authorities of the system
// (/etc/ssl/certs), or instead those of the PEM file ca_bundle, else of the file named by
// DATAMESH_CA_BUNDLE: a server whose certificate a private authority signed (docs/SERVER.md).
#pragma once

#include <optional>
#include <string>

#include "datamesh/types.h"

namespace datamesh {

struct ClientOptions {
  std::string data_mesh_account_id;
  std::string region_name = "us-east-1";
  // DEBUG, INFO, WARNING, ERROR or CRITICAL. The library has one logger (spdlog's "datamesh",
  // on stderr) for the whole process: each client constructed sets its level, the last one
  // winning for every client.
  std::string log_level = "INFO";
  std::optional<Credentials> use_credentials;
  // "sqlite:///path/mesh.db", "http://host:port", "https://host[:port]",
  // "postgresql://user@host:port/db" or "aws://REGION" (docs/AWS.md; data_mesh_account_id is
  // then required); empty = resolve as described above
  std::string endpoint;
  // postgresql:// and sqlite:// endpoints: the master key file; empty =
  // $DATAMESH_MASTER_KEY_FILE, else (SQLite) the key file beside the mesh file.
  std::string master_key_file;
  // https:// endpoints only: the PEM file of the certificate authorities to trust instead of
  // the system's; empty = $DATAMESH_CA_BUNDLE, else the system's.
  std::string ca_bundle;
  // http(s):// endpoints only: how long a call waits for the server's answer. A call with no
  // answer by then is DeadlineExceeded and is not sent again (a server that took this long
  // once is likely to again); 1 to 3600.
  int timeout_seconds = 60;
};

}  // namespace datamesh
