// A mesh set up through the public C++ API, as a user would: the mesh account initialized, then
// accounts created and each given its role (the mesh admin enables it, it initializes itself).
// Shared by the server and reliability suites (tests/server/server_harness.h) and the
// benchmarks (bench/mesh_setup.h). Not thread-safe: the clients it makes are its own.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datamesh/client_options.h"
#include "datamesh/types.h"

namespace datamesh::testkit {

enum class Role { kProducer, kConsumer, kNone };

struct AccountSpec {
  std::string account_id;
  std::string name;
  Role role;
};

// How clients reach the mesh.
struct MeshAccess {
  std::string endpoint;  // sqlite://..., postgresql://..., http://...
  std::string mesh_account_id;
  std::string region = "us-east-1";
  std::string log_level = "WARNING";

  // Options of a client acting as `credentials` (nullopt: none, to initialize the mesh).
  ClientOptions client(std::optional<Credentials> credentials) const;
};

// The credentials a client signs with, from what create_account / create_access_key answered.
Credentials credentials_of(const AccountCredentials& created);

// Initializes the mesh (named `mesh_name`) as mesh.mesh_account_id, creates `accounts` and gives
// each its role. Returns the credentials by account id, the mesh admin's under its id.
// The first error of the API; Internal when the mesh got another id.
absl::StatusOr<std::map<std::string, Credentials>> set_up_mesh(
    const MeshAccess& mesh, const std::string& mesh_name, const std::vector<AccountSpec>& accounts);

}  // namespace datamesh::testkit
