// Endpoint resolution (aws/endpoints.h) against botocore's rule engine, and the AWS SDKs'
// endpoint overrides read through an injected environment.
//
// tests/aws/data/botocore_endpoint_vectors.json was produced with
// tests/aws/tools/botocore_endpoint_vectors.py (which says how to regenerate it): botocore's
// EndpointRulesetResolver over every region of its partitions.json and a few unknown ones.
#include "aws/endpoints.h"

#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "aws/partitions.h"
#include "aws/services.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

EnvironmentLookup environment_of(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    const auto found = variables.find(std::string(name));
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

const EnvironmentLookup kNoEnvironment = environment_of({});

TEST(EndpointsTest, EveryServiceAndRegionResolvesAsBotocoreDoes) {
  std::ifstream file(DATAMESH_TEST_DATA "/aws/data/botocore_endpoint_vectors.json");
  const nlohmann::json document = nlohmann::json::parse(file);
  int checked = 0;
  for (const auto& v : document.at("vectors")) {
    const std::string service_name = v.at("service").get<std::string>();
    const std::string region = v.at("region").get<std::string>();
    SCOPED_TRACE(service_name + " in " + region);
    ASSERT_FALSE(v.contains("error")) << v.dump();
    ASSERT_OK_AND_ASSIGN(Service service, service_named(service_name));
    ASSERT_OK_AND_ASSIGN(Endpoint endpoint, resolve_endpoint(service, region, kNoEnvironment));
    EXPECT_EQ(endpoint.signing_name, v.at("signing_name").get<std::string>());
    EXPECT_EQ(endpoint.signing_region, v.at("signing_region").get<std::string>());
    EXPECT_FALSE(endpoint.overridden);
    std::string url = endpoint.url;
    if (service == Service::kS3) {
      const BucketAddress address = bucket_address(endpoint, v.at("bucket").get<std::string>());
      url = address.origin + (address.path == "/" ? "" : address.path);
    }
    EXPECT_EQ(url, v.at("url").get<std::string>());
    ++checked;
  }
  EXPECT_GT(checked, 400);
}

TEST(EndpointsTest, RegionsFallBackToAPartitionByPatternThenToAws) {
  EXPECT_EQ(partition_of("cn-south-9").id, "aws-cn");
  EXPECT_EQ(partition_of("us-gov-central-3").dns_suffix, "amazonaws.com");
  EXPECT_EQ(partition_of("us-gov-central-3").id, "aws-us-gov");
  EXPECT_EQ(partition_of("us-isob-north-2").id, "aws-iso-b");
  EXPECT_EQ(partition_of("nowhere").id, "aws");
}

TEST(EndpointsTest, TheServiceVariableOverridesTheGeneralOne) {
  const EnvironmentLookup environment =
      environment_of({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000/"},
                      {"AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000"}});
  ASSERT_OK_AND_ASSIGN(Endpoint dynamodb,
                       resolve_endpoint(Service::kDynamoDb, "eu-west-1", environment));
  EXPECT_EQ(dynamodb.url, "http://localhost:8000");
  EXPECT_TRUE(dynamodb.overridden);
  EXPECT_EQ(dynamodb.signing_region, "eu-west-1");
  EXPECT_EQ(dynamodb.signing_name, "dynamodb");
  ASSERT_OK_AND_ASSIGN(Endpoint glue, resolve_endpoint(Service::kGlue, "eu-west-1", environment));
  EXPECT_EQ(glue.url, "http://127.0.0.1:5000");  // the trailing '/' dropped
  EXPECT_TRUE(glue.overridden);
}

TEST(EndpointsTest, EachServiceReadsItsOwnVariable) {
  for (const ServiceInfo& service : all_services()) {
    SCOPED_TRACE(std::string(service.endpoint_prefix));
    const std::string variable = "AWS_ENDPOINT_URL_" + std::string(service.env_name);
    const EnvironmentLookup environment = environment_of({{variable, "https://mock.example:9"}});
    ASSERT_OK_AND_ASSIGN(Endpoint endpoint,
                         resolve_endpoint(service.service, "us-west-2", environment));
    EXPECT_EQ(endpoint.url, "https://mock.example:9");
    for (const ServiceInfo& other : all_services()) {
      if (other.service == service.service) continue;
      ASSERT_OK_AND_ASSIGN(Endpoint untouched,
                           resolve_endpoint(other.service, "us-west-2", environment));
      EXPECT_FALSE(untouched.overridden) << other.endpoint_prefix;
    }
  }
  EXPECT_EQ(info(Service::kLakeFormation).env_name, "LAKEFORMATION");
  EXPECT_EQ(info(Service::kDynamoDb).env_name, "DYNAMODB");
}

TEST(EndpointsTest, IamOnAnOverriddenEndpointSignsForTheGivenRegion) {
  ASSERT_OK_AND_ASSIGN(
      Endpoint iam, resolve_endpoint(Service::kIam, "eu-west-1",
                                     environment_of({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5"}})));
  EXPECT_EQ(iam.signing_region, "eu-west-1");
  ASSERT_OK_AND_ASSIGN(Endpoint real, resolve_endpoint(Service::kIam, "eu-west-1", kNoEnvironment));
  EXPECT_EQ(real.signing_region, "us-east-1");
}

TEST(EndpointsTest, IgnoreConfiguredEndpointUrlsTurnsOverridesOff) {
  const EnvironmentLookup environment =
      environment_of({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"},
                      {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}});
  ASSERT_OK_AND_ASSIGN(Endpoint glue, resolve_endpoint(Service::kGlue, "us-east-1", environment));
  EXPECT_EQ(glue.url, "https://glue.us-east-1.amazonaws.com");
  EXPECT_FALSE(glue.overridden);
}

TEST(EndpointsTest, AnEmptyOverrideCountsAsUnset) {
  const EnvironmentLookup environment = environment_of(
      {{"AWS_ENDPOINT_URL_GLUE", ""}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"}});
  ASSERT_OK_AND_ASSIGN(Endpoint glue, resolve_endpoint(Service::kGlue, "us-east-1", environment));
  EXPECT_EQ(glue.url, "http://127.0.0.1:5000");
}

TEST(EndpointsTest, RejectsOverridesThatAreNotHttpUrls) {
  EXPECT_STATUS(resolve_endpoint(Service::kGlue, "us-east-1",
                                 environment_of({{"AWS_ENDPOINT_URL_GLUE", "127.0.0.1:5000"}})),
                absl::StatusCode::kInvalidArgument,
                "AWS_ENDPOINT_URL_GLUE='127.0.0.1:5000' is not an http:// or https:// URL");
  EXPECT_STATUS(resolve_endpoint(Service::kSts, "us-east-1",
                                 environment_of({{"AWS_ENDPOINT_URL", "http:///path"}})),
                absl::StatusCode::kInvalidArgument, "AWS_ENDPOINT_URL='http:///path'");
  EXPECT_STATUS(resolve_endpoint(Service::kSts, "us-east-1",
                                 environment_of({{"AWS_ENDPOINT_URL", "http://h/?x=1"}})),
                absl::StatusCode::kInvalidArgument, "with no query");
}

TEST(EndpointsTest, RejectsEmptyAndMalformedRegions) {
  EXPECT_STATUS(resolve_endpoint(Service::kGlue, "", kNoEnvironment),
                absl::StatusCode::kInvalidArgument, "region is empty");
  EXPECT_STATUS(resolve_endpoint(Service::kGlue, "us-east-1.evil.com/x", kNoEnvironment),
                absl::StatusCode::kInvalidArgument, "is not a DNS label");
  EXPECT_STATUS(resolve_endpoint(Service::kGlue, "-us-east-1", kNoEnvironment),
                absl::StatusCode::kInvalidArgument, "is not a DNS label");
}

TEST(EndpointsTest, S3BucketsOnAnOverriddenEndpointArePathStyle) {
  ASSERT_OK_AND_ASSIGN(
      Endpoint s3,
      resolve_endpoint(Service::kS3, "eu-west-1",
                       environment_of({{"AWS_ENDPOINT_URL_S3", "http://localhost:9000/base/"}})));
  const BucketAddress address = bucket_address(s3, "mesh-bucket");
  EXPECT_EQ(address.origin, "http://localhost:9000");
  EXPECT_EQ(address.path, "/base/mesh-bucket");
}

TEST(EndpointsTest, UnknownServiceNamesAreRejected) {
  EXPECT_STATUS(service_named("ec2"), absl::StatusCode::kInvalidArgument, "unknown AWS service");
  ASSERT_OK_AND_ASSIGN(Service ram, service_named("ram"));
  EXPECT_EQ(info(ram).protocol, Protocol::kRestJson);
}

}  // namespace
}  // namespace datamesh::aws
