// Values, comparisons and helpers shared by the store tests: rows with every field set, field
// by field expectations, the scratch folder, and a counter that concurrent writers increment.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "core/store.h"
#include "store/sql/grant_cache.h"
#include "testkit/scratch_dir.h"

#define DATAMESH_ASSERT_OK(expression)                      \
  do {                                                      \
    const absl::Status datamesh_status_ = (expression);     \
    ASSERT_TRUE(datamesh_status_.ok()) << datamesh_status_; \
  } while (false)

namespace datamesh::store::testing {

using testkit::ScratchDir;

// Runs fn (Transaction& → StatusOr<T>) in a read transaction and returns what it returned, or
// the transaction's own error.
template <typename Fn>
auto read_in(Store& store, Fn fn) -> std::invoke_result_t<Fn&, Transaction&> {
  return store.run(TxMode::kRead, fn);
}

inline absl::Status write_in(Store& store, const std::function<absl::Status(Transaction&)>& fn) {
  return store.run(TxMode::kWrite, fn);
}

// Adds one to the counter kept in the name of account "counter" (read, then write): concurrent
// increments are only all counted when write transactions really exclude each other.
inline absl::Status increment_counter(Store& store) {
  return write_in(store, [](Transaction& tx) -> absl::Status {
    auto account = tx.get_account("counter");
    if (!account.ok()) return account.status();
    Account counter = account->value_or(Account{.account_id = "counter", .name = "0"});
    counter.name = std::to_string(std::stoll(counter.name) + 1);
    return tx.put_account(counter);
  });
}

inline absl::StatusOr<int64_t> read_counter(Store& store) {
  return read_in(store, [](Transaction& tx) -> absl::StatusOr<int64_t> {
    auto account = tx.get_account("counter");
    if (!account.ok()) return account.status();
    return account->has_value() ? std::stoll((*account)->name) : 0;
  });
}

// The grant cache (store/sql/grant_cache.h) across stores on one database. `reader` keeps a grant
// cache, `cache`; `writer` is another store on the same database (another process, another
// replica) and `raw_sql` runs a statement on the database outside datamesh. Checks that reader
// answers repeated checks from its cache, and that every change, by either, is seen by reader's
// very next check.
inline void expect_grant_cache_follows_every_writer(
    Store& reader, const sql::GrantCache& cache, Store& writer,
    const std::function<void(const std::string&)>& raw_sql) {
  const GrantRow select{.principal = "444455556666",
                        .catalog_id = "111122223333",
                        .database_name = "sales",
                        .table_name = "orders",
                        .permission = "SELECT",
                        .subscription_id = "S1"};
  const auto permissions = [&reader] {
    auto found = reader.run(TxMode::kRead, [](Transaction& tx) {
      return tx.find_grants("444455556666", "111122223333", "sales", "orders");
    });
    EXPECT_TRUE(found.ok()) << found.status();
    std::set<std::string> got;
    if (found.ok()) {
      for (const GrantRow& row : *found) got.insert(row.permission);
    }
    return got;
  };
  using Permissions = std::set<std::string>;
  ASSERT_TRUE(writer.run(TxMode::kWrite, [&](Transaction& tx) { return tx.put_grant(select); })
                  .ok());
  EXPECT_EQ(permissions(), Permissions{"SELECT"});
  const int64_t hits = cache.counts().hits;
  EXPECT_EQ(permissions(), Permissions{"SELECT"});
  EXPECT_EQ(permissions(), Permissions{"SELECT"});
  EXPECT_EQ(cache.counts().hits, hits + 2) << "repeated checks are answered from the cache";

  GrantRow insert = select;
  insert.permission = "INSERT";
  ASSERT_TRUE(writer.run(TxMode::kWrite, [&](Transaction& tx) { return tx.put_grant(insert); })
                  .ok());
  EXPECT_EQ(permissions(), (Permissions{"INSERT", "SELECT"}));
  raw_sql("DELETE FROM grants WHERE permission = 'INSERT'");
  EXPECT_EQ(permissions(), Permissions{"SELECT"});
  raw_sql("UPDATE grants SET permission = 'DESCRIBE' WHERE permission = 'SELECT'");
  EXPECT_EQ(permissions(), Permissions{"DESCRIBE"});
  ASSERT_TRUE(writer
                  .run(TxMode::kWrite,
                       [](Transaction& tx) { return tx.delete_subscription_grants("S1"); })
                  .ok());
  EXPECT_EQ(permissions(), Permissions{});
}

// Values with every field set to something other than its default. ---------------------------

inline Account full_account(std::string id) {
  return Account{.account_id = std::move(id),
                 .name = "Sales — Ünïcode",
                 .is_mesh = false,
                 .producer_enabled = true,
                 .consumer_enabled = true,
                 .producer_initialized = true,
                 .consumer_initialized = true,
                 .creation_date = "2024-01-02 03:04:05"};
}

inline Table full_table(std::string catalog, std::string database, std::string name) {
  Table table;
  table.catalog_id = std::move(catalog);
  table.database_name = std::move(database);
  table.input =
      TableInput{
          .name = std::move(name),
          .description = "Orders placed, one row per order",
          .owner = "alice",
          .retention = 30,
          .storage_descriptor =
              StorageDescriptor{
                  .columns = {Column{.name = "id",
                                     .type = "bigint",
                                     .comment = "the key",
                                     .parameters = {{"pii", "false"}}},
                              Column{.name = "amount", .type = "decimal(10,2)"}},
                  .location = "s3://bucket/orders/",
                  .input_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                  .output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                  .compressed = true,
                  .number_of_buckets = 4,
                  .serde_info = SerDeInfo{.name = "parquet",
                                          .serialization_library = "ParquetHiveSerDe",
                                          .parameters = {{"serialization.format", "1"}}},
                  .bucket_columns = {"id"},
                  .sort_columns = {SortColumn{.column = "id", .sort_order = 1}},
                  .parameters = {{"classification", "parquet"}},
                  .stored_as_sub_directories = true},
          .partition_keys = {Column{.name = "dt", .type = "string", .comment = "day"}},
          .view_original_text = "SELECT 1",
          .view_expanded_text = "SELECT 1 AS one",
          .table_type = "EXTERNAL_TABLE",
          .parameters = {{"Domain", "sales"}, {"quote\"and\\slash", "Grüße ✓"}},
          .target_table = TableIdentifier{
              .catalog_id = "111122223333", .database_name = "sales", .name = "orders"}};
  table.create_time = "2024-01-02 03:04:05";
  table.update_time = "2024-02-03 04:05:06";
  table.created_by = "arn:datamesh:iam::111122223333:user/alice";
  table.version_id = 7;
  return table;
}

inline Database full_database(std::string catalog, std::string name) {
  Database database;
  database.catalog_id = std::move(catalog);
  database.input = DatabaseInput{.name = std::move(name),
                                 .description = "Sales data",
                                 .location_uri = "s3://bucket/sales/",
                                 .parameters = {{"Domain", "sales"}, {"DataProduct", "orders"}},
                                 .target_database = DatabaseIdentifier{.catalog_id = "111122223333",
                                                                       .database_name = "sales"}};
  database.create_time = "2024-01-02 03:04:05";
  return database;
}

inline Subscription full_subscription(std::string id) {
  return Subscription{.subscription_id = std::move(id),
                      .status = SubscriptionStatus::kActive,
                      .type = "TABLE",
                      .database_name = "sales-111122223333",
                      .table_names = {"orders", "customers"},
                      .requested_grants = {"SELECT", "INSERT"},
                      .permitted_grants = {"SELECT", "DESCRIBE"},
                      .grantable_grants = {"SELECT"},
                      .owner_principal = "111122223333",
                      .subscriber_principal = "444455556666",
                      .creation_date = "2024-01-02 03:04:05",
                      .created_by = "arn:datamesh:iam::444455556666:user/bob",
                      .updated_date = "2024-01-03 03:04:05",
                      .updated_by = "arn:datamesh:iam::111122223333:user/alice",
                      .notes = {"first", "second, with \"quotes\""},
                      .ram_shares = {"arn:datamesh:ram::share/1"},
                      .granted_table_arns = {"arn:datamesh:glue::table/sales/orders"},
                      .imported_to_consumer = true,
                      .version = 3};
}

inline AuditEvent full_audit_event(std::string subscription_id) {
  return AuditEvent{.event_date = "2024-01-02 03:04:05",
                    .actor_account = "111122223333",
                    .actor_principal = "arn:datamesh:iam::111122223333:user/alice",
                    .action = "approve_access_request",
                    .subscription_id = std::move(subscription_id),
                    .resource = "sales-111122223333.orders",
                    .details_json = R"({"granted":["SELECT"]})",
                    .notes = "ok"};
}

// Appends `event` as the next link of the chain, as core does, with a stand-in hash (stores keep
// hashes, they do not compute or check them). Returns the event's sequence number.
inline absl::StatusOr<int64_t> append_next(Transaction& tx, AuditEvent event) {
  auto head = tx.audit_chain_head();
  if (!head.ok()) return head.status();
  event.sequence = head->sequence + 1;
  const std::string hash = "hash-" + std::to_string(event.sequence);
  absl::Status appended = tx.append_audit_event(
      ChainedAuditEvent{.event = event, .previous_hash = head->hash, .hash = hash});
  if (!appended.ok()) return appended;
  return event.sequence;
}

// Field-by-field views, so that EXPECT_EQ names the field that differs. -----------------------

inline auto fields(const Account& a) {
  return std::tie(a.account_id, a.name, a.is_mesh, a.producer_enabled, a.consumer_enabled,
                  a.producer_initialized, a.consumer_initialized, a.creation_date);
}
inline auto fields(const AccessKeyRow& k) {
  return std::tie(k.access_key_id, k.account_id, k.sealed_secret, k.status, k.creation_date,
                  k.revocation_date);
}
inline auto fields(const ProductRow& p) {
  return std::tie(p.mesh_database, p.producer_account, p.source_database, p.table_name_regex,
                  p.domain, p.data_product_name, p.public_metadata, p.sync_schedule,
                  p.crawler_role_arn, p.link_suffix, p.creation_date, p.updated_date);
}
inline auto fields(const GrantRow& g) {
  return std::tie(g.principal, g.catalog_id, g.database_name, g.table_name, g.permission,
                  g.grantable, g.subscription_id);
}
inline auto fields(const ShareRow& s) {
  return std::tie(s.share_arn, s.subscription_id, s.owner_account, s.recipient_account, s.status,
                  s.creation_date);
}
inline auto fields(const AuditEvent& e) {
  return std::tie(e.event_date, e.actor_account, e.actor_principal, e.action, e.subscription_id,
                  e.resource, e.details_json, e.notes);
}

inline void expect_same(const Subscription& got, const Subscription& want) {
  EXPECT_EQ(got.subscription_id, want.subscription_id);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.database_name, want.database_name);
  EXPECT_EQ(got.table_names, want.table_names);
  EXPECT_EQ(got.requested_grants, want.requested_grants);
  EXPECT_EQ(got.permitted_grants, want.permitted_grants);
  EXPECT_EQ(got.grantable_grants, want.grantable_grants);
  EXPECT_EQ(got.owner_principal, want.owner_principal);
  EXPECT_EQ(got.subscriber_principal, want.subscriber_principal);
  EXPECT_EQ(got.creation_date, want.creation_date);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.updated_date, want.updated_date);
  EXPECT_EQ(got.updated_by, want.updated_by);
  EXPECT_EQ(got.notes, want.notes);
  EXPECT_EQ(got.ram_shares, want.ram_shares);
  EXPECT_EQ(got.granted_table_arns, want.granted_table_arns);
  EXPECT_EQ(got.imported_to_consumer, want.imported_to_consumer);
  EXPECT_EQ(got.version, want.version);
}

inline void expect_same(const StorageDescriptor& got, const StorageDescriptor& want) {
  EXPECT_EQ(got.columns, want.columns);
  EXPECT_EQ(got.location, want.location);
  EXPECT_EQ(got.input_format, want.input_format);
  EXPECT_EQ(got.output_format, want.output_format);
  EXPECT_EQ(got.compressed, want.compressed);
  EXPECT_EQ(got.number_of_buckets, want.number_of_buckets);
  EXPECT_EQ(got.serde_info, want.serde_info);
  EXPECT_EQ(got.bucket_columns, want.bucket_columns);
  EXPECT_EQ(got.sort_columns, want.sort_columns);
  EXPECT_EQ(got.parameters, want.parameters);
  EXPECT_EQ(got.stored_as_sub_directories, want.stored_as_sub_directories);
}

inline void expect_same(const Table& got, const Table& want) {
  EXPECT_EQ(got.catalog_id, want.catalog_id);
  EXPECT_EQ(got.database_name, want.database_name);
  EXPECT_EQ(got.create_time, want.create_time);
  EXPECT_EQ(got.update_time, want.update_time);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.version_id, want.version_id);
  const TableInput& g = got.input;
  const TableInput& w = want.input;
  EXPECT_EQ(g.name, w.name);
  EXPECT_EQ(g.description, w.description);
  EXPECT_EQ(g.owner, w.owner);
  EXPECT_EQ(g.retention, w.retention);
  ASSERT_EQ(g.storage_descriptor.has_value(), w.storage_descriptor.has_value());
  if (w.storage_descriptor) expect_same(*g.storage_descriptor, *w.storage_descriptor);
  EXPECT_EQ(g.partition_keys, w.partition_keys);
  EXPECT_EQ(g.view_original_text, w.view_original_text);
  EXPECT_EQ(g.view_expanded_text, w.view_expanded_text);
  EXPECT_EQ(g.table_type, w.table_type);
  EXPECT_EQ(g.parameters, w.parameters);
  ASSERT_EQ(g.target_table.has_value(), w.target_table.has_value());
  if (w.target_table) {
    EXPECT_EQ(*g.target_table, *w.target_table);
  }
  // Whatever the per-field checks above miss (a field added later) still shows here.
  EXPECT_TRUE(g == w) << "TableInput differs in a field not compared above";
}

inline void expect_same(const Database& got, const Database& want) {
  EXPECT_EQ(got.catalog_id, want.catalog_id);
  EXPECT_EQ(got.create_time, want.create_time);
  EXPECT_EQ(got.input.name, want.input.name);
  EXPECT_EQ(got.input.description, want.input.description);
  EXPECT_EQ(got.input.location_uri, want.input.location_uri);
  EXPECT_EQ(got.input.parameters, want.input.parameters);
  ASSERT_EQ(got.input.target_database.has_value(), want.input.target_database.has_value());
  if (want.input.target_database) {
    EXPECT_EQ(*got.input.target_database, *want.input.target_database);
  }
}

}  // namespace datamesh::store::testing
