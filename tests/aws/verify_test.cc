// aws::verify: a request signed by aws::sign passes, and each way a request can be wrong is
// rejected for its own reason. Each rejection is checked by its message, so that a test cannot
// pass because an earlier check happened to fail.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <utility>
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
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year;

HttpRequest grant_request() {
  HttpRequest request;
  request.method = "POST";
  request.path = "/v1/grants";
  request.query = "dry_run=false";
  request.headers = {{"Host", "127.0.0.1:18090"},
                     {"Content-Type", "application/json"},
                     {"X-Amz-Target", "Datamesh.GrantPermissions"}};
  request.body = R"({"principal": "analyst", "table": "sales.orders"})";
  return request;
}

std::string only_header(const HttpRequest& request, std::string_view name) {
  const std::vector<std::string> values = header_values(request, name);
  return values.size() == 1 ? values.front() : "";
}

void set_header(HttpRequest& request, std::string_view name, std::string value) {
  for (auto& header : request.headers) {
    std::string lower = header.first;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) header.second = value;
  }
}

void erase_header(HttpRequest& request, std::string_view name) {
  std::erase_if(request.headers, [&](const auto& header) {
    std::string lower = header.first;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower == name;
  });
}

class Verify : public ::testing::Test {
 protected:
  void SetUp() override {
    request_ = grant_request();
    ASSERT_OK(sign(request_, example::kExampleKey, example::kDatameshScope,
                   example::example_signing_time()));
    ASSERT_OK_AND_ASSIGN(auth_, parse_authorization(only_header(request_, "authorization")));
  }

  absl::Status verify_at(std::chrono::system_clock::time_point now) const {
    return verify(request_, auth_, example::kExampleSecret, example::kDatameshScope, now);
  }
  absl::Status verify_now() const { return verify_at(example::example_signing_time()); }

  // Code and message; and no message ever carries the secret.
  static void expect_rejected(const absl::Status& status, std::string_view message) {
    EXPECT_STATUS(status, StatusCode::kUnauthenticated, message);
    EXPECT_EQ(std::string(status.message()).find(example::kExampleSecret), std::string::npos)
        << status;
  }

  HttpRequest request_;
  Authorization auth_;
};

TEST_F(Verify, AcceptsASignedRequestWithAPortInHost) {
  ASSERT_EQ(only_header(request_, "host"), "127.0.0.1:18090");
  EXPECT_OK(verify_now());
}

TEST_F(Verify, HostWithoutThePortIsADifferentRequest) {
  set_header(request_, "host", "127.0.0.1");
  expect_rejected(verify_now(), "signature does not match");
}

TEST_F(Verify, AcceptsAtExactlyTheMaximumSkewEitherWay) {
  EXPECT_OK(verify_at(example::example_signing_time() + minutes{5}));
  EXPECT_OK(verify_at(example::example_signing_time() - minutes{5}));
}

TEST_F(Verify, RejectsTheWrongSecret) {
  expect_rejected(verify(request_, auth_, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ",
                         example::kDatameshScope, example::example_signing_time()),
                  "signature does not match");
}

TEST_F(Verify, RejectsAnAuthorizationHeaderOfAnotherFormat) {
  EXPECT_STATUS(parse_authorization("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"),
                StatusCode::kUnauthenticated, "'Bearer' is not AWS4-HMAC-SHA256");
  EXPECT_STATUS(parse_authorization("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="),
                StatusCode::kUnauthenticated, "'AWS' is not AWS4-HMAC-SHA256");
}

TEST_F(Verify, RejectsARequestSixMinutesStale) {
  expect_rejected(verify_at(example::example_signing_time() + minutes{6}),
                  "request date 20261123T105516Z is more than 5 minutes from the server's time "
                  "20261123T110116Z");
}

TEST_F(Verify, RejectsARequestSixMinutesInTheFuture) {
  expect_rejected(verify_at(example::example_signing_time() - minutes{6}),
                  "request date 20261123T105516Z is more than 5 minutes from the server's time "
                  "20261123T104916Z");
}

TEST_F(Verify, HonoursACustomMaximumSkew) {
  EXPECT_OK(verify(request_, auth_, example::kExampleSecret, example::kDatameshScope,
                   example::example_signing_time() + seconds{90}, seconds{90}));
  expect_rejected(verify(request_, auth_, example::kExampleSecret, example::kDatameshScope,
                         example::example_signing_time() + seconds{91}, seconds{90}),
                  "more than 90 seconds from the server's time");
}

TEST_F(Verify, RejectsACredentialDayOtherThanTheXAmzDateDay) {
  auth_.date = "20261122";
  expect_rejected(verify_now(),
                  "credential date '20261122' is not the day of X-Amz-Date 20261123T105516Z");
}

TEST_F(Verify, RejectsTheWrongRegion) {
  expect_rejected(verify(request_, auth_, example::kExampleSecret, Scope{"eu-west-1", "datamesh"},
                         example::example_signing_time()),
                  "credential region 'us-east-1' is not this server's 'eu-west-1'");
}

TEST_F(Verify, RejectsTheWrongService) {
  HttpRequest request = grant_request();
  ASSERT_OK(sign(request, example::kExampleKey, Scope{"us-east-1", "glue"},
                 example::example_signing_time()));
  ASSERT_OK_AND_ASSIGN(const Authorization auth,
                       parse_authorization(only_header(request, "authorization")));
  expect_rejected(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                         example::example_signing_time()),
                  "credential service 'glue' is not this server's 'datamesh'");
}

TEST_F(Verify, RejectsARequestMissingASignedHeader) {
  ASSERT_NE(std::find(auth_.signed_headers.begin(), auth_.signed_headers.end(), "x-amz-target"),
            auth_.signed_headers.end());
  erase_header(request_, "x-amz-target");
  expect_rejected(verify_now(), "signed header 'x-amz-target' is missing from the request");
}

TEST_F(Verify, RejectsSignedHeadersWithoutHost) {
  auth_.signed_headers = {"content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-target"};
  expect_rejected(verify_now(), "do not include host");
  EXPECT_STATUS(parse_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/"
                                    "datamesh/aws4_request, SignedHeaders=x-amz-date, Signature=" +
                                    auth_.signature),
                StatusCode::kUnauthenticated, "SignedHeaders 'x-amz-date' do not include host");
}

TEST_F(Verify, RejectsAnUnsignedRequestDate) {
  auth_.signed_headers = {"content-type", "host", "x-amz-content-sha256", "x-amz-target"};
  expect_rejected(verify_now(), "do not include x-amz-date; the request date must be signed");
}

TEST_F(Verify, RejectsABodyChangedAfterSigning) {
  request_.body = R"({"principal": "attacker", "table": "sales.orders"})";
  expect_rejected(verify_now(), "payload hash does not match the body");
}

TEST_F(Verify, RejectsABodyChangedWithItsHashHeaderUpdated) {
  request_.body = R"({"principal": "attacker", "table": "sales.orders"})";
  set_header(request_, "x-amz-content-sha256", sha256_hex(request_.body));
  expect_rejected(verify_now(), "signature does not match");
}

TEST_F(Verify, RejectsAnUnsignedPayloadMarker) {
  set_header(request_, "x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  expect_rejected(verify_now(), "'UNSIGNED-PAYLOAD' is not accepted");
}

TEST_F(Verify, RejectsASignatureChangedInOneHexDigit) {
  auth_.signature[17] = auth_.signature[17] == '0' ? '1' : '0';
  expect_rejected(verify_now(), "signature does not match");
}

TEST_F(Verify, RejectsAQueryChangedAfterSigning) {
  request_.query = "dry_run=true";
  expect_rejected(verify_now(), "signature does not match");
}

TEST_F(Verify, RejectsASignedHeaderValueChangedAfterSigning) {
  set_header(request_, "x-amz-target", "Datamesh.RevokePermissions");
  expect_rejected(verify_now(), "signature does not match");
}

TEST_F(Verify, RejectsAMissingXAmzDate) {
  erase_header(request_, "x-amz-date");
  expect_rejected(verify_now(), "request has no X-Amz-Date header");
}

TEST_F(Verify, RejectsAMalformedXAmzDate) {
  set_header(request_, "x-amz-date", "2026-11-23T10:55:16Z");
  expect_rejected(verify_now(),
                  "X-Amz-Date '2026-11-23T10:55:16Z' is not of the form YYYYMMDDTHHMMSSZ");
}

TEST_F(Verify, RejectsTwoXAmzDateHeaders) {
  request_.headers.emplace_back("X-Amz-Date", "20261123T105516Z");
  expect_rejected(verify_now(), "request has 2 X-Amz-Date headers");
}

TEST_F(Verify, FindsHeadersWhateverTheirCase) {
  for (auto& header : request_.headers) {
    for (char& c : header.first) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_OK(verify_now());
}

TEST_F(Verify, IgnoresHeadersAddedWithoutBeingSigned) {
  request_.headers.emplace_back("User-Agent", "datamesh-cli/1.0");
  request_.headers.emplace_back("Content-Length", std::to_string(request_.body.size()));
  EXPECT_OK(verify_now());
}

TEST_F(Verify, AcceptsASignedRequestWithASessionToken) {
  HttpRequest request = grant_request();
  const SigningKey temporary{"ASIAEXAMPLE", std::string(example::kExampleSecret),
                             "FwoGZXIvYXdzEXAMPLE"};
  ASSERT_OK(sign(request, temporary, example::kDatameshScope, example::example_signing_time()));
  ASSERT_OK_AND_ASSIGN(const Authorization auth,
                       parse_authorization(only_header(request, "authorization")));
  EXPECT_OK(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                   example::example_signing_time()));
  set_header(request, "x-amz-security-token", "FwoGZXIvYXdzOTHER");
  EXPECT_STATUS(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                       example::example_signing_time()),
                StatusCode::kUnauthenticated, "signature does not match");
}

TEST_F(Verify, RejectsANegativeMaximumSkew) {
  EXPECT_STATUS(verify(request_, auth_, example::kExampleSecret, example::kDatameshScope,
                       example::example_signing_time(), seconds{-1}),
                StatusCode::kInvalidArgument, "max_skew of -1 seconds is negative");
}

}  // namespace
}  // namespace datamesh::aws
