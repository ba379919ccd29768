// Every name of reference-original.md §1.2 and §1.3, checked against the spec's exact strings:
// a mesh set up by the Python library is found by these names, and only by them.
#include "aws/mesh_names.h"

#include <chrono>
#include <string>

#include "gtest/gtest.h"

namespace datamesh::aws::names {
namespace {

constexpr std::string_view kMesh = "111122223333";
constexpr std::string_view kProducer = "444455556666";
constexpr std::string_view kConsumer = "777788889999";

TEST(MeshNamesTest, IamPathAndRoleArnsAreTheOriginals) {
  EXPECT_EQ(kIamPath, "/AwsDataMesh/");
  EXPECT_EQ(role_arn(kProducer, kProducerRole),
            "arn:aws:iam::444455556666:role/AwsDataMesh/DataMeshProducer");
  EXPECT_EQ(role_arn(kMesh, mesh_producer_role(kProducer)),
            "arn:aws:iam::111122223333:role/AwsDataMesh/DataMeshAdminProducer-444455556666");
  EXPECT_EQ(role_arn(kMesh, mesh_consumer_role(kConsumer)),
            "arn:aws:iam::111122223333:role/AwsDataMesh/DataMeshAdminConsumer-777788889999");
  EXPECT_EQ(role_arn(kMesh, kMeshReadOnlyRole),
            "arn:aws:iam::111122223333:role/AwsDataMesh/DataMeshAdminReadOnly");
  EXPECT_EQ(user_arn(kProducer, kProducerRole),
            "arn:aws:iam::444455556666:user/AwsDataMesh/DataMeshProducer");
  EXPECT_EQ(group_arn(kProducer, producer_identity().group),
            "arn:aws:iam::444455556666:group/AwsDataMesh/DataMeshProducerGroup");
  EXPECT_EQ(policy_arn(kMesh, assume_policy_name(kMeshReadOnlyRole)),
            "arn:aws:iam::111122223333:policy/AwsDataMesh/AssumeDataMeshAdminReadOnly");
  EXPECT_EQ(account_root_arn(kProducer), "arn:aws:iam::444455556666:root");
}

TEST(MeshNamesTest, MeshIdentitiesAreTheOriginals) {
  const IamIdentity manager = mesh_manager_identity();
  EXPECT_EQ(manager.role, "DataMeshManager");
  EXPECT_EQ(manager.group, "DataMeshManagerGroup");
  EXPECT_EQ(manager.policy, "DataMeshManagerPolicy");
  EXPECT_EQ(manager.assume_policy, "AssumeDataMeshManager");

  const IamIdentity read_only = mesh_read_only_identity();
  EXPECT_EQ(read_only.role, "DataMeshAdminReadOnly");
  EXPECT_EQ(read_only.group, "DataMeshAdminReadOnlyGroup");
  EXPECT_EQ(read_only.policy, "DataMeshReadOnlyPolicy");
  EXPECT_EQ(read_only.assume_policy, "AssumeDataMeshAdminReadOnly");

  const IamIdentity producer = mesh_producer_identity(kProducer);
  EXPECT_EQ(producer.role, "DataMeshAdminProducer-444455556666");
  EXPECT_EQ(producer.group, "DataMeshAdminProducer-444455556666Group");
  EXPECT_EQ(producer.policy, "DataMeshProducerPolicy-444455556666");
  EXPECT_EQ(producer.assume_policy, "AssumeDataMeshAdminProducer-444455556666");

  const IamIdentity consumer = mesh_consumer_identity(kConsumer);
  EXPECT_EQ(consumer.role, "DataMeshAdminConsumer-777788889999");
  EXPECT_EQ(consumer.group, "DataMeshAdminConsumer-777788889999Group");
  EXPECT_EQ(consumer.policy, "DataMeshConsumerPolicy-777788889999");
  EXPECT_EQ(consumer.assume_policy, "AssumeDataMeshAdminConsumer-777788889999");
}

TEST(MeshNamesTest, AccountIdentitiesAreTheOriginals) {
  const IamIdentity producer = producer_identity();
  EXPECT_EQ(producer.role, "DataMeshProducer");
  EXPECT_EQ(producer.group, "DataMeshProducerGroup");
  EXPECT_EQ(producer.policy, "DataMeshProducerAccess");
  EXPECT_EQ(producer.assume_policy, "AssumeDataMeshProducer");
  EXPECT_EQ(assume_policy_name(mesh_producer_role(kProducer)),
            "AssumeDataMeshAdminProducer-444455556666");

  const IamIdentity consumer = consumer_identity();
  EXPECT_EQ(consumer.role, "DataMeshConsumer");
  EXPECT_EQ(consumer.group, "DataMeshConsumerGroup");
  EXPECT_EQ(consumer.policy, "DataMeshConsumerAccess");
  EXPECT_EQ(consumer.assume_policy, "AssumeDataMeshConsumer");
  EXPECT_EQ(assume_policy_name(mesh_consumer_role(kConsumer)),
            "AssumeDataMeshAdminConsumer-777788889999");

  EXPECT_EQ(crawler_pass_role_policy_name("MyCrawlerRole"), "EnableCrawlerRoleMyCrawlerRole");
}

TEST(MeshNamesTest, CredentialsFileBlocksAreTheOriginals) {
  EXPECT_EQ(kMeshBlock, "Mesh");
  EXPECT_EQ(kProducerBlock, "Producer");
  EXPECT_EQ(kConsumerBlock, "Consumer");
  EXPECT_EQ(kProducerAdminBlock, "ProducerAdmin");
  EXPECT_EQ(kConsumerAdminBlock, "ConsumerAdmin");
}

TEST(MeshNamesTest, TrackerTableAndIndexes) {
  EXPECT_EQ(kSubscriptionsTable, "AwsDataMeshSubscriptions");
  EXPECT_EQ(kSubscriptionsOwnerIndex, "AwsDataMeshSubscriptions-Owner");
  EXPECT_EQ(kSubscriptionsSubscriberIndex, "AwsDataMeshSubscriptions-Subscriber");
}

TEST(MeshNamesTest, MeshDatabaseIsSourceDashProducerUnlessExposedNameGiven) {
  EXPECT_EQ(mesh_database_name("sales", kProducer), "sales-444455556666");
  EXPECT_EQ(mesh_database_name("sales", kProducer, "shared_sales"), "shared_sales");
}

TEST(MeshNamesTest, LinkTableSuffixRules) {
  EXPECT_EQ(link_table_name("orders", std::nullopt, false), "orders_link");
  EXPECT_EQ(link_table_name("orders", "_ref", false), "orders_ref");
  EXPECT_EQ(link_table_name("orders", "", false), "orders");
  EXPECT_EQ(link_table_name("orders", "_ref", true), "orders");
  EXPECT_EQ(link_table_name("orders", std::nullopt, true), "orders");
  EXPECT_EQ(kDefaultLinkSuffix, "_link");
}

TEST(MeshNamesTest, TagsSidsBucketsAndCrawler) {
  EXPECT_EQ(kDomainTagKey, "Domain");
  EXPECT_EQ(kDataProductTagKey, "DataProduct");
  EXPECT_EQ(kDefaultTagKey, "Solution");
  EXPECT_EQ(kDefaultTagValue, "DataMeshUtils");
  EXPECT_EQ(bucket_policy_sid("my-data"), "AwsDataMeshUtilsBucketPolicyStatement-my-data");
  EXPECT_EQ(dummy_bucket_name(kMesh), "data-mesh-delete-me-111122223333");
  EXPECT_EQ(crawler_name("sales-444455556666", "orders"), "sales-444455556666-orders");
}

TEST(MeshNamesTest, LakeFormationServiceLinkedRole) {
  EXPECT_EQ(kLakeFormationServiceLinkedRole, "AWSServiceRoleForLakeFormationDataAccess");
  EXPECT_EQ(lake_formation_service_linked_role_arn(kConsumer),
            "arn:aws:iam::777788889999:role/aws-service-role/lakeformation.amazonaws.com/"
            "AWSServiceRoleForLakeFormationDataAccess");
}

TEST(MeshNamesTest, GlueAndS3Arns) {
  EXPECT_EQ(glue_database_arn("eu-west-1", kMesh, "sales-444455556666"),
            "arn:aws:glue:eu-west-1:111122223333:database/sales-444455556666");
  EXPECT_EQ(glue_table_arn("eu-west-1", kMesh, "sales-444455556666", "orders"),
            "arn:aws:glue:eu-west-1:111122223333:table/sales-444455556666/orders");
  EXPECT_EQ(s3_arn("s3://my-data/orders/"), "arn:aws:s3:::my-data/orders/");
  EXPECT_EQ(s3_arn("my-data"), "arn:aws:s3:::my-data");
}

// 2026-12-05 23:59:59 UTC.
constexpr std::chrono::system_clock::time_point kLateEvening{std::chrono::seconds(1796515199)};

TEST(MeshNamesTest, RoleSessionNameDropsColonsAndAddsAccountAndUtcDate) {
  EXPECT_EQ(role_session_name("AIDAEXAMPLE", kProducer, kLateEvening),
            "AIDAEXAMPLE-444455556666-2026-12-05");
  EXPECT_EQ(role_session_name("AROAEXAMPLE:alice", kProducer, kLateEvening),
            "AROAEXAMPLEalice-444455556666-2026-12-05");
  EXPECT_EQ(
      role_session_name("AROAEXAMPLE:alice", kProducer, kLateEvening + std::chrono::seconds(1)),
      "AROAEXAMPLEalice-444455556666-2026-12-06");
}

TEST(MeshNamesTest, RoleSessionNameIsCutToSixtyFourCharacters) {
  // An assumed role's UserId carries its own session name, so the second hop's is long.
  const std::string name = role_session_name("AROA1:AIDAEXAMPLEUSERID12345-444455556666-2026-12-05",
                                             kMesh, kLateEvening);
  EXPECT_EQ(name.size(), 64u);
  EXPECT_EQ(name, "AROA1AIDAEXAMPLEUSERID12345-444455556666-2026-12-05-111122223333");
  const std::string exactly = role_session_name("A", "1", kLateEvening);
  EXPECT_EQ(exactly, "A-1-2026-12-05");
}

}  // namespace
}  // namespace datamesh::aws::names
