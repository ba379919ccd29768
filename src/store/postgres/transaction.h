// The PostgreSQL store's Transaction: the shared SQL transaction (store/sql/transaction.h) over
// one leased connection, inside a transaction begun by begin(), and the PostgreSQL dialect of
// its statements.
//
// Belongs to the thread running the body; not thread-safe. Every statement is a prepared
// statement of the connection with bound parameters; no value is ever spliced into SQL text.
// Writes are deferred (Connection::defer): they travel with the next read or the COMMIT, so a
// write method's own failure (AlreadyExists, Aborted, a refused value) may be returned by the
// method that sends it; the transaction is failed either way and is never committed. For the
// same reason the writes that can be refused (inserting and updating a subscription, appending
// an audit event) refuse in the statement itself (datamesh_refuse, see migrations.cc), so that
// nothing sent after them runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/store.h"
#include "store/postgres/connection.h"
#include "store/sql/queries.h"
#include "store/sql/transaction.h"

namespace datamesh::store::postgres {

class PostgresTransaction final : public sql::SqlTransaction {
 public:
  // connection must be outside any transaction, and outlive this object, as must grant_cache
  // unless null (find_grants then always probes the grants).
  PostgresTransaction(Connection& connection, TxMode mode, sql::GrantCache* grant_cache);

  // Defers the BEGIN of a transaction of this mode; a kWrite one also locks the audit chain head
  // (the write lock, see postgres_store.h) and reads it. Sent with the first statement.
  absl::Status begin();

  // A write transaction locked and read the head when it began (see postgres_store.h): it is
  // claimed until the transaction ends, so events are chained and numbered in commit order.
  absl::StatusOr<AuditChainHead> audit_chain_head() override;

  // Group commit's savepoints around each body of a batch (store/group_commit.h), in a write
  // transaction. savepoint() defers SAVEPOINT. keep_savepoint() sends the body's deferred writes
  // (their failure is the body's: the caller then rolls back to the savepoint) and defers the
  // RELEASE. rollback_to_savepoint() undoes the body's statements and its moves of the chain
  // head; an error means the transaction is lost.
  absl::Status savepoint();
  absl::Status keep_savepoint();
  absl::Status rollback_to_savepoint();

 private:
  absl::Status query(std::string_view sql, const sql::Values& values,
                     sql::RowVisitor each_row) override;
  // Deferred: see the top of this file.
  absl::Status write(std::string_view sql, sql::Values values) override;
  absl::Status insert_subscription_row(const Subscription& subscription,
                                       sql::Values values) override;
  absl::Status update_subscription_row(const Subscription& subscription, int64_t expected_version,
                                       sql::Values values) override;
  absl::Status append_audit_row(const ChainedAuditEvent& event, sql::Values values) override;

  // The chain head from a row of the chain head query; Internal when there is none.
  absl::StatusOr<AuditChainHead> chain_head_of(const Result& head) const;

  Connection& connection_;
  // A write transaction's chain head: read under the lock by begin(), then moved by each append.
  std::optional<AuditChainHead> head_;
  // The chain head before the first event the current savepoint's body appended: what
  // rollback_to_savepoint() restores. Unset while the body appended none.
  std::optional<AuditChainHead> head_before_body_;
  bool in_body_ = false;
};

// The store's statements in PostgreSQL's dialect.
const sql::Queries& queries();

// Every listing query with a name, for the test that checks each one can read an index.
using sql::ListingQuery;
std::vector<ListingQuery> listing_queries();

}  // namespace datamesh::store::postgres
