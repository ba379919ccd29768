// What fuzzing SigV4 found (fuzz/sigv4_fuzzer.cc), kept as regression tests; the crashing
// inputs are in fuzz/corpus/sigv4_fuzzer/regression-*. The date cases are undefined behaviour,
// not wrong answers, so they fail loudly only in the sanitizer build (scripts/sanitize.sh); here
// they still check the answers.
#include <chrono>
#include <string>
#include <vector>

#include "aws/example_key.h"
#include "aws/sigv4.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using absl::StatusCode;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::system_clock;
using std::chrono::year;

system_clock::time_point at(int y, unsigned m, unsigned d) {
  return sys_days{year{y} / static_cast<int>(m) / static_cast<int>(d)};
}

HttpRequest signed_request(system_clock::time_point when) {
  HttpRequest request{.method = "POST", .path = "/v1/admin/list-accounts", .body = "{}"};
  request.headers = {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/json"}};
  EXPECT_OK(sign(request, example::kExampleKey, example::kDatameshScope, when));
  return request;
}

Authorization authorization_of(const HttpRequest& request) {
  const std::vector<std::string> values = header_values(request, "authorization");
  EXPECT_EQ(values.size(), 1u);
  absl::StatusOr<Authorization> auth = parse_authorization(values.empty() ? "" : values[0]);
  EXPECT_OK(auth);
  return auth.ok() ? *auth : Authorization{};
}

TEST(SignFuzzFindings, RefusesToSignAHeaderWhoseNameIsNotAnHttpToken) {
  // sign() used to sign "x-amz-d\xfd...ate", which SignedHeaders cannot carry, so that the
  // request it called signed was refused by every verifier.
  HttpRequest request{.method = "POST", .path = "/", .body = "{}"};
  request.headers = {{"Host", "127.0.0.1:8080"},
                     {"X-Amz-D\xfd\xfd"
                      "ate",
                      "20260115T120000Z"}};
  const HttpRequest before = request;
  EXPECT_STATUS(sign(request, example::kExampleKey, example::kDatameshScope, at(2026, 1, 15)),
                StatusCode::kInvalidArgument,
                "is not an HTTP token (RFC 9110); it cannot be signed");
  EXPECT_EQ(request.headers, before.headers);

  request.headers = {{"Host", "127.0.0.1:8080"}, {"X-Amz-Meta Data", "x"}};
  EXPECT_STATUS(sign(request, example::kExampleKey, example::kDatameshScope, at(2026, 1, 15)),
                StatusCode::kInvalidArgument, "header name 'x-amz-meta data' is not an HTTP token");
}

TEST(SignFuzzFindings, HeadersItDoesNotSignMayHaveAnyName) {
  HttpRequest request{.method = "POST", .path = "/", .body = "{}"};
  request.headers = {{"Host", "127.0.0.1:8080"}, {"User Agent", "not signed, not checked"}};
  EXPECT_OK(sign(request, example::kExampleKey, example::kDatameshScope, at(2026, 1, 15)));
}

TEST(ParseAmzDateFuzzFindings, RefusesDatesTheClockCannotHold) {
  // Converting 6220-01-15 to system_clock's nanoseconds overflowed 64 bits.
  for (const char* date : {"62200115T120000Z", "99991231T235959Z", "22620412T000000Z",
                           "16770921T000000Z", "00010101T000000Z"}) {
    EXPECT_STATUS(parse_amz_date(date), StatusCode::kInvalidArgument,
                  "is outside the range of the server's clock")
        << date;
  }
}

TEST(ParseAmzDateFuzzFindings, AcceptsTheFirstAndLastYearsTheClockHolds) {
  ASSERT_OK_AND_ASSIGN(const system_clock::time_point latest, parse_amz_date("22611231T235959Z"));
  EXPECT_EQ(latest, at(2261, 12, 31) + hours{23} + minutes{59} + seconds{59});
  ASSERT_OK_AND_ASSIGN(const system_clock::time_point earliest, parse_amz_date("16780101T000000Z"));
  EXPECT_EQ(earliest, at(1678, 1, 1));
  EXPECT_EQ(format_amz_date(earliest), "16780101T000000Z");
}

TEST(VerifyFuzzFindings, RefusesARequestCenturiesAwayFromTheServersTime) {
  // 1678 and 2261 are 583 years apart: more nanoseconds than 64 bits hold, so the skew cannot
  // be computed as one nanosecond difference.
  for (const auto& [signed_at, now] :
       {std::pair{at(1678, 1, 1), at(2261, 12, 31)}, std::pair{at(2261, 12, 31), at(1678, 1, 1)},
        std::pair{at(1678, 1, 1), system_clock::time_point::max()},
        std::pair{at(2261, 12, 31), system_clock::time_point::min()}}) {
    const HttpRequest request = signed_request(signed_at);
    EXPECT_STATUS(verify(request, authorization_of(request), example::kExampleSecret,
                         example::kDatameshScope, now),
                  StatusCode::kUnauthenticated, "is more than 5 minutes from the server's time");
  }
}

TEST(VerifyFuzzFindings, ComparesTheSkewToTheNanosecond) {
  const system_clock::time_point signed_at = at(2026, 1, 15) + hours{12};
  const HttpRequest request = signed_request(signed_at);
  const Authorization auth = authorization_of(request);
  EXPECT_OK(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                   signed_at + minutes{5}));
  EXPECT_OK(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                   signed_at - minutes{5}));
  EXPECT_STATUS(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                       signed_at + minutes{5} + nanoseconds{1}),
                StatusCode::kUnauthenticated, "is more than 5 minutes");
  EXPECT_STATUS(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                       signed_at - minutes{5} - nanoseconds{1}),
                StatusCode::kUnauthenticated, "is more than 5 minutes");
  EXPECT_OK(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                   signed_at + minutes{5} - nanoseconds{1}));
  EXPECT_OK(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                   signed_at - minutes{5} + nanoseconds{1}));
}

}  // namespace
}  // namespace datamesh::aws
