// S3's signing rule against botocore: S3 signs the path exactly as sent (UriRule::kAsSent).
//
// tests/aws/data/botocore_s3_vectors.json was produced by botocore's S3SigV4Auth with
// tests/aws/tools/botocore_s3_vectors.py (which says how to regenerate it); every expected value
// here is botocore's.
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "aws/sigv4.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

nlohmann::json load_document() {
  std::ifstream file(DATAMESH_TEST_DATA "/aws/data/botocore_s3_vectors.json");
  return nlohmann::json::parse(file);
}

HttpRequest request_of(const nlohmann::json& v) {
  HttpRequest request{v.at("method").get<std::string>(),
                      v.at("path").get<std::string>(),
                      v.at("query").get<std::string>(),
                      {},
                      v.at("body").get<std::string>()};
  for (const auto& pair : v.at("headers_before_signing")) {
    request.headers.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  return request;
}

TEST(S3SigningTest, SignsEveryBotocoreS3RequestAsBotocoreDoes) {
  const nlohmann::json document = load_document();
  ASSERT_GE(document.at("vectors").size(), 7u);
  const SigningKey base_key{document.at("access_key_id").get<std::string>(),
                            document.at("secret_access_key").get<std::string>(), ""};
  for (const auto& v : document.at("vectors")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    SigningKey key = base_key;
    key.session_token = v.at("session_token").get<std::string>();
    const Scope scope{v.at("region").get<std::string>(), "s3"};
    const std::chrono::system_clock::time_point now{
        std::chrono::seconds{v.at("now_unix_seconds").get<long long>()}};
    HttpRequest request = request_of(v);
    ASSERT_OK(sign(request, key, scope, now, nullptr, UriRule::kAsSent));
    const std::vector<std::string> authorization = header_values(request, "Authorization");
    ASSERT_EQ(authorization.size(), 1u);
    EXPECT_EQ(authorization[0], v.at("authorization").get<std::string>());
    EXPECT_EQ(canonical_request(request, headers_to_sign(request), sha256_hex(request.body),
                                UriRule::kAsSent),
              v.at("canonical_request").get<std::string>());
  }
}

TEST(S3SigningTest, KeepsThePathAsSentWhereOtherServicesNormalizeIt) {
  EXPECT_EQ(canonical_uri("/a/./b/../c//d%20e.csv", UriRule::kAsSent), "/a/./b/../c//d%20e.csv");
  EXPECT_EQ(canonical_uri("/a/./b/../c//d%20e.csv"), "/a/c/d%2520e.csv");
  EXPECT_EQ(canonical_uri("", UriRule::kAsSent), "/");
}

TEST(S3SigningTest, TheDefaultRuleStillNormalizesAndEncodesAgain) {
  // The same S3 request signed under the default rule differs from botocore's S3 signature:
  // the rule really changes what is signed.
  const nlohmann::json document = load_document();
  const SigningKey key{document.at("access_key_id").get<std::string>(),
                       document.at("secret_access_key").get<std::string>(), ""};
  for (const auto& v : document.at("vectors")) {
    if (v.at("name") != "key-with-encoded-spaces-and-unicode") continue;
    HttpRequest request = request_of(v);
    ASSERT_OK(sign(request, key, {v.at("region").get<std::string>(), "s3"},
                   std::chrono::system_clock::time_point{
                       std::chrono::seconds{v.at("now_unix_seconds").get<long long>()}}));
    EXPECT_NE(header_values(request, "Authorization").at(0),
              v.at("authorization").get<std::string>());
    return;
  }
  FAIL() << "vector key-with-encoded-spaces-and-unicode is missing";
}

}  // namespace
}  // namespace datamesh::aws
