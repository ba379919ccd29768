// The grants of the Store port (store::GrantRow) as Lake Formation permissions: granting and
// revoking them in batches, and reading them back for authorization and for reconcile.
//
// A row's catalog_id says whose Lake Formation holds it (the mesh account M for every grant the
// engine makes); the calls are signed by that account's session (aws_sessions.h). Principals are
// what Lake Formation takes: an account id (cross-account: Lake Formation shares the resource
// through RAM, see ram_shares.h) or an IAM ARN. Permission names are Lake Formation's, the
// vocabulary of core/permissions.h; names it does not list are passed through.
//
// The producer's owner grants (subscription_id "") are Lake Formation grants to the producer
// account P like any other row: CREATE_TABLE and DESCRIBE on its mesh database, INSERT, SELECT,
// ALTER, DELETE, DESCRIBE, DROP with grant option on every table (TableWildcard). The producer's
// mesh role DataMeshAdminProducer-<P> is a data lake admin, as in the original, and needs no
// grant (docs/AWS.md, docs/DECISIONS.md).
//
// Lake Formation knows no subscriptions: rows read from it have subscription_id "", and which
// rows are a subscription's own is the tracker's to say (subscription_grants below).
//
// Thread-safety: const methods; safe to call from several threads (AwsClient::call is).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store.h"
#include "datamesh/types.h"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws {

class LakeFormationGrants {
 public:
  // `sessions` must outlive this object.
  explicit LakeFormationGrants(const AwsSessions& sessions) : sessions_(sessions) {}

  // Grants `rows` (lake_formation_entries.h says how they become entries) with
  // BatchGrantPermissions, at most 20 entries per call, in the catalog account of each row.
  // Granting what is already granted succeeds. Errors: PermissionDenied when there is no session
  // for a row's catalog account; the error of a call (aws_errors.h); for a failed entry, the
  // canonical code of its Lake Formation error code, with the entry, the code and the message
  // in the text. Entries before a failure stay granted (a retry grants them again harmlessly).
  absl::Status grant(const std::vector<GrantRow>& rows) const;

  // Revokes `rows` with BatchRevokePermissions, as grant() sends them. Revoking what is not
  // (or no longer) granted succeeds: an entry Lake Formation revoked nothing of ("No permissions
  // revoked": the grantee lacks part of it) is revoked again permission by permission, so that
  // what the grantee still holds of it goes; an entry on a database or table that no longer
  // exists (EntityNotFoundException) took its permissions with it. Other failures: as grant().
  absl::Status revoke(const std::vector<GrantRow>& rows) const;

  // Grants DATA_LOCATION_ACCESS on each of the data locations `location_arns` (S3 ARNs, as
  // registered) of catalog_id's Lake Formation to `principal`, as the original's
  // create_data_products grants it to the producer's mesh role: BatchGrantPermissions, at most
  // 20 entries per call. Granting what is granted succeeds. Errors: as grant().
  absl::Status grant_data_locations(std::string_view catalog_id, std::string_view principal,
                                    const std::vector<std::string>& location_arns) const;

  // Revokes the grant option of `rows` and leaves the permissions themselves granted (entries
  // with PermissionsWithGrantOption only), as revoke() sends them: a permission whose grant
  // option the grantee no longer holds is skipped. For a permission that stays granted but is
  // no longer grantable.
  absl::Status revoke_grant_options(const std::vector<GrantRow>& rows) const;

  // store::Transaction::find_grants: the rows of `principal` on database_name.table_name and on
  // database_name."*" (TableWildcard), or on the database itself for a table of "", in
  // catalog_id's Lake Formation (ListPermissions, every page, one call per resource), sorted by
  // table and permission, subscription_id "". Errors: PermissionDenied without a session for
  // catalog_id; the error of a call.
  absl::StatusOr<std::vector<GrantRow>> find_grants(std::string_view principal,
                                                    std::string_view catalog_id,
                                                    std::string_view database_name,
                                                    std::string_view table_name) const;

  // Every Lake Formation permission, of every principal, on the mesh database `database_name`
  // and its tables (for reconcile: drift between the tracker and Lake Formation), sorted by
  // principal, table and permission, subscription_id "". Errors: as find_grants.
  absl::StatusOr<std::vector<GrantRow>> list_database_grants(std::string_view database_name) const;

 private:
  const AwsSessions& sessions_;
};

// The grant rows a subscription's tracker state stands for: none unless it is Active; then
// core's subscription_grant_rows (what the self-hosted stores write) of its PermittedGrants
// with DESCRIBE added (the original always grants DESCRIBE) and its GrantableGrants, with
// subscription_id set. Names core does not know (the original passes any through) are left out.
std::vector<GrantRow> subscription_grants(const Subscription& s, std::string_view mesh_account);

// Lake Formation's rows `rows` (subscription_id "") told apart as the self-hosted stores keep
// them: a row that one of `subscriptions` stands for (subscription_grants: same principal,
// catalog, database, table and permission) becomes that subscription's, once per subscription
// holding it, grantable when both Lake Formation and the subscription say so; a row no
// subscription stands for (the producer's own rights, a grant made by hand) keeps
// subscription_id "". Without this every grant would read as the producer's ownership.
std::vector<GrantRow> attribute_to_subscriptions(const std::vector<GrantRow>& rows,
                                                 const std::vector<Subscription>& subscriptions,
                                                 std::string_view mesh_account);

}  // namespace datamesh::store::aws
