#include "datamesh/admin.h"

#include "client/client.h"

namespace datamesh {

namespace m = api::methods;

// The constructors, destructor and moves are generated with the request-type members
// (client_methods_main.cc).

absl::StatusOr<AccountCredentials> DataMeshAdmin::initialize_mesh_account(
    std::string_view mesh_name) {
  return client_->call(m::kInitializeMeshAccount,
                       InitializeMeshAccountRequest{std::string(mesh_name)});
}

absl::StatusOr<AccountCredentials> DataMeshAdmin::create_account(std::string_view account_name,
                                                                 std::string_view account_id) {
  return client_->call(m::kCreateAccount,
                       CreateAccountRequest{std::string(account_name), std::string(account_id)});
}

absl::StatusOr<AccountRole> DataMeshAdmin::initialize_producer_account() {
  return client_->call(m::kInitializeProducerAccount, EmptyRequest{});
}

absl::StatusOr<AccountRole> DataMeshAdmin::initialize_consumer_account() {
  return client_->call(m::kInitializeConsumerAccount, EmptyRequest{});
}

absl::Status DataMeshAdmin::enable_account_as_producer(std::string_view account_id) {
  return client_->call(m::kEnableAccountAsProducer, AccountIdRequest{std::string(account_id)})
      .status();
}

absl::Status DataMeshAdmin::enable_account_as_consumer(std::string_view account_id) {
  return client_->call(m::kEnableAccountAsConsumer, AccountIdRequest{std::string(account_id)})
      .status();
}

absl::StatusOr<CallerIdentity> DataMeshAdmin::get_caller_identity() {
  return client_->call(m::kGetCallerIdentity, EmptyRequest{});
}

absl::StatusOr<TrackerEndpoints> DataMeshAdmin::get_endpoints() {
  return client_->call(m::kGetEndpoints, EmptyRequest{});
}

absl::StatusOr<std::vector<Account>> DataMeshAdmin::list_accounts() {
  return client_->call(m::kListAccounts, EmptyRequest{});
}

absl::StatusOr<Account> DataMeshAdmin::describe_account(std::string_view account_id) {
  return client_->call(m::kDescribeAccount, AccountIdRequest{std::string(account_id)});
}

absl::StatusOr<AccountCredentials> DataMeshAdmin::create_access_key(std::string_view account_id) {
  return client_->call(m::kCreateAccessKey, AccountIdRequest{std::string(account_id)});
}

absl::StatusOr<AccountCredentials> DataMeshAdmin::rotate_access_key(
    std::string_view access_key_id) {
  return client_->call(m::kRotateAccessKey, AccessKeyRequest{std::string(access_key_id)});
}

absl::Status DataMeshAdmin::revoke_access_key(std::string_view access_key_id) {
  return client_->call(m::kRevokeAccessKey, AccessKeyRequest{std::string(access_key_id)})
      .status();
}

absl::StatusOr<std::vector<AccessKey>> DataMeshAdmin::list_access_keys(
    std::string_view account_id) {
  return client_->call(m::kListAccessKeys, AccountIdRequest{std::string(account_id)});
}

absl::StatusOr<AuditPage> DataMeshAdmin::list_audit_events(std::string_view subscription_id,
                                                           const PageRequest& page) {
  return client_->call(m::kListAuditEvents,
                       ListAuditEventsRequest{std::string(subscription_id), page});
}

absl::StatusOr<AuditVerification> DataMeshAdmin::verify_audit() {
  return client_->call(m::kVerifyAudit, VerifyAuditRequest{});
}

absl::StatusOr<ReconcileReport> DataMeshAdmin::reconcile(bool apply) {
  return client_->call(m::kReconcile, ReconcileRequest{.apply = apply});
}

}  // namespace datamesh
