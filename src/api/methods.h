// Every API method, declared once: group (persona), name, one-line doc, request type, answer type
// and the engine call that runs it.
//
// Everything else is derived: the route table (api/routes.h) with its JSON reading and writing
// from the request type's field list (api/request_fields.h), hence the HTTP routes, the CLI's
// commands, options and help and the OpenAPI document; the client classes have a member
// function for every declaration, taking its request type, generated at build time
// (client/client_methods_main.cc), which calls it (client/client.h): the embedded backend runs
// it on the engine without JSON, the remote backend sends it as the route's JSON. Adding a
// method: a request type with its field list if no existing one fits, a declaration here, its
// entry in kMethods, the engine rule. Names are the documents' method names; front ends show
// them with dashes. A method whose list answer can be too large to hold (get_data_product) also
// declares the engine call that streams it (Method::stream), and every front end then streams
// it too.
#pragma once

#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "api/answer_json.h"
#include "base/status_macros.h"
#include "core/engine.h"
#include "core/progress.h"
#include "datamesh/each.h"
#include "datamesh/requests.h"

namespace datamesh::api {

// What a call carries besides its request: who makes it, and for which mesh.
struct CallContext {
  const core::Caller* caller = nullptr;  // null only for unauthenticated methods
  std::string_view data_mesh_account_id;
};

// Whether a method changes the mesh. Every authenticated write takes a client_token (AWS's
// ClientToken, core/client_token.h) that makes it act once; reads take none.
enum class Effect { kRead, kWrite };

// The entry type of a list answer, which a method may stream (Method::stream); a method whose
// answer is not a list never streams.
template <class Ans>
struct EntryOf {
  using type = Ans;
};
template <class T>
struct EntryOf<std::vector<T>> {
  using type = T;
};

template <class Req, class Ans>
struct Method {
  using Request = Req;
  using Answer = Ans;
  using Entry = typename EntryOf<Ans>::type;
  Effect effect;
  std::string_view group;  // admin, catalog, producer or consumer
  std::string_view name;   // snake_case, e.g. approve_access_request
  std::string_view summary;
  absl::StatusOr<Ans> (*run)(const core::Engine&, const CallContext&, const Req&);
  Wrap wrap = {};  // how the JSON form wraps the answer
  bool authenticated = true;
  // For a check whose answer is a verdict: the boolean field of the answer that says it passed.
  // The CLI prints the answer and exits with kExitCheckFailed when that field is false.
  std::string_view verdict_field = {};
  // For a list that can be too large to hold whole (get_data_product over 200,000 tables): the
  // engine call that hands the entries to a callback as it reads them (datamesh/each.h), null
  // for every other method. `run` is then `collects<member>`, the list built from it, and the
  // front ends stream the answer: the client classes' callback forms, the HTTP server's body
  // (sent as it is produced), the CLI's output (printed as it comes).
  absl::Status (*stream)(const core::Engine&, const CallContext&, const Req&,
                         const Each<Entry>&) = nullptr;
};

// Whether calls of `method` take a client_token: authenticated writes. The unauthenticated
// initialize_mesh_account does not: a token could not be scoped to an account, and its answer
// holds the mesh admin's secret; a second call is refused anyway (the mesh exists).
template <class Req, class Ans>
constexpr bool takes_client_token(const Method<Req, Ans>& method) {
  return method.effect == Effect::kWrite && method.authenticated;
}

namespace methods {

using core::Engine;
using core::Persona;
using C = CallContext;
inline constexpr Effect kReads = Effect::kRead;
inline constexpr Effect kWrites = Effect::kWrite;

// The engine call behind a declaration whose engine member has the regular signature:
// (caller, request), (caller, persona, request), or (caller[, persona]) for a method that takes
// EmptyRequest. `call<&Engine::create_account>` runs e.create_account(*c.caller, r);
// `call<&Engine::get_subscription, P>` passes the persona P before the request. A member that
// answers a bare Status answers None. Irregular calls keep a lambda of their own.
template <class Member>
struct EngineMember;
template <class Result, class Req>
struct EngineMember<Result (Engine::*)(const core::Caller&, const Req&) const> {
  using Request = Req;
  using Outcome = Result;
};
template <class Result, class Req>
struct EngineMember<Result (Engine::*)(const core::Caller&, Persona, const Req&) const> {
  using Request = Req;
  using Outcome = Result;
};
template <class Result>
struct EngineMember<Result (Engine::*)(const core::Caller&) const> {
  using Request = EmptyRequest;
  using Outcome = Result;
};
template <class Result>
struct EngineMember<Result (Engine::*)(const core::Caller&, Persona) const> {
  using Request = EmptyRequest;
  using Outcome = Result;
};

template <class Outcome>
struct AnswerOf {
  using type = typename Outcome::value_type;  // absl::StatusOr<T>
};
template <>
struct AnswerOf<absl::Status> {
  using type = None;
};

template <auto member, auto... fixed>
absl::StatusOr<typename AnswerOf<typename EngineMember<decltype(member)>::Outcome>::type> call(
    const Engine& e, const C& c, const typename EngineMember<decltype(member)>::Request& r) {
  auto outcome = [&] {
    if constexpr (std::is_same_v<typename EngineMember<decltype(member)>::Request,
                                 EmptyRequest>) {
      return (e.*member)(*c.caller, fixed...);
    } else {
      return (e.*member)(*c.caller, fixed..., r);
    }
  }();
  if constexpr (std::is_same_v<decltype(outcome), absl::Status>) {
    DATAMESH_RETURN_IF_ERROR(outcome);
    return None{};
  } else {
    return outcome;
  }
}

// The engine call of a streamed declaration, (caller, request, each): `streams<&Engine::x>`
// hands the entries on, `collects<&Engine::x>` answers them as one list. The engine gives no
// entry twice, even when the store runs its transaction again, so the list is the answer.
template <class Member>
struct StreamMember;
template <class Req, class T>
struct StreamMember<absl::Status (Engine::*)(const core::Caller&, const Req&, const Each<T>&)
                        const> {
  using Request = Req;
  using Entry = T;
};

template <auto member>
absl::Status streams(const Engine& e, const C& c,
                     const typename StreamMember<decltype(member)>::Request& r,
                     const Each<typename StreamMember<decltype(member)>::Entry>& each) {
  return (e.*member)(*c.caller, r, each);
}

template <auto member>
absl::StatusOr<std::vector<typename StreamMember<decltype(member)>::Entry>> collects(
    const Engine& e, const C& c, const typename StreamMember<decltype(member)>::Request& r) {
  using Entry = typename StreamMember<decltype(member)>::Entry;
  std::vector<Entry> entries;
  DATAMESH_RETURN_IF_ERROR((e.*member)(*c.caller, r, [&entries](const Entry& entry) {
    entries.push_back(entry);
    return absl::OkStatus();
  }));
  return entries;
}

// ---- admin --------------------------------------------------------------------------------------
inline constexpr Method<InitializeMeshAccountRequest, AccountCredentials> kInitializeMeshAccount{
    kWrites, "admin", "initialize_mesh_account",
    "Create the mesh account and its admin key (once, on an empty mesh); the secret is shown "
    "this once",
    [](const Engine& e, const C& c, const InitializeMeshAccountRequest& r) {
      return e.initialize_mesh_account(c.data_mesh_account_id, r);
    },
    {}, /*authenticated=*/false};
inline constexpr Method<CreateAccountRequest, AccountCredentials> kCreateAccount{
    kWrites, "admin", "create_account", "Create an account with a first access key",
    call<&Engine::create_account>};
inline constexpr Method<EmptyRequest, AccountRole> kInitializeProducerAccount{
    kWrites, "admin", "initialize_producer_account", "The calling account opts in as a producer",
    call<&Engine::initialize_account_as, Persona::kProducer>};
inline constexpr Method<EmptyRequest, AccountRole> kInitializeConsumerAccount{
    kWrites, "admin", "initialize_consumer_account", "The calling account opts in as a consumer",
    call<&Engine::initialize_account_as, Persona::kConsumer>};
inline constexpr Method<EmptyRequest, CallerIdentity> kGetCallerIdentity{
    kReads, "admin", "get_caller_identity",
    "Who the calling access key is: its account and roles, the mesh and region (any account)",
    call<&Engine::get_caller_identity>};
inline constexpr Method<EmptyRequest, TrackerEndpoints> kGetEndpoints{
    kReads, "admin", "get_endpoints",
    "The tracker table and its stream, to follow subscription changes (AWS mode; any account)",
    call<&Engine::get_endpoints>};
inline constexpr Method<AccountIdRequest, None> kEnableAccountAsProducer{
    kWrites, "admin", "enable_account_as_producer", "Let an account act as a producer",
    call<&Engine::enable_account_as, Persona::kProducer>};
inline constexpr Method<AccountIdRequest, None> kEnableAccountAsConsumer{
    kWrites, "admin", "enable_account_as_consumer", "Let an account act as a consumer",
    call<&Engine::enable_account_as, Persona::kConsumer>};
inline constexpr Method<EmptyRequest, std::vector<Account>> kListAccounts{
    kReads, "admin", "list_accounts", "List every account of the mesh",
    call<&Engine::list_accounts>};
inline constexpr Method<AccountIdRequest, Account> kDescribeAccount{
    kReads, "admin", "describe_account", "Show one account",
    call<&Engine::describe_account>};
inline constexpr Method<AccountIdRequest, AccountCredentials> kCreateAccessKey{
    kWrites, "admin", "create_access_key", "Create another access key for an account",
    call<&Engine::create_access_key>};
inline constexpr Method<AccessKeyRequest, AccountCredentials> kRotateAccessKey{
    kWrites, "admin", "rotate_access_key",
    "Replace an access key: a new key is created and the old one revoked",
    call<&Engine::rotate_access_key>};
inline constexpr Method<AccessKeyRequest, None> kRevokeAccessKey{
    kWrites, "admin", "revoke_access_key", "Revoke an access key",
    call<&Engine::revoke_access_key>};
inline constexpr Method<AccountIdRequest, std::vector<AccessKey>> kListAccessKeys{
    kReads, "admin", "list_access_keys", "List the access keys of an account",
    call<&Engine::list_access_keys>};
inline constexpr Method<ListMeshSubscriptionsRequest, SubscriptionPage> kListMeshSubscriptions{
    kReads, "admin", "list_subscriptions",
    "Every subscription of the mesh, by status, product, producer and consumer, oldest first",
    call<&Engine::list_mesh_subscriptions>};
inline constexpr Method<GetSubscriptionRequest, Subscription> kGetMeshSubscription{
    kReads, "admin", "get_subscription", "Show any subscription of the mesh, Deleted ones too",
    call<&Engine::get_mesh_subscription>,
    {Wrap::kListOfOneUnderKey, "Subscriptions"}};
inline constexpr Method<ListAuditEventsRequest, AuditPage> kListAuditEvents{
    kReads, "admin", "list_audit_events", "The audit log, oldest first",
    call<&Engine::list_audit_events>};
inline constexpr Method<VerifyAuditRequest, AuditVerification> kVerifyAudit{
    kReads, "admin", "verify_audit",
    "Check the audit log's hash chain: every event unedited, none removed or reordered, and a "
    "head recorded earlier still in it",
    call<&Engine::verify_audit>,
    {}, true, "Intact"};
inline constexpr Method<ReconcileRequest, ReconcileReport> kReconcile{
    kWrites, "admin", "reconcile",
    "Find drift between the Active subscriptions and the grants held on mesh databases (grants "
    "added or removed by hand); with apply, repair it",
    call<&Engine::reconcile>,
    {}, true, "Consistent"};

// ---- catalog ------------------------------------------------------------------------------------
inline constexpr Method<CreateDatabaseRequest, None> kCreateDatabase{
    kWrites, "catalog", "create_database", "Create a database in the caller's catalog",
    call<&Engine::create_database>};
inline constexpr Method<DatabaseNameRequest, Database> kGetDatabase{
    kReads, "catalog", "get_database", "Show a database of the caller's catalog",
    call<&Engine::get_database>,
    {Wrap::kUnderKey, "Database"}};
inline constexpr Method<PagedRequest, DatabasePage> kGetDatabases{
    kReads, "catalog", "get_databases", "List the databases of the caller's catalog",
    call<&Engine::get_databases>};
inline constexpr Method<DatabaseNameRequest, None> kDeleteDatabase{
    kWrites, "catalog", "delete_database", "Delete a database and its tables",
    call<&Engine::delete_database>};
inline constexpr Method<TableInputRequest, None> kCreateTable{
    kWrites, "catalog", "create_table", "Create a table (Glue TableInput)",
    call<&Engine::create_table>};
inline constexpr Method<TableInputRequest, None> kUpdateTable{
    kWrites, "catalog", "update_table", "Replace the definition of a table (Glue TableInput)",
    call<&Engine::update_table>};
inline constexpr Method<TableNameRequest, Table> kGetTable{
    kReads, "catalog", "get_table", "Show a table (Glue GetTable shape)",
    call<&Engine::get_table>,
    {Wrap::kUnderKey, "Table"}};
inline constexpr Method<GetTablesRequest, TablePage> kGetTables{
    kReads, "catalog", "get_tables", "List tables (Glue GetTables shape)",
    call<&Engine::get_tables>};
inline constexpr Method<TableNameRequest, None> kDeleteTable{
    kWrites, "catalog", "delete_table", "Delete a table",
    call<&Engine::delete_table>};
inline constexpr Method<ImportTablesRequest, ImportedTables> kImportTables{
    kWrites, "catalog", "import_tables",
    "Import the JSON that `aws glue get-tables` prints; existing tables are replaced",
    [](const Engine& e, const C& c,
       const ImportTablesRequest& r) -> absl::StatusOr<ImportedTables> {
      DATAMESH_ASSIGN_OR_RETURN(std::vector<TableInput> tables,
                                import_table_list(r.get_tables_json));
      DATAMESH_ASSIGN_OR_RETURN(std::vector<std::string> names,
                                e.import_tables(*c.caller, r.database_name, tables));
      return ImportedTables{.database_name = r.database_name, .tables = std::move(names)};
    }};

// ---- producer -----------------------------------------------------------------------------------
inline constexpr Method<CreateDataProductsRequest, DataProduct> kCreateDataProducts{
    kWrites, "producer", "create_data_products",
    "Publish tables of a source database as a data product in the mesh",
    call<&Engine::create_data_products>};
inline constexpr Method<PagedRequest, SubscriptionPage> kListPendingAccessRequests{
    kReads, "producer", "list_pending_access_requests",
    "Pending requests for the caller's data products, oldest first",
    call<&Engine::list_pending_access_requests>};
inline constexpr Method<ListSubscriptionsRequest, SubscriptionPage> kListSubscriptions{
    kReads, "producer", "list_subscriptions",
    "Subscriptions to the caller's data products, by status, product and consumer, oldest first",
    call<&Engine::list_subscriptions>};
inline constexpr Method<ApproveAccessRequestRequest, None> kApproveAccessRequest{
    kWrites, "producer", "approve_access_request",
    "Approve a request, as asked or narrower, with grantable rights",
    call<&Engine::approve_access_request>};
inline constexpr Method<DenyAccessRequestRequest, None> kDenyAccessRequest{
    kWrites, "producer", "deny_access_request", "Deny a pending request",
    call<&Engine::deny_access_request>};
inline constexpr Method<UpdateSubscriptionPermissionsRequest, None>
    kUpdateSubscriptionPermissions{
        kWrites, "producer", "update_subscription_permissions",
        "Change the permissions of an Active subscription",
        call<&Engine::update_subscription_permissions>};
inline constexpr Method<GetDataProductRequest, std::vector<DataProductTable>> kGetDataProduct{
    kReads, "producer", "get_data_product", "Tables of one of the caller's data products",
    collects<&Engine::get_data_product>, {}, /*authenticated=*/true, {},
    /*stream=*/streams<&Engine::get_data_product>};

// ---- both sides of a subscription: one declaration per persona ---------------------------------
template <Persona P>
struct SubscriptionMethods {
  static constexpr std::string_view kGroup = P == Persona::kProducer ? "producer" : "consumer";
  static constexpr Method<GetSubscriptionRequest, Subscription> kGetSubscription{
      kReads, kGroup, "get_subscription", "Show a subscription",
      call<&Engine::get_subscription, P>,
      {Wrap::kListOfOneUnderKey, "Subscriptions"}};
  static constexpr Method<DeleteSubscriptionRequest, None> kDeleteSubscription{
      kWrites, kGroup, "delete_subscription",
      P == Persona::kProducer ? "Tear down a subscription: grants revoked, record kept"
                              : "Leave (Active) or withdraw (Pending) a subscription",
      call<&Engine::delete_subscription, P>};
  static constexpr Method<SubscriptionIdRequest, std::vector<EffectiveGrant>>
      kGetSubscriptionGrants{
          kReads, kGroup, "get_subscription_grants", "Effective grants of a subscription",
          call<&Engine::get_subscription_grants, P>,
          {Wrap::kUnderKey, "Grants"}};
  static constexpr Method<GetSubscriptionHistoryRequest, AuditPage> kGetSubscriptionHistory{
      kReads, kGroup, "get_subscription_history", "Audit events of a subscription",
      call<&Engine::get_subscription_history, P>};
};
using ProducerSide = SubscriptionMethods<Persona::kProducer>;
using ConsumerSide = SubscriptionMethods<Persona::kConsumer>;

// ---- consumer -----------------------------------------------------------------------------------
inline constexpr Method<RequestAccessToProductRequest, AccessRequest> kRequestAccessToProduct{
    kWrites, "consumer", "request_access_to_product",
    "Request permissions on a data product (whole database, tables or patterns)",
    call<&Engine::request_access_to_product>};
inline constexpr Method<SubscriptionIdRequest, None> kFinalizeSubscription{
    kWrites, "consumer", "finalize_subscription",
    "Import an Active subscription: accept its shares, create the links",
    call<&Engine::finalize_subscription>};
inline constexpr Method<GetTableInfoRequest, Table> kGetTableInfo{
    kReads, "consumer", "get_table_info", "Glue GetTable through the consumer's links",
    call<&Engine::get_table_info>,
    {Wrap::kUnderKey, "Table"}};
inline constexpr Method<ListProductAccessRequest, SubscriptionPage> kListProductAccess{
    kReads, "consumer", "list_product_access",
    "The caller's subscriptions, by status (default: all but Deleted), oldest first",
    call<&Engine::list_product_access>};
inline constexpr Method<ListDataProductsRequest, PublishedProductPage> kListDataProducts{
    kReads, "consumer", "list_data_products",
    "Browse the published data products one may request, by database name",
    call<&Engine::list_data_products>};
inline constexpr Method<PublishedTableRequest, Table> kGetPublishedTable{
    kReads, "consumer", "get_published_table",
    "A published table's definition (columns, partitions) where its product publishes public "
    "metadata",
    call<&Engine::get_published_table>,
    {Wrap::kUnderKey, "Table"}};
inline constexpr Method<CheckPermissionRequest, PermissionCheck> kCheckPermission{
    kReads, "consumer", "check_permission",
    "May the caller use a permission on a mesh table, and why",
    call<&Engine::check_permission>};

// Every declaration, in the order front ends list them.
inline constexpr auto kMethods = std::tie(
    kInitializeMeshAccount, kCreateAccount, kInitializeProducerAccount,
    kInitializeConsumerAccount, kGetCallerIdentity, kGetEndpoints, kEnableAccountAsProducer,
    kEnableAccountAsConsumer, kListAccounts,
    kDescribeAccount, kCreateAccessKey, kRotateAccessKey, kRevokeAccessKey, kListAccessKeys,
    kListMeshSubscriptions, kGetMeshSubscription, kListAuditEvents, kVerifyAudit, kReconcile,
    kCreateDatabase, kGetDatabase, kGetDatabases, kDeleteDatabase, kCreateTable, kUpdateTable,
    kGetTable, kGetTables, kDeleteTable, kImportTables,
    kCreateDataProducts, kListPendingAccessRequests, kListSubscriptions, kApproveAccessRequest,
    kDenyAccessRequest, kUpdateSubscriptionPermissions, kGetDataProduct,
    ProducerSide::kGetSubscription, ProducerSide::kDeleteSubscription,
    ProducerSide::kGetSubscriptionGrants, ProducerSide::kGetSubscriptionHistory,
    ConsumerSide::kGetSubscription, ConsumerSide::kDeleteSubscription,
    ConsumerSide::kGetSubscriptionGrants, ConsumerSide::kGetSubscriptionHistory,
    kRequestAccessToProduct, kFinalizeSubscription, kGetTableInfo, kListProductAccess,
    kCheckPermission, kListDataProducts, kGetPublishedTable);

}  // namespace methods
}  // namespace datamesh::api
