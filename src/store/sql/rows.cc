#include "store/sql/rows.h"

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

absl::StatusOr<Account> read_account(const Row& row) {
  return Account{.account_id = row.text(0),
                 .name = row.text(1),
                 .is_mesh = row.boolean(2),
                 .producer_enabled = row.boolean(3),
                 .consumer_enabled = row.boolean(4),
                 .producer_initialized = row.boolean(5),
                 .consumer_initialized = row.boolean(6),
                 .creation_date = row.text(7)};
}

Values account_values(const Account& account) {
  Values values;
  values.text(account.account_id)
      .text(account.name)
      .boolean(account.is_mesh)
      .boolean(account.producer_enabled)
      .boolean(account.consumer_enabled)
      .boolean(account.producer_initialized)
      .boolean(account.consumer_initialized)
      .text(account.creation_date);
  return values;
}

absl::StatusOr<AccessKeyRow> read_access_key(const Row& row) {
  return AccessKeyRow{.access_key_id = row.text(0),
                      .account_id = row.text(1),
                      .sealed_secret = row.bytes(2),
                      .status = row.text(3),
                      .creation_date = row.text(4),
                      .revocation_date = row.text(5)};
}

Values access_key_values(const AccessKeyRow& key) {
  Values values;
  values.text(key.access_key_id)
      .text(key.account_id)
      .bytes(key.sealed_secret)
      .text(key.status)
      .text(key.creation_date)
      .text(key.revocation_date);
  return values;
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

absl::StatusOr<ProductRow> read_product(const Row& row) {
  return ProductRow{.mesh_database = row.text(0),
                    .producer_account = row.text(1),
                    .source_database = row.text(2),
                    .table_name_regex = row.text(3),
                    .domain = row.text(4),
                    .data_product_name = row.text(5),
                    .public_metadata = row.boolean(6),
                    .sync_schedule = row.text(7),
                    .crawler_role_arn = row.text(8),
                    .link_suffix = row.text(9),
                    .creation_date = row.text(10),
                    .updated_date = row.text(11)};
}

Values product_values(const ProductRow& product) {
  Values values;
  values.text(product.mesh_database)
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
      .text(product.updated_date);
  return values;
}

absl::StatusOr<GrantRow> read_grant(const Row& row) {
  return GrantRow{.principal = row.text(0),
                  .catalog_id = row.text(1),
                  .database_name = row.text(2),
                  .table_name = row.text(3),
                  .permission = row.text(4),
                  .grantable = row.boolean(5),
                  .subscription_id = row.text(6)};
}

Values grant_values(const GrantRow& grant) {
  Values values;
  values.text(grant.principal)
      .text(grant.catalog_id)
      .text(grant.database_name)
      .text(grant.table_name)
      .text(grant.permission)
      .boolean(grant.grantable)
      .text(grant.subscription_id);
  return values;
}

absl::StatusOr<ShareRow> read_share(const Row& row) {
  return ShareRow{.share_arn = row.text(0),
                  .subscription_id = row.text(1),
                  .owner_account = row.text(2),
                  .recipient_account = row.text(3),
                  .status = row.text(4),
                  .creation_date = row.text(5)};
}

Values share_values(const ShareRow& share) {
  Values values;
  values.text(share.share_arn)
      .text(share.subscription_id)
      .text(share.owner_account)
      .text(share.recipient_account)
      .text(share.status)
      .text(share.creation_date);
  return values;
}

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
  return AuditEvent{.sequence = row.integer(0),
                    .event_date = row.text(1),
                    .actor_account = row.text(2),
                    .actor_principal = row.text(3),
                    .action = row.text(4),
                    .subscription_id = row.text(5),
                    .resource = row.text(6),
                    .details_json = row.text(7),
                    .notes = row.text(8)};
}

absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Row& row) {
  DATAMESH_ASSIGN_OR_RETURN(AuditEvent event, read_audit_event(row));
  return ChainedAuditEvent{
      .event = std::move(event), .previous_hash = row.text(9), .hash = row.text(10)};
}

Values chained_audit_event_values(const ChainedAuditEvent& chained) {
  const AuditEvent& event = chained.event;
  Values values;
  values.integer(event.sequence)
      .text(event.event_date)
      .text(event.actor_account)
      .text(event.actor_principal)
      .text(event.action)
      .text(event.subscription_id)
      .text(event.resource)
      .text(event.details_json)
      .text(event.notes)
      .text(chained.previous_hash)
      .text(chained.hash);
  return values;
}

}  // namespace datamesh::store::sql
