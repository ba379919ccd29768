// The SQLite store's Transaction: the shared SQL transaction (store/sql/transaction.h) over one
// leased SQLite connection, inside a transaction SqliteStore::run has begun, and the SQLite
// dialect of its statements. Writers are serialized by BEGIN IMMEDIATE, so reading the audit
// chain's head claims it until commit.
//
// Every statement runs when it is called, so a write's failure is the write's own result.
// Statements are the connection's cached prepared statements with bound parameters.
// Belongs to the thread running the body; not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/store.h"
#include "store/sql/queries.h"
#include "store/sql/transaction.h"
#include "store/sqlite/statements.h"

namespace datamesh::store::sqlite {

class SqliteTransaction final : public sql::SqlTransaction {
 public:
  // connection must be inside a transaction begun for mode, and outlive this object, as must
  // grant_cache unless null (find_grants then always probes the grants).
  SqliteTransaction(Connection& connection, TxMode mode, sql::GrantCache* grant_cache);

 private:
  absl::Status query(std::string_view sql, const sql::Values& values,
                     sql::RowVisitor each_row) override;
  absl::Status write(std::string_view sql, sql::Values values) override;
  absl::Status insert_subscription_row(const Subscription& subscription,
                                       sql::Values values) override;
  absl::Status update_subscription_row(const Subscription& subscription, int64_t expected_version,
                                       sql::Values values) override;
  absl::Status append_audit_row(const ChainedAuditEvent& event, sql::Values values) override;

  Connection& connection_;
};

// The store's statements in SQLite's dialect.
const sql::Queries& queries();

// Every listing query with a name, for the test that checks each one reads an index without
// sorting.
using sql::ListingQuery;
std::vector<ListingQuery> listing_queries();

}  // namespace datamesh::store::sqlite
