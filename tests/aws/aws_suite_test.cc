// AWS's published SigV4 test suite, plus the published intermediate values.
//
// The requests and signatures below are copied from the suite as AWS ships it in
// awslabs/aws-c-auth, tests/aws-signing-test-suite/v4/<case>/header-signed-request.txt (the
// `-normalized` variants are the non-S3 rules). Every case uses AKIDEXAMPLE /
// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1 and service "service".
// The suite writes paths and queries raw (a literal space, "ሴ"), so they are given raw here:
// encoding them once gives the suite's canonical form.
#include <chrono>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "aws/example_key.h"
#include "aws/sigv4.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::year;

constexpr std::string_view kAccessKeyId = "AKIDEXAMPLE";
constexpr std::string_view kAmzDate = "20150830T123600Z";
const Scope kSuiteScope{"us-east-1", "service"};

std::chrono::system_clock::time_point suite_time() {
  return sys_days{year{2015} / 8 / 30} + hours{12} + minutes{36};
}

struct SuiteCase {
  std::string name;
  std::string method;
  std::string path;
  std::string query;
  // Besides Host and X-Amz-Date, which every case has.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string signed_headers;
  std::string signature;
};

// GoogleTest names a failing case by this rather than by a dump of its bytes.
void PrintTo(const SuiteCase& c, std::ostream* os) { *os << c.name; }

HttpRequest request_of(const SuiteCase& c) {
  HttpRequest request{c.method, c.path, c.query, {}, c.body};
  request.headers.emplace_back("Host", "example.amazonaws.com");
  for (const auto& header : c.headers) request.headers.push_back(header);
  request.headers.emplace_back("X-Amz-Date", std::string(kAmzDate));
  return request;
}

std::vector<std::string> split_names(const std::string& names) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = names.find(';', start);
    out.push_back(names.substr(start, end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// What a signer holding the suite's credentials computes for `c`.
std::string authorization_for(const SuiteCase& c) {
  const HttpRequest request = request_of(c);
  const std::string to_sign = string_to_sign(
      kAmzDate, kSuiteScope,
      canonical_request(request, split_names(c.signed_headers), sha256_hex(request.body)));
  const std::string key = signing_key(example::kExampleSecret, "20150830", "us-east-1", "service");
  return base::cat(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
      "aws4_request, SignedHeaders=",
      c.signed_headers, ", Signature=", signature(key, to_sign));
}

const std::vector<SuiteCase>& suite() {
  static const auto* cases = new std::vector<SuiteCase>{
      {"get_vanilla",
       "GET",
       "/",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get_vanilla_query",
       "GET",
       "/",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get_vanilla_query_order_key_case",
       "GET",
       "/",
       "Param2=value2&Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get_vanilla_empty_query_key",
       "GET",
       "/",
       "Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get_vanilla_query_unreserved",
       "GET",
       "/",
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get_vanilla_utf8_query",
       "GET",
       "/",
       "\xE1\x88\xB4=bar",
       {},
       "",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get_vanilla_query_order_encoded",
       "GET",
       "/",
       "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
       {},
       "",
       "host;x-amz-date",
       "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"},
      {"get_header_value_trim",
       "GET",
       "/",
       "",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get_header_key_duplicate",
       "GET",
       "/",
       "",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get_header_value_order",
       "GET",
       "/",
       "",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get_unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "",
       {},
       "",
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get_utf8",
       "GET",
       "/\xE1\x88\xB4",
       "",
       {},
       "",
       "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get_space_normalized",
       "GET",
       "/example space/",
       "",
       {},
       "",
       "host;x-amz-date",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get_slash_normalized",
       "GET",
       "//",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get_slashes_normalized",
       "GET",
       "//example//",
       "",
       {},
       "",
       "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get_slash_dot_slash_normalized",
       "GET",
       "/./",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get_slash_pointless_dot_normalized",
       "GET",
       "/./example",
       "",
       {},
       "",
       "host;x-amz-date",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get_relative_normalized",
       "GET",
       "/example/..",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get_relative_relative_normalized",
       "GET",
       "/example1/example2/../..",
       "",
       {},
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get_vanilla_with_session_token",
       "GET",
       "/",
       "",
       {{"X-Amz-Security-Token",
         "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"}},
       "",
       "host;x-amz-date;x-amz-security-token",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
      {"post_vanilla",
       "POST",
       "/",
       "",
       {},
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post_vanilla_query",
       "POST",
       "/",
       "Param1=value1",
       {},
       "",
       "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post_header_key_sort",
       "POST",
       "/",
       "",
       {{"My-Header1", "value1"}},
       "",
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post_header_value_case",
       "POST",
       "/",
       "",
       {{"My-Header1", "VALUE1"}},
       "",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post_x_www_form_urlencoded",
       "POST",
       "/",
       "",
       {{"Content-Type", "application/x-www-form-urlencoded"},
        {"Content-Length", "13"},
        {"x-amz-content-sha256",
         "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
       "Param1=value1",
       "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
       "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"},
      {"post_x_www_form_urlencoded_parameters",
       "POST",
       "/",
       "",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
        {"Content-Length", "13"},
        {"x-amz-content-sha256",
         "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
       "Param1=value1",
       "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
       "328d1b9eaadca9f5818ef05e8392801e091653bafec24fcab71e7344e7f51422"},
  };
  return *cases;
}

class AwsSuite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(AwsSuite, SignerProducesThePublishedAuthorization) {
  const SuiteCase& c = GetParam();
  EXPECT_EQ(authorization_for(c),
            base::cat("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                      "aws4_request, SignedHeaders=",
                      c.signed_headers, ", Signature=", c.signature));
}

TEST_P(AwsSuite, VerifierAcceptsThePublishedRequest) {
  const SuiteCase& c = GetParam();
  ASSERT_OK_AND_ASSIGN(
      const Authorization auth,
      parse_authorization(base::cat("AWS4-HMAC-SHA256 Credential=", kAccessKeyId,
                                    "/20150830/us-east-1/service/aws4_request, SignedHeaders=",
                                    c.signed_headers, ", Signature=", c.signature)));
  EXPECT_OK(verify(request_of(c), auth, example::kExampleSecret, kSuiteScope, suite_time()));
}

INSTANTIATE_TEST_SUITE_P(PublishedVectors, AwsSuite, ::testing::ValuesIn(suite()),
                         [](const ::testing::TestParamInfo<SuiteCase>& info) {
                           return info.param.name;
                         });

// The intermediate values of get-vanilla, as the suite publishes them (get-vanilla.creq and
// .sts), so that a failure above points at the step that went wrong.
TEST(AwsSuiteGetVanilla, CanonicalRequestAndStringToSignMatchThePublishedOnes) {
  const HttpRequest request = request_of(suite().front());
  const std::string canonical = canonical_request(request, {"host", "x-amz-date"}, sha256_hex(""));
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(kAmzDate, kSuiteScope, canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

// AWS's "Examples of how to derive a signing key for Signature Version 4" (IAM user guide).
TEST(SigningKey, DerivesThePublishedExampleKey) {
  const std::string key = signing_key(example::kExampleSecret, "20120215", "us-east-1", "iam");
  std::string hex;
  for (unsigned char c : key) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xf]);
  }
  EXPECT_EQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

}  // namespace
}  // namespace datamesh::aws
