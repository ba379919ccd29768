#include "store/sqlite/transaction.h"

#include <charconv>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/subscription_status.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/documents.h"
#include "store/sqlite/rows.h"

namespace datamesh::store::sqlite {

using base::cat;

namespace {

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

// Each query as the listings run it, with the names list_subscriptions uses.
const std::string kListDatabases =
    cat(kDatabaseSelect, " WHERE catalog_id = ?1 AND name > ?2 ORDER BY name LIMIT ?3");
const std::string kListTables =
    cat(kTableSelect,
        " WHERE catalog_id = ?1 AND database_name = ?2 AND name > ?3 ORDER BY name"
        " LIMIT ?4");
const std::string kListTableNamesPage =
    "SELECT name FROM tables WHERE catalog_id = ?1 AND database_name = ?2 AND name > ?3"
    " ORDER BY name LIMIT ?4";
const std::string kFindGrants =
    cat(kGrantSelect,
        " WHERE principal = ?1 AND catalog_id = ?2 AND database_name = ?3"
        " AND table_name IN (?4, '*', '') ORDER BY table_name, permission, subscription_id");
// The expression must match the subscriptions_request index's exactly for the index to be used.
const std::string kFindLiveDuplicates =
    cat(kSubscriptionSelect,
        " WHERE subscriber = ?1 AND database_name = ?2"
        " AND json_extract(doc, '$.table_names') = json(?3)"
        " AND status IN ('Pending', 'Active') ORDER BY seq");
const std::string kAuditChain =
    cat(kAuditChainSelect, " WHERE sequence > ?1 ORDER BY sequence LIMIT ?2");
const std::string kAuditAll = cat(kAuditSelect, " WHERE sequence > ?1 ORDER BY sequence LIMIT ?2");
const std::string kAuditOfSubscription =
    cat(kAuditSelect, " WHERE subscription_id = ?1 AND sequence > ?2 ORDER BY sequence LIMIT ?3");

}  // namespace

absl::Status SqliteTransaction::require_write(std::string_view operation) const {
  if (mode_ == TxMode::kWrite) return absl::OkStatus();
  return absl::FailedPreconditionError(
      cat(operation, " needs a write transaction; this one was begun with TxMode::kRead"));
}

// Accounts and keys -------------------------------------------------------------------------

absl::StatusOr<std::optional<Account>> SqliteTransaction::get_account(std::string_view account_id) {
  auto statement = connection_.prepare(cat(kAccountSelect, " WHERE account_id = ?1"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, account_id);
  return read_optional(*statement, read_account);
}

absl::StatusOr<std::optional<Account>> SqliteTransaction::get_mesh_account() {
  auto statement =
      connection_.prepare(cat(kAccountSelect, " WHERE is_mesh = 1 ORDER BY account_id LIMIT 1"));
  if (!statement.ok()) return statement.status();
  return read_optional(*statement, read_account);
}

absl::Status SqliteTransaction::put_account(const Account& account) {
  if (absl::Status write = require_write("put_account"); !write.ok()) return write;
  auto statement = connection_.prepare(
      "INSERT INTO accounts (account_id, name, is_mesh, producer_enabled, consumer_enabled,"
      " producer_initialized, consumer_initialized, creation_date)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
      " ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, is_mesh = excluded.is_mesh,"
      " producer_enabled = excluded.producer_enabled,"
      " consumer_enabled = excluded.consumer_enabled,"
      " producer_initialized = excluded.producer_initialized,"
      " consumer_initialized = excluded.consumer_initialized,"
      " creation_date = excluded.creation_date");
  if (!statement.ok()) return statement.status();
  return statement->bind_text(1, account.account_id)
      .bind_text(2, account.name)
      .bind_bool(3, account.is_mesh)
      .bind_bool(4, account.producer_enabled)
      .bind_bool(5, account.consumer_enabled)
      .bind_bool(6, account.producer_initialized)
      .bind_bool(7, account.consumer_initialized)
      .bind_text(8, account.creation_date)
      .run();
}

absl::StatusOr<std::vector<Account>> SqliteTransaction::list_accounts() {
  auto statement = connection_.prepare(cat(kAccountSelect, " ORDER BY account_id"));
  if (!statement.ok()) return statement.status();
  return read_all(*statement, read_account);
}

absl::StatusOr<std::optional<AccessKeyRow>> SqliteTransaction::get_access_key(
    std::string_view key_id) {
  auto statement = connection_.prepare(cat(kAccessKeySelect, " WHERE access_key_id = ?1"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, key_id);
  return read_optional(*statement, read_access_key);
}

absl::Status SqliteTransaction::put_access_key(const AccessKeyRow& key) {
  if (absl::Status write = require_write("put_access_key"); !write.ok()) return write;
  auto statement = connection_.prepare(
      "INSERT INTO access_keys (access_key_id, account_id, sealed_secret, status, creation_date,"
      " revocation_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT (access_key_id) DO UPDATE SET account_id = excluded.account_id,"
      " sealed_secret = excluded.sealed_secret, status = excluded.status,"
      " creation_date = excluded.creation_date, revocation_date = excluded.revocation_date");
  if (!statement.ok()) return statement.status();
  return statement->bind_text(1, key.access_key_id)
      .bind_text(2, key.account_id)
      .bind_blob(3, key.sealed_secret)
      .bind_text(4, key.status)
      .bind_text(5, key.creation_date)
      .bind_text(6, key.revocation_date)
      .run();
}

absl::StatusOr<std::vector<AccessKeyRow>> SqliteTransaction::list_access_keys(
    std::string_view account_id) {
  auto statement = connection_.prepare(
      cat(kAccessKeySelect, " WHERE account_id = ?1 ORDER BY creation_date, access_key_id"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, account_id);
  return read_all(*statement, read_access_key);
}

// Catalogs -----------------------------------------------------------------------------------

absl::StatusOr<std::optional<Database>> SqliteTransaction::get_database(std::string_view catalog_id,
                                                                        std::string_view name) {
  auto statement =
      connection_.prepare(cat(kDatabaseSelect, " WHERE catalog_id = ?1 AND name = ?2"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, catalog_id).bind_text(2, name);
  return read_optional(*statement, read_database);
}

absl::Status SqliteTransaction::put_database(const Database& database) {
  if (absl::Status write = require_write("put_database"); !write.ok()) return write;
  absl::StatusOr<std::string> parameters = encode_parameters(database.input.parameters);
  if (!parameters.ok()) return parameters.status();
  auto statement = connection_.prepare(
      "INSERT INTO databases (catalog_id, name, description, location_uri, parameters,"
      " target_catalog, target_database, create_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
      " ON CONFLICT (catalog_id, name) DO UPDATE SET description = excluded.description,"
      " location_uri = excluded.location_uri, parameters = excluded.parameters,"
      " target_catalog = excluded.target_catalog, target_database = excluded.target_database,"
      " create_time = excluded.create_time");
  if (!statement.ok()) return statement.status();
  const std::optional<DatabaseIdentifier>& target = database.input.target_database;
  return statement->bind_text(1, database.catalog_id)
      .bind_text(2, database.input.name)
      .bind_text(3, database.input.description)
      .bind_text(4, database.input.location_uri)
      .bind_text(5, *parameters)
      .bind_optional_text(6, target ? &target->catalog_id : nullptr)
      .bind_optional_text(7, target ? &target->database_name : nullptr)
      .bind_text(8, database.create_time)
      .run();
}

absl::Status SqliteTransaction::delete_database(std::string_view catalog_id,
                                                std::string_view name) {
  if (absl::Status write = require_write("delete_database"); !write.ok()) return write;
  auto tables =
      connection_.prepare("DELETE FROM tables WHERE catalog_id = ?1 AND database_name = ?2");
  if (!tables.ok()) return tables.status();
  if (absl::Status deleted = tables->bind_text(1, catalog_id).bind_text(2, name).run();
      !deleted.ok()) {
    return deleted;
  }
  auto database = connection_.prepare("DELETE FROM databases WHERE catalog_id = ?1 AND name = ?2");
  if (!database.ok()) return database.status();
  return database->bind_text(1, catalog_id).bind_text(2, name).run();
}

absl::StatusOr<std::vector<Database>> SqliteTransaction::list_databases(std::string_view catalog_id,
                                                                        const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  auto statement = connection_.prepare(kListDatabases);
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, catalog_id).bind_text(2, page.after).bind_int(3, page.limit);
  return read_all(*statement, read_database);
}

absl::StatusOr<std::optional<Table>> SqliteTransaction::get_table(std::string_view catalog_id,
                                                                  std::string_view database_name,
                                                                  std::string_view name) {
  auto statement = connection_.prepare(
      cat(kTableSelect, " WHERE catalog_id = ?1 AND database_name = ?2 AND name = ?3"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, catalog_id).bind_text(2, database_name).bind_text(3, name);
  return read_optional(*statement, read_table);
}

absl::Status SqliteTransaction::put_table(const Table& table) {
  if (absl::Status write = require_write("put_table"); !write.ok()) return write;
  absl::StatusOr<std::string> definition = encode_table_definition(table.input);
  if (!definition.ok()) return definition.status();
  auto statement = connection_.prepare(
      "INSERT INTO tables (catalog_id, database_name, name, definition, target_catalog,"
      " target_database, target_table, create_time, update_time, created_by, version_id)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
      " ON CONFLICT (catalog_id, database_name, name) DO UPDATE SET"
      " definition = excluded.definition, target_catalog = excluded.target_catalog,"
      " target_database = excluded.target_database, target_table = excluded.target_table,"
      " create_time = excluded.create_time, update_time = excluded.update_time,"
      " created_by = excluded.created_by, version_id = excluded.version_id");
  if (!statement.ok()) return statement.status();
  const std::optional<TableIdentifier>& target = table.input.target_table;
  return statement->bind_text(1, table.catalog_id)
      .bind_text(2, table.database_name)
      .bind_text(3, table.input.name)
      .bind_text(4, *definition)
      .bind_optional_text(5, target ? &target->catalog_id : nullptr)
      .bind_optional_text(6, target ? &target->database_name : nullptr)
      .bind_optional_text(7, target ? &target->name : nullptr)
      .bind_text(8, table.create_time)
      .bind_text(9, table.update_time)
      .bind_text(10, table.created_by)
      .bind_int(11, table.version_id)
      .run();
}

absl::Status SqliteTransaction::delete_table(std::string_view catalog_id,
                                             std::string_view database_name,
                                             std::string_view name) {
  if (absl::Status write = require_write("delete_table"); !write.ok()) return write;
  auto statement = connection_.prepare(
      "DELETE FROM tables WHERE catalog_id = ?1 AND database_name = ?2 AND name = ?3");
  if (!statement.ok()) return statement.status();
  return statement->bind_text(1, catalog_id).bind_text(2, database_name).bind_text(3, name).run();
}

absl::StatusOr<std::vector<Table>> SqliteTransaction::list_tables(std::string_view catalog_id,
                                                                  std::string_view database_name,
                                                                  const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  auto statement = connection_.prepare(kListTables);
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, catalog_id)
      .bind_text(2, database_name)
      .bind_text(3, page.after)
      .bind_int(4, page.limit);
  return read_all(*statement, read_table);
}

absl::StatusOr<std::vector<std::string>> SqliteTransaction::list_table_names(
    std::string_view catalog_id, std::string_view database_name) {
  auto statement = connection_.prepare(
      "SELECT name FROM tables WHERE catalog_id = ?1 AND database_name = ?2 ORDER BY name");
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, catalog_id).bind_text(2, database_name);
  return read_all(*statement,
                  [](const Statement& row) -> absl::StatusOr<std::string> { return row.text(0); });
}

absl::StatusOr<std::vector<std::string>> SqliteTransaction::list_table_names_page(
    std::string_view catalog_id, std::string_view database_name, const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  auto statement = connection_.prepare(kListTableNamesPage);
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, catalog_id)
      .bind_text(2, database_name)
      .bind_text(3, page.after)
      .bind_int(4, page.limit);
  return read_all(*statement,
                  [](const Statement& row) -> absl::StatusOr<std::string> { return row.text(0); });
}

// Data products ------------------------------------------------------------------------------

absl::StatusOr<std::optional<ProductRow>> SqliteTransaction::get_product(
    std::string_view mesh_database) {
  auto statement = connection_.prepare(cat(kProductSelect, " WHERE mesh_database = ?1"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, mesh_database);
  return read_optional(*statement, read_product);
}

absl::StatusOr<std::vector<ProductRow>> SqliteTransaction::list_products(
    const ProductFilter& filter, const Page& page) {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(
      auto statement,
      connection_.prepare(cat(kProductSelect,
                              " WHERE mesh_database > ?1 AND (?2 = '' OR producer_account = ?2)"
                              " AND (?3 = '' OR domain = ?3) AND (?4 = 0 OR public_metadata = 1)"
                              " ORDER BY mesh_database LIMIT ?5")));
  statement.bind_text(1, page.after)
      .bind_text(2, filter.producer_account)
      .bind_text(3, filter.domain)
      .bind_int(4, filter.public_metadata_only ? 1 : 0)
      .bind_int(5, page.limit);
  return read_all(statement, read_product);
}

absl::Status SqliteTransaction::put_product(const ProductRow& product) {
  if (absl::Status write = require_write("put_product"); !write.ok()) return write;
  auto statement = connection_.prepare(
      "INSERT INTO products (mesh_database, producer_account, source_database, table_name_regex,"
      " domain, data_product_name, public_metadata, sync_schedule, crawler_role_arn,"
      " link_suffix, creation_date, updated_date)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
      " ON CONFLICT (mesh_database) DO UPDATE SET producer_account = excluded.producer_account,"
      " source_database = excluded.source_database,"
      " table_name_regex = excluded.table_name_regex, domain = excluded.domain,"
      " data_product_name = excluded.data_product_name,"
      " public_metadata = excluded.public_metadata, sync_schedule = excluded.sync_schedule,"
      " crawler_role_arn = excluded.crawler_role_arn, link_suffix = excluded.link_suffix,"
      " creation_date = excluded.creation_date, updated_date = excluded.updated_date");
  if (!statement.ok()) return statement.status();
  return statement->bind_text(1, product.mesh_database)
      .bind_text(2, product.producer_account)
      .bind_text(3, product.source_database)
      .bind_text(4, product.table_name_regex)
      .bind_text(5, product.domain)
      .bind_text(6, product.data_product_name)
      .bind_bool(7, product.public_metadata)
      .bind_text(8, product.sync_schedule)
      .bind_text(9, product.crawler_role_arn)
      .bind_text(10, product.link_suffix)
      .bind_text(11, product.creation_date)
      .bind_text(12, product.updated_date)
      .run();
}

// Grants -------------------------------------------------------------------------------------

absl::Status SqliteTransaction::put_grant(const GrantRow& grant) {
  if (absl::Status write = require_write("put_grant"); !write.ok()) return write;
  auto statement = connection_.prepare(
      "INSERT INTO grants (principal, catalog_id, database_name, table_name, permission,"
      " grantable, subscription_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT (principal, catalog_id, database_name, table_name, permission,"
      " subscription_id) DO UPDATE SET grantable = excluded.grantable");
  if (!statement.ok()) return statement.status();
  return statement->bind_text(1, grant.principal)
      .bind_text(2, grant.catalog_id)
      .bind_text(3, grant.database_name)
      .bind_text(4, grant.table_name)
      .bind_text(5, grant.permission)
      .bind_bool(6, grant.grantable)
      .bind_text(7, grant.subscription_id)
      .run();
}

absl::Status SqliteTransaction::delete_subscription_grants(std::string_view subscription_id) {
  if (absl::Status write = require_write("delete_subscription_grants"); !write.ok()) return write;
  if (subscription_id.empty()) {
    return absl::InvalidArgumentError(
        "delete_subscription_grants needs a subscription id; \"\" would delete every grant "
        "not made for a subscription");
  }
  auto statement = connection_.prepare("DELETE FROM grants WHERE subscription_id = ?1");
  if (!statement.ok()) return statement.status();
  return statement->bind_text(1, subscription_id).run();
}

absl::StatusOr<std::vector<GrantRow>> SqliteTransaction::list_subscription_grants(
    std::string_view subscription_id) {
  auto statement = connection_.prepare(
      cat(kGrantSelect,
          " WHERE subscription_id = ?1"
          " ORDER BY principal, catalog_id, database_name, table_name, permission"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, subscription_id);
  return read_all(*statement, read_grant);
}

absl::StatusOr<std::vector<GrantRow>> SqliteTransaction::find_grants(std::string_view principal,
                                                                     std::string_view catalog_id,
                                                                     std::string_view database_name,
                                                                     std::string_view table_name) {
  auto statement = connection_.prepare(kFindGrants);
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, principal)
      .bind_text(2, catalog_id)
      .bind_text(3, database_name)
      .bind_text(4, table_name);
  return read_all(*statement, read_grant);
}

// Shares -------------------------------------------------------------------------------------

absl::Status SqliteTransaction::put_share(const ShareRow& share) {
  if (absl::Status write = require_write("put_share"); !write.ok()) return write;
  auto statement = connection_.prepare(
      "INSERT INTO shares (share_arn, subscription_id, owner_account, recipient_account, status,"
      " creation_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT (share_arn) DO UPDATE SET subscription_id = excluded.subscription_id,"
      " owner_account = excluded.owner_account, recipient_account = excluded.recipient_account,"
      " status = excluded.status, creation_date = excluded.creation_date");
  if (!statement.ok()) return statement.status();
  return statement->bind_text(1, share.share_arn)
      .bind_text(2, share.subscription_id)
      .bind_text(3, share.owner_account)
      .bind_text(4, share.recipient_account)
      .bind_text(5, share.status)
      .bind_text(6, share.creation_date)
      .run();
}

absl::StatusOr<std::vector<ShareRow>> SqliteTransaction::list_subscription_shares(
    std::string_view subscription_id) {
  auto statement = connection_.prepare(
      "SELECT share_arn, subscription_id, owner_account, recipient_account, status,"
      " creation_date FROM shares WHERE subscription_id = ?1 ORDER BY creation_date, share_arn");
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, subscription_id);
  return read_all(*statement, read_share);
}

// Subscriptions ------------------------------------------------------------------------------

absl::StatusOr<std::optional<Subscription>> SqliteTransaction::get_subscription(
    std::string_view id) {
  auto statement = connection_.prepare(cat(kSubscriptionSelect, " WHERE id = ?1"));
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, id);
  return read_optional(*statement, read_subscription);
}

absl::Status SqliteTransaction::insert_subscription(const Subscription& subscription) {
  if (absl::Status write = require_write("insert_subscription"); !write.ok()) return write;
  absl::StatusOr<std::string> document = encode_subscription_document(subscription);
  if (!document.ok()) return document.status();
  auto statement = connection_.prepare(
      "INSERT INTO subscriptions (id, owner, subscriber, status, database_name, version, doc)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING");
  if (!statement.ok()) return statement.status();
  absl::Status inserted = statement->bind_text(1, subscription.subscription_id)
                              .bind_text(2, subscription.owner_principal)
                              .bind_text(3, subscription.subscriber_principal)
                              .bind_text(4, core::status_name(subscription.status))
                              .bind_text(5, subscription.database_name)
                              .bind_int(6, subscription.version)
                              .bind_text(7, *document)
                              .run();
  if (!inserted.ok()) return inserted;
  if (connection_.changes() == 0) {
    return absl::AlreadyExistsError(
        cat("subscription ", subscription.subscription_id, " already exists"));
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::update_subscription(const Subscription& subscription,
                                                    int64_t expected_version) {
  if (absl::Status write = require_write("update_subscription"); !write.ok()) return write;
  absl::StatusOr<std::string> document = encode_subscription_document(subscription);
  if (!document.ok()) return document.status();
  auto statement = connection_.prepare(
      "UPDATE subscriptions SET owner = ?2, subscriber = ?3, status = ?4, database_name = ?5,"
      " version = ?6, doc = ?7 WHERE id = ?1 AND version = ?8");
  if (!statement.ok()) return statement.status();
  absl::Status updated = statement->bind_text(1, subscription.subscription_id)
                             .bind_text(2, subscription.owner_principal)
                             .bind_text(3, subscription.subscriber_principal)
                             .bind_text(4, core::status_name(subscription.status))
                             .bind_text(5, subscription.database_name)
                             .bind_int(6, subscription.version)
                             .bind_text(7, *document)
                             .bind_int(8, expected_version)
                             .run();
  if (!updated.ok()) return updated;
  if (connection_.changes() == 1) return absl::OkStatus();

  // Nothing written: tell a lost race (retry) from a missing subscription (do not).
  auto stored = connection_.prepare("SELECT version FROM subscriptions WHERE id = ?1");
  if (!stored.ok()) return stored.status();
  stored->bind_text(1, subscription.subscription_id);
  absl::StatusOr<bool> found = stored->step();
  if (!found.ok()) return found.status();
  if (!*found) {
    return absl::NotFoundError(
        cat("subscription ", subscription.subscription_id, " does not exist"));
  }
  return absl::AbortedError(cat("subscription ", subscription.subscription_id,
                                " was changed concurrently (expected version ", expected_version,
                                ", found ", stored->integer(0), ")"));
}

std::string subscription_listing_sql(const SubscriptionFilter& filter, bool after) {
  std::vector<std::string_view> conditions;
  if (filter.owner) conditions.push_back("owner = :owner");
  if (filter.subscriber) conditions.push_back("subscriber = :subscriber");
  if (filter.status) {
    conditions.push_back("status = :status");
  } else if (!filter.include_deleted) {
    // IN over the three other values keeps (owner, status, seq) usable, unlike <>.
    conditions.push_back("status IN ('Pending', 'Active', 'Denied')");
  }
  if (filter.database_name) conditions.push_back("database_name = :database_name");
  if (after) conditions.push_back("seq > :after_seq");
  std::string sql(kSubscriptionSelect);
  if (!conditions.empty()) sql += cat(" WHERE ", base::join(conditions, " AND "));
  sql += " ORDER BY seq LIMIT :limit";
  return sql;
}

absl::StatusOr<std::vector<Subscription>> SqliteTransaction::list_subscriptions(
    const SubscriptionFilter& filter, const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  // The cursor is the last id of the previous page; rows are ordered by seq, so find its seq.
  int64_t after_seq = 0;
  if (!page.after.empty()) {
    auto lookup = connection_.prepare("SELECT seq FROM subscriptions WHERE id = ?1");
    if (!lookup.ok()) return lookup.status();
    lookup->bind_text(1, page.after);
    absl::StatusOr<bool> found = lookup->step();
    if (!found.ok()) return found.status();
    if (!*found) {
      return absl::InvalidArgumentError(
          cat("page token \"", page.after, "\" is not the id of a stored subscription"));
    }
    after_seq = lookup->integer(0);
  }
  auto statement = connection_.prepare(subscription_listing_sql(filter, !page.after.empty()));
  if (!statement.ok()) return statement.status();
  if (filter.owner) statement->bind_text(":owner", *filter.owner);
  if (filter.subscriber) statement->bind_text(":subscriber", *filter.subscriber);
  if (filter.status) statement->bind_text(":status", core::status_name(*filter.status));
  if (filter.database_name) statement->bind_text(":database_name", *filter.database_name);
  if (!page.after.empty()) statement->bind_int(":after_seq", after_seq);
  statement->bind_int(":limit", page.limit);
  return read_all(*statement, read_subscription);
}

absl::StatusOr<std::vector<Subscription>> SqliteTransaction::find_live_duplicates(
    const Subscription& request) {
  auto statement = connection_.prepare(kFindLiveDuplicates);
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, request.subscriber_principal)
      .bind_text(2, request.database_name)
      .bind_text(3, nlohmann::json(request.table_names).dump());
  absl::StatusOr<std::vector<Subscription>> candidates = read_all(*statement, read_subscription);
  if (!candidates.ok()) return candidates.status();
  std::erase_if(*candidates,
                [&](const Subscription& candidate) { return !same_request(candidate, request); });
  return candidates;
}

absl::StatusOr<std::vector<std::pair<SubscriptionStatus, int64_t>>>
SqliteTransaction::count_subscriptions_by_status() {
  auto statement =
      connection_.prepare("SELECT status, count(*) FROM subscriptions GROUP BY status");
  if (!statement.ok()) return statement.status();
  std::vector<std::pair<SubscriptionStatus, int64_t>> counts;
  while (true) {
    absl::StatusOr<bool> row = statement->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string name = statement->text(0);
    auto status = core::parse_status(name);
    if (!status) {
      return absl::InternalError(cat("subscriptions hold an unknown status \"", name, "\""));
    }
    counts.emplace_back(*status, statement->integer(1));
  }
  return counts;
}

// Audit --------------------------------------------------------------------------------------

absl::StatusOr<AuditChainHead> SqliteTransaction::audit_chain_head() {
  // Writers are serialized by BEGIN IMMEDIATE, so reading the head claims it until commit.
  auto statement = connection_.prepare("SELECT sequence, hash FROM audit_chain_head WHERE id = 1");
  if (!statement.ok()) return statement.status();
  absl::StatusOr<bool> row = statement->step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("the mesh store has no audit_chain_head row");
  return AuditChainHead{.sequence = statement->integer(0), .hash = statement->text(1)};
}

absl::Status SqliteTransaction::append_audit_event(const ChainedAuditEvent& chained) {
  if (absl::Status write = require_write("append_audit_event"); !write.ok()) return write;
  absl::StatusOr<AuditChainHead> head = audit_chain_head();
  if (!head.ok()) return head.status();
  const AuditEvent& event = chained.event;
  if (event.sequence != head->sequence + 1 || chained.previous_hash != head->hash) {
    return absl::FailedPreconditionError(
        cat("audit event ", event.sequence, " does not follow the chain head (sequence ",
            head->sequence, "): read audit_chain_head() in the same transaction"));
  }
  auto statement = connection_.prepare(
      "INSERT INTO audit_events (sequence, event_date, actor_account, actor_principal, action,"
      " subscription_id, resource, details, notes, previous_hash, hash)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!statement.ok()) return statement.status();
  absl::Status inserted = statement->bind_int(1, event.sequence)
                              .bind_text(2, event.event_date)
                              .bind_text(3, event.actor_account)
                              .bind_text(4, event.actor_principal)
                              .bind_text(5, event.action)
                              .bind_text(6, event.subscription_id)
                              .bind_text(7, event.resource)
                              .bind_text(8, event.details_json)
                              .bind_text(9, event.notes)
                              .bind_text(10, chained.previous_hash)
                              .bind_text(11, chained.hash)
                              .run();
  if (!inserted.ok()) return inserted;
  auto advance =
      connection_.prepare("UPDATE audit_chain_head SET sequence = ?1, hash = ?2 WHERE id = 1");
  if (!advance.ok()) return advance.status();
  return advance->bind_int(1, event.sequence).bind_text(2, chained.hash).run();
}

absl::StatusOr<std::vector<ChainedAuditEvent>> SqliteTransaction::list_audit_chain(
    const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  absl::StatusOr<int64_t> after = parse_sequence(page.after);
  if (!after.ok()) return after.status();
  auto statement = connection_.prepare(kAuditChain);
  if (!statement.ok()) return statement.status();
  statement->bind_int(1, *after).bind_int(2, page.limit);
  return read_all(*statement, read_chained_audit_event);
}

absl::StatusOr<std::vector<AuditEvent>> SqliteTransaction::list_audit_events(
    std::string_view subscription_id, const Page& page) {
  if (absl::Status limit = check_limit(page); !limit.ok()) return limit;
  absl::StatusOr<int64_t> after = parse_sequence(page.after);
  if (!after.ok()) return after.status();
  if (subscription_id.empty()) {
    auto statement = connection_.prepare(kAuditAll);
    if (!statement.ok()) return statement.status();
    statement->bind_int(1, *after).bind_int(2, page.limit);
    return read_all(*statement, read_audit_event);
  }
  auto statement = connection_.prepare(kAuditOfSubscription);
  if (!statement.ok()) return statement.status();
  statement->bind_text(1, subscription_id).bind_int(2, *after).bind_int(3, page.limit);
  return read_all(*statement, read_audit_event);
}

std::vector<ListingQuery> listing_queries() {
  std::vector<ListingQuery> queries = {
      {"list_databases", kListDatabases},
      {"list_tables", kListTables},
      {"list_table_names_page", kListTableNamesPage},
      {"find_grants", kFindGrants},
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

}  // namespace datamesh::store::sqlite
