// aws::parse_authorization: the well-formed header and every malformation it names.
#include <string>
#include <vector>

#include "aws/sigv4.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using absl::StatusCode;

constexpr std::string_view kSignature =
    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
constexpr std::string_view kCredential =
    "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

std::string header(std::string_view credential, std::string_view signed_headers,
                   std::string_view signature) {
  return std::string("AWS4-HMAC-SHA256 ") + std::string(credential) +
         ", SignedHeaders=" + std::string(signed_headers) + ", Signature=" + std::string(signature);
}

void expect_malformed(std::string_view value, std::string_view message) {
  EXPECT_STATUS(parse_authorization(value), StatusCode::kUnauthenticated, message) << value;
}

TEST(ParseAuthorization, ReadsEveryPart) {
  ASSERT_OK_AND_ASSIGN(const Authorization auth,
                       parse_authorization(header(kCredential, "host;x-amz-date", kSignature)));
  EXPECT_EQ(auth.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(auth.date, "20150830");
  EXPECT_EQ(auth.region, "us-east-1");
  EXPECT_EQ(auth.service, "service");
  EXPECT_EQ(auth.signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(auth.signature, kSignature);
}

TEST(ParseAuthorization, AcceptsComponentsInAnyOrderWithOrWithoutSpaces) {
  ASSERT_OK_AND_ASSIGN(
      const Authorization auth,
      parse_authorization(std::string("  AWS4-HMAC-SHA256 Signature=") + std::string(kSignature) +
                          ",SignedHeaders=host;x-amz-date,   " + std::string(kCredential) + " "));
  EXPECT_EQ(auth.region, "us-east-1");
  EXPECT_EQ(auth.signature, kSignature);
}

TEST(ParseAuthorization, RejectsAnEmptyHeader) {
  expect_malformed("   ", "Authorization header is empty");
}

TEST(ParseAuthorization, RejectsAnotherAlgorithm) {
  expect_malformed("AWS4-HMAC-SHA512 " + std::string(kCredential),
                   "authorization algorithm 'AWS4-HMAC-SHA512' is not AWS4-HMAC-SHA256");
  expect_malformed("Basic dXNlcjpwYXNz", "authorization algorithm 'Basic'");
}

TEST(ParseAuthorization, RejectsMissingParts) {
  expect_malformed("AWS4-HMAC-SHA256", "Authorization has no Credential");
  expect_malformed(
      "AWS4-HMAC-SHA256 " + std::string(kCredential) + ", Signature=" + std::string(kSignature),
      "Authorization has no SignedHeaders");
  expect_malformed(
      "AWS4-HMAC-SHA256 " + std::string(kCredential) + ", SignedHeaders=host;x-amz-date",
      "Authorization has no Signature");
}

TEST(ParseAuthorization, RejectsDuplicateUnknownAndEmptyComponents) {
  expect_malformed(
      header(kCredential, "host", kSignature) + ", Signature=" + std::string(kSignature),
      "Authorization has Signature twice");
  expect_malformed(header(kCredential, "host", kSignature) + ", Expires=3600",
                   "Authorization component 'Expires' is unknown");
  expect_malformed(header(kCredential, "host", kSignature) + ",",
                   "Authorization component '' is not Name=value");
  expect_malformed(header(kCredential, "host", ""), "Authorization Signature is empty");
  expect_malformed("AWS4-HMAC-SHA256 Credential",
                   "Authorization component 'Credential' is not "
                   "Name=value");
}

TEST(ParseAuthorization, RejectsACredentialWithoutFiveParts) {
  expect_malformed(
      header("Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request", "host", kSignature),
      "is not <access key>/<YYYYMMDD>/<region>/<service>/aws4_request");
  expect_malformed(
      header("Credential=AKIDEXAMPLE/20150830//service/aws4_request", "host", kSignature),
      "is not <access key>/<YYYYMMDD>/<region>/<service>/aws4_request");
  expect_malformed(
      header("Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_reqest", "host", kSignature),
      "ends in 'aws4_reqest', not aws4_request");
}

TEST(ParseAuthorization, RejectsABadCredentialDate) {
  expect_malformed(
      header("Credential=AKIDEXAMPLE/2015083/us-east-1/service/aws4_request", "host", kSignature),
      "credential date '2015083' is not a YYYYMMDD date");
  expect_malformed(
      header("Credential=AKIDEXAMPLE/20150230/us-east-1/service/aws4_request", "host", kSignature),
      "credential date '20150230' is not a YYYYMMDD date");
  expect_malformed(
      header("Credential=AKIDEXAMPLE/2015-8-30/us-east-1/service/aws4_request", "host", kSignature),
      "credential date '2015-8-30'");
}

TEST(ParseAuthorization, RejectsSignedHeadersThatAreNotSortedOrNotLowerCase) {
  expect_malformed(header(kCredential, "x-amz-date;host", kSignature),
                   "SignedHeaders 'x-amz-date;host' are not sorted at 'host'");
  expect_malformed(header(kCredential, "Host;x-amz-date", kSignature),
                   "has 'Host', which is not a lower-case header name");
  expect_malformed(header(kCredential, "host;host;x-amz-date", kSignature),
                   "SignedHeaders 'host;host;x-amz-date' repeat 'host'");
  expect_malformed(header(kCredential, "host;;x-amz-date", kSignature), "has an empty header name");
}

TEST(ParseAuthorization, RejectsSignedHeadersWithoutHost) {
  expect_malformed(header(kCredential, "content-type;x-amz-date", kSignature),
                   "SignedHeaders 'content-type;x-amz-date' do not include host");
}

TEST(ParseAuthorization, RejectsASignatureThatIsNotSixtyFourLowerCaseHexDigits) {
  expect_malformed(header(kCredential, "host", kSignature.substr(1)),
                   "is not 64 lower-case hex digits");
  std::string upper(kSignature);
  upper[0] = 'F';
  expect_malformed(header(kCredential, "host", upper), "is not 64 lower-case hex digits");
  std::string not_hex(kSignature);
  not_hex[5] = 'g';
  expect_malformed(header(kCredential, "host", not_hex), "is not 64 lower-case hex digits");
}

TEST(ParseAuthorization, CutsLongValuesInMessages) {
  const absl::StatusOr<Authorization> auth =
      parse_authorization(header(kCredential, "host", std::string(5000, 'a')));
  ASSERT_STATUS_CODE(auth, StatusCode::kUnauthenticated);
  EXPECT_LT(auth.status().message().size(), 200u);
}

}  // namespace
}  // namespace datamesh::aws
