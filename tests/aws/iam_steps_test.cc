// The set-up steps' wait for principals IAM and Lake Formation do not know yet
// (store/aws/iam_steps.h), against a scripted server: polled with backoff through the injected
// sleeper, other errors returned at once, Unavailable when the principal never appears.
#include "store/aws/iam_steps.h"

#include <chrono>
#include <memory>
#include <vector>

#include "aws/example_key.h"
#include "aws/scripted_aws_server.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws::iam_steps {
namespace {

using datamesh::aws::testing::ScriptedAnswer;
using datamesh::aws::testing::ScriptedAwsServer;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

ScriptedAnswer lake_formation_answer(int status, const nlohmann::json& body) {
  return {status, body.dump(), "application/x-amz-json-1.1", {}};
}

const ScriptedAnswer kInvalidPrincipal = lake_formation_answer(
    400, {{"__type", "InvalidInputException"}, {"message", "Invalid principal"}});
const ScriptedAnswer kGranted = lake_formation_answer(200, nlohmann::json::object());

std::unique_ptr<AwsClient> client_of(const ScriptedAwsServer& server) {
  AwsClient::Options options;
  options.region = "us-east-1";
  options.credentials = datamesh::aws::fixed_credentials(datamesh::aws::example::kExampleKey);
  options.environment = [url = server.url()](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return url;
    return std::nullopt;
  };
  options.sleep = [](nanoseconds) {};
  absl::StatusOr<std::unique_ptr<AwsClient>> client = AwsClient::create(std::move(options));
  EXPECT_OK(client.status());
  return client.ok() ? *std::move(client) : nullptr;
}

TEST(IamStepsTest, AGrantToAPrincipalNotKnownYetIsPolledWithBackoff) {
  ScriptedAwsServer server({kInvalidPrincipal, kInvalidPrincipal, kGranted},
                           std::string(datamesh::aws::example::kExampleSecret));
  std::unique_ptr<AwsClient> aws = client_of(server);
  ASSERT_NE(aws, nullptr);
  std::vector<nanoseconds> slept;
  EXPECT_OK(grant_create_database(*aws, "arn:aws:iam::111122223333:role/AwsDataMesh/R",
                                  [&](nanoseconds d) { slept.push_back(d); }));
  EXPECT_EQ(server.attempts(), 3u);
  EXPECT_EQ(slept, (std::vector<nanoseconds>{milliseconds(500), milliseconds(1000)}));
}

TEST(IamStepsTest, APrincipalThatNeverAppearsIsUnavailable) {
  ScriptedAwsServer server({kInvalidPrincipal},
                           std::string(datamesh::aws::example::kExampleSecret));
  std::unique_ptr<AwsClient> aws = client_of(server);
  ASSERT_NE(aws, nullptr);
  std::vector<nanoseconds> slept;
  EXPECT_STATUS(grant_create_database(*aws, "arn:aws:iam::111122223333:role/AwsDataMesh/R",
                                      [&](nanoseconds d) { slept.push_back(d); }),
                absl::StatusCode::kUnavailable, "not known yet; run the step again");
  EXPECT_EQ(server.attempts(), 6u);
  EXPECT_EQ(slept,
            (std::vector<nanoseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000),
                                      milliseconds(4000), milliseconds(8000)}));
}

TEST(IamStepsTest, AnotherErrorIsReturnedAtOnce) {
  ScriptedAwsServer server(
      {lake_formation_answer(400, {{"__type", "InvalidInputException"}, {"message", "bad"}})},
      std::string(datamesh::aws::example::kExampleSecret));
  std::unique_ptr<AwsClient> aws = client_of(server);
  ASSERT_NE(aws, nullptr);
  int sleeps = 0;
  EXPECT_STATUS(grant_create_database(*aws, "p", [&](nanoseconds) { ++sleeps; }),
                absl::StatusCode::kInvalidArgument, "InvalidInputException: bad");
  EXPECT_EQ(server.attempts(), 1u);
  EXPECT_EQ(sleeps, 0);
}

}  // namespace
}  // namespace datamesh::store::aws::iam_steps
