// The names of everything AWS mode creates or looks for, spelled exactly as the original Python
// library (aws-data-mesh-utils 1.0.20: its constants.py, ApiAutomator and persona classes)
// spells them, so that a mesh set up by either is operated by the other: IAM identities under
// the /AwsDataMesh/ path and their ARNs, the subscriptions table and its indexes, mesh
// databases and links, Lake Formation tag keys, the default resource tag, bucket-policy Sids,
// the STS session names of the persona chains. Say each name once, here; every AWS call that
// needs one asks this module.
//
// Every ARN is in the `aws` partition, as the original writes them.
// Pure functions and constants; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/role_names.h"

namespace datamesh::aws::names {

// The IAM path of every user, group, role and policy the mesh creates.
inline constexpr std::string_view kIamPath = "/AwsDataMesh/";

// Blocks of the original's credentials file (examples/example-creds.json, §2.1).
inline constexpr std::string_view kMeshBlock = "Mesh";
inline constexpr std::string_view kProducerBlock = "Producer";
inline constexpr std::string_view kConsumerBlock = "Consumer";
inline constexpr std::string_view kProducerAdminBlock = "ProducerAdmin";
inline constexpr std::string_view kConsumerAdminBlock = "ConsumerAdmin";

// Role (and user) names.
using base::kConsumerRole;
using base::kMeshManagerRole;
using base::kProducerRole;
inline constexpr std::string_view kMeshReadOnlyRole = "DataMeshAdminReadOnly";
// DataMeshAdminProducer-<P> / DataMeshAdminConsumer-<C>, in the mesh account.
std::string mesh_producer_role(std::string_view producer_account);
std::string mesh_consumer_role(std::string_view consumer_account);

// The IAM identity the original creates for one role (ApiAutomator.configure_iam): a user of
// the role's name in a group, an access policy attached to the group, and the policy that lets
// the group's members assume the role.
struct IamIdentity {
  std::string role;           // also the user's name
  std::string group;          // <role>Group
  std::string policy;         // the access policy
  std::string assume_policy;  // Assume<role>, attached to the group
};
IamIdentity mesh_manager_identity();
IamIdentity mesh_read_only_identity();
IamIdentity mesh_producer_identity(std::string_view producer_account);
IamIdentity mesh_consumer_identity(std::string_view consumer_account);
IamIdentity producer_identity();  // DataMeshProducer, in the producer account
IamIdentity consumer_identity();  // DataMeshConsumer, in the consumer account
// Assume<role>: the policy allowing the assumption of `role`. In a producer (consumer) account,
// assume_policy_name(mesh_producer_role(P)) is created and attached to the DataMeshProducer
// (DataMeshConsumer) role, opening the second hop of the chain.
std::string assume_policy_name(std::string_view role);
// EnableCrawlerRole<crawler role name>: the pass-role policy for a crawler role.
std::string crawler_pass_role_policy_name(std::string_view crawler_role_name);

// arn:aws:iam::<account>:<kind>/AwsDataMesh/<name>, kind one of role, user, group, policy.
std::string role_arn(std::string_view account, std::string_view role);
std::string user_arn(std::string_view account, std::string_view user);
std::string group_arn(std::string_view account, std::string_view group);
std::string policy_arn(std::string_view account, std::string_view policy);
// arn:aws:iam::<account>:root, the account principal of trust policies.
std::string account_root_arn(std::string_view account);

// The Lake Formation service-linked role and its ARN in `account`.
inline constexpr std::string_view kLakeFormationServiceLinkedRole =
    "AWSServiceRoleForLakeFormationDataAccess";
std::string lake_formation_service_linked_role_arn(std::string_view account);

// Glue and S3 ARNs as the original builds them.
std::string glue_database_arn(std::string_view region, std::string_view catalog,
                              std::string_view database);
std::string glue_table_arn(std::string_view region, std::string_view catalog,
                           std::string_view database, std::string_view table);
// arn:aws:s3::: + `path` without a leading "s3://".
std::string s3_arn(std::string_view path);

// The subscriptions tracker (DynamoDB, in the mesh account) and its two indexes.
inline constexpr std::string_view kSubscriptionsTable = "AwsDataMeshSubscriptions";
inline constexpr std::string_view kSubscriptionsOwnerIndex = "AwsDataMeshSubscriptions-Owner";
inline constexpr std::string_view kSubscriptionsSubscriberIndex =
    "AwsDataMeshSubscriptions-Subscriber";

// The mesh database of a product: `exposed_name` when given (expose_data_mesh_db_name), else
// <source database>-<producer account>. The producer-side database and the consumer-side
// database link carry the same name.
std::string mesh_database_name(std::string_view source_database, std::string_view producer_account,
                               std::optional<std::string_view> exposed_name = std::nullopt);

// The producer-side resource link to a mesh table: `table` itself when use_original_table_name,
// else <table><suffix>, the suffix being "_link" when none is given.
inline constexpr std::string_view kDefaultLinkSuffix = "_link";
std::string link_table_name(std::string_view table, std::optional<std::string_view> suffix,
                            bool use_original_table_name);

// Lake Formation tag keys of every product.
inline constexpr std::string_view kDomainTagKey = "Domain";
inline constexpr std::string_view kDataProductTagKey = "DataProduct";
// The tag on every resource the original creates.
inline constexpr std::string_view kDefaultTagKey = "Solution";
inline constexpr std::string_view kDefaultTagValue = "DataMeshUtils";

// AwsDataMeshUtilsBucketPolicyStatement-<bucket>: the Sid of the statement granting the Lake
// Formation roles read access to a product's bucket.
std::string bucket_policy_sid(std::string_view bucket);
// data-mesh-delete-me-<account>: the bucket registered once to make Lake Formation create its
// service-linked role.
std::string dummy_bucket_name(std::string_view account);
// <mesh database>-<table>: the Glue crawler that keeps a mesh table in sync (the name the
// original intends; it passes a tuple instead, §6).
std::string crawler_name(std::string_view mesh_database, std::string_view table);

// RoleSessionName of each hop of a persona chain: <caller UserId without ':'>-<caller
// Account>-<YYYY-MM-DD>, cut to the 64 characters STS allows. The original writes its local
// date; datamesh writes the UTC date of `now` (the date only labels the session in CloudTrail).
inline constexpr std::size_t kMaxRoleSessionName = 64;
std::string role_session_name(std::string_view caller_user_id, std::string_view caller_account,
                              std::chrono::system_clock::time_point now);

}  // namespace datamesh::aws::names
