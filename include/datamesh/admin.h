// DataMeshAdmin: sets up the mesh and its accounts.
//
// initialize_mesh_account is the only call made without credentials: it works once, on an empty
// mesh, and prints the mesh admin's credentials. Every other call is made by an identity proven
// by its access key; account administration (create_account, enable_account_as_*, keys) is the
// mesh admin's, initialize_*_account is the account's own opt-in. Instances are not
// thread-safe; use one per thread, kept for the thread's life: an instance opens its store
// (embedded; instances alive at once share it) or its connections (remote) on its first call,
// which costs a millisecond or more, where a later call costs microseconds.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/client_options.h"
#include "datamesh/requests.h"
#include "datamesh/types.h"

namespace datamesh {

namespace client {
class Client;
}  // namespace client

class DataMeshAdmin {
 public:
  explicit DataMeshAdmin(ClientOptions options);
  DataMeshAdmin(std::string data_mesh_account_id, std::string region_name = "us-east-1",
                std::string log_level = "INFO",
                std::optional<Credentials> use_credentials = std::nullopt,
                std::string endpoint = "");
  ~DataMeshAdmin();
  // A moved-from instance may only be destroyed or assigned to.
  DataMeshAdmin(DataMeshAdmin&&) noexcept;
  DataMeshAdmin& operator=(DataMeshAdmin&&) noexcept;

  // Creates the mesh account (id = data_mesh_account_id, or a new 12-digit id when empty) and
  // its admin key. AlreadyExists once the mesh is initialized; InvalidArgument for a bad id.
  absl::StatusOr<AccountCredentials> initialize_mesh_account(std::string_view mesh_name = "mesh");

  // Mesh admin: creates an account (account_id empty = generate one) with a first access key.
  // AlreadyExists for a taken id; InvalidArgument for a malformed id or name.
  absl::StatusOr<AccountCredentials> create_account(std::string_view account_name,
                                                    std::string_view account_id = "");

  // The calling account opts in as producer / consumer. FailedPrecondition for the mesh account.
  absl::StatusOr<AccountRole> initialize_producer_account();
  absl::StatusOr<AccountRole> initialize_consumer_account();

  // Any account, about itself (like STS GetCallerIdentity): the account behind the access key
  // in use, whether it is the mesh admin, enabled and initialized as producer and consumer,
  // the key's id, the mesh account and the region.
  absl::StatusOr<CallerIdentity> get_caller_identity();

  // Any account: where the subscriptions' changes can be followed from outside datamesh. In AWS
  // mode the ARNs of the tracker table and its DynamoDB stream; empty for a mesh file or a
  // server.
  absl::StatusOr<TrackerEndpoints> get_endpoints();

  // Mesh admin: lets the account act as producer / consumer. NotFound for an unknown account;
  // FailedPrecondition for the mesh account itself.
  absl::Status enable_account_as_producer(std::string_view account_id);
  absl::Status enable_account_as_consumer(std::string_view account_id);

  // Mesh admin: account and key management. rotate_access_key creates a new key for the key's
  // account and revokes the old one in the same transaction.
  absl::StatusOr<std::vector<Account>> list_accounts();
  absl::StatusOr<Account> describe_account(std::string_view account_id);
  absl::StatusOr<AccountCredentials> create_access_key(std::string_view account_id);
  absl::StatusOr<AccountCredentials> rotate_access_key(std::string_view access_key_id);
  absl::Status revoke_access_key(std::string_view access_key_id);
  absl::StatusOr<std::vector<AccessKey>> list_access_keys(std::string_view account_id);

  // Mesh admin: the audit log, oldest first, optionally of one subscription.
  absl::StatusOr<AuditPage> list_audit_events(std::string_view subscription_id = "",
                                              const PageRequest& page = {});
  // Mesh admin: checks the audit log's hash chain. The answer lists each edited, removed or
  // reordered event; an error status only when the check itself could not run.
  absl::StatusOr<AuditVerification> verify_audit();
  // Mesh admin: compares the grants held on every mesh database with those its Active
  // subscriptions stand for, and lists each difference: a Missing grant of an Active
  // subscription, a Stray grant to a subscriber of the database that no Active subscription
  // explains (grants to others, the producer's own among them, are never touched). A dry run
  // unless `apply`; with it each difference still there is repaired, in a change of its own
  // with its audit event.
  // PermissionDenied for anyone else.
  absl::StatusOr<ReconcileReport> reconcile(bool apply = false);

  // Every admin method, taking all its parameters as its request type (datamesh/requests.h);
  // generated from the method declarations, one per method (src/api/methods.h).
#include "datamesh/generated/admin_methods.inc"

 private:
  std::unique_ptr<client::Client> client_;
};

}  // namespace datamesh
