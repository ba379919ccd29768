// The idempotent steps that IamSetup (iam_setup.h) composes, each on the client of the account
// it changes: an IAM identity as the original's ApiAutomator.configure_iam makes it (policy,
// user, group, role), a role's trust, Lake Formation's admins and CREATE_DATABASE grant, its
// service-linked role, a statement of the Glue catalog policy.
//
// Every step reads first and writes only what is missing or different, so a run after a
// failure completes what the failed run left, and a run after a success writes nothing (except
// Lake Formation's GrantPermissions, which AWS itself treats as idempotent). Errors are the AWS
// client's, unchanged (aws_errors.h: the AWS code, message and request id in the text), unless
// a step says otherwise. A step that names a principal made a moment before (CreateRole's trust,
// Lake Formation's admins and grants) polls with backoff while IAM or Lake Formation refuse it
// as unknown (eventual consistency; about 15 s), then is Unavailable.
//
// Stateless functions; thread-safe (AwsClient::call is).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/client.h"
#include "aws/mesh_names.h"
#include "aws/retry.h"
#include "nlohmann/json.hpp"

namespace datamesh::store::aws::iam_steps {

using datamesh::aws::AwsClient;
using datamesh::aws::Sleeper;

// Runs `step` again while IAM or Lake Formation refuse a principal made a moment ago
// (MalformedPolicyDocument or InvalidInputException "Invalid principal"): both resolve new
// users and roles only after a while. Polls as a waiter would, waiting 0.5, 1, 2, 4 and 8 s
// through `sleep`; then Unavailable, to be run again. Other errors are returned at once.
absl::Status while_principal_unknown(const std::function<absl::Status()>& step,
                                     const Sleeper& sleep);

// The policy `name` under /AwsDataMesh/ of `account` with `document` as its default version:
// created (tagged Solution=DataMeshUtils) when missing; when its default version says something
// else, a new default version is made, with the rights the old one grants beyond `document`
// (policies::with_rights_kept); the version it replaces stays, to roll back to, and the oldest
// others are deleted to stay within IAM's five. FailedPrecondition, changing nothing, when the
// new document would be larger than IAM's 6,144 characters.
// Returns the policy's ARN.
absl::StatusOr<std::string> ensure_policy(const AwsClient& iam, std::string_view account,
                                          std::string_view name, std::string_view description,
                                          const nlohmann::json& document);

// What configure_iam makes for one role.
struct Identity {
  datamesh::aws::names::IamIdentity names;
  std::string account;             // where it lives
  std::string policy_description;  // of names.policy
  std::string role_description;
  nlohmann::json policy;  // the access policy's document
};
// configure_iam: the access policy; the user and the group (the user in it, the policy and
// Assume<role> attached to it); the role, trusted by the user and by the account's root, with
// the access policy attached. In the mesh account every role but DataMeshAdminReadOnly also
// gets AssumeDataMeshAdminReadOnly (which the read-only identity's set-up creates).
absl::Status ensure_identity(const AwsClient& iam, std::string_view mesh_account,
                             const Identity& identity, const Sleeper& sleep);

// Adds `principals` to the AWS principals of `role`'s trust when missing. A principal IAM
// refuses (a role that does not exist yet) is FailedPrecondition saying which.
absl::Status ensure_trusted(const AwsClient& iam, std::string_view role,
                            const std::vector<std::string>& principals);

// Adds `statement` to `role`'s trust unless a statement granting the same is there.
absl::Status ensure_trust_statement(const AwsClient& iam, std::string_view role,
                                    const nlohmann::json& statement);

// AWSServiceRoleForLakeFormationDataAccess, made by CreateServiceLinkedRole when missing.
absl::Status ensure_lake_formation_role(const AwsClient& iam);

// Lake Formation's settings of the client's account with each of `admins` a data lake admin
// (no duplicates; every other setting kept) and, when `no_default_table_permissions`, no
// default permissions on new tables (set_default_lf_permissions). Written only when that
// changes them.
absl::Status ensure_data_lake_admins(const AwsClient& lakeformation,
                                     const std::vector<std::string>& admins,
                                     bool no_default_table_permissions, const Sleeper& sleep);

// CREATE_DATABASE on the client's catalog for `principal`.
absl::Status grant_create_database(const AwsClient& lakeformation, std::string_view principal,
                                   const Sleeper& sleep);

// The Glue catalog policy of the client's account with `statement` in it (policies::
// with_statement): written only when missing, on condition that the policy is still the one
// read (its hash, or that there is none), so a concurrent writer is Aborted, not overwritten.
absl::Status ensure_catalog_statement(const AwsClient& glue, const nlohmann::json& statement);

// The IAM principal of the client's caller as Lake Formation names it: a user's ARN, or for an
// assumed role its role's ARN with the role's path (read by GetRole; the original drops it).
absl::StatusOr<std::string> caller_principal(const AwsClient& client);

// A policy document as IAM answers it (URL-encoded JSON, or plain JSON), parsed.
absl::StatusOr<nlohmann::json> parse_policy_document(std::string_view text);

}  // namespace datamesh::store::aws::iam_steps
