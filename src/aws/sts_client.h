// The STS calls of sts_calls.h (AssumeRole, GetCallerIdentity) made with the AWS client, which is
// where AWS mode's credential chain meets the network. Each call is signed with the keys it is
// given, not with a client's own credentials: the chain asks STS as each of its identities in
// turn (the caller, then every assumed role of a persona).
//
//   DATAMESH_ASSIGN_OR_RETURN(StsCalls sts, sts_calls(options));  // options.credentials unused
//   PersonaChainCalls calls{sts.assume_role, sts.get_caller_identity, now};
//
// Thread-safe: the functions may run on any number of threads at once, provided the options'
// transport, sleeper, random source and clock may too (the defaults may).
#pragma once

#include "absl/status/statusor.h"
#include "aws/client.h"
#include "aws/sts_calls.h"

namespace datamesh::aws {

struct StsCalls {
  // AssumeRole(RoleArn, RoleSessionName) with the role's default duration. Its Credentials
  // become the key (with its session token) and the Expiration (ISO 8601) the time point.
  // Errors: the AWS client's, text unchanged ("sts AssumeRole: AccessDenied: ..."); Internal
  // when the answer lacks a credential or its Expiration does not read as ISO 8601.
  AssumeRoleFunction assume_role;
  // GetCallerIdentity: UserId, Account, Arn. Errors: the client's; Internal when the answer
  // lacks one of the three.
  GetCallerIdentityFunction get_caller_identity;
};

// STS calls through clients made from `options` (region, endpoint overrides, retries, ...), all
// sharing one transport (options.transport, or a CurlTransport made here). options.credentials
// is replaced by the keys of each call. InvalidArgument when AwsClient::create refuses the
// options (an unknown region, a bad endpoint override).
absl::StatusOr<StsCalls> sts_calls(AwsClient::Options options);

}  // namespace datamesh::aws
