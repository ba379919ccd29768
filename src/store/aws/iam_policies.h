// The IAM policy documents AWS mode writes when it sets up a mesh and its accounts, as the
// original library's templates (resource/*.pystache, reference §2.4.1) grant them, built as
// JSON values rather than rendered text, and without the original's template bugs: every
// account id is filled in (the original renders the account policies with no context, leaving
// the mesh account empty), the manager policy's resources are the /AwsDataMesh/ path with a
// wildcard (the original names the bare path, which matches nothing), and the producer's
// account policy may pass roles to Glue (its crawlers; the original lacks iam:PassRole, its
// issue #3).
//
// Also the small edits of existing documents the set-up makes idempotently: adding principals
// to a role's trust, and the RAM opt-in statement to the Glue catalog policy, each recognised
// when already present however it is spelt (a string or a list of one), so a re-run adds
// nothing (the original appends a duplicate statement on every run, §6.1 item 16).
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace datamesh::store::aws::policies {

// Where the documents point: the partition and region of the mesh, and its account.
struct PolicyScope {
  std::string partition = "aws";
  std::string region;
  std::string mesh_account;
};

// DataMeshReadOnlyPolicy (M): Glue reads of the mesh catalog; Lake Formation describe/list.
nlohmann::json mesh_read_only_policy(const PolicyScope& scope);
// DataMeshManagerPolicy (M): create and attach roles and policies under /AwsDataMesh/ in M.
nlohmann::json mesh_manager_policy(const PolicyScope& scope);
// DataMeshProducerPolicy-<P> (M): what a producer's mesh role does in M: publish (Glue, LF
// tags, grants, data locations), share (RAM), the tracker and datamesh's own tables.
nlohmann::json mesh_producer_policy(const PolicyScope& scope);
// DataMeshConsumerPolicy-<C> (M): reads of the mesh catalog, the tracker, RAM invitations.
nlohmann::json mesh_consumer_policy(const PolicyScope& scope);
// DataMeshProducerAccess (P): the producer role's rights in its own account.
nlohmann::json producer_account_policy(const PolicyScope& scope);
// DataMeshConsumerAccess (C): the consumer role's rights in its own account, and on the
// tracker in M.
nlohmann::json consumer_account_policy(const PolicyScope& scope);

// Assume<role>: allows sts:AssumeRole on `role_arn` (create_assume_role_policy).
nlohmann::json assume_role_policy(std::string_view role_arn);
// The trust document of a role the mesh creates: the AWS principals `principals` may assume it.
nlohmann::json trust_policy(const std::vector<std::string>& principals);
// `trust` with every one of `principals` in the AWS principals of its first statement (where
// the original keeps them), a single string promoted to a list; nullopt when all are there
// already. A document without statements gets the trust_policy statement.
std::optional<nlohmann::json> with_trusted_principals(const nlohmann::json& trust,
                                                      const std::vector<std::string>& principals);

// The trust statement for `role_arn` of `account` before that role exists (IAM refuses a
// principal it cannot resolve): the account's root, on condition that the caller is that role
// (aws:PrincipalArn). It lets exactly the same role assume, whichever of the two set-up steps
// runs first.
nlohmann::json account_role_trust_statement(std::string_view account, std::string_view role_arn);

// The Glue catalog policy statement that lets RAM share the mesh catalog's databases and tables
// (the original's glue_ram_optin): glue:ShareResource for ram.amazonaws.com on the catalog,
// every database and every table of the mesh account.
nlohmann::json glue_ram_opt_in_statement(const PolicyScope& scope);
// Whether the two statements grant the same: Effect, Action, Principal, Resource and Condition
// equal once each string-or-list is read as a set (Sid ignored).
bool same_grant(const nlohmann::json& a, const nlohmann::json& b);
// IAM's wildcard match of an action pattern ("glue:Get*", "ram:List?": `*` any run of
// characters, `?` one) with an action, ignoring case as IAM does for actions.
bool action_matches(std::string_view pattern, std::string_view action);

// `ours` (a document this version writes) with what `current` (the policy's default version as
// found: an older datamesh's, the Python library's, an admin's) grants beyond it, so that
// writing ours over a policy takes no right away from whoever relied on it:
//  - a statement that grants the same as one of ours goes;
//  - of an Allow statement, the actions that unconditional statements of ours allow on each of
//    its resources are left out (the document does not grow with what ours grants anyway); the
//    rest of it is kept, with its resources and conditions, and the statement goes once no
//    action is left;
//  - Deny statements, and statements with NotAction or NotResource, are kept as they are;
//  - a kept statement whose Sid is one of ours loses its Sid (a policy's Sids are unique): an
//    older datamesh's statement, or an admin's that happened to use the same name.
// Wildcards are read as IAM reads them (actions ignore case, resources do not); an action or
// resource that is itself a pattern counts as allowed only under the same or a prefix pattern.
// Applied to its own result it changes nothing, so a re-run writes no new version.
nlohmann::json with_rights_kept(const nlohmann::json& ours, const nlohmann::json& current);

// `policy` (the catalog policy; null when there is none) with `statement` appended unless a
// statement granting the same is there; nullopt when nothing changes. A single-object
// Statement (as the original writes a fresh policy) becomes a list.
std::optional<nlohmann::json> with_statement(const nlohmann::json& policy,
                                             const nlohmann::json& statement);

}  // namespace datamesh::store::aws::policies
