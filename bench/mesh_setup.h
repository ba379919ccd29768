// The mesh the benchmark runs against, built through the public C++ API on the embedded store
// before the server starts: a mesh account, one producer whose database `sales` of `tables`
// tables is published as one data product, and `consumers` consumer accounts (made by
// testkit/mesh_setup.h, as the server tests make theirs), each with one approved subscription
// (SELECT on the first table) for the read benchmark. Every client is destroyed before
// build_mesh returns, so the store file is closed when the server opens it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datamesh/types.h"

namespace datamesh::bench {

inline constexpr char kBenchMeshAccount[] = "999999999999";
inline constexpr char kBenchProducerAccount[] = "111111111111";
inline constexpr char kBenchRegion[] = "us-east-1";

struct BenchConsumer {
  Credentials credentials;      // account_id, access_key_id, secret_access_key
  std::string subscription_id;  // approved: SELECT on tables[0]
};

struct BenchMesh {
  std::string store_path;  // a mesh file, or a postgresql:// URL
  Credentials producer;
  std::string product_database;  // the mesh database of the product, e.g. sales-111111111111
  std::vector<std::string> tables;
  std::vector<BenchConsumer> consumers;
};

// Creates the mesh file at store_path (which must not exist), or the mesh in the empty
// PostgreSQL database of a postgresql:// store_path (DATAMESH_MASTER_KEY set). Returns the
// first error of the API, naming the step.
absl::StatusOr<BenchMesh> build_mesh(const std::string& store_path, int consumers, int tables);

}  // namespace datamesh::bench
