#include "store/aws/iam_setup.h"

#include "aws/mesh_names.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/iam_policies.h"
#include "store/aws/iam_steps.h"

namespace datamesh::store::aws {
namespace {

namespace names = datamesh::aws::names;
using base::cat;
using datamesh::aws::AwsClient;

// Whether `flag` of `after` is newly set.
bool newly(const std::optional<Account>& before, const Account& after, bool Account::*flag) {
  return after.*flag && !(before && (*before).*flag);
}

std::string_view persona(bool producer) { return producer ? "producer" : "consumer"; }

// Lets `account_role` of `account` assume `role`: named in the trust's principals as the
// original does; while IAM cannot resolve it (the account is enabled before it initialized),
// through the account's root on condition that the caller is that role.
absl::Status trust_account_role(const AwsClient& iam, std::string_view role,
                                std::string_view account, const std::string& account_role) {
  const absl::Status named = iam_steps::ensure_trusted(iam, role, {account_role});
  if (named.code() != absl::StatusCode::kFailedPrecondition) return named;
  return iam_steps::ensure_trust_statement(
      iam, role, policies::account_role_trust_statement(account, account_role));
}

}  // namespace

absl::Status IamSetup::apply(const std::optional<Account>& before, const Account& after) const {
  const bool enabled_or_initialized = after.producer_enabled || after.consumer_enabled ||
                                      after.producer_initialized || after.consumer_initialized;
  if (after.is_mesh && after.account_id != sessions_.mesh_account()) {
    return absl::InvalidArgumentError(cat("account ", after.account_id,
                                          " cannot be the mesh: in AWS mode the mesh account is ",
                                          sessions_.mesh_account(), " (the mesh session's)"));
  }
  if (enabled_or_initialized && after.account_id == sessions_.mesh_account()) {
    return absl::InvalidArgumentError(
        cat("the mesh account ", after.account_id,
            " cannot be a producer or consumer: it only administers the mesh"));
  }
  if (newly(before, after, &Account::is_mesh)) DATAMESH_RETURN_IF_ERROR(initialize_mesh());
  if (newly(before, after, &Account::producer_enabled)) {
    DATAMESH_RETURN_IF_ERROR(enable(after, /*producer=*/true));
  }
  if (newly(before, after, &Account::consumer_enabled)) {
    DATAMESH_RETURN_IF_ERROR(enable(after, /*producer=*/false));
  }
  if (newly(before, after, &Account::producer_initialized)) {
    DATAMESH_RETURN_IF_ERROR(initialize(after, /*producer=*/true));
  }
  if (newly(before, after, &Account::consumer_initialized)) {
    DATAMESH_RETURN_IF_ERROR(initialize(after, /*producer=*/false));
  }
  return absl::OkStatus();
}

absl::Status IamSetup::initialize_mesh() const {
  const std::string& mesh = sessions_.mesh_account();
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  const policies::PolicyScope scope{
      .partition = sessions_.partition(), .region = sessions_.region(), .mesh_account = mesh};
  // The read-only identity first: the manager's role is given its Assume policy.
  DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_identity(
      *aws, mesh,
      {.names = names::mesh_read_only_identity(),
       .account = mesh,
       .policy_description = "IAM Policy to provide read-only access to metadata",
       .role_description = "Role to be used for read-only operations on Catalog",
       .policy = policies::mesh_read_only_policy(scope)},
      sleep_));
  DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_identity(
      *aws, mesh,
      {.names = names::mesh_manager_identity(),
       .account = mesh,
       .policy_description = "IAM Policy to bootstrap the Data Mesh Admin",
       .role_description = "Role to be used for the Data Mesh Manager function",
       .policy = policies::mesh_manager_policy(scope)},
      sleep_));
  DATAMESH_ASSIGN_OR_RETURN(const std::string caller, iam_steps::caller_principal(*aws));
  DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_data_lake_admins(
      *aws, {names::role_arn(mesh, names::kMeshManagerRole), caller},
      /*no_default_table_permissions=*/true, sleep_));
  DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_lake_formation_role(*aws));
  return iam_steps::ensure_catalog_statement(*aws, policies::glue_ram_opt_in_statement(scope));
}

absl::Status IamSetup::enable(const Account& account, bool producer) const {
  const std::string& mesh = sessions_.mesh_account();
  const std::string& id = account.account_id;
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.mesh());
  const policies::PolicyScope scope{
      .partition = sessions_.partition(), .region = sessions_.region(), .mesh_account = mesh};
  const names::IamIdentity identity =
      producer ? names::mesh_producer_identity(id) : names::mesh_consumer_identity(id);
  DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_identity(
      *aws, mesh,
      {.names = identity,
       .account = mesh,
       .policy_description =
           producer ? cat("IAM Role enabling Account ", id, " to become a Data Producer")
                    : cat("IAM Role enabling Account ", id, " to become Data Consumers"),
       .role_description =
           cat("Role to be used for Data Mesh ", producer ? "Producer " : "Consumer ", id),
       .policy = producer ? policies::mesh_producer_policy(scope)
                          : policies::mesh_consumer_policy(scope)},
      sleep_));
  if (producer) {
    const std::string role = names::role_arn(mesh, identity.role);
    DATAMESH_RETURN_IF_ERROR(iam_steps::grant_create_database(*aws, role, sleep_));
    DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_data_lake_admins(
        *aws, {role}, /*no_default_table_permissions=*/false, sleep_));
  }
  const std::string account_role =
      names::role_arn(id, producer ? names::kProducerRole : names::kConsumerRole);
  DATAMESH_RETURN_IF_ERROR(trust_account_role(*aws, identity.role, id, account_role));
  return trust_account_role(*aws, names::kMeshReadOnlyRole, id, account_role);
}

absl::Status IamSetup::initialize(const Account& account, bool producer) const {
  const std::string& mesh = sessions_.mesh_account();
  const std::string& id = account.account_id;
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* aws, sessions_.client(id));
  const policies::PolicyScope scope{
      .partition = sessions_.partition(), .region = sessions_.region(), .mesh_account = mesh};
  const names::IamIdentity identity =
      producer ? names::producer_identity() : names::consumer_identity();
  DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_identity(
      *aws, mesh,
      {.names = identity,
       .account = id,
       .policy_description =
           cat("IAM Policy enabling Accounts to Assume the ", identity.role, " Role"),
       .role_description =
           cat(identity.role, " facilitating principals to act as ", persona(producer)),
       .policy = producer ? policies::producer_account_policy(scope)
                          : policies::consumer_account_policy(scope)},
      sleep_));
  // The second hop of the persona's chain: this account's role may assume its mesh role.
  const std::string mesh_role =
      producer ? names::mesh_producer_role(id) : names::mesh_consumer_role(id);
  const std::string mesh_role_arn = names::role_arn(mesh, mesh_role);
  DATAMESH_ASSIGN_OR_RETURN(
      const std::string assume_mesh_role,
      iam_steps::ensure_policy(
          *aws, id, names::assume_policy_name(mesh_role),
          cat("Policy allowing the grantee the ability to assume Role ", mesh_role_arn),
          policies::assume_role_policy(mesh_role_arn)));
  DATAMESH_RETURN_IF_ERROR(aws->call(datamesh::aws::Service::kIam, "AttachRolePolicy",
                                     {{"RoleName", identity.role}, {"PolicyArn", assume_mesh_role}})
                               .status());
  DATAMESH_RETURN_IF_ERROR(iam_steps::ensure_lake_formation_role(*aws));
  return iam_steps::grant_create_database(*aws, names::role_arn(id, identity.role), sleep_);
}

}  // namespace datamesh::store::aws
