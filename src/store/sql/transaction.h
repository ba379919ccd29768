// The store port's Transaction over SQL, once for both SQL stores: every method is the same
// statements (store/sql/queries.h) over the same rows (store/sql/rows.h) in both. A store
// derives from SqlTransaction and supplies how its connection runs a statement — SQLite at once,
// PostgreSQL deferring writes to send them with the next read or the COMMIT — and the few
// writes it says in its own SQL: inserting and updating a subscription, appending an audit
// event, and reading the audit chain's head.
//
// Belongs to the thread running the body; not thread-safe. No value is ever spliced into SQL
// text: every one is a bound parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "core/store.h"
#include "store/sql/grant_cache.h"
#include "store/sql/queries.h"
#include "store/sql/row.h"

namespace datamesh::store::sql {

// The value a row reader (const Row& → StatusOr<T>) reads: T.
template <typename ReadRow>
using RowOf = typename std::invoke_result_t<ReadRow, const Row&>::value_type;

class SqlTransaction : public Transaction {
 public:
  // Every write in a kRead transaction fails with FailedPrecondition: a read transaction holds
  // no write lock. Page limits below 1 are InvalidArgument, and so is a list_subscriptions
  // page.after that is not "" or the id of a stored subscription. Stored documents that cannot
  // be read are Internal. find_live_duplicates reads the request index of the subscriptions.
  // With a grant cache, find_grants reads the principal's grant version and answers from the
  // cache when it holds that version; a read transaction that misses loads and keeps the
  // principal's grants. audit_chain_head reads the head's row; a store whose writers do not
  // hold the whole database's lock claims the head its own way.
#define DATAMESH_TRANSACTION_METHOD(answer, name, parameters) answer name parameters override;
#include "core/transaction_methods.inc"
  // Reads the table's key in the primary key's index, not its row.
  absl::StatusOr<bool> has_table(std::string_view catalog_id, std::string_view database_name,
                                 std::string_view name) override;
  absl::StatusOr<std::vector<std::string>> list_table_names_page(std::string_view catalog_id,
                                                                 std::string_view database_name,
                                                                 const Page& page) override;
  // One statement for all the names.
  absl::StatusOr<std::set<std::string>> existing_tables(
      std::string_view catalog_id, std::string_view database_name,
      const std::vector<std::string>& names) override;
  // One statement: the key joined with its account.
  absl::StatusOr<std::optional<AccessKeyWithAccount>> get_access_key_with_account(
      std::string_view key_id) override;

  // True once the body called a write method.
  bool wrote() const { return wrote_; }

 protected:
  // queries, and grant_cache unless null (no cache), must outlive this object.
  SqlTransaction(const Queries& queries, TxMode mode, GrantCache* grant_cache)
      : queries_(queries), mode_(mode), grant_cache_(grant_cache) {}

  // Runs a statement whose rows are read, calling each_row with every row in order; the first
  // error (the statement's, or each_row's) is returned.
  virtual absl::Status query(std::string_view sql, const Values& values, RowVisitor each_row) = 0;
  // Runs a statement whose rows nobody reads, now or (a store that batches) with the next
  // statement: its failure may then be reported by a later call of the body.
  virtual absl::Status write(std::string_view sql, Values values) = 0;

  // The writes each store says in its own SQL. `values` are subscription_values (rows.h).
  // AlreadyExists when the id is taken.
  virtual absl::Status insert_subscription_row(const Subscription& subscription, Values values) = 0;
  // Aborted when the stored version is not expected_version; NotFound without the subscription.
  virtual absl::Status update_subscription_row(const Subscription& subscription,
                                               int64_t expected_version, Values values) = 0;
  // Appends the event, which follows audit_chain_head(), and moves the head to it. `values` are
  // chained_audit_event_values (rows.h).
  virtual absl::Status append_audit_row(const ChainedAuditEvent& event, Values values) = 0;

  TxMode mode() const { return mode_; }

  // Every row of a query, read with read_row (const Row& → StatusOr<T>).
  template <typename ReadRow>
  absl::StatusOr<std::vector<RowOf<ReadRow>>> query_all(std::string_view sql, const Values& values,
                                                        ReadRow read_row);
  // The first row of a query, if any.
  template <typename ReadRow>
  absl::StatusOr<std::optional<RowOf<ReadRow>>> query_optional(std::string_view sql,
                                                               const Values& values,
                                                               ReadRow read_row);

 private:
  // FailedPrecondition in a kRead transaction; notes that the body wrote otherwise.
  absl::Status require_write(std::string_view operation);

  // find_grants without the cache: three probes of the grants' primary key.
  absl::StatusOr<std::vector<GrantRow>> probe_grants(std::string_view principal,
                                                     std::string_view catalog_id,
                                                     std::string_view database_name,
                                                     std::string_view table_name);

  const Queries& queries_;
  const TxMode mode_;
  GrantCache* const grant_cache_;
  bool wrote_ = false;
};

template <typename ReadRow>
absl::StatusOr<std::vector<RowOf<ReadRow>>> SqlTransaction::query_all(std::string_view sql,
                                                                      const Values& values,
                                                                      ReadRow read_row) {
  std::vector<RowOf<ReadRow>> rows;
  absl::Status read = query(sql, values, [&](const Row& row) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(RowOf<ReadRow> value, read_row(row));
    rows.push_back(std::move(value));
    return absl::OkStatus();
  });
  DATAMESH_RETURN_IF_ERROR(read);
  return rows;
}

template <typename ReadRow>
absl::StatusOr<std::optional<RowOf<ReadRow>>> SqlTransaction::query_optional(std::string_view sql,
                                                                             const Values& values,
                                                                             ReadRow read_row) {
  std::optional<RowOf<ReadRow>> first;
  absl::Status read = query(sql, values, [&](const Row& row) -> absl::Status {
    if (first) return absl::OkStatus();
    DATAMESH_ASSIGN_OR_RETURN(first, read_row(row));
    return absl::OkStatus();
  });
  DATAMESH_RETURN_IF_ERROR(read);
  return first;
}

}  // namespace datamesh::store::sql
