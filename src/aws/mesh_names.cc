#include "aws/mesh_names.h"

#include <chrono>
#include <cstdio>

#include "base/text.h"

namespace datamesh::aws::names {
namespace {

using base::cat;

std::string iam_arn(std::string_view account, std::string_view kind, std::string_view name) {
  return cat("arn:aws:iam::", account, ":", kind, kIamPath, name);
}

IamIdentity identity(std::string_view role, std::string_view policy) {
  return IamIdentity{.role = std::string(role),
                     .group = cat(role, "Group"),
                     .policy = std::string(policy),
                     .assume_policy = assume_policy_name(role)};
}

}  // namespace

std::string mesh_producer_role(std::string_view producer_account) {
  return cat("DataMeshAdminProducer-", producer_account);
}
std::string mesh_consumer_role(std::string_view consumer_account) {
  return cat("DataMeshAdminConsumer-", consumer_account);
}

IamIdentity mesh_manager_identity() { return identity(kMeshManagerRole, "DataMeshManagerPolicy"); }
IamIdentity mesh_read_only_identity() {
  return identity(kMeshReadOnlyRole, "DataMeshReadOnlyPolicy");
}
IamIdentity mesh_producer_identity(std::string_view producer_account) {
  return identity(mesh_producer_role(producer_account),
                  cat("DataMeshProducerPolicy-", producer_account));
}
IamIdentity mesh_consumer_identity(std::string_view consumer_account) {
  return identity(mesh_consumer_role(consumer_account),
                  cat("DataMeshConsumerPolicy-", consumer_account));
}
IamIdentity producer_identity() { return identity(kProducerRole, "DataMeshProducerAccess"); }
IamIdentity consumer_identity() { return identity(kConsumerRole, "DataMeshConsumerAccess"); }

std::string assume_policy_name(std::string_view role) { return cat("Assume", role); }
std::string crawler_pass_role_policy_name(std::string_view crawler_role_name) {
  return cat("EnableCrawlerRole", crawler_role_name);
}

std::string role_arn(std::string_view account, std::string_view role) {
  return iam_arn(account, "role", role);
}
std::string user_arn(std::string_view account, std::string_view user) {
  return iam_arn(account, "user", user);
}
std::string group_arn(std::string_view account, std::string_view group) {
  return iam_arn(account, "group", group);
}
std::string policy_arn(std::string_view account, std::string_view policy) {
  return iam_arn(account, "policy", policy);
}
std::string account_root_arn(std::string_view account) {
  return cat("arn:aws:iam::", account, ":root");
}

std::string lake_formation_service_linked_role_arn(std::string_view account) {
  return cat("arn:aws:iam::", account, ":role/aws-service-role/lakeformation.amazonaws.com/",
             kLakeFormationServiceLinkedRole);
}

std::string glue_database_arn(std::string_view region, std::string_view catalog,
                              std::string_view database) {
  return cat("arn:aws:glue:", region, ":", catalog, ":database/", database);
}
std::string glue_table_arn(std::string_view region, std::string_view catalog,
                           std::string_view database, std::string_view table) {
  return cat("arn:aws:glue:", region, ":", catalog, ":table/", database, "/", table);
}
std::string s3_arn(std::string_view path) {
  constexpr std::string_view kScheme = "s3://";
  if (path.starts_with(kScheme)) path.remove_prefix(kScheme.size());
  return cat("arn:aws:s3:::", path);
}

std::string mesh_database_name(std::string_view source_database, std::string_view producer_account,
                               std::optional<std::string_view> exposed_name) {
  if (exposed_name) return std::string(*exposed_name);
  return cat(source_database, "-", producer_account);
}

std::string link_table_name(std::string_view table, std::optional<std::string_view> suffix,
                            bool use_original_table_name) {
  if (use_original_table_name) return std::string(table);
  return cat(table, suffix.value_or(kDefaultLinkSuffix));
}

std::string bucket_policy_sid(std::string_view bucket) {
  return cat("AwsDataMeshUtilsBucketPolicyStatement-", bucket);
}
std::string dummy_bucket_name(std::string_view account) {
  return cat("data-mesh-delete-me-", account);
}
std::string crawler_name(std::string_view mesh_database, std::string_view table) {
  return cat(mesh_database, "-", table);
}

std::string role_session_name(std::string_view caller_user_id, std::string_view caller_account,
                              std::chrono::system_clock::time_point now) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(now)};
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  std::string name;
  for (char c : caller_user_id) {
    if (c != ':') name.push_back(c);
  }
  name = cat(name, "-", caller_account, "-", date);
  if (name.size() > kMaxRoleSessionName) name.resize(kMaxRoleSessionName);
  return name;
}

}  // namespace datamesh::aws::names
