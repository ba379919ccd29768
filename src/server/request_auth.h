// Who sent a signed `datamesh serve` request: AWS Signature V4 (service "datamesh", the
// server's region) verified against the access key it names, with the header rules of
// docs/SERVER.md "Authentication".
//
// Thread-safe.
#pragma once

#include <chrono>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/mesh_service.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "core/engine.h"

namespace datamesh::server {

// The header a remote client sends the constructor's data_mesh_account_id in (signed).
inline constexpr std::string_view kMeshIdHeader = "X-Datamesh-Mesh-Account-Id";
// The header a remote client sends its credentials' AccountId in (signed).
inline constexpr std::string_view kAccountHeader = "X-Datamesh-Account-Id";

// The first value of header `name` (any case) in `request`, or empty.
std::string_view first_header(const aws::HttpRequest& request, std::string_view name);

class RequestAuthenticator {
 public:
  RequestAuthenticator(api::MeshService& service, std::chrono::seconds max_clock_skew)
      : service_(service), max_clock_skew_(max_clock_skew) {}

  // The caller behind a signed request. In order: FailedPrecondition / InvalidArgument from
  // MeshService::check_mesh_id (the mesh must be initialized, and X-Datamesh-Mesh-Account-Id,
  // when sent, must name it); Unauthenticated when Authorization is missing or malformed, when
  // the key is unknown, revoked or the signature does not match (one message for the three),
  // when aws::verify refuses the date, scope or payload hash, when an X-Datamesh-* header is
  // not signed, and when X-Datamesh-Account-Id is not the key's account. The key's state is
  // read from the store on every call, so a revoked key is refused on its next request by
  // every server sharing the store; only the derived signing keys are remembered.
  absl::StatusOr<core::Caller> authenticate(const aws::HttpRequest& request);

  const aws::SigningKeyCache& signing_keys() const { return signing_keys_; }

 private:
  api::MeshService& service_;
  const std::chrono::seconds max_clock_skew_;
  aws::SigningKeyCache signing_keys_;
};

}  // namespace datamesh::server
