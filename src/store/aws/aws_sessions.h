// The AWS sessions of one AWS-mode process, by account: whose credentials sign the calls on
// each account's resources. Every part of the AWS store (Glue catalogs, Lake Formation grants,
// RAM shares, the DynamoDB tables) asks this for the client of the account it works on, so the
// choice of session is made in one place:
//   - the mesh account M: the persona's mesh role (DataMeshAdminProducer-<P>,
//     DataMeshAdminConsumer-<C>), or the mesh admin's own credentials;
//   - the caller's account P or C: its persona role (DataMeshProducer, DataMeshConsumer), or
//     the account admin's own credentials.
// A catalog of any other account is out of reach, as it is for the original library: asking
// for it is PermissionDenied, naming the account.
//
// Immutable once made; thread-safe (AwsClient::call is).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/client.h"

namespace datamesh::store::aws {

class AwsSessions {
 public:
  // region: every client's region. sessions: the client of each account this process may act
  // on; the mesh account's must be among them. revokes_grants, persona: see below.
  AwsSessions(std::string region, std::string mesh_account,
              std::map<std::string, std::shared_ptr<const datamesh::aws::AwsClient>, std::less<>>
                  sessions,
              bool revokes_grants = true, std::string persona = "");

  const std::string& region() const { return region_; }
  const std::string& mesh_account() const { return mesh_account_; }
  // "aws", "aws-cn", ...: the partition of ARNs in region().
  const std::string& partition() const { return partition_; }

  // The client that signs calls on account_id's resources. PermissionDenied naming the account
  // when this process holds no session for it.
  absl::StatusOr<const datamesh::aws::AwsClient*> client(std::string_view account_id) const;
  absl::StatusOr<const datamesh::aws::AwsClient*> mesh() const { return client(mesh_account_); }
  // Whether a session for account_id is held.
  bool has(std::string_view account_id) const { return sessions_.contains(account_id); }
  // The accounts a session is held for, the mesh account among them.
  std::vector<std::string> accounts() const;
  // Whether the mesh session may revoke Lake Formation grants in M. The producer's mesh role
  // and the mesh admin are data lake admins of M; a consumer's mesh role is not, and Lake
  // Formation lets only an admin or a holder of the grant option revoke: a consumer's own
  // leave leaves its grants to admin reconcile (aws_commit.cc, docs/AWS.md).
  bool revokes_grants() const { return revokes_grants_; }
  // "producer" or "consumer": whose roles the sessions are (DataMeshProducer and
  // DataMeshAdminProducer-<P>, or the consumer's); empty for an admin's own credentials.
  const std::string& persona() const { return persona_; }

 private:
  std::string region_;
  std::string mesh_account_;
  std::string partition_;
  std::map<std::string, std::shared_ptr<const datamesh::aws::AwsClient>, std::less<>> sessions_;
  bool revokes_grants_;
  std::string persona_;
};

}  // namespace datamesh::store::aws
