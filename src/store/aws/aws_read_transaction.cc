#include "store/aws/aws_read_transaction.h"

#include <limits>

#include "aws/mesh_names.h"
#include "core/names.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/client_token_items.h"
#include "store/aws/mesh_tables.h"

namespace datamesh::store::aws {

namespace {

absl::Status not_here(std::string_view method) {
  return absl::InternalError(
      base::cat(method, " on an AWS read transaction: writes go through the commit (a write "
                        "transaction's body runs on a BufferedTransaction)"));
}

}  // namespace

absl::StatusOr<Account> AwsReadTransaction::own_account(std::string_view account_id) {
  DATAMESH_ASSIGN_OR_RETURN(const datamesh::aws::AwsClient* iam,
                            parts_.sessions.client(account_id));
  const auto has_role = [&](std::string_view role) -> absl::StatusOr<bool> {
    const absl::StatusOr<nlohmann::json> got =
        iam->call(datamesh::aws::Service::kIam, "GetRole", {{"RoleName", role}});
    if (absl::IsNotFound(got.status())) return false;
    DATAMESH_RETURN_IF_ERROR(got.status());
    return true;
  };
  Account account{.account_id = std::string(account_id), .name = std::string(account_id)};
  DATAMESH_ASSIGN_OR_RETURN(account.producer_initialized,
                            has_role(datamesh::aws::names::kProducerRole));
  DATAMESH_ASSIGN_OR_RETURN(account.consumer_initialized,
                            has_role(datamesh::aws::names::kConsumerRole));
  return account;
}

absl::StatusOr<std::optional<Account>> AwsReadTransaction::get_account(
    std::string_view account_id) {
  return once(accounts_, std::string(account_id), [&] { return read_account(account_id); });
}
absl::StatusOr<std::optional<Account>> AwsReadTransaction::read_account(
    std::string_view account_id) {
  if (!reaches_mesh()) {
    DATAMESH_ASSIGN_OR_RETURN(Account own, own_account(account_id));
    return std::optional<Account>(std::move(own));
  }
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Account> account,
                            parts_.accounts.get_account(account_id));
  // Accounts are AWS's: every account id names one, which the mesh has enabled for nothing
  // until its registry row says otherwise (docs/DECISIONS.md), as the original's
  // enable_account_as_producer takes any account id. Named by its id, as a taken-over one; its
  // creation date is the mesh's first write of it (the engine's).
  if (!account && core::is_account_id(account_id)) {
    account = Account{.account_id = std::string(account_id), .name = std::string(account_id)};
  }
  // An account initializes itself in its own account, which the mesh's registry does not see
  // (commit_outside_mesh): a process that reaches the account asks its IAM.
  if (account && !account->is_mesh && account_id != parts_.sessions.mesh_account() &&
      parts_.sessions.has(account_id) &&
      (!account->producer_initialized || !account->consumer_initialized)) {
    DATAMESH_ASSIGN_OR_RETURN(const Account own, own_account(account_id));
    account->producer_initialized |= own.producer_initialized;
    account->consumer_initialized |= own.consumer_initialized;
  }
  return account;
}
absl::StatusOr<std::optional<Account>> AwsReadTransaction::get_mesh_account() {
  // Out of the mesh's reach, the mesh is the one the caller named.
  if (!reaches_mesh()) {
    return Account{.account_id = parts_.sessions.mesh_account(), .is_mesh = true};
  }
  return parts_.accounts.get_mesh_account();
}
absl::Status AwsReadTransaction::put_account(const Account&) { return not_here("put_account"); }

absl::StatusOr<TrackerEndpoints> AwsReadTransaction::tracker_endpoints() {
  absl::StatusOr<nlohmann::json> described = send_to_mesh(
      parts_.sessions,
      {.operation = "DescribeTable",
       .body = {{"TableName", std::string(datamesh::aws::names::kSubscriptionsTable)}}});
  if (absl::IsNotFound(described.status())) {
    return absl::NotFoundError(base::cat("the mesh account ", parts_.sessions.mesh_account(),
                                   " has no subscription tracker (",
                                   datamesh::aws::names::kSubscriptionsTable,
                                   "): initialize the mesh first"));
  }
  DATAMESH_RETURN_IF_ERROR(described.status());
  const nlohmann::json& table = (*described)["Table"];
  return TrackerEndpoints{.table = table.value("TableArn", ""),
                          .stream = table.value("LatestStreamArn", "")};
}
absl::StatusOr<std::vector<Account>> AwsReadTransaction::list_accounts() {
  return parts_.accounts.list_accounts();
}
absl::StatusOr<std::optional<AccessKeyRow>> AwsReadTransaction::get_access_key(
    std::string_view key_id) {
  return parts_.accounts.get_access_key(key_id);
}
absl::Status AwsReadTransaction::put_access_key(const AccessKeyRow&) {
  return not_here("put_access_key");
}
absl::StatusOr<std::vector<AccessKeyRow>> AwsReadTransaction::list_access_keys(
    std::string_view account_id) {
  return parts_.accounts.list_access_keys(account_id);
}

// A catalog this process holds no session for (another account's: a producer deleting a
// subscription reaches neither the consumer's catalog nor its links) reads as empty: the
// engine's rules then leave it alone, as the original leaves the consumer's links in place.
absl::StatusOr<std::optional<Database>> AwsReadTransaction::get_database(
    std::string_view catalog_id, std::string_view name) {
  if (!parts_.sessions.has(catalog_id)) return std::optional<Database>();
  return once(databases_, base::cat(catalog_id, "\n", name),
              [&] { return parts_.glue.get_database(catalog_id, name); });
}
absl::Status AwsReadTransaction::put_database(const Database&) { return not_here("put_database"); }
absl::Status AwsReadTransaction::delete_database(std::string_view, std::string_view) {
  return not_here("delete_database");
}
absl::StatusOr<std::vector<Database>> AwsReadTransaction::list_databases(
    std::string_view catalog_id, const Page& page) {
  if (!parts_.sessions.has(catalog_id)) return std::vector<Database>();
  return parts_.glue.list_databases(catalog_id, page);
}
absl::StatusOr<std::optional<Table>> AwsReadTransaction::get_table(std::string_view catalog_id,
                                                                   std::string_view database_name,
                                                                   std::string_view name) {
  if (!parts_.sessions.has(catalog_id)) return std::optional<Table>();
  return once(tables_, base::cat(catalog_id, "\n", database_name, "\n", name),
              [&] { return parts_.glue.get_table(catalog_id, database_name, name); });
}
absl::Status AwsReadTransaction::put_table(const Table&) { return not_here("put_table"); }
absl::Status AwsReadTransaction::delete_table(std::string_view, std::string_view,
                                              std::string_view) {
  return not_here("delete_table");
}
absl::StatusOr<std::vector<Table>> AwsReadTransaction::list_tables(std::string_view catalog_id,
                                                                   std::string_view database_name,
                                                                   const Page& page) {
  if (!parts_.sessions.has(catalog_id)) return std::vector<Table>();
  return parts_.glue.list_tables(catalog_id, database_name, page);
}
absl::StatusOr<std::vector<std::string>> AwsReadTransaction::list_table_names(
    std::string_view catalog_id, std::string_view database_name) {
  if (!parts_.sessions.has(catalog_id)) return std::vector<std::string>();
  return parts_.glue.list_table_names(catalog_id, database_name);
}
absl::StatusOr<std::vector<std::string>> AwsReadTransaction::list_table_names_page(
    std::string_view catalog_id, std::string_view database_name, const Page& page) {
  if (!parts_.sessions.has(catalog_id)) return std::vector<std::string>();
  return parts_.glue.list_table_names_page(catalog_id, database_name, page);
}

absl::StatusOr<std::optional<ProductRow>> AwsReadTransaction::get_product(
    std::string_view mesh_database) {
  return once(products_, std::string(mesh_database),
              [&] { return parts_.glue.get_product(mesh_database); });
}
absl::Status AwsReadTransaction::put_product(const ProductRow&) { return not_here("put_product"); }
absl::StatusOr<std::vector<ProductRow>> AwsReadTransaction::list_products(
    const ProductFilter& filter, const Page& page) {
  return parts_.glue.list_products(filter, page);
}

absl::Status AwsReadTransaction::put_grant(const GrantRow&) { return not_here("put_grant"); }
absl::Status AwsReadTransaction::delete_subscription_grants(std::string_view) {
  return not_here("delete_subscription_grants");
}
// A subscription's grants are those its tracker item stands for while it is Active: Lake
// Formation keeps no subscription id (the commit grants and revokes them with the item).
absl::StatusOr<std::vector<GrantRow>> AwsReadTransaction::list_subscription_grants(
    std::string_view subscription_id) {
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<Subscription> subscription,
                            get_subscription(subscription_id));
  if (!subscription || subscription->status != SubscriptionStatus::kActive) {
    return std::vector<GrantRow>{};
  }
  return subscription_grants(*subscription, parts_.sessions.mesh_account());
}
// Lake Formation's rows, each told as the subscription it is of (attribute_to_subscriptions):
// the principal's Active subscriptions on the database say which.
absl::StatusOr<std::vector<GrantRow>> AwsReadTransaction::find_grants(
    std::string_view principal, std::string_view catalog_id, std::string_view database_name,
    std::string_view table_name) {
  DATAMESH_ASSIGN_OR_RETURN(
      std::vector<GrantRow> rows,
      parts_.grants.find_grants(principal, catalog_id, database_name, table_name));
  if (rows.empty() || catalog_id != parts_.sessions.mesh_account()) return rows;
  DATAMESH_ASSIGN_OR_RETURN(
      const std::vector<Subscription> active,
      parts_.subscriptions.list_subscriptions(
          SubscriptionFilter{.subscriber = std::string(principal),
                             .status = SubscriptionStatus::kActive,
                             .database_name = std::string(database_name)},
          Page{.limit = std::numeric_limits<int>::max()}));
  return attribute_to_subscriptions(rows, active, catalog_id);
}

// Every Lake Formation permission on a mesh database and its tables, told as the subscription
// it is of (attribute_to_subscriptions) by the database's Active subscriptions; a row none
// stands for (the producer's, one made by hand) keeps subscription_id "". Mesh databases only:
// the engine keeps no grants in other catalogs.
absl::StatusOr<std::vector<GrantRow>> AwsReadTransaction::list_database_grants(
    std::string_view catalog_id, std::string_view database_name) {
  if (catalog_id != parts_.sessions.mesh_account()) return std::vector<GrantRow>{};
  DATAMESH_ASSIGN_OR_RETURN(std::vector<GrantRow> rows,
                            parts_.grants.list_database_grants(database_name));
  if (rows.empty()) return rows;
  DATAMESH_ASSIGN_OR_RETURN(
      const std::vector<Subscription> active,
      parts_.subscriptions.list_subscriptions(
          SubscriptionFilter{.status = SubscriptionStatus::kActive,
                             .database_name = std::string(database_name)},
          Page{.limit = std::numeric_limits<int>::max()}));
  return attribute_to_subscriptions(rows, active, catalog_id);
}
absl::Status AwsReadTransaction::delete_grant(const GrantRow&) {
  return not_here("delete_grant");
}

absl::Status AwsReadTransaction::put_share(const ShareRow&) { return not_here("put_share"); }
absl::StatusOr<std::vector<ShareRow>> AwsReadTransaction::list_subscription_shares(
    std::string_view subscription_id) {
  return parts_.subscriptions.list_subscription_shares(subscription_id);
}

absl::StatusOr<std::optional<Subscription>> AwsReadTransaction::get_subscription(
    std::string_view id) {
  return once(subscriptions_, std::string(id),
              [&] { return parts_.subscriptions.get_subscription(id); });
}
absl::Status AwsReadTransaction::insert_subscription(const Subscription&) {
  return not_here("insert_subscription");
}
absl::Status AwsReadTransaction::update_subscription(const Subscription&, int64_t) {
  return not_here("update_subscription");
}
absl::StatusOr<std::vector<Subscription>> AwsReadTransaction::list_subscriptions(
    const SubscriptionFilter& filter, const Page& page) {
  return parts_.subscriptions.list_subscriptions(filter, page);
}
absl::StatusOr<std::vector<Subscription>> AwsReadTransaction::find_live_duplicates(
    const Subscription& request) {
  return parts_.subscriptions.find_live_duplicates(request);
}
absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
AwsReadTransaction::count_subscriptions_by_status() {
  return parts_.subscriptions.count_subscriptions_by_status();
}

absl::StatusOr<AuditChainHead> AwsReadTransaction::audit_chain_head() {
  if (!reaches_mesh()) return AuditChainHead{};  // its events are not written (commit_outside_mesh)
  return parts_.audit.audit_chain_head();
}
absl::Status AwsReadTransaction::append_audit_event(const ChainedAuditEvent&) {
  return not_here("append_audit_event");
}
absl::StatusOr<std::vector<ChainedAuditEvent>> AwsReadTransaction::list_audit_chain(
    const Page& page) {
  return parts_.audit.list_audit_chain(page);
}
absl::StatusOr<std::vector<AuditEvent>> AwsReadTransaction::list_audit_events(
    std::string_view subscription_id, const Page& page) {
  return parts_.audit.list_audit_events(subscription_id, page);
}

absl::StatusOr<std::optional<ClientTokenRow>> AwsReadTransaction::get_client_token(
    std::string_view account_id, std::string_view client_token) {
  // Out of the mesh's reach there is nowhere to record a token: each write acts.
  if (!reaches_mesh()) return std::optional<ClientTokenRow>();
  return read_client_token(parts_.sessions, account_id, client_token);
}
absl::Status AwsReadTransaction::put_client_token(const ClientTokenRow&) {
  return not_here("put_client_token");
}
absl::Status AwsReadTransaction::delete_expired_client_tokens(int64_t, int) {
  return not_here("delete_expired_client_tokens");
}

}  // namespace datamesh::store::aws
