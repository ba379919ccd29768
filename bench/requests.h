// The requests of the benchmark: GET /healthz, and the signed POSTs a remote client sends
// (src/client/remote_backend.cc): Host, Content-Type, X-Datamesh-Mesh-Account-Id and
// X-Datamesh-Account-Id, signed (testkit/signed_request.h) at the moment it is made.
// Thread-safe: every function is pure but for reading the clock.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "datamesh/types.h"
#include "load.h"
#include "mesh_setup.h"

namespace datamesh::bench {

inline constexpr char kReadPath[] = "/v1/consumer/get-subscription";
inline constexpr char kWritePath[] = "/v1/consumer/request-access-to-product";

HttpCall healthz_call(const std::string& host_header);

// The derived signing keys of the benchmark's clients, as a remote client keeps them
// (src/client/remote_backend.h): derived once per key and day.
aws::SigningKeyCache& signing_keys();

// The POST a remote client sends, signed now with signing_keys() (testkit::signed_post, as the
// server tests sign theirs); the status of aws::sign on error.
absl::StatusOr<aws::HttpRequest> signed_request(const std::string& host_header,
                                                const std::string& path, const std::string& body,
                                                const Credentials& credentials);
HttpCall to_call(aws::HttpRequest request);

// {"request_id": id}
std::string read_body(const std::string& subscription_id);

// The write number `n` (n >= consumers): consumer n % consumers asks for a table set and a
// permission set that no other write of that consumer asks for, as long as
// n / consumers < distinct_write_combinations(tables) (beyond, requests repeat and the server
// answers them without writing).
struct WriteRequest {
  const BenchConsumer* consumer;
  std::string body;
};
WriteRequest write_request(const BenchMesh& mesh, uint64_t n);
uint64_t distinct_write_combinations(int tables);

}  // namespace datamesh::bench
