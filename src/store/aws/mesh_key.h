// The mesh's master key in AWS mode: 32 random bytes kept in the mesh account (item
// JournalId = "mesh-key" of DatameshJournal), made by the first writer of the mesh and read by
// every datamesh process that writes to it. It keys the audit chain's MACs and seals what the
// engine seals (core/secrets.h), as DATAMESH_MASTER_KEY does for a PostgreSQL mesh; here the
// processes that share it are the producers' and consumers' own, on their own machines, so it
// lives where their mesh roles can read it (docs/AWS.md, "The mesh key", says who can).
//
// Thread-safe (AwsClient::call is).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws {

// The mesh key's 32 bytes: read (strongly consistent) or, when there is none yet and
// create_if_missing, made from `random32` (32 random bytes) and written on condition that no
// other writer made one first (then that one is read back). NotFound saying the mesh is not
// initialized when there is none and !create_if_missing; the DynamoDB errors otherwise (NotFound
// for a missing table too). DataLoss when the stored key is not 32 bytes.
absl::StatusOr<std::string> load_mesh_key(const AwsSessions& sessions, bool create_if_missing,
                                          const std::string& random32);

}  // namespace datamesh::store::aws
