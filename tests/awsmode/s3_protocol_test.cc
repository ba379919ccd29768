// S3's rest-xml protocol against moto, path style on the overridden endpoint: buckets and their
// policies, in us-east-1 and in a region that needs a LocationConstraint.
#include <string>

#include "aws/client.h"
#include "awsmode/moto_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using testing::MotoTest;

class S3ProtocolTest : public MotoTest {};

std::string policy_for(const std::string& bucket) {
  return nlohmann::json{{"Version", "2012-10-17"},
                        {"Statement",
                         {{{"Sid", "DataMeshConsumerRead"},
                           {"Effect", "Allow"},
                           {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
                           {"Action", "s3:GetObject"},
                           {"Resource", "arn:aws:s3:::" + bucket + "/*"}}}}}
      .dump();
}

void check_bucket_lifecycle(AwsClient& aws, const std::string& bucket) {
  ASSERT_OK(aws.call(Service::kS3, "CreateBucket", {{"Bucket", bucket}}));
  EXPECT_STATUS(aws.call(Service::kS3, "GetBucketPolicy", {{"Bucket", bucket}}),
                absl::StatusCode::kNotFound, "s3 GetBucketPolicy: NoSuchBucketPolicy");
  const std::string policy = policy_for(bucket);
  ASSERT_OK(aws.call(Service::kS3, "PutBucketPolicy", {{"Bucket", bucket}, {"Policy", policy}}));
  ASSERT_OK_AND_ASSIGN(nlohmann::json got,
                       aws.call(Service::kS3, "GetBucketPolicy", {{"Bucket", bucket}}));
  EXPECT_EQ(nlohmann::json::parse(got["Policy"].get<std::string>()), nlohmann::json::parse(policy));
  ASSERT_OK(aws.call(Service::kS3, "DeleteBucket", {{"Bucket", bucket}}));
  const absl::StatusOr<nlohmann::json> gone =
      aws.call(Service::kS3, "DeleteBucket", {{"Bucket", bucket}});
  EXPECT_STATUS(gone, absl::StatusCode::kNotFound, "s3 DeleteBucket: NoSuchBucket");
  EXPECT_THAT(std::string(gone.status().message()),
              ::testing::ContainsRegex("request id [A-Za-z0-9]+"));
}

TEST_F(S3ProtocolTest, CreatesABucketSetsAndReadsItsPolicyAndDeletesIt) {
  std::unique_ptr<AwsClient> aws = moto_client("us-east-1");
  ASSERT_NE(aws, nullptr);
  check_bucket_lifecycle(*aws, unique_name("bucket"));
}

TEST_F(S3ProtocolTest, CreatesABucketOutsideUsEast1WithItsLocationConstraint) {
  std::unique_ptr<AwsClient> aws = moto_client("eu-west-1");
  ASSERT_NE(aws, nullptr);
  check_bucket_lifecycle(*aws, unique_name("bucket"));
}

TEST_F(S3ProtocolTest, AnExistingBucketIsAlreadyExists) {
  std::unique_ptr<AwsClient> aws = moto_client("eu-west-1");
  ASSERT_NE(aws, nullptr);
  const std::string bucket = unique_name("bucket");
  ASSERT_OK(aws->call(Service::kS3, "CreateBucket", {{"Bucket", bucket}}));
  EXPECT_STATUS(aws->call(Service::kS3, "CreateBucket", {{"Bucket", bucket}}),
                absl::StatusCode::kAlreadyExists, "s3 CreateBucket: BucketAlreadyOwnedByYou");
}

}  // namespace
}  // namespace datamesh::aws
