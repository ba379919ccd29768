#include "store/sqlite/rows.h"

#include "core/subscription_status.h"
#include "base/text.h"
#include "store/documents.h"

namespace datamesh::store::sqlite {

using base::cat;

absl::Status check_limit(const Page& page) {
  if (page.limit >= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(cat("page limit must be at least 1, not ", page.limit));
}

// Accounts -------------------------------------------------------------------------------

absl::StatusOr<Account> read_account(const Statement& row) {
  return Account{.account_id = row.text(0),
                 .name = row.text(1),
                 .is_mesh = row.boolean(2),
                 .producer_enabled = row.boolean(3),
                 .consumer_enabled = row.boolean(4),
                 .producer_initialized = row.boolean(5),
                 .consumer_initialized = row.boolean(6),
                 .creation_date = row.text(7)};
}

absl::StatusOr<AccessKeyRow> read_access_key(const Statement& row) {
  return AccessKeyRow{.access_key_id = row.text(0),
                      .account_id = row.text(1),
                      .sealed_secret = row.blob(2),
                      .status = row.text(3),
                      .creation_date = row.text(4),
                      .revocation_date = row.text(5)};
}

// Catalog --------------------------------------------------------------------------------

absl::StatusOr<Database> read_database(const Statement& row) {
  Database database;
  database.catalog_id = row.text(0);
  database.input.name = row.text(1);
  database.input.description = row.text(2);
  database.input.location_uri = row.text(3);
  absl::StatusOr<Parameters> parameters = decode_parameters(
      row.text(4), cat("database ", database.input.name, " of catalog ", database.catalog_id));
  if (!parameters.ok()) return parameters.status();
  database.input.parameters = *std::move(parameters);
  if (!row.is_null(5)) {
    database.input.target_database =
        DatabaseIdentifier{.catalog_id = row.text(5), .database_name = row.text(6)};
  }
  database.create_time = row.text(7);
  return database;
}

absl::StatusOr<Table> read_table(const Statement& row) {
  Table table;
  table.catalog_id = row.text(0);
  table.database_name = row.text(1);
  const std::string name = row.text(2);
  absl::StatusOr<TableInput> input = decode_table_definition(
      row.text(3), cat("table ", table.database_name, ".", name, " of catalog ", table.catalog_id));
  if (!input.ok()) return input.status();
  table.input = *std::move(input);
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

// Products, grants, shares ---------------------------------------------------------------

absl::StatusOr<ProductRow> read_product(const Statement& row) {
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

absl::StatusOr<GrantRow> read_grant(const Statement& row) {
  return GrantRow{.principal = row.text(0),
                  .catalog_id = row.text(1),
                  .database_name = row.text(2),
                  .table_name = row.text(3),
                  .permission = row.text(4),
                  .grantable = row.boolean(5),
                  .subscription_id = row.text(6)};
}

absl::StatusOr<ShareRow> read_share(const Statement& row) {
  return ShareRow{.share_arn = row.text(0),
                  .subscription_id = row.text(1),
                  .owner_account = row.text(2),
                  .recipient_account = row.text(3),
                  .status = row.text(4),
                  .creation_date = row.text(5)};
}

// Subscriptions and audit ------------------------------------------------------------------

absl::StatusOr<Subscription> read_subscription(const Statement& row) {
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
  absl::Status document = decode_subscription_document(
      row.text(6), cat("subscription ", subscription.subscription_id), subscription);
  if (!document.ok()) return document;
  return subscription;
}

absl::StatusOr<AuditEvent> read_audit_event(const Statement& row) {
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

absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Statement& row) {
  absl::StatusOr<AuditEvent> event = read_audit_event(row);
  if (!event.ok()) return event.status();
  return ChainedAuditEvent{
      .event = *std::move(event), .previous_hash = row.text(9), .hash = row.text(10)};
}

}  // namespace datamesh::store::sqlite
