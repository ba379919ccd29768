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
#include "aws/sigv4.h"
#include "core/engine.h"
#include "server/remembered_keys.h"

namespace datamesh::server {

// The header a remote client sends the constructor's data_mesh_account_id in (signed).
inline constexpr std::string_view kMeshIdHeader = "X-Datamesh-Mesh-Account-Id";
// The header a remote client sends its credentials' AccountId in (signed).
inline constexpr std::string_view kAccountHeader = "X-Datamesh-Account-Id";

// The first value of header `name` (any case) in `request`, or empty.
std::string_view first_header(const aws::HttpRequest& request, std::string_view name);

// A caller proven by a signed request.
struct SignedCaller {
  core::Caller caller;
  // Taken from the keys the authenticator remembers (remembered_keys.h), without reading the
  // store: the call must run with api::MeshService::dispatch's remembered_caller, which checks
  // the key and the account in the call's own transactions.
  bool remembered = false;
};

// What an unsigned request to a method that needs a signature is answered (Unauthenticated).
inline constexpr char kNotSigned[] =
    "the request is not signed: sign it with AWS Signature Version 4, service datamesh";

// Whether `request` carries an Authorization header (signed or not, well formed or not).
bool has_authorization(const aws::HttpRequest& request);

class RequestAuthenticator {
 public:
  RequestAuthenticator(api::MeshService& service, std::chrono::seconds max_clock_skew)
      : service_(service), max_clock_skew_(max_clock_skew) {}

  // The caller behind a signed request. In order: FailedPrecondition when the mesh is not
  // initialized; Unauthenticated when Authorization is missing or malformed, when the key is
  // unknown, revoked or the signature does not match (one message for the three), when
  // aws::verify refuses the date, scope or payload hash, when an X-Datamesh-* header is not
  // signed, and when X-Datamesh-Account-Id is not the key's account; then InvalidArgument from
  // MeshService::check_mesh_id when X-Datamesh-Mesh-Account-Id names another mesh (after the
  // signature, so that only a caller of this mesh learns its account).
  //
  // With may_remember, a request signed with a key this authenticator verified earlier the
  // same day is verified with the signing key derived then, and its caller is the remembered
  // one (SignedCaller::remembered), for a call that confirms it in its own transaction: one
  // store transaction per signed call. Otherwise, and when nothing is remembered for the key,
  // the key's state is read from the store (so a revoked key is refused by every server
  // sharing the store) and the key remembered for the next request.
  absl::StatusOr<SignedCaller> authenticate(const aws::HttpRequest& request,
                                            bool may_remember = false);

  // Drops what is remembered of the key: its remembered caller was found stale.
  void forget(std::string_view access_key_id) { remembered_.forget(access_key_id); }

 private:
  // authenticate() without the mesh checks.
  absl::StatusOr<SignedCaller> verify(const aws::HttpRequest& request, bool may_remember);

  // The claims a request makes beyond its signature: X-Datamesh-* headers must be signed, and
  // X-Datamesh-Account-Id must be the key's account.
  static absl::Status check_claims(const aws::HttpRequest& request,
                                   const aws::Authorization& authorization,
                                   const core::Caller& caller);

  api::MeshService& service_;
  const std::chrono::seconds max_clock_skew_;
  RememberedKeys remembered_;
};

}  // namespace datamesh::server
