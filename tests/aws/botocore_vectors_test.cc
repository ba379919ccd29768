// Cross-checks the signer against botocore, an independent SigV4 implementation.
//
// tests/aws/data/botocore_vectors.json was produced by botocore 1.43 (see its "botocore_version")
// with tests/aws/tools/botocore_vectors.py, which also says how to regenerate it. Every value
// expected here (canonical requests, strings to sign, Authorization headers) is botocore's.
#include <chrono>
#include <fstream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "aws/sigv4.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

struct BotocoreVector {
  std::string name;
  SigningKey key;
  Scope scope;
  std::string amz_date;
  std::chrono::system_clock::time_point now;
  HttpRequest unsigned_request;  // as handed to a signer
  HttpRequest sent_request;      // as botocore's client sends it, signed
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;
  bool signed_by_the_sign_rule = false;
};

// GoogleTest names a failing vector by this rather than by a dump of its bytes.
void PrintTo(const BotocoreVector& v, std::ostream* os) { *os << v.name; }

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers headers_of(const nlohmann::json& list) {
  Headers headers;
  for (const auto& pair : list) {
    headers.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  return headers;
}

std::vector<BotocoreVector> load_vectors() {
  std::ifstream file(DATAMESH_TEST_DATA "/aws/data/botocore_vectors.json");
  if (!file) return {};
  const nlohmann::json document = nlohmann::json::parse(file);
  std::vector<BotocoreVector> vectors;
  for (const auto& v : document.at("vectors")) {
    BotocoreVector vector;
    vector.name = v.at("name").get<std::string>();
    for (char& c : vector.name) c = (c == '-') ? '_' : c;
    vector.key = {document.at("access_key_id").get<std::string>(),
                  document.at("secret_access_key").get<std::string>(),
                  v.at("session_token").get<std::string>()};
    vector.scope = {v.at("region").get<std::string>(), v.at("service").get<std::string>()};
    vector.amz_date = v.at("amz_date").get<std::string>();
    vector.now = std::chrono::system_clock::time_point{
        std::chrono::seconds{v.at("now_unix_seconds").get<long long>()}};
    HttpRequest request{v.at("method").get<std::string>(),
                        v.at("path").get<std::string>(),
                        v.at("query").get<std::string>(),
                        {},
                        v.at("body").get<std::string>()};
    vector.unsigned_request = request;
    vector.unsigned_request.headers = headers_of(v.at("headers_before_signing"));
    vector.sent_request = request;
    vector.sent_request.headers = headers_of(v.at("headers_as_sent"));
    vector.canonical_request = v.at("canonical_request").get<std::string>();
    vector.string_to_sign = v.at("string_to_sign").get<std::string>();
    vector.authorization = v.at("authorization").get<std::string>();
    vector.signed_by_the_sign_rule = v.at("signed_by_the_sign_rule").get<bool>();
    vectors.push_back(std::move(vector));
  }
  return vectors;
}

const std::vector<BotocoreVector>& vectors() {
  static const auto* loaded = new std::vector<BotocoreVector>(load_vectors());
  return *loaded;
}

std::string only_header(const HttpRequest& request, std::string_view name) {
  const std::vector<std::string> values = header_values(request, name);
  return values.size() == 1 ? values.front() : "<" + std::to_string(values.size()) + " values>";
}

TEST(BotocoreVectors, FileHoldsTheExpectedVariety) {
  ASSERT_GE(vectors().size(), 20u) << "tests/aws/data/botocore_vectors.json missing or short";
  int by_sign_rule = 0;
  for (const auto& vector : vectors()) by_sign_rule += vector.signed_by_the_sign_rule ? 1 : 0;
  // Most vectors must exercise aws::sign itself, not only the pure functions.
  EXPECT_GE(by_sign_rule, 20);
}

class Botocore : public ::testing::TestWithParam<BotocoreVector> {};

TEST_P(Botocore, CanonicalRequestStringToSignAndSignatureMatch) {
  const BotocoreVector& v = GetParam();
  ASSERT_OK_AND_ASSIGN(const Authorization auth, parse_authorization(v.authorization));
  const std::string canonical =
      canonical_request(v.sent_request, auth.signed_headers, sha256_hex(v.sent_request.body));
  EXPECT_EQ(canonical, v.canonical_request);
  const std::string to_sign = string_to_sign(v.amz_date, v.scope, canonical);
  EXPECT_EQ(to_sign, v.string_to_sign);
  EXPECT_EQ(signature(signing_key(v.key.secret_access_key, v.amz_date.substr(0, 8), v.scope.region,
                                  v.scope.service),
                      to_sign),
            auth.signature);
}

TEST_P(Botocore, VerifyAcceptsTheBotocoreSignedRequest) {
  const BotocoreVector& v = GetParam();
  ASSERT_OK_AND_ASSIGN(const Authorization auth,
                       parse_authorization(only_header(v.sent_request, "authorization")));
  EXPECT_EQ(auth.access_key_id, v.key.access_key_id);
  EXPECT_OK(verify(v.sent_request, auth, v.key.secret_access_key, v.scope, v.now));
}

TEST_P(Botocore, SignWritesTheSameHeadersAsBotocore) {
  const BotocoreVector& v = GetParam();
  HttpRequest request = v.unsigned_request;
  ASSERT_OK(sign(request, v.key, v.scope, v.now));
  if (!v.signed_by_the_sign_rule) {
    // botocore signs every header it is given; aws::sign only host, content-type and x-amz-*,
    // so here the signatures differ by design, and aws::sign's own must still verify.
    ASSERT_OK_AND_ASSIGN(const Authorization auth,
                         parse_authorization(only_header(request, "authorization")));
    for (const std::string& name : auth.signed_headers) {
      EXPECT_TRUE(name == "host" || name == "content-type" || name.starts_with("x-amz-")) << name;
    }
    EXPECT_OK(verify(request, auth, v.key.secret_access_key, v.scope, v.now));
    return;
  }
  EXPECT_EQ(only_header(request, "authorization"), v.authorization);
  EXPECT_EQ(only_header(request, "x-amz-date"), v.amz_date);
  EXPECT_EQ(only_header(request, "x-amz-content-sha256"),
            only_header(v.sent_request, "x-amz-content-sha256"));
  if (v.key.session_token.empty()) {
    EXPECT_TRUE(header_values(request, "x-amz-security-token").empty());
  } else {
    EXPECT_EQ(only_header(request, "x-amz-security-token"),
              only_header(v.sent_request, "x-amz-security-token"));
  }
}

INSTANTIATE_TEST_SUITE_P(GeneratedByBotocore, Botocore, ::testing::ValuesIn(vectors()),
                         [](const ::testing::TestParamInfo<BotocoreVector>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace datamesh::aws
