#include "server/request_auth.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::server {

using base::cat;

namespace {

bool has_header(const aws::HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(), [&](const auto& header) {
    return base::equals_ignoring_ascii_case(header.first, name);
  });
}

}  // namespace

bool has_authorization(const aws::HttpRequest& request) {
  return has_header(request, "Authorization");
}

std::string_view first_header(const aws::HttpRequest& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (base::equals_ignoring_ascii_case(header, name)) return value;
  }
  return {};
}

absl::StatusOr<SignedCaller> RequestAuthenticator::authenticate(const aws::HttpRequest& request,
                                                                bool may_remember) {
  DATAMESH_RETURN_IF_ERROR(service_.check_mesh_id(""));  // initialized
  DATAMESH_ASSIGN_OR_RETURN(SignedCaller caller, verify(request, may_remember));
  // The mesh a client names is compared only once it has proven a key of this mesh: the
  // answer names this mesh's account, which is not told to strangers.
  DATAMESH_RETURN_IF_ERROR(service_.check_mesh_id(first_header(request, kMeshIdHeader)));
  return caller;
}

absl::StatusOr<SignedCaller> RequestAuthenticator::verify(const aws::HttpRequest& request,
                                                          bool may_remember) {
  if (!has_authorization(request)) return absl::UnauthenticatedError(kNotSigned);
  DATAMESH_ASSIGN_OR_RETURN(const aws::Authorization authorization,
                            aws::parse_authorization(first_header(request, "Authorization")));
  const aws::Scope scope{.region = service_.region(),
                         .service = std::string(aws::kDatameshService)};
  // Computed once for both paths (the canonical request and its hashes are most of SigV4's
  // cost). Its refusals come after the key's, in the store's path below.
  const absl::StatusOr<std::string> to_sign = aws::checked_string_to_sign(
      request, authorization, scope, std::chrono::system_clock::now(), max_clock_skew_);
  if (may_remember && to_sign.ok()) {
    if (std::optional<core::Caller> caller =
            remembered_.caller_if_signed(authorization, *to_sign)) {
      DATAMESH_RETURN_IF_ERROR(check_claims(request, authorization, *caller));
      return SignedCaller{.caller = *std::move(caller), .remembered = true};
    }
  }
  auto key = service_.engine().resolve_access_key(authorization.access_key_id);
  if (!key.ok()) {
    remembered_.forget(authorization.access_key_id);
    return key.status();
  }
  DATAMESH_RETURN_IF_ERROR(to_sign.status());
  std::string signing_key = aws::signing_key(key->secret_access_key, authorization.date,
                                             authorization.region, authorization.service);
  OPENSSL_cleanse(key->secret_access_key.data(), key->secret_access_key.size());
  const absl::Status verified = aws::check_signature(authorization, signing_key, *to_sign);
  if (verified.ok()) remembered_.remember(key->caller, authorization.date, signing_key);
  OPENSSL_cleanse(signing_key.data(), signing_key.size());
  // A wrong secret and a changed request get the unknown-key answer, so keys cannot be probed;
  // the other refusals (date, scope, body hash) keep their message, which helps fix a client.
  if (!verified.ok()) return core::invalid_key_error(authorization.access_key_id);
  DATAMESH_RETURN_IF_ERROR(check_claims(request, authorization, key->caller));
  return SignedCaller{.caller = std::move(key->caller)};
}

absl::Status RequestAuthenticator::check_claims(const aws::HttpRequest& request,
                                                const aws::Authorization& authorization,
                                                const core::Caller& caller) {
  // The ids a client claims count only when they are signed.
  for (const std::string_view header : {kMeshIdHeader, kAccountHeader}) {
    if (has_header(request, header) &&
        !std::binary_search(authorization.signed_headers.begin(),
                            authorization.signed_headers.end(), base::ascii_lower(header))) {
      return absl::UnauthenticatedError(cat("header ", header, " is not signed"));
    }
  }
  // A client that names the account its key belongs to (the credentials' AccountId) is refused
  // when the key belongs to another, as in the embedded mode.
  const std::string_view claimed = first_header(request, kAccountHeader);
  if (!claimed.empty() && claimed != caller.account.account_id) {
    return absl::UnauthenticatedError(cat("access key ", authorization.access_key_id,
                                          " belongs to account ", caller.account.account_id,
                                          ", not to account ", claimed));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::server
