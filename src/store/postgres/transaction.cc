#include "store/postgres/transaction.h"

#include <charconv>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/subscription_status.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/documents.h"
#include "store/postgres/rows.h"

namespace datamesh::store::postgres {

using base::cat;

namespace {

absl::Status check_limit(const Page& page) {
  if (page.limit >= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(cat("page limit must be at least 1, not ", page.limit));
}

absl::StatusOr<int64_t> parse_sequence(std::string_view after) {
  if (after.empty()) return 0;
  int64_t sequence = 0;
  const auto [end, error] = std::from_chars(after.data(), after.data() + after.size(), sequence);
  if (error != std::errc() || end != after.data() + after.size() || sequence < 0) {
    return absl::InvalidArgumentError(
        cat("audit page token \"", after, "\" is not a sequence number"));
  }
  return sequence;
}

// Runs a query and reads every row with read_row.
template <typename ReadRow>
absl::StatusOr<std::vector<RowOf<ReadRow>>> query_all(Connection& connection, std::string_view sql,
                                                      const Params& params, ReadRow read_row) {
  auto result = connection.query(sql, params);
  if (!result.ok()) return result.status();
  return read_all(*result, read_row);
}

// Runs a query and reads its first row, if any.
template <typename ReadRow>
absl::StatusOr<std::optional<RowOf<ReadRow>>> query_optional(Connection& connection,
                                                             std::string_view sql,
                                                             const Params& params,
                                                             ReadRow read_row) {
  auto result = connection.query(sql, params);
  if (!result.ok()) return result.status();
  return read_optional(*result, read_row);
}

// $1..$7 of the subscription INSERT and UPDATE: id, owner, subscriber, status, database,
// version, document.
absl::StatusOr<Params> subscription_params(const Subscription& subscription) {
  absl::StatusOr<std::string> document = encode_subscription_document(subscription);
  if (!document.ok()) return document.status();
  Params params;
  params.text(subscription.subscription_id)
      .text(subscription.owner_principal)
      .text(subscription.subscriber_principal)
      .text(core::status_name(subscription.status))
      .text(subscription.database_name)
      .integer(subscription.version)
      .text(*document);
  return params;
}

const std::string kGetAccount = cat(kAccountSelect, " WHERE account_id = $1");
const std::string kGetMeshAccount =
    cat(kAccountSelect, " WHERE is_mesh ORDER BY account_id LIMIT 1");
const std::string kListAccounts = cat(kAccountSelect, " ORDER BY account_id");
const std::string kGetAccessKey = cat(kAccessKeySelect, " WHERE access_key_id = $1");
const std::string kListAccessKeys =
    cat(kAccessKeySelect, " WHERE account_id = $1 ORDER BY creation_date, access_key_id");
const std::string kGetDatabase = cat(kDatabaseSelect, " WHERE catalog_id = $1 AND name = $2");
const std::string kListDatabases =
    cat(kDatabaseSelect, " WHERE catalog_id = $1 AND name > $2 ORDER BY name LIMIT $3");
const std::string kGetTable =
    cat(kTableSelect, " WHERE catalog_id = $1 AND database_name = $2 AND name = $3");
const std::string kListTables =
    cat(kTableSelect,
        " WHERE catalog_id = $1 AND database_name = $2 AND name > $3 ORDER BY name LIMIT $4");
const std::string kListTableNamesPage =
    "SELECT name FROM tables WHERE catalog_id = $1 AND database_name = $2 AND name > $3"
    " ORDER BY name LIMIT $4";
const std::string kGetProduct = cat(kProductSelect, " WHERE mesh_database = $1");
const std::string kListSubscriptionGrants =
    cat(kGrantSelect,
        " WHERE subscription_id = $1"
        " ORDER BY principal, catalog_id, database_name, table_name, permission");
const std::string kFindGrants =
    cat(kGrantSelect,
        " WHERE principal = $1 AND catalog_id = $2 AND database_name = $3"
        " AND table_name IN ($4, '*', '') ORDER BY table_name, permission, subscription_id");
const std::string kListSubscriptionShares =
    cat(kShareSelect, " WHERE subscription_id = $1 ORDER BY creation_date, share_arn");
const std::string kGetSubscription = cat(kSubscriptionSelect, " WHERE id = $1");
// request_key is the table list as jsonb writes it (migration 2); the status condition is the
// subscriptions_live_request index's.
const std::string kFindLiveDuplicates =
    cat(kSubscriptionSelect,
        " WHERE subscriber = $1 AND database_name = $2 AND request_key = ($3::jsonb)::text"
        " AND status IN ('Pending', 'Active') ORDER BY seq");
constexpr std::string_view kChainHeadSelect =
    "SELECT sequence, hash FROM audit_chain_head WHERE id = 1";
const std::string kAuditChain =
    cat(kAuditChainSelect, " WHERE sequence > $1 ORDER BY sequence LIMIT $2");
const std::string kAuditAll =
    cat(kAuditSelect, " WHERE sequence > $1 ORDER BY sequence LIMIT $2");
const std::string kAuditOfSubscription =
    cat(kAuditSelect, " WHERE subscription_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3");

}  // namespace

absl::Status PostgresTransaction::require_write(std::string_view operation) {
  if (mode_ == TxMode::kWrite) {
    wrote_ = true;
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      cat(operation, " needs a write transaction; this one was begun with TxMode::kRead"));
}

// Accounts and keys -------------------------------------------------------------------------

absl::StatusOr<std::optional<Account>> PostgresTransaction::get_account(
    std::string_view account_id) {
  return query_optional(connection_, kGetAccount, Params().text(account_id), read_account);
}

absl::StatusOr<std::optional<Account>> PostgresTransaction::get_mesh_account() {
  return query_optional(connection_, kGetMeshAccount, Params(), read_account);
}

absl::Status PostgresTransaction::put_account(const Account& account) {
  if (absl::Status write = require_write("put_account"); !write.ok()) return write;
  return connection_.defer(
      "INSERT INTO accounts (account_id, name, is_mesh, producer_enabled, consumer_enabled,"
      " producer_initialized, consumer_initialized, creation_date)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      " ON CONFLICT (account_id) DO UPDATE SET name = excluded.name,"
      " is_mesh = excluded.is_mesh, producer_enabled = excluded.producer_enabled,"
      " consumer_enabled = excluded.consumer_enabled,"
      " producer_initialized = excluded.producer_initialized,"
      " consumer_initialized = excluded.consumer_initialized,"
      " creation_date = excluded.creation_date",
      Params()
          .text(account.account_id)
          .text(account.name)
          .boolean(account.is_mesh)
          .boolean(account.producer_enabled)
          .boolean(account.consumer_enabled)
          .boolean(account.producer_initialized)
          .boolean(account.consumer_initialized)
          .text(account.creation_date));
}

absl::StatusOr<std::vector<Account>> PostgresTransaction::list_accounts() {
  return query_all(connection_, kListAccounts, Params(), read_account);
}

absl::StatusOr<std::optional<AccessKeyRow>> PostgresTransaction::get_access_key(
    std::string_view key_id) {
  return query_optional(connection_, kGetAccessKey, Params().text(key_id), read_access_key);
}

absl::Status PostgresTransaction::put_access_key(const AccessKeyRow& key) {
  if (absl::Status write = require_write("put_access_key"); !write.ok()) return write;
  return connection_.defer(
      "INSERT INTO access_keys (access_key_id, account_id, sealed_secret, status,"
      " creation_date, revocation_date) VALUES ($1, $2, $3, $4, $5, $6)"
      " ON CONFLICT (access_key_id) DO UPDATE SET account_id = excluded.account_id,"
      " sealed_secret = excluded.sealed_secret, status = excluded.status,"
      " creation_date = excluded.creation_date,"
      " revocation_date = excluded.revocation_date",
      Params()
          .text(key.access_key_id)
          .text(key.account_id)
          .bytes(key.sealed_secret)
          .text(key.status)
          .text(key.creation_date)
          .text(key.revocation_date));
}

absl::StatusOr<std::vector<AccessKeyRow>> PostgresTransaction::list_access_keys(
    std::string_view account_id) {
  return query_all(connection_, kListAccessKeys, Params().text(account_id), read_access_key);
}

// Catalogs -----------------------------------------------------------------------------------

absl::StatusOr<std::optional<Database>> PostgresTransaction::get_database(
    std::string_view catalog_id, std::string_view name) {
  return query_optional(connection_, kGetDatabase, Params().text(catalog_id).text(name),
                        read_database);
}

absl::Status PostgresTransaction::put_database(const Database& database) {
  if (absl::Status write = require_write("put_database"); !write.ok()) return write;
  absl::StatusOr<std::string> parameters = encode_parameters(database.input.parameters);
  if (!parameters.ok()) return parameters.status();
  const std::optional<DatabaseIdentifier>& target = database.input.target_database;
  return connection_.defer(
      "INSERT INTO databases (catalog_id, name, description, location_uri, parameters,"
      " target_catalog, target_database, create_time)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      " ON CONFLICT (catalog_id, name) DO UPDATE SET description = excluded.description,"
      " location_uri = excluded.location_uri, parameters = excluded.parameters,"
      " target_catalog = excluded.target_catalog,"
      " target_database = excluded.target_database, create_time = excluded.create_time",
      Params()
          .text(database.catalog_id)
          .text(database.input.name)
          .text(database.input.description)
          .text(database.input.location_uri)
          .text(*parameters)
          .optional_text(target ? &target->catalog_id : nullptr)
          .optional_text(target ? &target->database_name : nullptr)
          .text(database.create_time));
}

absl::Status PostgresTransaction::delete_database(std::string_view catalog_id,
                                                  std::string_view name) {
  if (absl::Status write = require_write("delete_database"); !write.ok()) return write;
  if (absl::Status tables =
          connection_.defer("DELETE FROM tables WHERE catalog_id = $1 AND database_name = $2",
                            Params().text(catalog_id).text(name));
      !tables.ok()) {
    return tables;
  }
  return connection_.defer("DELETE FROM databases WHERE catalog_id = $1 AND name = $2",
                           Params().text(catalog_id).text(name));
}

absl::StatusOr<std::vector<Database>> PostgresTransaction::list_databases(
    std::string_view catalog_id, const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  return query_all(connection_, kListDatabases,
                   Params().text(catalog_id).text(page.after).integer(page.limit), read_database);
}

absl::StatusOr<std::optional<Table>> PostgresTransaction::get_table(
    std::string_view catalog_id, std::string_view database_name, std::string_view name) {
  return query_optional(connection_, kGetTable,
                        Params().text(catalog_id).text(database_name).text(name), read_table);
}

absl::Status PostgresTransaction::put_table(const Table& table) {
  if (absl::Status write = require_write("put_table"); !write.ok()) return write;
  absl::StatusOr<std::string> definition = encode_table_definition(table.input);
  if (!definition.ok()) return definition.status();
  const std::optional<TableIdentifier>& target = table.input.target_table;
  return connection_.defer(
      "INSERT INTO tables (catalog_id, database_name, name, definition, target_catalog,"
      " target_database, target_table, create_time, update_time, created_by, version_id)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
      " ON CONFLICT (catalog_id, database_name, name) DO UPDATE SET"
      " definition = excluded.definition, target_catalog = excluded.target_catalog,"
      " target_database = excluded.target_database,"
      " target_table = excluded.target_table, create_time = excluded.create_time,"
      " update_time = excluded.update_time, created_by = excluded.created_by,"
      " version_id = excluded.version_id",
      Params()
          .text(table.catalog_id)
          .text(table.database_name)
          .text(table.input.name)
          .text(*definition)
          .optional_text(target ? &target->catalog_id : nullptr)
          .optional_text(target ? &target->database_name : nullptr)
          .optional_text(target ? &target->name : nullptr)
          .text(table.create_time)
          .text(table.update_time)
          .text(table.created_by)
          .integer(table.version_id));
}

absl::Status PostgresTransaction::delete_table(std::string_view catalog_id,
                                               std::string_view database_name,
                                               std::string_view name) {
  if (absl::Status write = require_write("delete_table"); !write.ok()) return write;
  return connection_.defer(
      "DELETE FROM tables WHERE catalog_id = $1 AND database_name = $2 AND name = $3",
      Params().text(catalog_id).text(database_name).text(name));
}

absl::StatusOr<std::vector<Table>> PostgresTransaction::list_tables(std::string_view catalog_id,
                                                                    std::string_view database_name,
                                                                    const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  return query_all(
      connection_, kListTables,
      Params().text(catalog_id).text(database_name).text(page.after).integer(page.limit),
      read_table);
}

absl::StatusOr<std::vector<std::string>> PostgresTransaction::list_table_names(
    std::string_view catalog_id, std::string_view database_name) {
  return query_all(
      connection_,
      "SELECT name FROM tables WHERE catalog_id = $1 AND database_name = $2 ORDER BY name",
      Params().text(catalog_id).text(database_name),
      [](const Result& r, int i) -> absl::StatusOr<std::string> { return r.text(i, 0); });
}

absl::StatusOr<std::vector<std::string>> PostgresTransaction::list_table_names_page(
    std::string_view catalog_id, std::string_view database_name, const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  return query_all(
      connection_, kListTableNamesPage,
      Params().text(catalog_id).text(database_name).text(page.after).integer(page.limit),
      [](const Result& r, int i) -> absl::StatusOr<std::string> { return r.text(i, 0); });
}

// Data products ------------------------------------------------------------------------------

absl::StatusOr<std::optional<ProductRow>> PostgresTransaction::get_product(
    std::string_view mesh_database) {
  return query_optional(connection_, kGetProduct, Params().text(mesh_database), read_product);
}

absl::StatusOr<std::vector<ProductRow>> PostgresTransaction::list_products(
    const ProductFilter& filter, const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  return query_all(connection_,
                   cat(kProductSelect,
                       " WHERE mesh_database > $1 AND ($2 = '' OR producer_account = $2)"
                       " AND ($3 = '' OR domain = $3) AND (NOT $4 OR public_metadata)"
                       " ORDER BY mesh_database LIMIT $5"),
                   Params()
                       .text(page.after)
                       .text(filter.producer_account)
                       .text(filter.domain)
                       .boolean(filter.public_metadata_only)
                       .integer(page.limit),
                   read_product);
}

absl::Status PostgresTransaction::put_product(const ProductRow& product) {
  if (absl::Status write = require_write("put_product"); !write.ok()) return write;
  return connection_.defer(
      "INSERT INTO products (mesh_database, producer_account, source_database,"
      " table_name_regex, domain, data_product_name, public_metadata, sync_schedule,"
      " crawler_role_arn, link_suffix, creation_date, updated_date)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
      " ON CONFLICT (mesh_database) DO UPDATE SET"
      " producer_account = excluded.producer_account,"
      " source_database = excluded.source_database,"
      " table_name_regex = excluded.table_name_regex, domain = excluded.domain,"
      " data_product_name = excluded.data_product_name,"
      " public_metadata = excluded.public_metadata,"
      " sync_schedule = excluded.sync_schedule,"
      " crawler_role_arn = excluded.crawler_role_arn, link_suffix = excluded.link_suffix,"
      " creation_date = excluded.creation_date, updated_date = excluded.updated_date",
      Params()
          .text(product.mesh_database)
          .text(product.producer_account)
          .text(product.source_database)
          .text(product.table_name_regex)
          .text(product.domain)
          .text(product.data_product_name)
          .boolean(product.public_metadata)
          .text(product.sync_schedule)
          .text(product.crawler_role_arn)
          .text(product.link_suffix)
          .text(product.creation_date)
          .text(product.updated_date));
}

// Grants -------------------------------------------------------------------------------------

absl::Status PostgresTransaction::put_grant(const GrantRow& grant) {
  if (absl::Status write = require_write("put_grant"); !write.ok()) return write;
  return connection_.defer(
      "INSERT INTO grants (principal, catalog_id, database_name, table_name, permission,"
      " grantable, subscription_id) VALUES ($1, $2, $3, $4, $5, $6, $7)"
      " ON CONFLICT (principal, catalog_id, database_name, table_name, permission,"
      " subscription_id) DO UPDATE SET grantable = excluded.grantable",
      Params()
          .text(grant.principal)
          .text(grant.catalog_id)
          .text(grant.database_name)
          .text(grant.table_name)
          .text(grant.permission)
          .boolean(grant.grantable)
          .text(grant.subscription_id));
}

absl::Status PostgresTransaction::delete_subscription_grants(std::string_view subscription_id) {
  if (absl::Status write = require_write("delete_subscription_grants"); !write.ok()) return write;
  if (subscription_id.empty()) {
    return absl::InvalidArgumentError(
        "delete_subscription_grants needs a subscription id; \"\" would delete every grant "
        "not made for a subscription");
  }
  return connection_.defer("DELETE FROM grants WHERE subscription_id = $1",
                           Params().text(subscription_id));
}

absl::StatusOr<std::vector<GrantRow>> PostgresTransaction::list_subscription_grants(
    std::string_view subscription_id) {
  return query_all(connection_, kListSubscriptionGrants, Params().text(subscription_id),
                   read_grant);
}

absl::StatusOr<std::vector<GrantRow>> PostgresTransaction::find_grants(
    std::string_view principal, std::string_view catalog_id, std::string_view database_name,
    std::string_view table_name) {
  return query_all(
      connection_, kFindGrants,
      Params().text(principal).text(catalog_id).text(database_name).text(table_name), read_grant);
}

// Shares -------------------------------------------------------------------------------------

absl::Status PostgresTransaction::put_share(const ShareRow& share) {
  if (absl::Status write = require_write("put_share"); !write.ok()) return write;
  return connection_.defer(
      "INSERT INTO shares (share_arn, subscription_id, owner_account, recipient_account,"
      " status, creation_date) VALUES ($1, $2, $3, $4, $5, $6)"
      " ON CONFLICT (share_arn) DO UPDATE SET subscription_id = excluded.subscription_id,"
      " owner_account = excluded.owner_account,"
      " recipient_account = excluded.recipient_account, status = excluded.status,"
      " creation_date = excluded.creation_date",
      Params()
          .text(share.share_arn)
          .text(share.subscription_id)
          .text(share.owner_account)
          .text(share.recipient_account)
          .text(share.status)
          .text(share.creation_date));
}

absl::StatusOr<std::vector<ShareRow>> PostgresTransaction::list_subscription_shares(
    std::string_view subscription_id) {
  return query_all(connection_, kListSubscriptionShares, Params().text(subscription_id),
                   read_share);
}

// Subscriptions ------------------------------------------------------------------------------

absl::StatusOr<std::optional<Subscription>> PostgresTransaction::get_subscription(
    std::string_view id) {
  return query_optional(connection_, kGetSubscription, Params().text(id), read_subscription);
}

absl::Status PostgresTransaction::insert_subscription(const Subscription& subscription) {
  if (absl::Status write = require_write("insert_subscription"); !write.ok()) return write;
  absl::StatusOr<Params> params = subscription_params(subscription);
  if (!params.ok()) return params.status();
  // The refusal is the statement's own error, so that nothing sent after it runs.
  return connection_.defer(
      "WITH inserted AS (INSERT INTO subscriptions (id, owner, subscriber, status, database_name,"
      " version, doc) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING"
      " RETURNING id)"
      " SELECT datamesh_refuse('YD409', format('subscription %s already exists', $1::text))"
      " WHERE NOT EXISTS (SELECT 1 FROM inserted)",
      *std::move(params));
}

absl::Status PostgresTransaction::update_subscription(const Subscription& subscription,
                                                      int64_t expected_version) {
  if (absl::Status write = require_write("update_subscription"); !write.ok()) return write;
  absl::StatusOr<Params> params = subscription_params(subscription);
  if (!params.ok()) return params.status();
  params->integer(expected_version);
  // A lost race (40001: Aborted, retried) is told from a missing subscription (NotFound) by the
  // version from before the UPDATE: a data-modifying WITH is not visible to the rest of its
  // statement. Both are the statement's own errors, so that nothing sent after it runs.
  return connection_.defer(
      "WITH updated AS (UPDATE subscriptions SET owner = $2, subscriber = $3, status = $4,"
      " database_name = $5, version = $6, doc = $7 WHERE id = $1 AND version = $8 RETURNING id),"
      " stored AS (SELECT version FROM subscriptions WHERE id = $1)"
      " SELECT CASE WHEN EXISTS (SELECT 1 FROM updated) THEN 0"
      " WHEN NOT EXISTS (SELECT 1 FROM stored)"
      " THEN datamesh_refuse('YD404', format('subscription %s does not exist', $1::text))"
      " ELSE datamesh_refuse('40001', format('subscription %s was changed concurrently"
      " (expected version %s, found %s)', $1::text, $8::bigint, (SELECT version FROM stored)))"
      " END",
      *std::move(params));
}

std::string subscription_listing_sql(const SubscriptionFilter& filter, bool after) {
  std::vector<std::string> conditions;
  int next = 1;
  if (filter.owner) conditions.push_back(cat("owner = $", next++));
  if (filter.subscriber) conditions.push_back(cat("subscriber = $", next++));
  if (filter.status) {
    conditions.push_back(cat("status = $", next++));
  } else if (!filter.include_deleted) {
    // IN over the three other values keeps (owner, status, seq) usable, unlike <>.
    conditions.push_back("status IN ('Pending', 'Active', 'Denied')");
  }
  if (filter.database_name) conditions.push_back(cat("database_name = $", next++));
  if (after) conditions.push_back(cat("seq > $", next++));
  std::string sql(kSubscriptionSelect);
  if (!conditions.empty()) sql += cat(" WHERE ", base::join(conditions, " AND "));
  sql += cat(" ORDER BY seq LIMIT $", next);
  return sql;
}

absl::StatusOr<std::vector<Subscription>> PostgresTransaction::list_subscriptions(
    const SubscriptionFilter& filter, const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  // The cursor is the last id of the previous page; rows are ordered by seq, so find its seq.
  int64_t after_seq = 0;
  if (!page.after.empty()) {
    auto lookup = connection_.query("SELECT seq FROM subscriptions WHERE id = $1",
                                    Params().text(page.after));
    if (!lookup.ok()) return lookup.status();
    if (lookup->rows() == 0) {
      return absl::InvalidArgumentError(
          cat("page token \"", page.after, "\" is not the id of a stored subscription"));
    }
    after_seq = lookup->integer(0, 0);
  }
  Params params;
  if (filter.owner) params.text(*filter.owner);
  if (filter.subscriber) params.text(*filter.subscriber);
  if (filter.status) params.text(core::status_name(*filter.status));
  if (filter.database_name) params.text(*filter.database_name);
  if (!page.after.empty()) params.integer(after_seq);
  params.integer(page.limit);
  return query_all(connection_, subscription_listing_sql(filter, !page.after.empty()), params,
                   read_subscription);
}

absl::StatusOr<std::vector<Subscription>> PostgresTransaction::find_live_duplicates(
    const Subscription& request) {
  auto candidates = query_all(connection_, kFindLiveDuplicates,
                              Params()
                                  .text(request.subscriber_principal)
                                  .text(request.database_name)
                                  .text(nlohmann::json(request.table_names).dump()),
                              read_subscription);
  if (!candidates.ok()) return candidates.status();
  std::erase_if(*candidates,
                [&](const Subscription& candidate) { return !same_request(candidate, request); });
  return candidates;
}

absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
PostgresTransaction::count_subscriptions_by_status() {
  auto counted =
      connection_.query("SELECT status, count(*) FROM subscriptions GROUP BY status");
  if (!counted.ok()) return counted.status();
  std::vector<std::pair<SubscriptionStatus, int64_t>> counts;
  for (int i = 0; i < counted->rows(); ++i) {
    const std::string name = counted->text(i, 0);
    auto status = core::parse_status(name);
    if (!status) {
      return absl::InternalError(cat("subscriptions hold an unknown status \"", name, "\""));
    }
    counts.emplace_back(*status, counted->integer(i, 1));
  }
  return counts;
}

// Audit --------------------------------------------------------------------------------------

absl::Status PostgresTransaction::begin() {
  if (mode_ == TxMode::kRead) {
    return connection_.defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", Params());
  }
  // READ COMMITTED: once the lock is granted, every statement sees what the writers before this
  // one committed. The COMMIT does not wait for the WAL flush (synchronous_commit off for this
  // transaction only), so the write lock is released as soon as the commit is recorded; the
  // store then waits for durability (kDurabilityBarrier in postgres_store.cc).
  for (std::string_view sql : {"BEGIN ISOLATION LEVEL READ COMMITTED",
                               "SET LOCAL synchronous_commit = off"}) {
    if (absl::Status deferred = connection_.defer(sql, Params()); !deferred.ok()) return deferred;
  }
  return connection_.defer(cat(kChainHeadSelect, " FOR UPDATE"), Params(),
                           [this](const Result& locked) {
                             absl::StatusOr<AuditChainHead> head = chain_head_of(locked);
                             if (!head.ok()) return head.status();
                             head_ = *std::move(head);
                             return absl::OkStatus();
                           });
}

absl::StatusOr<AuditChainHead> PostgresTransaction::chain_head_of(const Result& head) const {
  if (head.rows() != 1) {
    return absl::InternalError(cat("the mesh database ", connection_.database(),
                                   " has no audit_chain_head row: its schema is damaged"));
  }
  return AuditChainHead{.sequence = head.integer(0, 0), .hash = head.text(0, 1)};
}

absl::StatusOr<AuditChainHead> PostgresTransaction::audit_chain_head() {
  if (mode_ == TxMode::kWrite) {
    // Read by begin()'s lock, whose check sets head_ or fails the flush; moved only by
    // append_audit_event since.
    if (!head_) {
      if (absl::Status flushed = connection_.flush(); !flushed.ok()) return flushed;
      if (!head_) return absl::InternalError("a write transaction was used without begin()");
    }
    return *head_;
  }
  auto head = connection_.query(kChainHeadSelect);
  if (!head.ok()) return head.status();
  return chain_head_of(*head);
}

absl::Status PostgresTransaction::append_audit_event(const ChainedAuditEvent& chained) {
  if (absl::Status write = require_write("append_audit_event"); !write.ok()) return write;
  absl::StatusOr<AuditChainHead> head = audit_chain_head();
  if (!head.ok()) return head.status();
  const AuditEvent& event = chained.event;
  if (event.sequence != head->sequence + 1 || chained.previous_hash != head->hash) {
    return absl::FailedPreconditionError(
        cat("audit event ", event.sequence, " does not follow the chain head (sequence ",
            head->sequence, "): read audit_chain_head() in the same transaction"));
  }
  // The statement checks the head again (the database, not this object, is the authority), and
  // refuses to append out of turn, so that nothing sent after it runs.
  absl::Status deferred = connection_.defer(
      "WITH head AS (UPDATE audit_chain_head SET sequence = $1, hash = $11"
      " WHERE id = 1 AND sequence = $1 - 1 AND hash = $10 RETURNING sequence),"
      " appended AS (INSERT INTO audit_events (sequence, event_date, actor_account,"
      " actor_principal, action, subscription_id, resource, details, notes, previous_hash, hash)"
      " SELECT sequence, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM head RETURNING sequence)"
      " SELECT datamesh_refuse('XX000', format('audit event %s does not follow the chain head',"
      " $1::bigint)) WHERE NOT EXISTS (SELECT 1 FROM appended)",
      Params()
          .integer(event.sequence)
          .text(event.event_date)
          .text(event.actor_account)
          .text(event.actor_principal)
          .text(event.action)
          .text(event.subscription_id)
          .text(event.resource)
          .text(event.details_json)
          .text(event.notes)
          .text(chained.previous_hash)
          .text(chained.hash));
  if (!deferred.ok()) return deferred;
  head_ = AuditChainHead{.sequence = event.sequence, .hash = chained.hash};
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ChainedAuditEvent>> PostgresTransaction::list_audit_chain(
    const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  absl::StatusOr<int64_t> after = parse_sequence(page.after);
  if (!after.ok()) return after.status();
  return query_all(connection_, kAuditChain, Params().integer(*after).integer(page.limit),
                   read_chained_audit_event);
}

absl::StatusOr<std::vector<AuditEvent>> PostgresTransaction::list_audit_events(
    std::string_view subscription_id, const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  absl::StatusOr<int64_t> after = parse_sequence(page.after);
  if (!after.ok()) return after.status();
  if (subscription_id.empty()) {
    return query_all(connection_, kAuditAll, Params().integer(*after).integer(page.limit),
                     read_audit_event);
  }
  return query_all(connection_, kAuditOfSubscription,
                   Params().text(subscription_id).integer(*after).integer(page.limit),
                   read_audit_event);
}

std::vector<ListingQuery> listing_queries() {
  std::vector<ListingQuery> queries = {
      {"list_access_keys", kListAccessKeys},
      {"list_databases", kListDatabases},
      {"list_tables", kListTables},
      {"list_table_names_page", kListTableNamesPage},
      {"list_subscription_grants", kListSubscriptionGrants},
      {"find_grants", kFindGrants},
      {"list_subscription_shares", kListSubscriptionShares},
      {"find_live_duplicates", kFindLiveDuplicates},
      {"list_audit_chain", kAuditChain},
      {"list_audit_events(all)", kAuditAll},
      {"list_audit_events(subscription)", kAuditOfSubscription},
  };
  const SubscriptionFilter filters[] = {
      {.owner = "o", .status = SubscriptionStatus::kPending},
      {.owner = "o"},
      {.owner = "o", .include_deleted = true},
      {.subscriber = "s"},
      {.subscriber = "s", .status = SubscriptionStatus::kActive, .database_name = "d"},
      {.subscriber = "s", .database_name = "d"},
      {.subscriber = "s", .include_deleted = true},
  };
  for (const SubscriptionFilter& filter : filters) {
    for (bool after : {false, true}) {
      queries.push_back(
          {cat("list_subscriptions(", filter.owner ? "owner" : "subscriber",
               filter.status ? "+status" : "", filter.database_name ? "+database" : "",
               filter.include_deleted ? "+deleted" : "", after ? ", next page" : ", first page",
               ")"),
           subscription_listing_sql(filter, after)});
    }
  }
  return queries;
}

}  // namespace datamesh::store::postgres
