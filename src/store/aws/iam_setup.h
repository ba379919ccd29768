// What a change of an account row means in IAM, Lake Formation and Glue in AWS mode: the
// resources the original's DataMeshAdmin creates (reference §2.4), with its names
// (aws/mesh_names.h) and policies (iam_policies.h), without its bugs (§6.1 items 3, 15, 16, 27,
// 28, 29, 31). docs/AWS.md ("What each admin step creates where") lists them.
//
//   is_mesh set (initialize_mesh_account), in M:
//     DataMeshAdminReadOnly, then DataMeshManager: policy, user, group, role under /AwsDataMesh/
//     (the manager role may assume the read-only one); the manager role and the caller Lake
//     Formation admins, no default permissions on new tables; the Lake Formation service-linked
//     role; the Glue catalog policy statement that lets RAM share the catalog.
//   producer_enabled / consumer_enabled set (enable_account_as_*), in M:
//     DataMeshAdminProducer-<P> / DataMeshAdminConsumer-<C> (policy, user, group, role; may
//     assume the read-only role), trusting the account's DataMeshProducer / DataMeshConsumer
//     role, as DataMeshAdminReadOnly does then too; a producer's mesh role is a Lake Formation
//     admin of M with CREATE_DATABASE, as in the original. While that role does not exist yet
//     (the mesh enables the account before it initialized; the original forbids that order),
//     IAM cannot name it in a trust: the account's root is trusted on condition that the
//     caller is that role (policies::account_role_trust_statement), to the same effect.
//   producer_initialized / consumer_initialized set (initialize_*_account), in P or C:
//     DataMeshProducer / DataMeshConsumer (policy DataMeshProducerAccess / DataMeshConsumerAccess,
//     user, group, role), Assume<role> on the group, AssumeDataMeshAdminProducer-<P> /
//     AssumeDataMeshAdminConsumer-<C> on the role; the Lake Formation service-linked role;
//     CREATE_DATABASE for the role.
//
// Each step is idempotent (iam_steps.h), so applying the same change again after a failure
// completes it, and after a success changes nothing. Flags that were already set in `before`
// are not applied again (a step the caller runs again, Transaction::reapply_account_step, comes
// with the flag cleared in `before`); flags are never unset (the engine has no such method).
// An existing policy gets a new version that keeps what its old one granted beyond ours
// (policies::with_rights_kept).
//
// Thread-safe (AwsSessions and AwsClient are).
#pragma once

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "aws/retry.h"
#include "datamesh/types.h"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws {

class IamSetup {
 public:
  // `sleep` waits between the polls of a step that names a principal IAM does not know yet
  // (iam_steps::while_principal_unknown).
  explicit IamSetup(const AwsSessions& sessions,
                    datamesh::aws::Sleeper sleep = datamesh::aws::real_sleeper())
      : sessions_(sessions), sleep_(std::move(sleep)) {}

  // Creates what the flags newly set in `after` (compared with `before`, nullopt for a new
  // account) mean, on the session of the account each step changes. Errors:
  //  - InvalidArgument: `after` is the mesh but not the sessions' mesh account, or an account
  //    is enabled or initialized as the mesh account;
  //  - PermissionDenied: no session for the account a step changes (AwsSessions::client);
  //  - any AWS error of a step, unchanged; the steps before it stay done.
  absl::Status apply(const std::optional<Account>& before, const Account& after) const;

 private:
  absl::Status initialize_mesh() const;
  absl::Status enable(const Account& account, bool producer) const;
  absl::Status initialize(const Account& account, bool producer) const;

  const AwsSessions& sessions_;
  datamesh::aws::Sleeper sleep_;
};

}  // namespace datamesh::store::aws
