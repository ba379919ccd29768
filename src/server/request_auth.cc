#include "server/request_auth.h"

#include <algorithm>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::server {

using base::cat;

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has_header(const aws::HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& header) { return equals_ignoring_case(header.first, name); });
}

}  // namespace

std::string_view first_header(const aws::HttpRequest& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (equals_ignoring_case(header, name)) return value;
  }
  return {};
}

absl::StatusOr<core::Caller> RequestAuthenticator::authenticate(
    const aws::HttpRequest& request) {
  DATAMESH_RETURN_IF_ERROR(service_.check_mesh_id(first_header(request, kMeshIdHeader)));
  if (!has_header(request, "Authorization")) {
    return absl::UnauthenticatedError(
        "the request is not signed: sign it with AWS Signature Version 4, service datamesh");
  }
  auto authorization = aws::parse_authorization(first_header(request, "Authorization"));
  DATAMESH_RETURN_IF_ERROR(authorization.status());
  auto key = service_.engine().resolve_access_key(authorization->access_key_id);
  DATAMESH_RETURN_IF_ERROR(key.status());
  absl::Status verified = aws::verify(
      request, *authorization, key->secret_access_key,
      aws::Scope{.region = service_.region(), .service = std::string(aws::kDatameshService)},
      std::chrono::system_clock::now(), max_clock_skew_, &signing_keys_);
  if (!verified.ok()) {
    // A wrong secret gets the unknown-key answer, so keys cannot be probed; the other refusals
    // (date, scope, body) keep their message, which helps fix a client.
    const std::string_view message(verified.message().data(), verified.message().size());
    if (message.starts_with(aws::kSignatureMismatch)) {
      return core::invalid_key_error(authorization->access_key_id);
    }
    return verified;
  }
  // The ids a client claims count only when they are signed.
  for (const std::string_view header : {kMeshIdHeader, kAccountHeader}) {
    if (has_header(request, header) &&
        !std::binary_search(authorization->signed_headers.begin(),
                            authorization->signed_headers.end(), lower(header))) {
      return absl::UnauthenticatedError(cat("header ", header, " is not signed"));
    }
  }
  // A client that names the account its key belongs to (the credentials' AccountId) is refused
  // when the key belongs to another, as in the embedded mode.
  const std::string_view claimed = first_header(request, kAccountHeader);
  if (!claimed.empty() && claimed != key->caller.account.account_id) {
    return absl::UnauthenticatedError(
        cat("access key ", authorization->access_key_id, " belongs to account ",
            key->caller.account.account_id, ", not to account ", claimed));
  }
  return std::move(key->caller);
}

}  // namespace datamesh::server
