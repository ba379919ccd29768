// aws::sign: the headers it adds, the headers it signs, and the requests it refuses.
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

HttpRequest table_request() {
  HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"Host", "127.0.0.1:18090"},
                     {"User-Agent", "datamesh-cli/1.0"},
                     {"Accept", "application/json"},
                     {"X-Amz-Target", "Datamesh.GetTable"},
                     {"Content-Type", "application/x-amz-json-1.1"}};
  request.body = R"({"DatabaseName": "sales", "Name": "orders"})";
  return request;
}

std::vector<std::string> values(const HttpRequest& request, std::string_view name) {
  return header_values(request, name);
}

std::string signed_headers_of(const HttpRequest& request) {
  const std::vector<std::string> authorization = values(request, "authorization");
  if (authorization.size() != 1) return "<no single Authorization>";
  const absl::StatusOr<Authorization> auth = parse_authorization(authorization.front());
  if (!auth.ok()) return std::string(auth.status().message());
  std::string out;
  for (const std::string& name : auth->signed_headers) out += (out.empty() ? "" : ";") + name;
  return out;
}

TEST(Sign, AddsTheDateThePayloadHashAndTheAuthorization) {
  HttpRequest request = table_request();
  ASSERT_OK(sign(request, example::kExampleKey, example::kDatameshScope,
                 example::example_signing_time()));
  EXPECT_EQ(values(request, "x-amz-date"), std::vector<std::string>{"20261123T105516Z"});
  EXPECT_EQ(values(request, "x-amz-content-sha256"),
            std::vector<std::string>{sha256_hex(request.body)});
  ASSERT_EQ(values(request, "authorization").size(), 1u);
  EXPECT_TRUE(
      values(request, "authorization")
          .front()
          .starts_with(
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/datamesh/aws4_request, "
              "SignedHeaders="));
  EXPECT_TRUE(values(request, "x-amz-security-token").empty());
}

TEST(Sign, SignsHostContentTypeAndAmzHeadersOnly) {
  HttpRequest request = table_request();
  ASSERT_OK(sign(request, example::kExampleKey, example::kDatameshScope,
                 example::example_signing_time()));
  EXPECT_EQ(signed_headers_of(request),
            "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target");
}

TEST(Sign, LeavesContentTypeUnsignedWhenAbsent) {
  HttpRequest request{"GET", "/v1/tables", "", {{"Host", "localhost:8080"}}, ""};
  ASSERT_OK(sign(request, example::kExampleKey, example::kDatameshScope,
                 example::example_signing_time()));
  EXPECT_EQ(signed_headers_of(request), "host;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(values(request, "x-amz-content-sha256"),
            std::vector<std::string>{std::string(kEmptySha256)});
}

TEST(Sign, AddsAndSignsTheSessionToken) {
  HttpRequest request = table_request();
  ASSERT_OK(
      sign(request,
           SigningKey{"ASIAEXAMPLE", std::string(example::kExampleSecret), "FwoGZXIvYXdzEXAMPLE"},
           example::kDatameshScope, example::example_signing_time()));
  EXPECT_EQ(values(request, "x-amz-security-token"),
            std::vector<std::string>{"FwoGZXIvYXdzEXAMPLE"});
  EXPECT_EQ(signed_headers_of(request),
            "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;"
            "x-amz-target");
}

TEST(Sign, ResigningReplacesTheEarlierSigningHeaders) {
  HttpRequest request = table_request();
  ASSERT_OK(sign(request,
                 SigningKey{"ASIAEXAMPLE", std::string(example::kExampleSecret), "old-token"},
                 example::kDatameshScope, example::example_signing_time()));
  request.body = "{}";
  ASSERT_OK(sign(request, example::kExampleKey, example::kDatameshScope,
                 example::example_signing_time() + minutes{10}));
  EXPECT_EQ(values(request, "x-amz-date"), std::vector<std::string>{"20261123T110516Z"});
  EXPECT_EQ(values(request, "x-amz-content-sha256"), std::vector<std::string>{sha256_hex("{}")});
  EXPECT_TRUE(values(request, "x-amz-security-token").empty());
  ASSERT_EQ(values(request, "authorization").size(), 1u);
  ASSERT_OK_AND_ASSIGN(const Authorization auth,
                       parse_authorization(values(request, "authorization").front()));
  EXPECT_OK(verify(request, auth, example::kExampleSecret, example::kDatameshScope,
                   example::example_signing_time() + minutes{10}));
}

TEST(Sign, IsDeterministicForAFixedClock) {
  HttpRequest first = table_request();
  HttpRequest second = table_request();
  ASSERT_OK(
      sign(first, example::kExampleKey, example::kDatameshScope, example::example_signing_time()));
  ASSERT_OK(sign(second, example::kExampleKey, example::kDatameshScope,
                 example::example_signing_time() + std::chrono::milliseconds{999}));
  EXPECT_EQ(values(first, "authorization"), values(second, "authorization"));
}

TEST(Sign, RejectsARequestWithoutHost) {
  HttpRequest request{"GET", "/", "", {{"Accept", "*/*"}}, ""};
  const HttpRequest before = request;
  EXPECT_STATUS(
      sign(request, example::kExampleKey, example::kDatameshScope, example::example_signing_time()),
      StatusCode::kInvalidArgument, "request has no Host header");
  EXPECT_EQ(request.headers, before.headers);
}

TEST(Sign, RejectsARequestWithTwoHosts) {
  HttpRequest request{"GET", "/", "", {{"Host", "a:1"}, {"host", "b:2"}}, ""};
  EXPECT_STATUS(
      sign(request, example::kExampleKey, example::kDatameshScope, example::example_signing_time()),
      StatusCode::kInvalidArgument, "request has 2 Host headers");
}

TEST(Sign, RejectsAnEmptySecretWithoutNamingIt) {
  HttpRequest request = table_request();
  const HttpRequest before = request;
  EXPECT_STATUS(sign(request, SigningKey{"AKIDEXAMPLE", "", ""}, example::kDatameshScope,
                     example::example_signing_time()),
                StatusCode::kInvalidArgument, "secret access key is empty");
  EXPECT_EQ(request.headers, before.headers);
}

TEST(Sign, RejectsAnAccessKeyIdThatWouldBreakTheCredential) {
  HttpRequest request = table_request();
  EXPECT_STATUS(sign(request, SigningKey{"AKID/EXAMPLE", std::string(example::kExampleSecret), ""},
                     example::kDatameshScope, example::example_signing_time()),
                StatusCode::kInvalidArgument, "access key id 'AKID/EXAMPLE' must be non-empty");
  EXPECT_STATUS(sign(request, SigningKey{"", std::string(example::kExampleSecret), ""},
                     example::kDatameshScope, example::example_signing_time()),
                StatusCode::kInvalidArgument, "access key id '' must be non-empty");
}

TEST(Sign, RejectsARegionOrServiceThatWouldBreakTheCredential) {
  HttpRequest request = table_request();
  EXPECT_STATUS(sign(request, example::kExampleKey, Scope{"us east 1", "datamesh"},
                     example::example_signing_time()),
                StatusCode::kInvalidArgument, "region 'us east 1' must be non-empty");
  EXPECT_STATUS(sign(request, example::kExampleKey, Scope{"us-east-1", "data,mesh"},
                     example::example_signing_time()),
                StatusCode::kInvalidArgument, "service 'data,mesh' must be non-empty");
  EXPECT_STATUS(
      sign(request, example::kExampleKey, Scope{"us-east-1", ""}, example::example_signing_time()),
      StatusCode::kInvalidArgument, "service '' must be non-empty");
}

}  // namespace
}  // namespace datamesh::aws
