// The accounts of an AWS-mode mesh and datamesh's access keys: the store rows that the admin
// methods read and write (core/store.h, Transaction's account and access-key methods), kept in
// two DynamoDB tables of datamesh's own in the mesh account M, on the mesh session.
//
//   DatameshAccounts   key AccountId (S); Name (S), IsMesh, ProducerEnabled, ConsumerEnabled,
//                      ProducerInitialized, ConsumerInitialized (BOOL), CreationDate (S).
//   DatameshAccessKeys key AccessKeyId (S); AccountId (S), SealedSecret (B), Status (S),
//                      CreationDate (S), RevocationDate (S, once revoked).
//
// Taking over a mesh the original library set up: it keeps no registry, only IAM roles. An
// account with no item whose DataMeshAdminProducer-<id> or DataMeshAdminConsumer-<id> role
// exists under /AwsDataMesh/ in M reads as enabled and initialized as that persona (the
// original's order: the account is initialized before the mesh enables it); its name is its
// id and its creation date the role's. The mesh account with no item reads as the mesh once
// AwsDataMeshSubscriptions exists in M. Reading writes nothing; an item, once written, is what
// the account is.
//
// An access key row is datamesh's own key, not an IAM one: the engine draws the secret itself
// (IAM draws its own, and never lets a caller choose it), and the row only serves a datamesh
// server fronting this store, whose callers sign with it. Calls on AWS are always signed by the
// AWS sessions of the process (aws_sessions.h). docs/AWS.md, "Accounts and access keys".
//
// Thread-safe (AwsSessions and AwsClient are); no state of its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/retry.h"
#include "core/store.h"
#include "nlohmann/json.hpp"
#include "store/aws/aws_sessions.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws {

class AccountRegistry {
 public:
  // `sleep` waits between the polls of ensure_tables.
  explicit AccountRegistry(const AwsSessions& sessions,
                           datamesh::aws::Sleeper sleep = datamesh::aws::real_sleeper())
      : sessions_(sessions), sleep_(std::move(sleep)) {}

  // Creates the two tables in M when missing (PAY_PER_REQUEST, tagged Solution=DataMeshUtils)
  // and waits, polling with backoff, until they are ACTIVE. Writes call it when a table is
  // missing; a commit that writes put_account_element calls it first.
  absl::Status ensure_tables() const;

  // Transaction's methods, same semantics. Errors: PermissionDenied when the process holds no
  // session for M; the AWS error of a call; InvalidArgument for an item of the wrong shape.
  absl::StatusOr<std::optional<Account>> get_account(std::string_view account_id) const;
  // The mesh account (AwsSessions::mesh_account) if it reads as the mesh, else nullopt.
  absl::StatusOr<std::optional<Account>> get_mesh_account() const;
  // Insert or replace. InvalidArgument for a mesh account other than the sessions' one.
  absl::Status put_account(const Account& account) const;
  // Registered and taken-over accounts, by account id.
  absl::StatusOr<std::vector<Account>> list_accounts() const;
  absl::StatusOr<std::optional<AccessKeyRow>> get_access_key(std::string_view key_id) const;
  absl::Status put_access_key(const AccessKeyRow& key) const;  // insert or replace
  // The account's keys by creation date, then id.
  absl::StatusOr<std::vector<AccessKeyRow>> list_access_keys(std::string_view account_id) const;

  // The TransactWriteItems elements ({"Put": ...}) that write a row, for a commit that writes
  // it with other items of M. InvalidArgument as put_account.
  absl::StatusOr<nlohmann::json> put_account_element(const Account& account) const;
  nlohmann::json put_access_key_element(const AccessKeyRow& key) const;

 private:
  // The account as the original's IAM roles and tracker make it read, or nullopt.
  absl::StatusOr<std::optional<Account>> taken_over(std::string_view account_id) const;

  const AwsSessions& sessions_;
  datamesh::aws::Sleeper sleep_;
};

}  // namespace datamesh::store::aws
