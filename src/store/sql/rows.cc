#include "store/sql/rows.h"

#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/text.h"
#include "core/subscription_status.h"
#include "store/sql/documents.h"

namespace datamesh::store::sql {

using base::cat;

// Accounts -------------------------------------------------------------------------------

absl::StatusOr<Account> read_account(const Row& row) { return read_fields(row, kAccountFields); }

Values account_values(const Account& account) { return values_of(account, kAccountFields); }

absl::StatusOr<AccessKeyRow> read_access_key(const Row& row) {
  return read_fields(row, kAccessKeyFields);
}

absl::StatusOr<AccessKeyWithAccount> read_access_key_with_account(const Row& row) {
  constexpr int kAccountColumn = std::size(kAccessKeyFields);
  AccessKeyWithAccount read{.key = read_fields(row, kAccessKeyFields)};
  if (!row.is_null(kAccountColumn)) {
    read.account = read_fields(row, kAccountFields, kAccountColumn);
  }
  return read;
}

Values access_key_values(const AccessKeyRow& key) { return values_of(key, kAccessKeyFields); }

absl::StatusOr<ClientTokenRow> read_client_token(const Row& row) {
  return read_fields(row, kClientTokenFields);
}

Values client_token_values(const ClientTokenRow& row) {
  return values_of(row, kClientTokenFields);
}

// Catalog --------------------------------------------------------------------------------

absl::StatusOr<Database> read_database(const Row& row) {
  Database database;
  database.catalog_id = row.text(0);
  database.input.name = row.text(1);
  database.input.description = row.text(2);
  database.input.location_uri = row.text(3);
  DATAMESH_ASSIGN_OR_RETURN(
      database.input.parameters,
      decode_parameters(
          row.text(4), cat("database ", database.input.name, " of catalog ", database.catalog_id)));
  if (!row.is_null(5)) {
    database.input.target_database =
        DatabaseIdentifier{.catalog_id = row.text(5), .database_name = row.text(6)};
  }
  database.create_time = row.text(7);
  return database;
}

absl::StatusOr<Values> database_values(const Database& database) {
  DATAMESH_ASSIGN_OR_RETURN(std::string parameters, encode_parameters(database.input.parameters));
  const std::optional<DatabaseIdentifier>& target = database.input.target_database;
  Values values;
  values.text(database.catalog_id)
      .text(database.input.name)
      .text(database.input.description)
      .text(database.input.location_uri)
      .text(parameters)
      .optional_text(target ? &target->catalog_id : nullptr)
      .optional_text(target ? &target->database_name : nullptr)
      .text(database.create_time);
  return values;
}

absl::StatusOr<Table> read_table(const Row& row) {
  Table table;
  table.catalog_id = row.text(0);
  table.database_name = row.text(1);
  const std::string name = row.text(2);
  DATAMESH_ASSIGN_OR_RETURN(
      table.input,
      decode_table_definition(row.text(3), cat("table ", table.database_name, ".", name,
                                               " of catalog ", table.catalog_id)));
  table.input.name = name;
  if (!row.is_null(4)) {
    table.input.target_table = TableIdentifier{
        .catalog_id = row.text(4), .database_name = row.text(5), .name = row.text(6)};
  }
  table.create_time = row.text(7);
  table.update_time = row.text(8);
  table.created_by = row.text(9);
  table.version_id = row.integer(10);
  return table;
}

absl::StatusOr<Values> table_values(const Table& table) {
  DATAMESH_ASSIGN_OR_RETURN(std::string definition, encode_table_definition(table.input));
  const std::optional<TableIdentifier>& target = table.input.target_table;
  Values values;
  values.text(table.catalog_id)
      .text(table.database_name)
      .text(table.input.name)
      .text(definition)
      .optional_text(target ? &target->catalog_id : nullptr)
      .optional_text(target ? &target->database_name : nullptr)
      .optional_text(target ? &target->name : nullptr)
      .text(table.create_time)
      .text(table.update_time)
      .text(table.created_by)
      .integer(table.version_id);
  return values;
}

// Products, grants, shares ---------------------------------------------------------------

absl::StatusOr<ProductRow> read_product(const Row& row) { return read_fields(row, kProductFields); }

Values product_values(const ProductRow& product) { return values_of(product, kProductFields); }

absl::StatusOr<GrantRow> read_grant(const Row& row) { return read_fields(row, kGrantFields); }

Values grant_values(const GrantRow& grant) { return values_of(grant, kGrantFields); }

absl::StatusOr<ShareRow> read_share(const Row& row) { return read_fields(row, kShareFields); }

Values share_values(const ShareRow& share) { return values_of(share, kShareFields); }

// Subscriptions and audit ------------------------------------------------------------------

absl::StatusOr<Subscription> read_subscription(const Row& row) {
  Subscription subscription;
  subscription.subscription_id = row.text(0);
  const std::string status = row.text(1);
  std::optional<SubscriptionStatus> parsed = core::parse_status(status);
  if (!parsed) {
    return absl::InternalError(cat("subscription ", subscription.subscription_id,
                                   " has unknown status \"", status, "\" in the mesh store"));
  }
  subscription.status = *parsed;
  subscription.database_name = row.text(2);
  subscription.owner_principal = row.text(3);
  subscription.subscriber_principal = row.text(4);
  subscription.version = row.integer(5);
  DATAMESH_RETURN_IF_ERROR(decode_subscription_document(
      row.text(6), cat("subscription ", subscription.subscription_id), subscription));
  return subscription;
}

absl::StatusOr<Values> subscription_values(const Subscription& subscription) {
  DATAMESH_ASSIGN_OR_RETURN(std::string document, encode_subscription_document(subscription));
  Values values;
  values.text(subscription.subscription_id)
      .text(subscription.owner_principal)
      .text(subscription.subscriber_principal)
      .text(core::status_name(subscription.status))
      .text(subscription.database_name)
      .integer(subscription.version)
      .text(document);
  return values;
}

absl::StatusOr<AuditEvent> read_audit_event(const Row& row) {
  return read_fields(row, kAuditEventFields);
}

absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Row& row) {
  constexpr int kLinks = std::size(kAuditEventFields);
  return ChainedAuditEvent{.event = read_fields(row, kAuditEventFields),
                           .previous_hash = row.text(kLinks),
                           .hash = row.text(kLinks + 1)};
}

Values chained_audit_event_values(const ChainedAuditEvent& chained) {
  Values values;
  bind_fields(values, chained.event, kAuditEventFields)
      .text(chained.previous_hash)
      .text(chained.hash);
  return values;
}

}  // namespace datamesh::store::sql
