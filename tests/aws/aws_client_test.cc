// The AWS client (aws/client.h) against a local scripted server: what each protocol puts on the
// wire, signatures the project's verifier accepts, keep-alive, the standard retry mode with an
// injected sleeper and random source, and AWS errors as statuses. The real services' behaviour
// is checked against moto in tests/awsmode.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "aws/aws_errors.h"
#include "aws/client.h"
#include "aws/example_key.h"
#include "aws/scripted_aws_server.h"
#include "aws/sigv4.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using testing::ReceivedRequest;
using testing::ScriptedAnswer;
using testing::ScriptedAwsServer;
using namespace std::chrono_literals;

// What the client asked of its sleeper.
struct SleepLog {
  std::vector<std::chrono::nanoseconds> delays;
};

struct Harness {
  std::shared_ptr<CurlTransport> transport = std::make_shared<CurlTransport>();
  std::shared_ptr<SleepLog> sleeps = std::make_shared<SleepLog>();
  std::unique_ptr<AwsClient> client;
};

Harness make_client(const std::string& url, std::string session_token = "",
                    std::string region = "eu-west-1", double random = 0.5) {
  Harness harness;
  AwsClient::Options options;
  options.region = std::move(region);
  options.credentials = fixed_credentials(
      {"AKIDEXAMPLE", std::string(example::kExampleSecret), std::move(session_token)});
  options.environment = [url](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return url;
    return std::nullopt;
  };
  options.transport = harness.transport;
  options.sleep = [sleeps = harness.sleeps](std::chrono::nanoseconds delay) {
    sleeps->delays.push_back(delay);
  };
  options.random = [random] { return random; };
  absl::StatusOr<std::unique_ptr<AwsClient>> client = AwsClient::create(std::move(options));
  EXPECT_TRUE(client.ok()) << client.status();
  if (client.ok()) harness.client = *std::move(client);
  return harness;
}

std::string header(const ReceivedRequest& got, std::string_view name) {
  const std::vector<std::string> values = header_values(got.request, name);
  return values.empty() ? "" : values.front();
}

ScriptedAnswer json_answer(int status, nlohmann::json body,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
  return {status, body.dump(), "application/x-amz-json-1.1", std::move(headers)};
}

TEST(AwsClientTest, JsonProtocolPostsTheTargetAndASignedJsonBody) {
  ScriptedAwsServer server({json_answer(200, {{"DatabaseList", nlohmann::json::array()}})},
                           std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  ASSERT_OK_AND_ASSIGN(nlohmann::json answer,
                       h.client->call(Service::kGlue, "GetDatabases", {{"MaxResults", 5}}));
  EXPECT_EQ(answer, nlohmann::json({{"DatabaseList", nlohmann::json::array()}}));
  ASSERT_EQ(server.attempts(), 1u);
  const ReceivedRequest got = server.received()[0];
  EXPECT_TRUE(got.signature_valid) << got.signature_problem;
  EXPECT_EQ(got.request.method, "POST");
  EXPECT_EQ(got.request.path, "/");
  EXPECT_EQ(header(got, "X-Amz-Target"), "AWSGlue.GetDatabases");
  EXPECT_EQ(header(got, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(nlohmann::json::parse(got.request.body), nlohmann::json({{"MaxResults", 5}}));
  EXPECT_NE(header(got, "Authorization").find("/eu-west-1/glue/aws4_request"), std::string::npos);
  EXPECT_EQ(header(got, "X-Amz-Security-Token"), "");
}

TEST(AwsClientTest, DynamoDbUsesJson10AndItsTargetPrefix) {
  ScriptedAwsServer server({json_answer(200, nlohmann::json::object())},
                           std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  ASSERT_OK(h.client->call(Service::kDynamoDb, "DescribeTable", {{"TableName", "t"}}));
  const ReceivedRequest got = server.received().at(0);
  EXPECT_TRUE(got.signature_valid) << got.signature_problem;
  EXPECT_EQ(header(got, "X-Amz-Target"), "DynamoDB_20120810.DescribeTable");
  EXPECT_EQ(header(got, "Content-Type"), "application/x-amz-json-1.0");
}

TEST(AwsClientTest, RestJsonPostsToTheOperationsUri) {
  ScriptedAwsServer server({json_answer(200, nlohmann::json::object())},
                           std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  ASSERT_OK(h.client->call(Service::kLakeFormation, "ListPermissions", {{"MaxResults", 1}}));
  ASSERT_OK(h.client->call(Service::kRam, "GetResourceShares", {{"resourceOwner", "SELF"}}));
  ASSERT_OK(h.client->call(
      Service::kRam, "DeleteResourceShare",
      {{"resourceShareArn", "arn:aws:ram:eu-west-1:1:resource-share/a b"}, {"clientToken", "t1"}}));
  const std::vector<ReceivedRequest> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  for (const ReceivedRequest& r : got) EXPECT_TRUE(r.signature_valid) << r.signature_problem;
  EXPECT_EQ(got[0].request.method, "POST");
  EXPECT_EQ(got[0].request.path, "/ListPermissions");
  EXPECT_EQ(header(got[0], "Content-Type"), "application/json");
  EXPECT_EQ(header(got[0], "X-Amz-Target"), "");
  EXPECT_EQ(got[1].request.path, "/getresourceshares");
  EXPECT_EQ(nlohmann::json::parse(got[1].request.body)["resourceOwner"], "SELF");
  EXPECT_EQ(got[2].request.method, "DELETE");
  EXPECT_EQ(got[2].request.path, "/deleteresourceshare");
  EXPECT_EQ(got[2].request.query,
            "clientToken=t1&resourceShareArn=arn%3Aaws%3Aram%3Aeu-west-1%3A1%3Aresource-share%2Fa%"
            "20b");
  EXPECT_EQ(got[2].request.body, "");
}

TEST(AwsClientTest, QueryProtocolFlattensTheRequestAndReadsTheXmlResult) {
  const std::string xml =
      "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult>"
      "<Role><RoleName>analyst</RoleName><Arn>arn:aws:iam::1:role/analyst</Arn>"
      "<Tags><member><Key>a</Key><Value>1</Value></member></Tags></Role></GetRoleResult>"
      "<ResponseMetadata><RequestId>req-9</RequestId></ResponseMetadata></GetRoleResponse>";
  ScriptedAwsServer server({{200, xml, "text/xml", {}}}, std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  ASSERT_OK_AND_ASSIGN(nlohmann::json answer,
                       h.client->call(Service::kIam, "GetRole",
                                      {{"RoleName", "analyst"},
                                       {"Tags", {{{"Key", "team a"}, {"Value", "x&y"}}}},
                                       {"MaxSessionDuration", 3600},
                                       {"Flag", true}}));
  EXPECT_EQ(answer["Role"]["RoleName"], "analyst");
  EXPECT_EQ(answer["Role"]["Tags"], nlohmann::json::parse(R"([{"Key":"a","Value":"1"}])"));
  EXPECT_EQ(answer["ResponseMetadata"]["RequestId"], "req-9");
  const ReceivedRequest got = server.received().at(0);
  EXPECT_TRUE(got.signature_valid) << got.signature_problem;
  EXPECT_EQ(header(got, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(got.request.body,
            "Action=GetRole&Version=2010-05-08&Flag=true&MaxSessionDuration=3600&RoleName=analyst"
            "&Tags.member.1.Key=team%20a&Tags.member.1.Value=x%26y");
  // IAM on an overridden endpoint signs for the client's region (endpoints.h).
  EXPECT_NE(header(got, "Authorization").find("/eu-west-1/iam/aws4_request"), std::string::npos);
}

TEST(AwsClientTest, S3BucketCallsArePathStyleAndSignedWithTheS3Rule) {
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  ScriptedAwsServer server(
      {{200, "", "application/xml", {{"Location", "/mesh-bucket"}, {"x-amz-request-id", "r1"}}},
       {204, "", "application/xml", {}},
       {200, policy, "application/json", {}}},
      std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  ASSERT_OK_AND_ASSIGN(nlohmann::json created,
                       h.client->call(Service::kS3, "CreateBucket", {{"Bucket", "mesh-bucket"}}));
  EXPECT_EQ(created["Location"], "/mesh-bucket");
  EXPECT_EQ(created["ResponseMetadata"]["RequestId"], "r1");
  ASSERT_OK(h.client->call(Service::kS3, "PutBucketPolicy",
                           {{"Bucket", "mesh-bucket"}, {"Policy", policy}}));
  ASSERT_OK_AND_ASSIGN(nlohmann::json got_policy, h.client->call(Service::kS3, "GetBucketPolicy",
                                                                 {{"Bucket", "mesh-bucket"}}));
  EXPECT_EQ(got_policy["Policy"], policy);
  const std::vector<ReceivedRequest> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  for (const ReceivedRequest& r : got) EXPECT_TRUE(r.signature_valid) << r.signature_problem;
  EXPECT_EQ(got[0].request.method, "PUT");
  EXPECT_EQ(got[0].request.path, "/mesh-bucket");
  // Outside us-east-1 the bucket's region goes in a CreateBucketConfiguration.
  EXPECT_NE(got[0].request.body.find("<LocationConstraint>eu-west-1</LocationConstraint>"),
            std::string::npos);
  EXPECT_EQ(got[1].request.query, "policy");
  EXPECT_EQ(got[1].request.body, policy);
  EXPECT_EQ(header(got[1], "Content-MD5"), "7ysbf9u2zR7hHgNqh4BIYg==");
  EXPECT_EQ(header(got[1], "X-Amz-Content-Sha256"), sha256_hex(policy));
  EXPECT_EQ(got[2].request.method, "GET");
}

TEST(AwsClientTest, S3RejectsOperationsItDoesNotKnowAndRequestsWithoutABucket) {
  ScriptedAwsServer server({json_answer(200, {})}, std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  EXPECT_STATUS(h.client->call(Service::kS3, "PutObject", {{"Bucket", "b"}}),
                absl::StatusCode::kUnimplemented, "s3 PutObject is not an operation");
  EXPECT_STATUS(h.client->call(Service::kS3, "DeleteBucket", nlohmann::json::object()),
                absl::StatusCode::kInvalidArgument, "needs a non-empty string Bucket");
  EXPECT_STATUS(h.client->call(Service::kGlue, "GetDatabases", nlohmann::json::array()),
                absl::StatusCode::kInvalidArgument, "must be a JSON object");
  EXPECT_EQ(server.attempts(), 0u);
}

TEST(AwsClientTest, ASessionTokenIsSentAndSigned) {
  ScriptedAwsServer server({json_answer(200, {})}, std::string(example::kExampleSecret));
  Harness h = make_client(server.url(), "FwoGZXIvYXdzEXAMPLE//token");
  ASSERT_OK(h.client->call(Service::kGlue, "GetDatabases"));
  const ReceivedRequest got = server.received().at(0);
  EXPECT_TRUE(got.signature_valid) << got.signature_problem;
  EXPECT_EQ(header(got, "X-Amz-Security-Token"), "FwoGZXIvYXdzEXAMPLE//token");
  EXPECT_NE(header(got, "Authorization").find("x-amz-security-token"), std::string::npos);
}

TEST(AwsClientTest, SuccessiveCallsReuseOneKeptAliveConnection) {
  ScriptedAwsServer server({json_answer(200, {})}, std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  for (int i = 0; i < 5; ++i) ASSERT_OK(h.client->call(Service::kGlue, "GetDatabases"));
  EXPECT_EQ(server.attempts(), 5u);
  EXPECT_EQ(h.transport->connections_opened(), 1);
}

TEST(AwsClientTest, ThreadsShareOneClientAndItsConnections) {
  ScriptedAwsServer server({json_answer(200, {{"ok", true}})},
                           std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  constexpr int kThreads = 4;
  constexpr int kCallsEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> succeeded{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCallsEach; ++i) {
        if (h.client->call(Service::kGlue, "GetDatabases").ok()) ++succeeded;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), kThreads * kCallsEach);
  EXPECT_EQ(server.attempts(), static_cast<std::size_t>(kThreads * kCallsEach));
  for (const ReceivedRequest& r : server.received()) {
    EXPECT_TRUE(r.signature_valid) << r.signature_problem;
  }
  // At most one connection per handle in use at once: kept alive and reused, not one per call.
  EXPECT_LE(h.transport->connections_opened(), kThreads);
}

TEST(AwsClientTest, Retries5xxWithExponentialBackoffThenSucceeds) {
  ScriptedAwsServer server(
      {json_answer(500, {{"__type", "InternalServiceException"}}),
       json_answer(503, {{"__type", "ServiceUnavailable"}}), json_answer(200, {{"ok", true}})},
      std::string(example::kExampleSecret));
  Harness h = make_client(server.url(), "", "eu-west-1", /*random=*/0.5);
  ASSERT_OK_AND_ASSIGN(nlohmann::json answer, h.client->call(Service::kGlue, "GetDatabases"));
  EXPECT_EQ(answer["ok"], true);
  EXPECT_EQ(server.attempts(), 3u);
  // random * min(2^(n-1) s, 20 s) before retry n: 0.5 * 1 s, then 0.5 * 2 s.
  EXPECT_EQ(h.sleeps->delays, (std::vector<std::chrono::nanoseconds>{500ms, 1s}));
  for (const ReceivedRequest& r : server.received()) {
    EXPECT_TRUE(r.signature_valid) << r.signature_problem;
  }
  // Each retry took 5 units; the success gives back what the last retry took.
  EXPECT_EQ(h.client->retry_quota().available(),
            RetryQuota::kInitialCapacity - 2 * RetryQuota::kRetryCost + RetryQuota::kRetryCost);
}

TEST(AwsClientTest, RetriesThrottlingErrorsOf4xxAnswers) {
  ScriptedAwsServer server(
      {json_answer(400, {{"__type", "com.amazon.coral.availability#ThrottlingException"},
                         {"message", "Rate exceeded"}}),
       json_answer(200, {})},
      std::string(example::kExampleSecret));
  Harness h = make_client(server.url(), "", "eu-west-1", /*random=*/1.0);
  ASSERT_OK(h.client->call(Service::kDynamoDb, "GetItem", {{"TableName", "t"}}));
  EXPECT_EQ(server.attempts(), 2u);
  EXPECT_EQ(h.sleeps->delays, (std::vector<std::chrono::nanoseconds>{1s}));
}

TEST(AwsClientTest, GivesUpAfterThreeAttemptsWithTheLastErrorAndItsRequestId) {
  ScriptedAwsServer server(
      {json_answer(500, {{"__type", "InternalServiceException"}, {"message", "boom"}},
                   {{"x-amzn-RequestId", "rid-500"}})},
      std::string(example::kExampleSecret));
  Harness h = make_client(server.url(), "", "eu-west-1", /*random=*/0.25);
  const absl::StatusOr<nlohmann::json> answer = h.client->call(Service::kGlue, "GetDatabases");
  EXPECT_STATUS(answer, absl::StatusCode::kUnavailable,
                "glue GetDatabases: InternalServiceException: boom (HTTP 500, request id "
                "rid-500) after 3 attempts");
  EXPECT_EQ(aws_error_code(answer.status()), "InternalServiceException");  // kept on retry
  EXPECT_EQ(server.attempts(), 3u);
  EXPECT_EQ(h.sleeps->delays, (std::vector<std::chrono::nanoseconds>{250ms, 500ms}));
  EXPECT_EQ(h.client->retry_quota().available(),
            RetryQuota::kInitialCapacity - 2 * RetryQuota::kRetryCost);
}

TEST(AwsClientTest, DoesNotRetryClientErrors) {
  ScriptedAwsServer server(
      {json_answer(400,
                   {{"__type", "EntityNotFoundException"}, {"Message", "Database x not found"}},
                   {{"x-amzn-RequestId", "rid-404"}})},
      std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  EXPECT_STATUS(h.client->call(Service::kGlue, "GetDatabase", {{"Name", "x"}}),
                absl::StatusCode::kNotFound,
                "glue GetDatabase: EntityNotFoundException: Database x not found (HTTP 400, "
                "request id rid-404)");
  EXPECT_EQ(server.attempts(), 1u);
  EXPECT_TRUE(h.sleeps->delays.empty());
}

TEST(AwsClientTest, RetriesNetworkFailuresThenReportsUnavailable) {
  int port = 0;
  {
    // A port that was just free: nothing listens there once the server is gone.
    ScriptedAwsServer gone({json_answer(200, {})}, std::string(example::kExampleSecret));
    port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
  }
  Harness h = make_client("http://127.0.0.1:" + std::to_string(port));
  EXPECT_STATUS(h.client->call(Service::kSts, "GetCallerIdentity"), absl::StatusCode::kUnavailable,
                "after 3 attempts");
  EXPECT_EQ(h.sleeps->delays.size(), 2u);
}

TEST(AwsClientTest, AnAnswerLateBeyondTheTimeoutIsDeadlineExceededAndRetried) {
  ScriptedAwsServer server({{200, "{}", "application/x-amz-json-1.1", {}, /*hold=*/true}},
                           std::string(example::kExampleSecret));
  AwsClient::Options options;
  options.region = "us-east-1";
  options.credentials =
      fixed_credentials({"AKIDEXAMPLE", std::string(example::kExampleSecret), ""});
  options.environment = [url = server.url()](std::string_view) -> std::optional<std::string> {
    return url;
  };
  options.transport = std::make_shared<CurlTransport>(
      TransportOptions{.connect_timeout = std::chrono::seconds(5),
                       .request_timeout = std::chrono::milliseconds(100)});
  std::vector<std::chrono::nanoseconds> slept;
  options.sleep = [&](std::chrono::nanoseconds delay) { slept.push_back(delay); };
  options.random = [] { return 1.0; };
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<AwsClient> client, AwsClient::create(std::move(options)));
  EXPECT_STATUS(client->call(Service::kGlue, "GetDatabases"), absl::StatusCode::kDeadlineExceeded,
                "after 3 attempts");
  server.release();
  EXPECT_EQ(slept, (std::vector<std::chrono::nanoseconds>{1s, 2s}));
  // A retry after a timeout costs 10 units.
  EXPECT_EQ(client->retry_quota().available(),
            RetryQuota::kInitialCapacity - 2 * RetryQuota::kTimeoutRetryCost);
}

TEST(AwsClientTest, ACredentialErrorEndsTheCallUnchanged) {
  ScriptedAwsServer server({json_answer(200, {})}, std::string(example::kExampleSecret));
  AwsClient::Options options;
  options.region = "us-east-1";
  options.credentials = []() -> absl::StatusOr<SigningKey> {
    return absl::UnauthenticatedError("the profile 'mesh' has no credentials");
  };
  options.environment = [url = server.url()](std::string_view name) -> std::optional<std::string> {
    if (name.starts_with("AWS_ENDPOINT_URL")) return url;
    return std::nullopt;
  };
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<AwsClient> client, AwsClient::create(std::move(options)));
  EXPECT_STATUS(client->call(Service::kGlue, "GetDatabases"), absl::StatusCode::kUnauthenticated,
                "the profile 'mesh' has no credentials");
  EXPECT_EQ(server.attempts(), 0u);
}

TEST(AwsClientTest, CreateRefusesMissingCredentialsAndBadRegions) {
  AwsClient::Options no_credentials;
  no_credentials.region = "us-east-1";
  EXPECT_STATUS(AwsClient::create(no_credentials), absl::StatusCode::kInvalidArgument,
                "no credential source");
  AwsClient::Options bad_region;
  bad_region.region = "us east 1";
  bad_region.credentials = fixed_credentials({"AKID", "secret", ""});
  bad_region.environment = [](std::string_view) { return std::nullopt; };
  EXPECT_STATUS(AwsClient::create(bad_region), absl::StatusCode::kInvalidArgument,
                "is not a DNS label");
}

TEST(AwsClientTest, A2xxAnswerThatIsNotJsonIsAnInternalError) {
  ScriptedAwsServer server({{200, "<html>proxy</html>", "text/html", {}}},
                           std::string(example::kExampleSecret));
  Harness h = make_client(server.url());
  EXPECT_STATUS(h.client->call(Service::kGlue, "GetDatabases"), absl::StatusCode::kInternal,
                "not JSON: '<html>proxy</html>'");
  EXPECT_STATUS(h.client->call(Service::kSts, "GetCallerIdentity"), absl::StatusCode::kInternal,
                "GetCallerIdentity answered with no <GetCallerIdentityResponse>");
}

}  // namespace
}  // namespace datamesh::aws
