#include "store/postgres/rows.h"

#include "core/subscription_status.h"
#include "base/text.h"
#include "store/documents.h"

namespace datamesh::store::postgres {

using base::cat;

absl::StatusOr<Account> read_account(const Result& r, int i) {
  return Account{.account_id = r.text(i, 0),
                 .name = r.text(i, 1),
                 .is_mesh = r.boolean(i, 2),
                 .producer_enabled = r.boolean(i, 3),
                 .consumer_enabled = r.boolean(i, 4),
                 .producer_initialized = r.boolean(i, 5),
                 .consumer_initialized = r.boolean(i, 6),
                 .creation_date = r.text(i, 7)};
}

absl::StatusOr<AccessKeyRow> read_access_key(const Result& r, int i) {
  return AccessKeyRow{.access_key_id = r.text(i, 0),
                      .account_id = r.text(i, 1),
                      .sealed_secret = r.bytes(i, 2),
                      .status = r.text(i, 3),
                      .creation_date = r.text(i, 4),
                      .revocation_date = r.text(i, 5)};
}

absl::StatusOr<Database> read_database(const Result& r, int i) {
  Database database;
  database.catalog_id = r.text(i, 0);
  database.input.name = r.text(i, 1);
  database.input.description = r.text(i, 2);
  database.input.location_uri = r.text(i, 3);
  absl::StatusOr<Parameters> parameters = decode_parameters(
      r.text(i, 4), cat("database ", database.input.name, " of catalog ", database.catalog_id));
  if (!parameters.ok()) return parameters.status();
  database.input.parameters = *std::move(parameters);
  if (!r.is_null(i, 5)) {
    database.input.target_database =
        DatabaseIdentifier{.catalog_id = r.text(i, 5), .database_name = r.text(i, 6)};
  }
  database.create_time = r.text(i, 7);
  return database;
}

absl::StatusOr<Table> read_table(const Result& r, int i) {
  Table table;
  table.catalog_id = r.text(i, 0);
  table.database_name = r.text(i, 1);
  const std::string name = r.text(i, 2);
  absl::StatusOr<TableInput> input = decode_table_definition(
      r.text(i, 3), cat("table ", table.database_name, ".", name, " of catalog ", table.catalog_id));
  if (!input.ok()) return input.status();
  table.input = *std::move(input);
  table.input.name = name;
  if (!r.is_null(i, 4)) {
    table.input.target_table = TableIdentifier{
        .catalog_id = r.text(i, 4), .database_name = r.text(i, 5), .name = r.text(i, 6)};
  }
  table.create_time = r.text(i, 7);
  table.update_time = r.text(i, 8);
  table.created_by = r.text(i, 9);
  table.version_id = r.integer(i, 10);
  return table;
}

absl::StatusOr<ProductRow> read_product(const Result& r, int i) {
  return ProductRow{.mesh_database = r.text(i, 0),
                    .producer_account = r.text(i, 1),
                    .source_database = r.text(i, 2),
                    .table_name_regex = r.text(i, 3),
                    .domain = r.text(i, 4),
                    .data_product_name = r.text(i, 5),
                    .public_metadata = r.boolean(i, 6),
                    .sync_schedule = r.text(i, 7),
                    .crawler_role_arn = r.text(i, 8),
                    .link_suffix = r.text(i, 9),
                    .creation_date = r.text(i, 10),
                    .updated_date = r.text(i, 11)};
}

absl::StatusOr<GrantRow> read_grant(const Result& r, int i) {
  return GrantRow{.principal = r.text(i, 0),
                  .catalog_id = r.text(i, 1),
                  .database_name = r.text(i, 2),
                  .table_name = r.text(i, 3),
                  .permission = r.text(i, 4),
                  .grantable = r.boolean(i, 5),
                  .subscription_id = r.text(i, 6)};
}

absl::StatusOr<ShareRow> read_share(const Result& r, int i) {
  return ShareRow{.share_arn = r.text(i, 0),
                  .subscription_id = r.text(i, 1),
                  .owner_account = r.text(i, 2),
                  .recipient_account = r.text(i, 3),
                  .status = r.text(i, 4),
                  .creation_date = r.text(i, 5)};
}

absl::StatusOr<Subscription> read_subscription(const Result& r, int i) {
  Subscription subscription;
  subscription.subscription_id = r.text(i, 0);
  const std::string status = r.text(i, 1);
  std::optional<SubscriptionStatus> parsed = core::parse_status(status);
  if (!parsed) {
    return absl::InternalError(cat("subscription ", subscription.subscription_id,
                                   " has unknown status \"", status, "\" in the mesh database"));
  }
  subscription.status = *parsed;
  subscription.database_name = r.text(i, 2);
  subscription.owner_principal = r.text(i, 3);
  subscription.subscriber_principal = r.text(i, 4);
  subscription.version = r.integer(i, 5);
  absl::Status document = decode_subscription_document(
      r.text(i, 6), cat("subscription ", subscription.subscription_id), subscription);
  if (!document.ok()) return document;
  return subscription;
}

absl::StatusOr<AuditEvent> read_audit_event(const Result& r, int i) {
  return AuditEvent{.sequence = r.integer(i, 0),
                    .event_date = r.text(i, 1),
                    .actor_account = r.text(i, 2),
                    .actor_principal = r.text(i, 3),
                    .action = r.text(i, 4),
                    .subscription_id = r.text(i, 5),
                    .resource = r.text(i, 6),
                    .details_json = r.text(i, 7),
                    .notes = r.text(i, 8)};
}

absl::StatusOr<ChainedAuditEvent> read_chained_audit_event(const Result& r, int i) {
  absl::StatusOr<AuditEvent> event = read_audit_event(r, i);
  if (!event.ok()) return event.status();
  return ChainedAuditEvent{
      .event = *std::move(event), .previous_hash = r.text(i, 9), .hash = r.text(i, 10)};
}

}  // namespace datamesh::store::postgres
