// The RAM shares of a subscription. Lake Formation makes them: a grant from the mesh account M to
// a consumer account C shares the database or table with C through a RAM share that M owns, and
// invites C to it. datamesh never creates a share itself (neither does the original); it finds
// the shares of a subscription's grants (their ARNs are what the tracker's RamShares holds),
// accepts their invitations on the consumer's side, and takes a consumer out of a share.
//
// Thread-safety: const methods; safe to call from several threads (AwsClient::call is).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws {

class RamShares {
 public:
  // `sessions` must outlive this object.
  explicit RamShares(const AwsSessions& sessions) : sessions_(sessions) {}

  // The ARNs of the RAM shares through which Lake Formation shares the subscription's grants
  // with its subscriber: AdditionalDetails.ResourceShare of the subscriber's permissions on the
  // subscription's database and each of its tables ("*": TableWildcard, for a database-level
  // subscription), as ListPermissions in M gives them (every page; the original reads the same,
  // first pages only). In the order found, each once; empty when the grants are not shared (not
  // granted, or granted to a principal of M). Errors: PermissionDenied without a session for M;
  // the error of a call.
  absl::StatusOr<std::vector<std::string>> shares_of(const Subscription& s) const;

  // On consumer_account's side: accepts the PENDING invitations of `share_arns`
  // (GetResourceShareInvitations, every page; AcceptResourceShareInvitation). A share whose
  // invitation is already accepted is fine. Errors: PermissionDenied without a session for
  // consumer_account; NotFound naming a share that has no invitation to the account;
  // FailedPrecondition naming a share whose invitations were all rejected or expired (the
  // producer must grant again); the error of a call.
  absl::Status accept(std::string_view consumer_account,
                      const std::vector<std::string>& share_arns) const;

  // Whether `share_arn` still shares a resource (an association of type RESOURCE, ASSOCIATED
  // or ASSOCIATING; GetResourceShareAssociations, every page, signed by the share's owner). A
  // share Lake Formation makes serves every grant from its owner to one account, and Lake
  // Formation takes a resource out of it when the account's last grant on it is revoked: a
  // share that holds nothing shares nothing with anyone. A share that no longer exists holds
  // nothing. Errors: as disassociate.
  absl::StatusOr<bool> holds_resources(std::string_view share_arn) const;

  // Takes `account` out of each of `share_arns` (DisassociateResourceShare, principals
  // [account]). Only a share's owner may (RAM refuses a recipient that tries to leave a share of
  // Glue resources), so each call is signed by the session of the account the share's ARN
  // names as owner. A share that no longer exists (UnknownResourceException) holds nobody: fine.
  // Errors: InvalidArgument for an ARN that is not a RAM resource-share ARN; PermissionDenied
  // without a session for its owner; the error of a call.
  absl::Status disassociate(std::string_view account,
                            const std::vector<std::string>& share_arns) const;

 private:
  const AwsSessions& sessions_;
};

}  // namespace datamesh::store::aws
