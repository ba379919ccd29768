#include "store/sql/transaction.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "base/json_text.h"
#include "base/text.h"
#include "core/subscription_status.h"

namespace datamesh::store::sql {

using base::cat;

namespace {

absl::Status check_limit(const Page& page) {
  if (page.limit >= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(cat("page limit must be at least 1, not ", page.limit));
}


absl::StatusOr<std::string> read_name(const Row& row) { return row.text(0); }

}  // namespace

absl::Status SqlTransaction::require_write(std::string_view operation) {
  if (mode_ == TxMode::kWrite) {
    wrote_ = true;
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      cat(operation, " needs a write transaction; this one was begun with TxMode::kRead"));
}

// Accounts and keys -------------------------------------------------------------------------

absl::StatusOr<std::optional<Account>> SqlTransaction::get_account(std::string_view account_id) {
  return query_optional(queries_.get_account, Values().text(account_id), read_account);
}

absl::StatusOr<std::optional<Account>> SqlTransaction::get_mesh_account() {
  return query_optional(queries_.get_mesh_account, Values(), read_account);
}

absl::Status SqlTransaction::put_account(const Account& account) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_account"));
  return write(queries_.put_account, account_values(account));
}

absl::StatusOr<std::vector<Account>> SqlTransaction::list_accounts() {
  return query_all(queries_.list_accounts, Values(), read_account);
}

absl::StatusOr<std::optional<AccessKeyRow>> SqlTransaction::get_access_key(
    std::string_view key_id) {
  return query_optional(queries_.get_access_key, Values().text(key_id), read_access_key);
}

absl::StatusOr<std::optional<AccessKeyWithAccount>>
SqlTransaction::get_access_key_with_account(std::string_view key_id) {
  return query_optional(queries_.get_access_key_with_account, Values().text(key_id),
                        read_access_key_with_account);
}

absl::Status SqlTransaction::put_access_key(const AccessKeyRow& key) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_access_key"));
  return write(queries_.put_access_key, access_key_values(key));
}

absl::StatusOr<std::vector<AccessKeyRow>> SqlTransaction::list_access_keys(
    std::string_view account_id) {
  return query_all(queries_.list_access_keys, Values().text(account_id), read_access_key);
}

// Catalogs -----------------------------------------------------------------------------------

absl::StatusOr<std::optional<Database>> SqlTransaction::get_database(std::string_view catalog_id,
                                                                     std::string_view name) {
  return query_optional(queries_.get_database, Values().text(catalog_id).text(name), read_database);
}

absl::Status SqlTransaction::put_database(const Database& database) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_database"));
  DATAMESH_ASSIGN_OR_RETURN(Values values, database_values(database));
  return write(queries_.put_database, std::move(values));
}

absl::Status SqlTransaction::delete_database(std::string_view catalog_id, std::string_view name) {
  DATAMESH_RETURN_IF_ERROR(require_write("delete_database"));
  Values key;
  key.text(catalog_id).text(name);
  DATAMESH_RETURN_IF_ERROR(write(queries_.delete_database_tables, key));
  return write(queries_.delete_database, std::move(key));
}

absl::StatusOr<std::vector<Database>> SqlTransaction::list_databases(std::string_view catalog_id,
                                                                     const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  return query_all(queries_.list_databases,
                   Values().text(catalog_id).text(page.after).integer(page.limit), read_database);
}

absl::StatusOr<std::optional<Table>> SqlTransaction::get_table(std::string_view catalog_id,
                                                               std::string_view database_name,
                                                               std::string_view name) {
  return query_optional(queries_.get_table,
                        Values().text(catalog_id).text(database_name).text(name), read_table);
}

absl::StatusOr<bool> SqlTransaction::has_table(std::string_view catalog_id,
                                               std::string_view database_name,
                                               std::string_view name) {
  DATAMESH_ASSIGN_OR_RETURN(
      const std::optional<bool> row,
      query_optional(queries_.has_table, Values().text(catalog_id).text(database_name).text(name),
                     [](const Row&) -> absl::StatusOr<bool> { return true; }));
  return row.has_value();
}

absl::Status SqlTransaction::put_table(const Table& table) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_table"));
  DATAMESH_ASSIGN_OR_RETURN(Values values, table_values(table));
  return write(queries_.put_table, std::move(values));
}

absl::Status SqlTransaction::delete_table(std::string_view catalog_id,
                                          std::string_view database_name, std::string_view name) {
  DATAMESH_RETURN_IF_ERROR(require_write("delete_table"));
  return write(queries_.delete_table, Values().text(catalog_id).text(database_name).text(name));
}

absl::StatusOr<std::vector<Table>> SqlTransaction::list_tables(std::string_view catalog_id,
                                                               std::string_view database_name,
                                                               const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  return query_all(
      queries_.list_tables,
      Values().text(catalog_id).text(database_name).text(page.after).integer(page.limit),
      read_table);
}

absl::StatusOr<std::set<std::string>> SqlTransaction::existing_tables(
    std::string_view catalog_id, std::string_view database_name,
    const std::vector<std::string>& names) {
  std::set<std::string> existing;
  if (names.empty()) return existing;
  // A JSON list holds only UTF-8: a list with a name that is not is asked name by name.
  if (!std::ranges::all_of(names, base::is_valid_utf8)) {
    return Transaction::existing_tables(catalog_id, database_name, names);
  }
  DATAMESH_RETURN_IF_ERROR(query(queries_.existing_tables,
                                 Values()
                                     .text(catalog_id)
                                     .text(database_name)
                                     .text(nlohmann::json(names).dump()),
                                 [&](const Row& row) {
                                   existing.insert(row.text(0));
                                   return absl::OkStatus();
                                 }));
  return existing;
}

absl::StatusOr<std::vector<std::string>> SqlTransaction::list_table_names(
    std::string_view catalog_id, std::string_view database_name) {
  return query_all(queries_.list_table_names, Values().text(catalog_id).text(database_name),
                   read_name);
}

absl::StatusOr<std::vector<std::string>> SqlTransaction::list_table_names_page(
    std::string_view catalog_id, std::string_view database_name, const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  return query_all(
      queries_.list_table_names_page,
      Values().text(catalog_id).text(database_name).text(page.after).integer(page.limit),
      read_name);
}

// Data products ------------------------------------------------------------------------------

absl::StatusOr<std::optional<ProductRow>> SqlTransaction::get_product(
    std::string_view mesh_database) {
  return query_optional(queries_.get_product, Values().text(mesh_database), read_product);
}

absl::Status SqlTransaction::put_product(const ProductRow& product) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_product"));
  return write(queries_.put_product, product_values(product));
}

absl::StatusOr<std::vector<ProductRow>> SqlTransaction::list_products(const ProductFilter& filter,
                                                                     const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  return query_all(
      filter.public_metadata_only ? queries_.list_public_products : queries_.list_products,
      Values().text(page.after).text(filter.producer_account).text(filter.domain).integer(
          page.limit),
      read_product);
}

// Grants -------------------------------------------------------------------------------------

absl::Status SqlTransaction::put_grant(const GrantRow& grant) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_grant"));
  return write(queries_.put_grant, grant_values(grant));
}

absl::Status SqlTransaction::delete_subscription_grants(std::string_view subscription_id) {
  DATAMESH_RETURN_IF_ERROR(require_write("delete_subscription_grants"));
  if (subscription_id.empty()) {
    return absl::InvalidArgumentError(
        "delete_subscription_grants needs a subscription id; \"\" would delete every grant "
        "not made for a subscription");
  }
  return write(queries_.delete_subscription_grants, Values().text(subscription_id));
}

absl::StatusOr<std::vector<GrantRow>> SqlTransaction::list_subscription_grants(
    std::string_view subscription_id) {
  return query_all(queries_.list_subscription_grants, Values().text(subscription_id), read_grant);
}

absl::StatusOr<std::vector<GrantRow>> SqlTransaction::find_grants(std::string_view principal,
                                                                  std::string_view catalog_id,
                                                                  std::string_view database_name,
                                                                  std::string_view table_name) {
  if (grant_cache_ == nullptr) {
    return probe_grants(principal, catalog_id, database_name, table_name);
  }
  const GrantCache::Place place{principal, catalog_id, database_name};
  DATAMESH_ASSIGN_OR_RETURN(
      const std::optional<int64_t> stored,
      query_optional(queries_.grant_version, Values().text(principal),
                     [](const Row& row) -> absl::StatusOr<int64_t> { return row.integer(0); }));
  const int64_t version = stored.value_or(0);  // never granted anything
  GrantCache::Found found = grant_cache_->find(place, version, table_name);
  if (found.known == GrantCache::Known::kGrants) return std::move(found.grants);
  // A write transaction may see its own uncommitted grants, which must not be kept.
  if (found.known == GrantCache::Known::kTooMany || mode_ != TxMode::kRead) {
    return probe_grants(principal, catalog_id, database_name, table_name);
  }
  const size_t most = grant_cache_->limits().max_rows_per_entry;
  DATAMESH_ASSIGN_OR_RETURN(
      std::vector<GrantRow> all,
      query_all(queries_.principal_grants,
                Values().text(principal).integer(static_cast<int64_t>(most) + 1), read_grant));
  if (all.size() > most) {
    grant_cache_->keep(principal, version, {}, /*too_many=*/true);
    return probe_grants(principal, catalog_id, database_name, table_name);
  }
  return grant_cache_->keep_and_answer(place, version, std::move(all), table_name);
}

absl::StatusOr<std::vector<GrantRow>> SqlTransaction::probe_grants(std::string_view principal,
                                                                   std::string_view catalog_id,
                                                                   std::string_view database_name,
                                                                   std::string_view table_name) {
  return query_all(queries_.find_grants,
                   Values().text(principal).text(catalog_id).text(database_name).text(table_name),
                   read_grant);
}

absl::StatusOr<std::vector<GrantRow>> SqlTransaction::list_database_grants(
    std::string_view catalog_id, std::string_view database_name) {
  return query_all(queries_.list_database_grants, Values().text(catalog_id).text(database_name),
                   read_grant);
}

absl::Status SqlTransaction::delete_grant(const GrantRow& grant) {
  DATAMESH_RETURN_IF_ERROR(require_write("delete_grant"));
  return write(queries_.delete_grant, Values()
                                          .text(grant.principal)
                                          .text(grant.catalog_id)
                                          .text(grant.database_name)
                                          .text(grant.table_name)
                                          .text(grant.permission)
                                          .text(grant.subscription_id));
}

// Shares -------------------------------------------------------------------------------------

absl::Status SqlTransaction::put_share(const ShareRow& share) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_share"));
  return write(queries_.put_share, share_values(share));
}

absl::StatusOr<std::vector<ShareRow>> SqlTransaction::list_subscription_shares(
    std::string_view subscription_id) {
  return query_all(queries_.list_subscription_shares, Values().text(subscription_id), read_share);
}

// Subscriptions ------------------------------------------------------------------------------

absl::StatusOr<std::optional<Subscription>> SqlTransaction::get_subscription(std::string_view id) {
  return query_optional(queries_.get_subscription, Values().text(id), read_subscription);
}

absl::Status SqlTransaction::insert_subscription(const Subscription& subscription) {
  DATAMESH_RETURN_IF_ERROR(require_write("insert_subscription"));
  DATAMESH_ASSIGN_OR_RETURN(Values values, subscription_values(subscription));
  return insert_subscription_row(subscription, std::move(values));
}

absl::Status SqlTransaction::update_subscription(const Subscription& subscription,
                                                 int64_t expected_version) {
  DATAMESH_RETURN_IF_ERROR(require_write("update_subscription"));
  DATAMESH_ASSIGN_OR_RETURN(Values values, subscription_values(subscription));
  return update_subscription_row(subscription, expected_version, std::move(values));
}

absl::StatusOr<std::vector<Subscription>> SqlTransaction::list_subscriptions(
    const SubscriptionFilter& filter, const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  // The cursor is the last id of the previous page; rows are ordered by seq, so find its seq.
  std::optional<int64_t> after_seq;
  if (!page.after.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(
        after_seq,
        query_optional(queries_.subscription_seq, Values().text(page.after),
                       [](const Row& row) -> absl::StatusOr<int64_t> { return row.integer(0); }));
    if (!after_seq) {
      return absl::InvalidArgumentError(
          cat("page token \"", page.after, "\" is not the id of a stored subscription"));
    }
  }
  // Without an owner or subscriber (the mesh admin's listing) the rows are read in seq order
  // from the first page on: a range of the table's own key, or of (database_name, seq).
  const bool by_seq = after_seq.has_value() || (!filter.owner && !filter.subscriber);
  Values values;
  if (filter.owner) values.text(*filter.owner);
  if (filter.subscriber) values.text(*filter.subscriber);
  if (filter.status) values.text(core::status_name(*filter.status));
  if (filter.database_name) values.text(*filter.database_name);
  if (by_seq) values.integer(after_seq.value_or(0));
  values.integer(page.limit);
  return query_all(queries_.subscription_listing(filter, by_seq), values, read_subscription);
}

absl::StatusOr<std::vector<Subscription>> SqlTransaction::find_live_duplicates(
    const Subscription& request) {
  DATAMESH_ASSIGN_OR_RETURN(std::vector<Subscription> candidates,
                            query_all(queries_.find_live_duplicates,
                                      Values()
                                          .text(request.subscriber_principal)
                                          .text(request.database_name)
                                          .text(nlohmann::json(request.table_names).dump()),
                                      read_subscription));
  std::erase_if(candidates,
                [&](const Subscription& candidate) { return !same_request(candidate, request); });
  return candidates;
}

absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
SqlTransaction::count_subscriptions_by_status() {
  return query_all(
      queries_.count_subscriptions_by_status, Values(),
      [](const Row& row) -> absl::StatusOr<std::pair<SubscriptionStatus, int64_t>> {
        const std::string name = row.text(0);
        std::optional<SubscriptionStatus> status = core::parse_status(name);
        if (!status) {
          return absl::InternalError(cat("subscriptions hold an unknown status \"", name, "\""));
        }
        return std::pair(*status, row.integer(1));
      });
}

// Audit --------------------------------------------------------------------------------------

absl::StatusOr<AuditChainHead> SqlTransaction::audit_chain_head() {
  const auto read_head = [](const Row& row) -> absl::StatusOr<AuditChainHead> {
    return AuditChainHead{.sequence = row.integer(0), .hash = row.text(1)};
  };
  DATAMESH_ASSIGN_OR_RETURN(const std::optional<AuditChainHead> head,
                            query_optional(queries_.chain_head, Values(), read_head));
  if (!head) {
    return absl::DataLossError(
        "the mesh store has no audit_chain_head row: it was deleted (admin verify-audit)");
  }
  return *head;
}

absl::Status SqlTransaction::append_audit_event(const ChainedAuditEvent& chained) {
  DATAMESH_RETURN_IF_ERROR(require_write("append_audit_event"));
  DATAMESH_ASSIGN_OR_RETURN(const AuditChainHead head, audit_chain_head());
  DATAMESH_RETURN_IF_ERROR(check_follows_chain_head(head, chained));
  return append_audit_row(chained, chained_audit_event_values(chained));
}

absl::StatusOr<std::vector<ChainedAuditEvent>> SqlTransaction::list_audit_chain(const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t after, audit_page_sequence(page.after));
  return query_all(queries_.audit_chain, Values().integer(after).integer(page.limit),
                   read_chained_audit_event);
}

absl::StatusOr<std::vector<AuditEvent>> SqlTransaction::list_audit_events(
    std::string_view subscription_id, const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const int64_t after, audit_page_sequence(page.after));
  if (subscription_id.empty()) {
    return query_all(queries_.audit_all, Values().integer(after).integer(page.limit),
                     read_audit_event);
  }
  return query_all(queries_.audit_of_subscription,
                   Values().text(subscription_id).integer(after).integer(page.limit),
                   read_audit_event);
}

// Client tokens -------------------------------------------------------------------------

absl::StatusOr<std::optional<ClientTokenRow>> SqlTransaction::get_client_token(
    std::string_view account_id, std::string_view client_token) {
  return query_optional(queries_.get_client_token, Values().text(account_id).text(client_token),
                        read_client_token);
}

absl::Status SqlTransaction::put_client_token(const ClientTokenRow& row) {
  DATAMESH_RETURN_IF_ERROR(require_write("put_client_token"));
  return write(queries_.put_client_token, client_token_values(row));
}

absl::Status SqlTransaction::delete_expired_client_tokens(int64_t now, int limit) {
  DATAMESH_RETURN_IF_ERROR(require_write("delete_expired_client_tokens"));
  if (limit < 1) return absl::InvalidArgumentError("the limit of expired tokens must be >= 1");
  return write(queries_.delete_expired_client_tokens, Values().integer(now).integer(limit));
}

}  // namespace datamesh::store::sql
