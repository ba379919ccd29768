// The reads of the Store port straight from AWS, through the store's parts (aws_parts.h). A
// write transaction's body never writes here: it runs on a BufferedTransaction over this one,
// and the commit writes (aws_commit.h); a write method called here is Internal.
//
// Point reads (an account, a subscription, a database, a table, a product) are kept for the
// transaction's life: a body and its commit read the same rows again (the engine checks a row
// it then changes; the commit's plan reads each changed row's "before"), and each repeat is an
// AWS call. A write transaction holds the mesh's writer lock, so no datamesh writer changes the
// rows meanwhile; a read transaction sees each row once, as of its first read.
#pragma once

#include <map>
#include <string>

#include "core/store.h"
#include "store/aws/aws_parts.h"

namespace datamesh::store::aws {

class AwsReadTransaction final : public Transaction {
 public:
  explicit AwsReadTransaction(const AwsParts& parts) : parts_(parts) {}

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
  absl::Status delete_subscription_grants(std::string_view subscription_id) override;
  absl::StatusOr<std::vector<GrantRow>> list_database_grants(
      std::string_view catalog_id, std::string_view database_name) override;
  absl::Status delete_grant(const GrantRow& grant) override;
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
  absl::Status insert_subscription(const Subscription& subscription) override;
  absl::Status update_subscription(const Subscription& subscription,
                                   int64_t expected_version) override;
  absl::StatusOr<std::vector<Subscription>> list_subscriptions(const SubscriptionFilter& filter,
                                                               const Page& page) override;
  absl::StatusOr<std::vector<Subscription>> find_live_duplicates(
      const Subscription& request) override;
  absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
  count_subscriptions_by_status() override;

  absl::StatusOr<AuditChainHead> audit_chain_head() override;
  absl::Status append_audit_event(const ChainedAuditEvent& event) override;
  absl::StatusOr<std::vector<ChainedAuditEvent>> list_audit_chain(const Page& page) override;
  absl::StatusOr<std::vector<AuditEvent>> list_audit_events(std::string_view subscription_id,
                                                            const Page& page) override;

  absl::StatusOr<std::optional<ClientTokenRow>> get_client_token(
      std::string_view account_id, std::string_view client_token) override;
  absl::Status put_client_token(const ClientTokenRow& row) override;
  absl::Status delete_expired_client_tokens(int64_t now, int limit) override;

 private:
  // Whether this process holds a session for the mesh account (an account's admin setting up
  // its own account does not).
  bool reaches_mesh() const { return parts_.sessions.has(parts_.sessions.mesh_account()); }
  // The account row of an account this process reaches but whose mesh it does not: what its
  // own IAM says (its DataMeshProducer and DataMeshConsumer roles).
  absl::StatusOr<std::optional<Account>> own_account(std::string_view account_id);
  // get_account's read, before it is kept.
  absl::StatusOr<std::optional<Account>> read_account(std::string_view account_id);

  // The value `read` gives, read once per key (errors are not kept).
  template <typename T, typename Read>
  absl::StatusOr<T> once(std::map<std::string, T>& kept, std::string key, Read read) {
    if (auto found = kept.find(key); found != kept.end()) return found->second;
    absl::StatusOr<T> value = read();
    if (value.ok()) kept.emplace(std::move(key), *value);
    return value;
  }

  const AwsParts& parts_;
  std::map<std::string, std::optional<Account>> accounts_;
  std::map<std::string, std::optional<Subscription>> subscriptions_;
  std::map<std::string, std::optional<Database>> databases_;
  std::map<std::string, std::optional<Table>> tables_;
  std::map<std::string, std::optional<ProductRow>> products_;
};

}  // namespace datamesh::store::aws
