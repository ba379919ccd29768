// AWS Signature Version 4 (header form, algorithm AWS4-HMAC-SHA256) as pure functions of their
// inputs. One implementation serves both sides: a client signs datamesh HTTP requests with
// `sign`, and the datamesh server checks them with `parse_authorization` + `verify`, so the two
// can never drift apart. The clock is a parameter (nothing reads the real time) and nothing is
// global, after TensorStore's kvstore/s3/signature.h and Envoy's common/aws signer.
//
// Canonical form (the rules AWS uses for every service but S3, as botocore 1.43 applies them):
//  - path: `HttpRequest::path` is the path as sent, already percent-encoded once. Dot segments
//    and empty segments are removed (RFC 3986 5.2.4 plus the collapsing of "//") and the result
//    is URI-encoded once more, keeping only unreserved characters and '/'; so "%20" on the wire
//    becomes "%2520", which is the "double encoding" non-S3 services expect.
//  - query: split on '&' (empty pieces dropped), each name and value percent-decoded and
//    re-encoded per RFC 3986 (unreserved characters kept, everything else "%XY", '+' taken
//    literally), sorted by encoded name then encoded value; "name" alone reads as "name=".
//  - S3 alone signs the path exactly as sent, neither normalized nor encoded again (botocore's
//    S3SigV4Auth; "disableDoubleEncoding" in S3's endpoint rules): `UriRule::kAsSent`.
//  - headers: names lower-cased; values trimmed and inner runs of ASCII whitespace collapsed to
//    one space; repeated headers joined with ',' in the order they appear; sorted by name.
//
// Thread-safety: every function is pure or touches only its arguments (a SigningKeyCache given
// to sign or verify is thread-safe itself); all may be called from several threads at once.
// No message ever contains a secret access key or a derived key.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/sha256.h"

namespace datamesh::aws {

class SigningKeyCache;  // signing_key_cache.h

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// The service name in the credential scope of datamesh requests.
inline constexpr std::string_view kDatameshService = "datamesh";
// The payload hash of an empty body.
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent, percent-encoded; empty means "/"
  std::string query;   // the raw query string, without '?'
  // In the order sent; names compare case-insensitively and may repeat.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// How the canonical URI is formed from `HttpRequest::path`: normalized and encoded once more
// (every service but S3), or exactly as sent (S3; an empty path reads as "/").
enum class UriRule { kNormalizeAndEncode, kAsSent };

struct SigningKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when the credentials are long-term
};

struct Scope {
  std::string region;
  std::string service;
};

// A parsed Authorization header. `signed_headers` are lower-case and strictly ascending.
struct Authorization {
  std::string access_key_id;
  std::string date;  // YYYYMMDD, the credential scope's day
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;  // 64 lower-case hex digits
};

// SigV4's hashes (base/sha256.h).
using base::hmac_sha256;
using base::sha256_hex;

// `time` as YYYYMMDDTHHMMSSZ (UTC, whole seconds, truncated). system_clock's range (years
// 1677..2262 with nanosecond ticks) always fits the four-digit year.
std::string format_amz_date(std::chrono::system_clock::time_point time);
// Parses YYYYMMDDTHHMMSSZ; InvalidArgument, naming the value, unless it has exactly that form
// and names a real calendar instant that system_clock can hold (years 1678 to 2261).
absl::StatusOr<std::chrono::system_clock::time_point> parse_amz_date(std::string_view amz_date);

// The canonical path and query string described at the top of this file.
std::string canonical_uri(std::string_view path, UriRule rule = UriRule::kNormalizeAndEncode);
std::string canonical_query(std::string_view query);

// The values of every header named `name` (case-insensitive), in request order.
std::vector<std::string> header_values(const HttpRequest& request, std::string_view name);

// The canonical request over exactly `signed_headers` (any case and order: they are lower-cased,
// sorted and de-duplicated). A signed header the request lacks contributes "name:" — `verify`
// rejects such requests before it gets here.
std::string canonical_request(const HttpRequest& request,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_hash,
                              UriRule uri_rule = UriRule::kNormalizeAndEncode);
// "YYYYMMDD/region/service/aws4_request".
std::string credential_scope(std::string_view date8, const Scope& scope);
// Precondition: `amz_date` is YYYYMMDDTHHMMSSZ; its first 8 characters name the scope's day.
std::string string_to_sign(std::string_view amz_date, const Scope& scope,
                           std::string_view canonical_request);
// The raw 32-byte derived key HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date8), region), service),
// "aws4_request"). Key material: callers wipe it after use.
std::string signing_key(std::string_view secret_access_key, std::string_view date8,
                        std::string_view region, std::string_view service);
// Lower-case hex HMAC-SHA256 of `string_to_sign` under the derived key.
std::string signature(std::string_view signing_key, std::string_view string_to_sign);

// The headers `sign` signs: host, content-type, and every x-amz-* and x-datamesh-* header
// present, lower-cased, sorted and unique.
std::vector<std::string> headers_to_sign(const HttpRequest& request);

// Signs `request` in place as of `now`: first drops any Authorization, X-Amz-Date,
// X-Amz-Content-Sha256 and X-Amz-Security-Token headers (so a retried request can be re-signed),
// then adds X-Amz-Date, X-Amz-Content-Sha256 (the SHA-256 of the body), X-Amz-Security-Token
// when `key.session_token` is set, and Authorization over `headers_to_sign`. Errors, all
// InvalidArgument and leaving `request` untouched: an empty secret; an access key id, region or
// service that is empty or holds '/', ',', '=' or whitespace; no Host header or more than one; a
// header to sign whose name is not an HTTP token (RFC 9110 tchar), which SignedHeaders cannot
// list. With `keys`, the derived signing key comes from (and goes to) that cache instead of being
// derived for this one request. `uri_rule` is kAsSent for S3 (see the top of this file).
absl::Status sign(HttpRequest& request, const SigningKey& key, const Scope& scope,
                  std::chrono::system_clock::time_point now, SigningKeyCache* keys = nullptr,
                  UriRule uri_rule = UriRule::kNormalizeAndEncode);

// Parses "AWS4-HMAC-SHA256 Credential=<key>/<YYYYMMDD>/<region>/<service>/aws4_request,
// SignedHeaders=<h1;h2;...>, Signature=<64 hex>" (components in any order, separated by ',' and
// optional whitespace). Unauthenticated, saying what is wrong, for any other algorithm, a missing,
// unknown, duplicated or empty component, a Credential without exactly those five parts or with a
// date that is not a real YYYYMMDD, SignedHeaders that are not lower-case, not strictly sorted
// or lack `host`, and a Signature that is not 64 lower-case hex digits.
absl::StatusOr<Authorization> parse_authorization(std::string_view header_value);

// Checks that `request` carries a valid signature `auth` made with `secret_access_key` (the one
// belonging to auth.access_key_id, which the caller has looked up). Unauthenticated, with a message
// naming the offending value, when: X-Amz-Date is missing, repeated or malformed; it is more than
// `max_skew` before or after `now`; auth.date is not X-Amz-Date's day; auth.region or
// auth.service differ from `expected_scope`; `host` or `x-amz-date` is not signed; a signed
// header is missing from the request; X-Amz-Content-Sha256 is signed but is not the SHA-256 of
// the body ("payload hash does not match the body"); or the signature recomputed over exactly
// auth.signed_headers (Host as sent, with any port) differs ("signature does not match"; the
// comparison takes constant time). InvalidArgument when `max_skew` is negative.
// The message `verify` starts with when only the signature differs, for a server that wants to
// answer a wrong secret exactly as an unknown key.
inline constexpr std::string_view kSignatureMismatch = "signature does not match";

// With `keys`, the derived signing key comes from (and goes to) that cache.
absl::Status verify(const HttpRequest& request, const Authorization& auth,
                    std::string_view secret_access_key, const Scope& expected_scope,
                    std::chrono::system_clock::time_point now,
                    std::chrono::seconds max_skew = std::chrono::minutes(5),
                    SigningKeyCache* keys = nullptr);

// verify() in two halves, for a server that holds a derived signing key instead of the secret
// (server/request_auth.h): every check of verify() but the signature's, answering the string to
// sign; then the signature's, against the key derived for auth's scope. verify() is the two in
// a row, with the same messages.
absl::StatusOr<std::string> checked_string_to_sign(const HttpRequest& request,
                                                   const Authorization& auth,
                                                   const Scope& expected_scope,
                                                   std::chrono::system_clock::time_point now,
                                                   std::chrono::seconds max_skew);
absl::Status check_signature(const Authorization& auth, std::string_view derived_key,
                             std::string_view to_sign);

}  // namespace datamesh::aws
