// The AWS SDKs' endpoint overrides, end to end: AWS_ENDPOINT_URL_<SERVICE> sends one service to
// moto while AWS_ENDPOINT_URL sends the others elsewhere.
#include <string>

#include "aws/client.h"
#include "awsmode/moto_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using testing::kMotoAccount;
using testing::MotoTest;

class EndpointOverrideTest : public MotoTest {};

TEST_F(EndpointOverrideTest, TheServiceVariableWinsOverTheGeneralOne) {
  AwsClient::Options options = moto_options();
  // Port 9 on loopback (discard): nothing listens there in the test machine.
  const EnvironmentLookup moto = moto_environment();
  options.environment = [moto](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return "http://127.0.0.1:9";
    if (name == "AWS_ENDPOINT_URL_STS") return moto("AWS_ENDPOINT_URL");
    return std::nullopt;
  };
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<AwsClient> aws, AwsClient::create(std::move(options)));
  EXPECT_TRUE(aws->endpoint(Service::kSts).overridden);
  EXPECT_EQ(aws->endpoint(Service::kSts).url + "\n", moto("AWS_ENDPOINT_URL").value() + "\n");
  ASSERT_OK_AND_ASSIGN(nlohmann::json caller, aws->call(Service::kSts, "GetCallerIdentity"));
  EXPECT_EQ(caller["Account"], kMotoAccount);
  EXPECT_STATUS(aws->call(Service::kGlue, "GetDatabases"), absl::StatusCode::kUnavailable,
                "glue GetDatabases: POST http://127.0.0.1:9/ failed");
}

}  // namespace
}  // namespace datamesh::aws
