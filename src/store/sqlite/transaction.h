// The SQLite store's Transaction: every read and write of mesh state as SQL over one leased
// connection, inside a transaction SqliteStore::run has begun.
//
// Belongs to the thread running the body; not thread-safe. Statements are the connection's
// cached prepared statements with bound parameters; no value is ever spliced into SQL text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite/statements.h"
#include "core/store.h"

namespace datamesh::store::sqlite {

class SqliteTransaction final : public Transaction {
 public:
  // connection must be inside a transaction begun for mode, and outlive this object.
  SqliteTransaction(Connection& connection, TxMode mode) : connection_(connection), mode_(mode) {}

  // Every write in a kRead transaction fails with FailedPrecondition: a read transaction holds
  // no write lock, so a write there could deadlock with another process's writer.
  // Page limits below 1 are InvalidArgument. Stored documents that cannot be read are Internal.

  absl::StatusOr<std::optional<Account>> get_account(std::string_view account_id) override;
  absl::StatusOr<std::optional<Account>> get_mesh_account() override;
  absl::Status put_account(const Account& account) override;
  absl::StatusOr<std::vector<Account>> list_accounts() override;
  absl::StatusOr<std::optional<AccessKeyRow>> get_access_key(std::string_view key_id) override;
  absl::Status put_access_key(const AccessKeyRow& key) override;
  absl::StatusOr<std::vector<AccessKeyRow>> list_access_keys(std::string_view account_id) override;

  absl::StatusOr<std::optional<Database>> get_database(std::string_view catalog_id,
                                                       std::string_view name) override;
  absl::Status put_database(const Database& database) override;
  absl::Status delete_database(std::string_view catalog_id, std::string_view name) override;
  absl::StatusOr<std::vector<Database>> list_databases(std::string_view catalog_id,
                                                       const Page& page) override;
  absl::StatusOr<std::optional<Table>> get_table(std::string_view catalog_id,
                                                 std::string_view database_name,
                                                 std::string_view name) override;
  absl::Status put_table(const Table& table) override;
  absl::Status delete_table(std::string_view catalog_id, std::string_view database_name,
                            std::string_view name) override;
  absl::StatusOr<std::vector<Table>> list_tables(std::string_view catalog_id,
                                                 std::string_view database_name,
                                                 const Page& page) override;
  absl::StatusOr<std::vector<std::string>> list_table_names(
      std::string_view catalog_id, std::string_view database_name) override;
  absl::StatusOr<std::vector<std::string>> list_table_names_page(
      std::string_view catalog_id, std::string_view database_name, const Page& page) override;

  absl::StatusOr<std::optional<ProductRow>> get_product(std::string_view mesh_database) override;
  absl::Status put_product(const ProductRow& product) override;
  absl::StatusOr<std::vector<ProductRow>> list_products(const ProductFilter& filter,
                                                        const Page& page) override;

  absl::Status put_grant(const GrantRow& grant) override;
  // An empty subscription_id is InvalidArgument: it would match every grant not made for a
  // subscription.
  absl::Status delete_subscription_grants(std::string_view subscription_id) override;
  absl::StatusOr<std::vector<GrantRow>> list_subscription_grants(
      std::string_view subscription_id) override;
  absl::StatusOr<std::vector<GrantRow>> find_grants(std::string_view principal,
                                                    std::string_view catalog_id,
                                                    std::string_view database_name,
                                                    std::string_view table_name) override;

  absl::Status put_share(const ShareRow& share) override;
  absl::StatusOr<std::vector<ShareRow>> list_subscription_shares(
      std::string_view subscription_id) override;

  absl::StatusOr<std::optional<Subscription>> get_subscription(std::string_view id) override;
  // AlreadyExists when the id is taken.
  absl::Status insert_subscription(const Subscription& subscription) override;
  // Aborted when the stored version is not expected_version; NotFound when there is no such
  // subscription.
  absl::Status update_subscription(const Subscription& subscription,
                                   int64_t expected_version) override;
  // page.after must be "" or the id of a stored subscription (InvalidArgument otherwise).
  absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
  count_subscriptions_by_status() override;
  absl::StatusOr<std::vector<Subscription>> find_live_duplicates(
      const Subscription& request) override;
  absl::StatusOr<std::vector<Subscription>> list_subscriptions(const SubscriptionFilter& filter,
                                                               const Page& page) override;

  absl::StatusOr<AuditChainHead> audit_chain_head() override;
  absl::Status append_audit_event(const ChainedAuditEvent& event) override;
  absl::StatusOr<std::vector<ChainedAuditEvent>> list_audit_chain(const Page& page) override;
  // page.after must be "" or a decimal sequence number (InvalidArgument otherwise).
  absl::StatusOr<std::vector<AuditEvent>> list_audit_events(std::string_view subscription_id,
                                                            const Page& page) override;

 private:
  absl::Status require_write(std::string_view operation) const;

  Connection& connection_;
  const TxMode mode_;
};

// The SQL of list_subscriptions for a filter; `after` says whether a seq bound is included.
// Only fixed fragments are chosen by the filter; its values are bound as :owner, :subscriber,
// :status, :database_name, :after_seq and :limit.
std::string subscription_listing_sql(const SubscriptionFilter& filter, bool after);

// Every listing query with a name, for the test that checks each one reads an index.
struct ListingQuery {
  std::string name;
  std::string sql;
};
std::vector<ListingQuery> listing_queries();

}  // namespace datamesh::store::sqlite
