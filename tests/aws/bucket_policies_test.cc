// The original's bucket-policy statement (store/aws/bucket_policies.h), without a server: the
// bucket of a location, and the statement merged into a policy as add_bucket_policy_entry
// writes it, without its bugs (no write when nothing changes, other statements kept).
#include "store/aws/bucket_policies.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::store::aws {
namespace {

using nlohmann::json;

constexpr char kMeshRole[] =
    "arn:aws:iam::111111111111:role/aws-service-role/lakeformation.amazonaws.com/"
    "AWSServiceRoleForLakeFormationDataAccess";
constexpr char kConsumerRole[] =
    "arn:aws:iam::333333333333:role/aws-service-role/lakeformation.amazonaws.com/"
    "AWSServiceRoleForLakeFormationDataAccess";

json statement_with(json principals) {
  return {{"Sid", "AwsDataMeshUtilsBucketPolicyStatement-sales"},
          {"Effect", "Allow"},
          {"Principal", {{"AWS", std::move(principals)}}},
          {"Action", {"s3:Get*", "s3:List*"}},
          {"Resource", {"arn:aws:s3:::sales", "arn:aws:s3:::sales/*"}}};
}

TEST(BucketOfTest, IsTheHostOfAnS3LocationOnly) {
  EXPECT_EQ(bucket_of("s3://sales/orders/"), "sales");
  EXPECT_EQ(bucket_of("s3://sales"), "sales");
  EXPECT_EQ(bucket_of("s3a://sales/x"), "sales");
  EXPECT_EQ(bucket_of("s3n://sales/x"), "sales");
  EXPECT_EQ(bucket_of("hdfs://sales/x"), "");
  EXPECT_EQ(bucket_of(""), "");
  EXPECT_EQ(bucket_of("s3:///x"), "");
}

TEST(WithBucketReadersTest, ABucketWithoutPolicyGetsTheOriginalsStatement) {
  const std::optional<json> policy = with_bucket_readers(json(), "sales", {kMeshRole});
  ASSERT_TRUE(policy);
  EXPECT_EQ(*policy, json({{"Version", "2012-10-17"},
                           {"Statement", {statement_with({kMeshRole})}}}));
}

TEST(WithBucketReadersTest, OtherStatementsAreKeptAndNothingChangesTwice) {
  const json other = {{"Sid", "KeepMe"}, {"Effect", "Deny"}, {"Principal", "*"},
                      {"Action", "s3:DeleteBucket"}, {"Resource", "arn:aws:s3:::sales"}};
  // A single-object Statement, as some tools write one.
  const json existing = {{"Version", "2012-10-17"}, {"Id", "Mine"}, {"Statement", other}};
  const std::optional<json> policy = with_bucket_readers(existing, "sales", {kMeshRole});
  ASSERT_TRUE(policy);
  EXPECT_EQ(*policy, json({{"Version", "2012-10-17"},
                           {"Id", "Mine"},
                           {"Statement", {other, statement_with({kMeshRole})}}}));
  EXPECT_EQ(with_bucket_readers(*policy, "sales", {kMeshRole}), std::nullopt);
}

TEST(WithBucketReadersTest, AReaderIsAddedToTheStatementOnce) {
  // The original's statement with a single-string principal.
  const json existing = {{"Version", "2012-10-17"}, {"Statement", {statement_with(kMeshRole)}}};
  const std::optional<json> policy =
      with_bucket_readers(existing, "sales", {kConsumerRole, kMeshRole, kConsumerRole});
  ASSERT_TRUE(policy);
  EXPECT_EQ((*policy)["Statement"], json::array({statement_with({kMeshRole, kConsumerRole})}));
  EXPECT_EQ(with_bucket_readers(*policy, "sales", {kConsumerRole}), std::nullopt);
}

TEST(WithBucketReadersTest, AnotherBucketsStatementIsNotOurs) {
  json theirs = statement_with({kMeshRole});
  theirs["Sid"] = "AwsDataMeshUtilsBucketPolicyStatement-other";
  const json existing = {{"Version", "2012-10-17"}, {"Statement", {theirs}}};
  const std::optional<json> policy = with_bucket_readers(existing, "sales", {kMeshRole});
  ASSERT_TRUE(policy);
  EXPECT_EQ((*policy)["Statement"], json::array({theirs, statement_with({kMeshRole})}));
}

}  // namespace
}  // namespace datamesh::store::aws
