// The STS calls of sts_client.h against a scripted server: what they send and sign with, how
// AWS's answers become keys, expiry and identity, and the answers they refuse. (Against moto:
// tests/awsmode/sts_client_test.cc.)
#include "aws/sts_client.h"

#include <chrono>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scripted_aws_server.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using ::testing::HasSubstr;
using testing::ReceivedRequest;
using testing::ScriptedAwsServer;
using namespace std::chrono_literals;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SigningKey kSource{"AKIDSOURCE", kSecret, "source-session-token"};

StsCalls sts_of(const ScriptedAwsServer& server) {
  AwsClient::Options options;
  options.region = "eu-west-1";
  options.environment = [url = server.url()](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return url;
    return std::nullopt;
  };
  options.sleep = [](std::chrono::nanoseconds) {};
  absl::StatusOr<StsCalls> sts = sts_calls(std::move(options));
  EXPECT_TRUE(sts.ok()) << sts.status();
  return sts.ok() ? *std::move(sts) : StsCalls{};
}

std::string assume_role_answer(std::string_view credentials) {
  return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
         "<AssumeRoleResult><Credentials>" +
         std::string(credentials) +
         "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn>"
         "<AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>"
         "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
         "</AssumeRoleResponse>";
}

constexpr char kFullCredentials[] =
    "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey>"
    "<SessionToken>assumed-token</SessionToken><Expiration>2026-12-05T07:14:37Z</Expiration>";

TEST(StsClientTest, AssumeRoleSendsTheRoleSignedWithTheSourceAndReadsTheCredentials) {
  ScriptedAwsServer server({{200, assume_role_answer(kFullCredentials), "text/xml", {}}}, kSecret);
  const StsCalls sts = sts_of(server);
  ASSERT_TRUE(sts.assume_role);
  ASSERT_OK_AND_ASSIGN(const AssumedCredentials assumed,
                       sts.assume_role(kSource, "arn:aws:iam::111122223333:role/r", "s"));
  EXPECT_EQ(assumed.key.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(assumed.key.secret_access_key, "assumed-secret");
  EXPECT_EQ(assumed.key.session_token, "assumed-token");
  EXPECT_EQ(assumed.expiration,
            std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + 7h + 14min + 37s);

  const ReceivedRequest got = server.received().at(0);
  EXPECT_TRUE(got.signature_valid) << got.signature_problem;
  EXPECT_THAT(header_values(got.request, "Authorization").at(0),
              HasSubstr("Credential=AKIDSOURCE/"));
  EXPECT_EQ(header_values(got.request, "X-Amz-Security-Token").at(0), "source-session-token");
  EXPECT_EQ(got.request.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3A"
            "role%2Fr&RoleSessionName=s");
}

TEST(StsClientTest, AssumeRoleReadsFractionalSecondsOfTheExpiration) {
  ScriptedAwsServer server(
      {{200,
        assume_role_answer("<AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
                           "<SessionToken>T</SessionToken>"
                           "<Expiration>2026-12-05T07:14:37.250Z</Expiration>"),
        "text/xml",
        {}}},
      kSecret);
  ASSERT_OK_AND_ASSIGN(const AssumedCredentials assumed,
                       sts_of(server).assume_role(kSource, "arn:aws:iam::1:role/r", "s"));
  EXPECT_EQ(assumed.expiration,
            std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + 7h + 14min + 37s + 250ms);
}

TEST(StsClientTest, AssumeRoleRefusesAnAnswerWithoutASessionToken) {
  ScriptedAwsServer server(
      {{200,
        assume_role_answer("<AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
                           "<Expiration>2026-12-05T07:14:37Z</Expiration>"),
        "text/xml",
        {}}},
      kSecret);
  EXPECT_STATUS(sts_of(server).assume_role(kSource, "arn:aws:iam::1:role/r", "s"),
                absl::StatusCode::kInternal,
                "sts AssumeRole: the answer has no Credentials.SessionToken");
}

TEST(StsClientTest, AssumeRoleRefusesAnExpirationThatIsNotIso8601) {
  ScriptedAwsServer server(
      {{200,
        assume_role_answer("<AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
                           "<SessionToken>T</SessionToken><Expiration>tomorrow</Expiration>"),
        "text/xml",
        {}}},
      kSecret);
  EXPECT_STATUS(sts_of(server).assume_role(kSource, "arn:aws:iam::1:role/r", "s"),
                absl::StatusCode::kInternal,
                "sts AssumeRole: Credentials.Expiration 'tomorrow' is not ISO 8601");
}

TEST(StsClientTest, AssumeRoleKeepsTheAwsErrorText) {
  ScriptedAwsServer server(
      {{403,
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
        "<Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform "
        "sts:AssumeRole</Message></Error><RequestId>req-403</RequestId></ErrorResponse>",
        "text/xml",
        {}}},
      kSecret);
  EXPECT_STATUS(sts_of(server).assume_role(kSource, "arn:aws:iam::1:role/r", "s"),
                absl::StatusCode::kPermissionDenied,
                "sts AssumeRole: AccessDenied: not authorized to perform sts:AssumeRole "
                "(HTTP 403, request id req-403)");
}

TEST(StsClientTest, GetCallerIdentityReadsUserIdAccountAndArn) {
  ScriptedAwsServer server(
      {{200,
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/alice</Arn>"
        "<UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult>"
        "<ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>",
        "text/xml",
        {}}},
      kSecret);
  ASSERT_OK_AND_ASSIGN(const CallerIdentity caller, sts_of(server).get_caller_identity(kSource));
  EXPECT_EQ(caller.user_id, "AIDAEXAMPLE");
  EXPECT_EQ(caller.account, "111122223333");
  EXPECT_EQ(caller.arn, "arn:aws:iam::111122223333:user/alice");
  const ReceivedRequest got = server.received().at(0);
  EXPECT_TRUE(got.signature_valid) << got.signature_problem;
  EXPECT_EQ(got.request.body, "Action=GetCallerIdentity&Version=2011-06-15");
}

TEST(StsClientTest, GetCallerIdentityRefusesAnAnswerWithoutArn) {
  ScriptedAwsServer server(
      {{200,
        "<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AIDA</UserId>"
        "<Account>111122223333</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
        "text/xml",
        {}}},
      kSecret);
  EXPECT_STATUS(sts_of(server).get_caller_identity(kSource), absl::StatusCode::kInternal,
                "sts GetCallerIdentity: the answer has no Arn");
}

TEST(StsClientTest, RefusesARegionTheClientRefuses) {
  AwsClient::Options options;
  options.region = "not a region";
  EXPECT_STATUS_CODE(sts_calls(std::move(options)), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datamesh::aws
