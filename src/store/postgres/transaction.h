// The PostgreSQL store's Transaction: every read and write of mesh state as SQL over one leased
// connection, inside a transaction begun by begin().
//
// Belongs to the thread running the body; not thread-safe. Every statement is a prepared
// statement of the connection with bound parameters; no value is ever spliced into SQL text.
// Writes are deferred (Connection::defer): they travel with the next read or the COMMIT, so a
// write method's own failure (AlreadyExists, Aborted, a refused value) may be returned by the
// method that sends it; the transaction is failed either way and is never committed.
// Behaves as store/sqlite/transaction.h says for each method (the conformance suite checks
// both stores against one list of tests).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/connection.h"
#include "core/store.h"

namespace datamesh::store::postgres {

class PostgresTransaction final : public Transaction {
 public:
  // connection must be outside any transaction, and outlive this object.
  PostgresTransaction(Connection& connection, TxMode mode) : connection_(connection), mode_(mode) {}

  // Defers the BEGIN of a transaction of this mode; a kWrite one also locks the audit chain head
  // (the write lock, see postgres_store.h) and reads it. Sent with the first statement.
  absl::Status begin();

  // Every write in a kRead transaction fails with FailedPrecondition. Page limits below 1 are
  // InvalidArgument. Stored documents that cannot be read are Internal.

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
  // An empty subscription_id is InvalidArgument.
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
  absl::StatusOr<std::vector<Subscription>> list_subscriptions(const SubscriptionFilter& filter,
                                                               const Page& page) override;
  // Reads the subscriptions_request index.
  absl::StatusOr<std::vector<Subscription>> find_live_duplicates(
      const Subscription& request) override;
  absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
  count_subscriptions_by_status() override;

  // A write transaction locked and read the head when it began (see postgres_store.h): it is
  // claimed until the transaction ends, so events are chained and numbered in commit order.
  absl::StatusOr<AuditChainHead> audit_chain_head() override;
  // FailedPrecondition, writing nothing, when the event does not follow the head.
  absl::Status append_audit_event(const ChainedAuditEvent& event) override;
  // page.after must be "" or a decimal sequence number (InvalidArgument otherwise).
  absl::StatusOr<std::vector<ChainedAuditEvent>> list_audit_chain(const Page& page) override;
  // page.after must be "" or a decimal sequence number (InvalidArgument otherwise).
  absl::StatusOr<std::vector<AuditEvent>> list_audit_events(std::string_view subscription_id,
                                                            const Page& page) override;

  // True once the body called a write method: its COMMIT has something to make durable.
  bool wrote() const { return wrote_; }

 private:
  absl::Status require_write(std::string_view operation);
  // The chain head from a row of kChainHeadSelect; Internal when there is none.
  absl::StatusOr<AuditChainHead> chain_head_of(const Result& head) const;

  Connection& connection_;
  const TxMode mode_;
  bool wrote_ = false;
  // A write transaction's chain head: read under the lock by begin(), then moved by each append.
  std::optional<AuditChainHead> head_;
};

// The SQL of list_subscriptions for a filter; `after` says whether a seq bound is included.
// Only fixed fragments are chosen by the filter; its values are bound, in this order, for the
// conditions present: owner, subscriber, status, database_name, after_seq; then the limit.
std::string subscription_listing_sql(const SubscriptionFilter& filter, bool after);

// Every listing query with a name, for the test that checks each one can read an index.
struct ListingQuery {
  std::string name;
  std::string sql;
};
std::vector<ListingQuery> listing_queries();

}  // namespace datamesh::store::postgres
