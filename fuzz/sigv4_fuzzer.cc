// Fuzz target: AWS Signature V4 as the server applies it to every signed request:
// aws::parse_authorization on the Authorization header, aws::verify (X-Amz-Date, scope, signed
// headers, payload hash, canonical request, signature) and the canonical forms; and aws::sign,
// whose output must always verify.
//
// Input, line by line: the Authorization header value, the method, the path, the query string,
// then one "Name: value" header per line up to an empty line, then the body. The server's time
// is fixed (kNow) and the secret of every key is kSecret.
//
// Properties: no crash or undefined behaviour; every refusal is Unauthenticated with a bounded
// message (hostile values are quoted cut short) that never holds the secret or the derived key;
// an accepted Authorization is well formed (lower-case strictly sorted signed headers with
// host, a real date, 64 hex digits); a valid X-Amz-Date formats back to itself; the canonical
// query is a fixed point; and any request sign() accepts verifies with the same secret and
// fails with another one.
#include <chrono>
#include <string>

#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "fuzz_support.h"

namespace {

namespace aws = datamesh::aws;
using datamesh::fuzz::describe;
using datamesh::fuzz::message;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kOtherSecret = "AnotherSecretAnotherSecretAnotherSecret0";
constexpr size_t kMaxMessage = 1024;
// 2026-01-15T12:00:00Z.
const std::chrono::system_clock::time_point kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 1 / 15} + std::chrono::hours{12};
const aws::Scope kScope{.region = "us-east-1", .service = "datamesh"};

struct Input {
  std::string authorization;
  aws::HttpRequest request;
};

Input parse_input(std::string_view text) {
  const auto lines = datamesh::fuzz::split_input(text, "\n", 5);
  Input input;
  input.authorization = std::string(lines[0]);
  input.request.method = std::string(lines[1]);
  input.request.path = std::string(lines[2]);
  input.request.query = std::string(lines[3]);
  std::string_view rest = lines[4];
  while (!rest.empty()) {
    const auto line_and_rest = datamesh::fuzz::split_input(rest, "\n", 2);
    const std::string_view line = line_and_rest[0];
    rest = line_and_rest[1];
    if (line.empty()) break;  // the body follows
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    input.request.headers.emplace_back(std::string(line.substr(0, colon)),
                                       std::string(line.substr(colon + 1)));
  }
  input.request.body = std::string(rest);
  return input;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

// The secret and the keys derived from it must never be in a message, unless the input
// itself carried that text.
void check_no_secret(const absl::Status& status, std::string_view input,
                     const aws::Authorization* auth) {
  const std::string_view text = message(status);
  DATAMESH_FUZZ_CHECK(text.size() < kMaxMessage, describe(status));
  if (input.find(kSecret) == std::string_view::npos) {
    DATAMESH_FUZZ_CHECK(text.find(kSecret) == std::string_view::npos, describe(status));
  }
  if (auth != nullptr) {
    const std::string derived = aws::signing_key(kSecret, auth->date, auth->region, auth->service);
    DATAMESH_FUZZ_CHECK(text.find(derived) == std::string_view::npos, describe(status));
    DATAMESH_FUZZ_CHECK(text.find(hex(derived)) == std::string_view::npos, describe(status));
  }
}

void check_authorization_shape(const aws::Authorization& auth) {
  DATAMESH_FUZZ_CHECK(!auth.access_key_id.empty() && !auth.region.empty() &&
                          !auth.service.empty() && auth.date.size() == 8,
                      "a Credential part is empty or the date is not 8 characters");
  DATAMESH_FUZZ_CHECK(auth.signature.size() == 64, auth.signature);
  bool has_host = false;
  for (size_t i = 0; i < auth.signed_headers.size(); ++i) {
    const std::string& name = auth.signed_headers[i];
    has_host = has_host || name == "host";
    DATAMESH_FUZZ_CHECK(i == 0 || auth.signed_headers[i - 1] < name,
                        "SignedHeaders accepted out of order: " + name);
    for (char c : name) DATAMESH_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), name);
  }
  DATAMESH_FUZZ_CHECK(has_host, "SignedHeaders accepted without host");
}

void check_dates(const aws::HttpRequest& request) {
  for (const std::string& value : aws::header_values(request, "x-amz-date")) {
    const auto parsed = aws::parse_amz_date(value);
    if (!parsed.ok()) continue;
    DATAMESH_FUZZ_CHECK(aws::format_amz_date(*parsed) == value,
                        "X-Amz-Date " + value + " formats back as " +
                            aws::format_amz_date(*parsed));
  }
}

// sign() and verify() must agree on every request sign() accepts, with or without a cache of
// derived keys (a new one per run, so that runs stay independent).
void check_sign_verifies(aws::HttpRequest request) {
  const aws::SigningKey key{.access_key_id = "AKIDEXAMPLE",
                            .secret_access_key = std::string(kSecret)};
  aws::HttpRequest cached_request = request;
  aws::SigningKeyCache cache;
  const absl::Status cached_status = aws::sign(cached_request, key, kScope, kNow, &cache);
  const absl::Status signed_status = aws::sign(request, key, kScope, kNow);
  DATAMESH_FUZZ_CHECK(cached_status == signed_status, describe(cached_status));
  DATAMESH_FUZZ_CHECK(cached_request.headers == request.headers,
                      "signing with a key cache gave other headers");
  if (!signed_status.ok()) {
    DATAMESH_FUZZ_CHECK(signed_status.code() == absl::StatusCode::kInvalidArgument,
                        describe(signed_status));
    return;
  }
  const std::vector<std::string> values = aws::header_values(request, "authorization");
  DATAMESH_FUZZ_CHECK(values.size() == 1, "sign() left other than one Authorization header");
  const auto auth = aws::parse_authorization(values[0]);
  DATAMESH_FUZZ_CHECK(auth.ok(), "sign() wrote an Authorization header its parser refuses: " +
                                     describe(auth.status()) + "; header: " + values[0]);
  const absl::Status verified = aws::verify(request, *auth, kSecret, kScope, kNow);
  DATAMESH_FUZZ_CHECK(verified.ok(),
                      "a request sign() signed does not verify: " + describe(verified));
  const absl::Status verified_cached =
      aws::verify(request, *auth, kSecret, kScope, kNow, std::chrono::minutes(5), &cache);
  DATAMESH_FUZZ_CHECK(verified_cached.ok(), "with a key cache: " + describe(verified_cached));
  const absl::Status other = aws::verify(request, *auth, kOtherSecret, kScope, kNow);
  DATAMESH_FUZZ_CHECK(!other.ok() && message(other).starts_with(aws::kSignatureMismatch),
                      "another secret verifies the signature: " + describe(other));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = datamesh::fuzz::as_text(data, size);
  const Input input = parse_input(text);

  const auto auth = aws::parse_authorization(input.authorization);
  if (!auth.ok()) {
    DATAMESH_FUZZ_CHECK(auth.status().code() == absl::StatusCode::kUnauthenticated,
                        describe(auth.status()));
    check_no_secret(auth.status(), text, nullptr);
  } else {
    check_authorization_shape(*auth);
    const absl::Status verified = aws::verify(input.request, *auth, kSecret, kScope, kNow);
    if (!verified.ok()) {
      DATAMESH_FUZZ_CHECK(verified.code() == absl::StatusCode::kUnauthenticated,
                          describe(verified));
      check_no_secret(verified, text, &*auth);
    }
  }

  check_dates(input.request);
  const std::string query = aws::canonical_query(input.request.query);
  DATAMESH_FUZZ_CHECK(aws::canonical_query(query) == query,
                      "the canonical query is not canonical: " + query);
  (void)aws::canonical_request(input.request, aws::headers_to_sign(input.request),
                               aws::sha256_hex(input.request.body));
  check_sign_verifies(input.request);
  return 0;
}
