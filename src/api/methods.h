// Every API method, declared once: group (persona), name, one-line doc, request type, answer type
// and the engine call that runs it.
//
// Everything else is derived: the route table (api/routes.h) with its JSON reading and writing
// from the request type's field list (api/request_fields.h), hence the HTTP routes, the CLI's
// commands, options and help and the OpenAPI document; the client classes call a declaration
// with a typed request (api/client.h), which the embedded backend runs on the engine without
// JSON and the remote backend sends as the route's JSON. Adding a method: a request type with
// its field list if no existing one fits, a declaration here, its entry in kMethods, the engine
// rule. Names are the documents' method names; front ends show them with dashes.
#pragma once

#include <string_view>
#include <tuple>

#include "absl/status/statusor.h"
#include "api/answer_json.h"
#include "base/status_macros.h"
#include "core/engine.h"
#include "core/progress.h"
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

template <class Req, class Ans>
struct Method {
  using Request = Req;
  using Answer = Ans;
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

inline absl::StatusOr<None> done(absl::Status status) {
  DATAMESH_RETURN_IF_ERROR(status);
  return None{};
}

// ---- admin --------------------------------------------------------------------------------------
inline constexpr Method<InitializeMeshAccountRequest, AccountCredentials> kInitializeMeshAccount{
    kWrites, "admin", "initialize_mesh_account",
    "Create the mesh account and its admin key (once, on an empty mesh); prints the credentials "
    "once",
    [](const Engine& e, const C& c, const InitializeMeshAccountRequest& r) {
      return e.initialize_mesh_account(c.data_mesh_account_id, r);
    },
    {}, /*authenticated=*/false};
inline constexpr Method<CreateAccountRequest, AccountCredentials> kCreateAccount{
    kWrites, "admin", "create_account", "Create an account with a first access key",
    [](const Engine& e, const C& c, const CreateAccountRequest& r) {
      return e.create_account(*c.caller, r);
    }};
inline constexpr Method<EmptyRequest, AccountRole> kInitializeProducerAccount{
    kWrites, "admin", "initialize_producer_account", "The calling account opts in as a producer",
    [](const Engine& e, const C& c, const EmptyRequest&) {
      return e.initialize_account_as(*c.caller, Persona::kProducer);
    }};
inline constexpr Method<EmptyRequest, AccountRole> kInitializeConsumerAccount{
    kWrites, "admin", "initialize_consumer_account", "The calling account opts in as a consumer",
    [](const Engine& e, const C& c, const EmptyRequest&) {
      return e.initialize_account_as(*c.caller, Persona::kConsumer);
    }};
inline constexpr Method<EmptyRequest, CallerIdentity> kGetCallerIdentity{
    kReads, "admin", "get_caller_identity",
    "Who the calling access key is: its account and roles, the mesh and region (any account)",
    [](const Engine& e, const C& c, const EmptyRequest&) {
      return e.get_caller_identity(*c.caller);
    }};
inline constexpr Method<AccountIdRequest, None> kEnableAccountAsProducer{
    kWrites, "admin", "enable_account_as_producer", "Let an account act as a producer",
    [](const Engine& e, const C& c, const AccountIdRequest& r) {
      return done(e.enable_account_as(*c.caller, Persona::kProducer, r));
    }};
inline constexpr Method<AccountIdRequest, None> kEnableAccountAsConsumer{
    kWrites, "admin", "enable_account_as_consumer", "Let an account act as a consumer",
    [](const Engine& e, const C& c, const AccountIdRequest& r) {
      return done(e.enable_account_as(*c.caller, Persona::kConsumer, r));
    }};
inline constexpr Method<EmptyRequest, std::vector<Account>> kListAccounts{
    kReads, "admin", "list_accounts", "List every account of the mesh",
    [](const Engine& e, const C& c, const EmptyRequest&) { return e.list_accounts(*c.caller); }};
inline constexpr Method<AccountIdRequest, Account> kDescribeAccount{
    kReads, "admin", "describe_account", "Show one account",
    [](const Engine& e, const C& c, const AccountIdRequest& r) {
      return e.describe_account(*c.caller, r);
    }};
inline constexpr Method<AccountIdRequest, AccountCredentials> kCreateAccessKey{
    kWrites, "admin", "create_access_key", "Create another access key for an account",
    [](const Engine& e, const C& c, const AccountIdRequest& r) {
      return e.create_access_key(*c.caller, r);
    }};
inline constexpr Method<AccessKeyRequest, AccountCredentials> kRotateAccessKey{
    kWrites, "admin", "rotate_access_key",
    "Replace an access key: a new key is created and the old one revoked",
    [](const Engine& e, const C& c, const AccessKeyRequest& r) {
      return e.rotate_access_key(*c.caller, r);
    }};
inline constexpr Method<AccessKeyRequest, None> kRevokeAccessKey{
    kWrites, "admin", "revoke_access_key", "Revoke an access key",
    [](const Engine& e, const C& c, const AccessKeyRequest& r) {
      return done(e.revoke_access_key(*c.caller, r));
    }};
inline constexpr Method<AccountIdRequest, std::vector<AccessKey>> kListAccessKeys{
    kReads, "admin", "list_access_keys", "List the access keys of an account",
    [](const Engine& e, const C& c, const AccountIdRequest& r) {
      return e.list_access_keys(*c.caller, r);
    }};
inline constexpr Method<ListAuditEventsRequest, AuditPage> kListAuditEvents{
    kReads, "admin", "list_audit_events", "The audit log, oldest first",
    [](const Engine& e, const C& c, const ListAuditEventsRequest& r) {
      return e.list_audit_events(*c.caller, r);
    }};
inline constexpr Method<EmptyRequest, AuditVerification> kVerifyAudit{
    kReads, "admin", "verify_audit",
    "Check the audit log's hash chain: every event unedited, none removed or reordered",
    [](const Engine& e, const C& c, const EmptyRequest&) { return e.verify_audit(*c.caller); },
    {}, true, "Intact"};
inline constexpr Method<ReconcileRequest, ReconcileReport> kReconcile{
    kWrites, "admin", "reconcile",
    "Find drift between the Active subscriptions and the grants held on mesh databases (grants "
    "added or removed by hand); with apply, repair it",
    [](const Engine& e, const C& c, const ReconcileRequest& r) {
      return e.reconcile(*c.caller, r);
    },
    {}, true, "Consistent"};

// ---- catalog ------------------------------------------------------------------------------------
inline constexpr Method<CreateDatabaseRequest, None> kCreateDatabase{
    kWrites, "catalog", "create_database", "Create a database in the caller's catalog",
    [](const Engine& e, const C& c, const CreateDatabaseRequest& r) {
      return done(e.create_database(*c.caller, r));
    }};
inline constexpr Method<DatabaseNameRequest, Database> kGetDatabase{
    kReads, "catalog", "get_database", "Show a database of the caller's catalog",
    [](const Engine& e, const C& c, const DatabaseNameRequest& r) {
      return e.get_database(*c.caller, r);
    },
    {Wrap::kUnderKey, "Database"}};
inline constexpr Method<PagedRequest, DatabasePage> kGetDatabases{
    kReads, "catalog", "get_databases", "List the databases of the caller's catalog",
    [](const Engine& e, const C& c, const PagedRequest& r) {
      return e.get_databases(*c.caller, r);
    }};
inline constexpr Method<DatabaseNameRequest, None> kDeleteDatabase{
    kWrites, "catalog", "delete_database", "Delete a database and its tables",
    [](const Engine& e, const C& c, const DatabaseNameRequest& r) {
      return done(e.delete_database(*c.caller, r));
    }};
inline constexpr Method<TableInputRequest, None> kCreateTable{
    kWrites, "catalog", "create_table", "Create a table (Glue TableInput)",
    [](const Engine& e, const C& c, const TableInputRequest& r) {
      return done(e.create_table(*c.caller, r));
    }};
inline constexpr Method<TableInputRequest, None> kUpdateTable{
    kWrites, "catalog", "update_table", "Replace the definition of a table (Glue TableInput)",
    [](const Engine& e, const C& c, const TableInputRequest& r) {
      return done(e.update_table(*c.caller, r));
    }};
inline constexpr Method<TableNameRequest, Table> kGetTable{
    kReads, "catalog", "get_table", "Show a table (Glue GetTable shape)",
    [](const Engine& e, const C& c, const TableNameRequest& r) {
      return e.get_table(*c.caller, r);
    },
    {Wrap::kUnderKey, "Table"}};
inline constexpr Method<GetTablesRequest, TablePage> kGetTables{
    kReads, "catalog", "get_tables", "List tables (Glue GetTables shape)",
    [](const Engine& e, const C& c, const GetTablesRequest& r) {
      return e.get_tables(*c.caller, r);
    }};
inline constexpr Method<TableNameRequest, None> kDeleteTable{
    kWrites, "catalog", "delete_table", "Delete a table",
    [](const Engine& e, const C& c, const TableNameRequest& r) {
      return done(e.delete_table(*c.caller, r));
    }};
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
    [](const Engine& e, const C& c, const CreateDataProductsRequest& r) {
      return e.create_data_products(*c.caller, r);
    }};
inline constexpr Method<PagedRequest, SubscriptionPage> kListPendingAccessRequests{
    kReads, "producer", "list_pending_access_requests",
    "Pending requests for the caller's data products, oldest first",
    [](const Engine& e, const C& c, const PagedRequest& r) {
      return e.list_pending_access_requests(*c.caller, r);
    }};
inline constexpr Method<ListSubscriptionsRequest, SubscriptionPage> kListSubscriptions{
    kReads, "producer", "list_subscriptions",
    "Subscriptions to the caller's data products, by status, product and consumer, oldest first",
    [](const Engine& e, const C& c, const ListSubscriptionsRequest& r) {
      return e.list_subscriptions(*c.caller, r);
    }};
inline constexpr Method<ApproveAccessRequestRequest, None> kApproveAccessRequest{
    kWrites, "producer", "approve_access_request",
    "Approve a request, as asked or narrower, with grantable rights",
    [](const Engine& e, const C& c, const ApproveAccessRequestRequest& r) {
      return done(e.approve_access_request(*c.caller, r));
    }};
inline constexpr Method<DenyAccessRequestRequest, None> kDenyAccessRequest{
    kWrites, "producer", "deny_access_request", "Deny a pending request",
    [](const Engine& e, const C& c, const DenyAccessRequestRequest& r) {
      return done(e.deny_access_request(*c.caller, r));
    }};
inline constexpr Method<UpdateSubscriptionPermissionsRequest, None>
    kUpdateSubscriptionPermissions{
        kWrites, "producer", "update_subscription_permissions",
        "Change the permissions of an Active subscription",
        [](const Engine& e, const C& c, const UpdateSubscriptionPermissionsRequest& r) {
          return done(e.update_subscription_permissions(*c.caller, r));
        }};
inline constexpr Method<GetDataProductRequest, std::vector<DataProductTable>> kGetDataProduct{
    kReads, "producer", "get_data_product", "Tables of one of the caller's data products",
    [](const Engine& e, const C& c, const GetDataProductRequest& r) {
      return e.get_data_product(*c.caller, r);
    }};

// ---- both sides of a subscription: one declaration per persona ---------------------------------
template <Persona P>
struct SubscriptionMethods {
  static constexpr std::string_view kGroup = P == Persona::kProducer ? "producer" : "consumer";
  static constexpr Method<GetSubscriptionRequest, Subscription> kGetSubscription{
      kReads, kGroup, "get_subscription", "Show a subscription",
      [](const Engine& e, const C& c, const GetSubscriptionRequest& r) {
        return e.get_subscription(*c.caller, P, r);
      },
      {Wrap::kListOfOneUnderKey, "Subscriptions"}};
  static constexpr Method<DeleteSubscriptionRequest, None> kDeleteSubscription{
      kWrites, kGroup, "delete_subscription",
      P == Persona::kProducer ? "Tear down a subscription: grants revoked, record kept"
                              : "Leave (Active) or withdraw (Pending) a subscription",
      [](const Engine& e, const C& c, const DeleteSubscriptionRequest& r) {
        return done(e.delete_subscription(*c.caller, P, r));
      }};
  static constexpr Method<SubscriptionIdRequest, std::vector<EffectiveGrant>>
      kGetSubscriptionGrants{
          kReads, kGroup, "get_subscription_grants", "Effective grants of a subscription",
          [](const Engine& e, const C& c, const SubscriptionIdRequest& r) {
            return e.get_subscription_grants(*c.caller, P, r);
          },
          {Wrap::kUnderKey, "Grants"}};
  static constexpr Method<GetSubscriptionHistoryRequest, AuditPage> kGetSubscriptionHistory{
      kReads, kGroup, "get_subscription_history", "Audit events of a subscription",
      [](const Engine& e, const C& c, const GetSubscriptionHistoryRequest& r) {
        return e.get_subscription_history(*c.caller, P, r);
      }};
};
using ProducerSide = SubscriptionMethods<Persona::kProducer>;
using ConsumerSide = SubscriptionMethods<Persona::kConsumer>;

// ---- consumer -----------------------------------------------------------------------------------
inline constexpr Method<RequestAccessToProductRequest, AccessRequest> kRequestAccessToProduct{
    kWrites, "consumer", "request_access_to_product",
    "Request permissions on a data product (whole database, tables or patterns)",
    [](const Engine& e, const C& c, const RequestAccessToProductRequest& r) {
      return e.request_access_to_product(*c.caller, r);
    }};
inline constexpr Method<SubscriptionIdRequest, None> kFinalizeSubscription{
    kWrites, "consumer", "finalize_subscription",
    "Import an Active subscription: accept its shares, create the links",
    [](const Engine& e, const C& c, const SubscriptionIdRequest& r) {
      return done(e.finalize_subscription(*c.caller, r));
    }};
inline constexpr Method<GetTableInfoRequest, Table> kGetTableInfo{
    kReads, "consumer", "get_table_info", "Glue GetTable through the consumer's links",
    [](const Engine& e, const C& c, const GetTableInfoRequest& r) {
      return e.get_table_info(*c.caller, r);
    },
    {Wrap::kUnderKey, "Table"}};
inline constexpr Method<PagedRequest, SubscriptionPage> kListProductAccess{
    kReads, "consumer", "list_product_access",
    "The caller's subscriptions that are not Deleted, oldest first",
    [](const Engine& e, const C& c, const PagedRequest& r) {
      return e.list_product_access(*c.caller, r);
    }};
inline constexpr Method<ListDataProductsRequest, PublishedProductPage> kListDataProducts{
    kReads, "consumer", "list_data_products",
    "Browse the published data products one may request, by database name",
    [](const Engine& e, const C& c, const ListDataProductsRequest& r) {
      return e.list_data_products(*c.caller, r);
    }};
inline constexpr Method<CheckPermissionRequest, PermissionCheck> kCheckPermission{
    kReads, "consumer", "check_permission",
    "May the caller use a permission on a mesh table, and why",
    [](const Engine& e, const C& c, const CheckPermissionRequest& r) {
      return e.check_permission(*c.caller, r);
    }};

// Every declaration, in the order front ends list them.
inline constexpr auto kMethods = std::tie(
    kInitializeMeshAccount, kCreateAccount, kInitializeProducerAccount,
    kInitializeConsumerAccount, kGetCallerIdentity, kEnableAccountAsProducer,
    kEnableAccountAsConsumer, kListAccounts,
    kDescribeAccount, kCreateAccessKey, kRotateAccessKey, kRevokeAccessKey, kListAccessKeys,
    kListAuditEvents, kVerifyAudit, kReconcile,
    kCreateDatabase, kGetDatabase, kGetDatabases, kDeleteDatabase, kCreateTable, kUpdateTable,
    kGetTable, kGetTables, kDeleteTable, kImportTables,
    kCreateDataProducts, kListPendingAccessRequests, kListSubscriptions, kApproveAccessRequest,
    kDenyAccessRequest, kUpdateSubscriptionPermissions, kGetDataProduct,
    ProducerSide::kGetSubscription, ProducerSide::kDeleteSubscription,
    ProducerSide::kGetSubscriptionGrants, ProducerSide::kGetSubscriptionHistory,
    ConsumerSide::kGetSubscription, ConsumerSide::kDeleteSubscription,
    ConsumerSide::kGetSubscriptionGrants, ConsumerSide::kGetSubscriptionHistory,
    kRequestAccessToProduct, kFinalizeSubscription, kGetTableInfo, kListProductAccess,
    kCheckPermission, kListDataProducts);

}  // namespace methods
}  // namespace datamesh::api
