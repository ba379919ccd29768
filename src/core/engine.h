// The mesh engine: every workflow method of the admin, catalog, producer and consumer, with its
// business rules, authorization and audit, each run as one store transaction.
//
// Front ends (the embedded backend, later the HTTP server) authenticate the caller with
// authenticate() and then call one method. The engine's only state of its own is the mesh
// account id, remembered once read (a mesh's id never changes after initialize_mesh_account,
// so it cannot go stale); it is thread-safe as long as the Store is.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/client_token.h"
#include "core/clock.h"
#include "core/progress.h"
#include "core/secrets.h"
#include "core/store.h"
#include "datamesh/each.h"
#include "datamesh/requests.h"
#include "datamesh/types.h"

namespace datamesh::core {

// The proven identity behind a call.
struct Caller {
  Account account;
  std::string access_key_id;
  // AWS mode: the caller's ARN as STS GetCallerIdentity gives it, which the audit log records
  // as the actor; "" in the self-hosted modes, whose actor ARN is made from the key (audit.h).
  std::string principal_arn;
};

enum class Persona { kProducer, kConsumer };

// The one answer to an unknown, revoked or mismatched key (secret or signature), so that a
// caller cannot probe which keys exist. A served call proves its secret with a SigV4 signature,
// which also fails when the request was changed after signing: the answer names that cause too,
// the same in every mode.
absl::Status invalid_key_error(std::string_view access_key_id);

// What the transactions of one call on an Engine::confirming engine found of its caller.
struct CallerConfirmation {
  int confirmed = 0;   // transactions that found the key Active and the account unchanged
  bool stale = false;  // a transaction found the key not Active or the account changed
};

// The error of a transaction that found its remembered caller stale (Engine::confirming), and
// whether `status` is that error. The front end answers it by reading the caller afresh and
// running the call again; a client sees it only if the key changed again in between.
absl::Status stale_caller_error(std::string_view access_key_id);
bool is_stale_caller(const absl::Status& status);

class Engine {
 public:
  // partition: the partition of the ARNs the engine makes (role, table and share ARNs):
  // "datamesh" for a self-hosted mesh, whose resources are not AWS's; the region's AWS partition
  // ("aws", "aws-cn", ...) in AWS mode, whose resources are.
  Engine(store::Store& store, const Clock& clock, const SecretSealer& sealer,
         std::string region = "us-east-1", std::string partition = "datamesh");

  // Unauthenticated when the key is unknown, revoked or the secret does not match (one message
  // for all three, so a caller cannot probe which keys exist).
  absl::StatusOr<Caller> authenticate(const Credentials& credentials) const;

  // The caller behind an Active access key and the key's secret in plain text, for verifying a
  // request signature (SigV4) made with it. Unauthenticated when the key is unknown or revoked.
  struct KeyMaterial {
    Caller caller;
    std::string secret_access_key;
  };
  absl::StatusOr<KeyMaterial> resolve_access_key(std::string_view access_key_id) const;
  // The mesh account id, or FailedPrecondition when the mesh is not initialized; no
  // transaction once this engine (or the one it was copied from) has read it.
  absl::StatusOr<std::string> mesh_account_id() const;

  // This engine for one call whose write acts once under `token` (core/client_token.h): the
  // write answers the recorded answer of an earlier write with the token instead of acting,
  // or InvalidArgument when the token was used for another method or request. Checks, reads
  // and authorization before the write run as for any call. token.token must have passed
  // check_client_token.
  Engine with_client_token(ClientToken token) const;

  // This engine for one call by `caller` as a front end remembered it from an earlier call,
  // without reading its key for this one (server/request_auth.h): each transaction of the call
  // first checks, in that transaction, that the caller's key is still Active and its account as
  // remembered, and otherwise sets confirmation->stale and fails with stale_caller_error
  // before doing anything else. So a call answered OK, or with an error from inside a
  // transaction, was decided with the caller as the store holds it; the front end confirms a
  // call that ran no transaction (confirmation->confirmed == 0) with confirm_caller. Both
  // pointers must outlive the call.
  Engine confirming(const Caller* caller, CallerConfirmation* confirmation) const;
  // The check of confirming() in a read transaction of its own.
  absl::Status confirm_caller(const Caller& caller) const;

  // Each workflow method takes the public request of its API method (datamesh/requests.h), as
  // the method declarations (api/methods.h) pass it; the ones without parameters take none.

  // --- admin -------------------------------------------------------------------------------
  // account_id: the mesh account to create (empty = generate one).
  absl::StatusOr<AccountCredentials> initialize_mesh_account(
      std::string_view account_id, const InitializeMeshAccountRequest& request) const;
  absl::StatusOr<AccountCredentials> create_account(const Caller& caller,
                                                    const CreateAccountRequest& request) const;
  absl::StatusOr<AccountRole> initialize_account_as(const Caller& caller, Persona persona) const;
  absl::Status enable_account_as(const Caller& caller, Persona persona,
                                 const AccountIdRequest& request) const;
  // Any authenticated caller, about itself: its account as stored now, the key it signed
  // with, the mesh account and the region.
  absl::StatusOr<CallerIdentity> get_caller_identity(const Caller& caller) const;
  // Any account: where the subscriptions' changes can be followed (Transaction::
  // tracker_endpoints); empty outside AWS mode.
  absl::StatusOr<TrackerEndpoints> get_endpoints(const Caller& caller) const;
  absl::StatusOr<std::vector<Account>> list_accounts(const Caller& caller) const;
  absl::StatusOr<Account> describe_account(const Caller& caller,
                                           const AccountIdRequest& request) const;
  absl::StatusOr<AccountCredentials> create_access_key(const Caller& caller,
                                                       const AccountIdRequest& request) const;
  absl::StatusOr<AccountCredentials> rotate_access_key(const Caller& caller,
                                                       const AccessKeyRequest& request) const;
  absl::Status revoke_access_key(const Caller& caller, const AccessKeyRequest& request) const;
  absl::StatusOr<std::vector<AccessKey>> list_access_keys(const Caller& caller,
                                                          const AccountIdRequest& request) const;
  // Who holds what across the mesh, for its governance: every producer's subscriptions.
  absl::StatusOr<SubscriptionPage> list_mesh_subscriptions(
      const Caller& caller, const ListMeshSubscriptionsRequest& request) const;
  // Any subscription of the mesh, whoever its parties, in any status. Mesh admin only.
  absl::StatusOr<Subscription> get_mesh_subscription(const Caller& caller,
                                                     const GetSubscriptionRequest& request) const;
  absl::StatusOr<AuditPage> list_audit_events(const Caller& caller,
                                              const ListAuditEventsRequest& request) const;
  // Checks the audit log's hash chain (core/audit_chain.h) and reports what is wrong.
  absl::StatusOr<AuditVerification> verify_audit(const Caller& caller,
                                                 const VerifyAuditRequest& request) const;
  // Compares the grants held on every mesh database with those its Active subscriptions stand
  // for (core/reconcile.h) and answers each difference; with request.apply, repairs each in a
  // write transaction of its own with its audit event, if the transaction still finds it. Mesh
  // admin only (PermissionDenied).
  absl::StatusOr<ReconcileReport> reconcile(const Caller& caller,
                                            const ReconcileRequest& request) const;

  // --- catalog (the caller's own) ----------------------------------------------------------
  absl::Status create_database(const Caller& caller, const CreateDatabaseRequest& request) const;
  absl::StatusOr<Database> get_database(const Caller& caller,
                                        const DatabaseNameRequest& request) const;
  absl::StatusOr<DatabasePage> get_databases(const Caller& caller,
                                             const PagedRequest& request) const;
  absl::Status delete_database(const Caller& caller, const DatabaseNameRequest& request) const;
  absl::Status create_table(const Caller& caller, const TableInputRequest& request) const;
  absl::Status update_table(const Caller& caller, const TableInputRequest& request) const;
  absl::StatusOr<Table> get_table(const Caller& caller, const TableNameRequest& request) const;
  absl::StatusOr<TablePage> get_tables(const Caller& caller,
                                       const GetTablesRequest& request) const;
  absl::Status delete_table(const Caller& caller, const TableNameRequest& request) const;
  // Takes the tables parsed: ImportTablesRequest carries them as JSON text, which core does not
  // read (api/methods.h parses it).
  absl::StatusOr<std::vector<std::string>> import_tables(const Caller& caller,
                                                         std::string_view database_name,
                                                         const std::vector<TableInput>& tables)
      const;

  // --- producer ----------------------------------------------------------------------------
  absl::StatusOr<DataProduct> create_data_products(const Caller& caller,
                                                   const CreateDataProductsRequest& request)
      const;
  absl::StatusOr<SubscriptionPage> list_pending_access_requests(
      const Caller& caller, const PagedRequest& request) const;
  // The subscriptions to the caller's products, oldest first, filtered by status (none = all
  // but Deleted), product (mesh or source database name) and consumer. InvalidArgument for an
  // unknown status or a malformed name or id (naming what is allowed), NotFound when the caller
  // has no such product, PermissionDenied when the product is another producer's.
  absl::StatusOr<SubscriptionPage> list_subscriptions(const Caller& caller,
                                                      const ListSubscriptionsRequest& request) const;
  absl::Status approve_access_request(const Caller& caller,
                                      const ApproveAccessRequestRequest& request) const;
  absl::Status deny_access_request(const Caller& caller,
                                   const DenyAccessRequestRequest& request) const;
  absl::Status update_subscription_permissions(
      const Caller& caller, const UpdateSubscriptionPermissionsRequest& request) const;
  // The tables of one of the caller's data products that match the request's expression,
  // handed to `each` in name order as they are read (datamesh/each.h): memory stays flat
  // whatever the number of tables. Every check (producer, names, expression, ownership) comes
  // before the first entry. One read transaction; when the store runs it again (store.h), the
  // walk resumes after the last entry given, so no entry is given twice. The vector form of the
  // API method is derived from this one (api/methods.h).
  absl::Status get_data_product(const Caller& caller, const GetDataProductRequest& request,
                                const Each<DataProductTable>& each) const;

  // --- producer and consumer ---------------------------------------------------------------
  // The owner (as producer) or the subscriber (as consumer) of the subscription.
  absl::StatusOr<Subscription> get_subscription(const Caller& caller, Persona persona,
                                                const GetSubscriptionRequest& request) const;
  absl::StatusOr<std::vector<EffectiveGrant>> get_subscription_grants(
      const Caller& caller, Persona persona, const SubscriptionIdRequest& request) const;
  absl::StatusOr<AuditPage> get_subscription_history(
      const Caller& caller, Persona persona, const GetSubscriptionHistoryRequest& request) const;
  absl::Status delete_subscription(const Caller& caller, Persona persona,
                                   const DeleteSubscriptionRequest& request) const;

  // --- consumer ----------------------------------------------------------------------------
  absl::StatusOr<AccessRequest> request_access_to_product(
      const Caller& caller, const RequestAccessToProductRequest& request) const;
  absl::Status finalize_subscription(const Caller& caller,
                                     const SubscriptionIdRequest& request) const;
  absl::StatusOr<Table> get_table_info(const Caller& caller,
                                       const GetTableInfoRequest& request) const;
  absl::StatusOr<SubscriptionPage> list_product_access(
      const Caller& caller, const ListProductAccessRequest& request) const;
  // The published products, ordered by mesh database; without public metadata, a name only.
  absl::StatusOr<PublishedProductPage> list_data_products(
      const Caller& caller, const ListDataProductsRequest& request) const;
  // A table of a published product whose product publishes public metadata, as Glue GetTable
  // answers it; PermissionDenied for a product without it (its subscribers read its tables
  // through get_table_info).
  absl::StatusOr<Table> get_published_table(const Caller& caller,
                                            const PublishedTableRequest& request) const;
  absl::StatusOr<PermissionCheck> check_permission(const Caller& caller,
                                                   const CheckPermissionRequest& request) const;

 private:
  std::string now() const;
  // Run body (store::Transaction& -> absl::Status or absl::StatusOr<T>) in a write or a read
  // transaction and return what it returned. The body may run more than once (Store::run): it
  // builds its result and returns it, and never adds to anything outside itself.
  //
  // With a client token, the body's transaction first looks the token up (a live record
  // answers instead of the body) and records the body's answer under it when the body succeeds.
  //
  // On a confirming() engine, each transaction first confirms the caller.
  template <typename Body>
  auto write(Body&& body) const {
    if (!client_token_ && !confirming_) {
      return store_.run(store::TxMode::kWrite, std::forward<Body>(body));
    }
    using Result = std::invoke_result_t<Body&, store::Transaction&>;
    using Answer = typename WriteAnswer<Result>::type;
    return store_.run(store::TxMode::kWrite, [&](store::Transaction& tx) -> Result {
      DATAMESH_RETURN_IF_ERROR(confirm_in(tx));
      if (!client_token_) return body(tx);
      DATAMESH_ASSIGN_OR_RETURN(std::optional<store::ClientTokenRow> recorded,
                                live_token_record(tx));
      if (recorded) return decode_answer(AnswerOf<Answer>{}, recorded->answer, sealer_);
      Result result = body(tx);
      if (!result.ok()) return result;
      DATAMESH_RETURN_IF_ERROR(
          record_token(tx, encode_answer(WriteAnswer<Result>::value(result), sealer_)));
      return result;
    });
  }
  template <typename Body>
  auto read(Body&& body) const {
    if (!confirming_) return store_.run(store::TxMode::kRead, std::forward<Body>(body));
    using Result = std::invoke_result_t<Body&, store::Transaction&>;
    return store_.run(store::TxMode::kRead, [&](store::Transaction& tx) -> Result {
      DATAMESH_RETURN_IF_ERROR(confirm_in(tx));
      return body(tx);
    });
  }

  // The check of confirming() in `tx`; OK on an engine that does not confirm.
  absl::Status confirm_in(store::Transaction& tx) const;

  // What a write body answers: absl::Status, or the T of absl::StatusOr<T>.
  template <typename Result>
  struct WriteAnswer {
    using type = absl::Status;
    static const absl::Status& value(const absl::Status& result) { return result; }
  };
  template <typename T>
  struct WriteAnswer<absl::StatusOr<T>> {
    using type = T;
    static const T& value(const absl::StatusOr<T>& result) { return *result; }
  };

  // The unexpired record of client_token_, if any; InvalidArgument when it records another
  // method or request.
  absl::StatusOr<std::optional<store::ClientTokenRow>> live_token_record(
      store::Transaction& tx) const;
  // Records client_token_ with `answer` (encoded) and prunes expired records.
  absl::Status record_token(store::Transaction& tx, absl::StatusOr<std::string> answer) const;

  store::Store& store_;
  const Clock& clock_;
  const SecretSealer& sealer_;
  std::string region_;
  std::string partition_;
  std::optional<ClientToken> client_token_;  // set only by with_client_token
  struct Confirming {
    const Caller* caller;
    CallerConfirmation* confirmation;
  };
  std::optional<Confirming> confirming_;  // set only by confirming

  // The mesh account id; FailedPrecondition when the mesh is not initialized. Read from `tx`
  // until a read finds it, then remembered by this engine and every copy of it: the
  // authorization check and most methods need it, and the id never changes once set.
  absl::StatusOr<std::string> mesh_id(store::Transaction& tx) const;
  std::optional<std::string> remembered_mesh_id() const;

  // A page of the subscriptions `filter` selects whose status is in `statuses`, in a read
  // transaction of its own (internal::subscription_page).
  absl::StatusOr<SubscriptionPage> subscription_page(
      const PageRequest& request, const store::SubscriptionFilter& filter,
      const std::set<SubscriptionStatus>& statuses) const;

  struct MeshIdMemo {
    std::mutex mutex;
    std::optional<std::string> id;  // guarded by mutex
  };
  std::shared_ptr<MeshIdMemo> mesh_id_memo_ = std::make_shared<MeshIdMemo>();
};

}  // namespace datamesh::core
