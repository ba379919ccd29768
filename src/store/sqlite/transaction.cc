#include "store/sqlite/transaction.h"

#include <utility>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::sqlite {

using base::cat;

namespace {

// The current row of a stepped statement.
class StatementRow final : public sql::Row {
 public:
  explicit StatementRow(const Statement& statement) : statement_(statement) {}
  std::string text(int column) const override { return statement_.text(column); }
  std::string bytes(int column) const override { return statement_.blob(column); }
  int64_t integer(int column) const override { return statement_.integer(column); }
  bool boolean(int column) const override { return statement_.boolean(column); }
  bool is_null(int column) const override { return statement_.is_null(column); }

 private:
  const Statement& statement_;
};

// The cached statement for sql with values bound to ?1, ?2, ...
absl::StatusOr<Statement> prepare(Connection& connection, std::string_view sql,
                                  const sql::Values& values) {
  DATAMESH_ASSIGN_OR_RETURN(Statement statement, connection.prepare(sql));
  int index = 0;
  for (const sql::Value& value : values.list()) {
    ++index;
    switch (value.type) {
      case sql::Value::Type::kText:
        statement.bind_text(index, value.data);
        break;
      case sql::Value::Type::kBytes:
        statement.bind_blob(index, value.data);
        break;
      case sql::Value::Type::kInteger:
        statement.bind_int(index, value.integer);
        break;
      case sql::Value::Type::kBoolean:
        statement.bind_bool(index, value.integer != 0);
        break;
      case sql::Value::Type::kNull:
        statement.bind_optional_text(index, nullptr);
        break;
    }
  }
  return statement;
}

// find_live_duplicates compares the table list with request_key, the subscriptions_request
// index's column (migrations.cc), which holds json_extract(doc, '$.table_names').
constexpr sql::Dialect kDialect{.parameter_mark = '?',
                                 .is_true = " = 1",
                                 .same_table_names = "request_key = json($3)",
                                 .name_in_json_list = "name IN (SELECT value FROM json_each($3))"};

constexpr std::string_view kInsertSubscription =
    "INSERT INTO subscriptions (id, owner, subscriber, status, database_name, version, doc,"
    " request_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, json_extract(?7, '$.table_names'))"
    " ON CONFLICT (id) DO NOTHING";
// SQLite rewrites the entries of every index that reads a column the UPDATE sets, changed or
// not. A subscription's owner, subscriber, database and tables never change in the engine's
// writes, so the first form sets only what does (status, version, document): of the five
// secondary indexes, only subscriptions_owner (owner, status, seq) is rewritten, not all five.
// It matches only when the identity is indeed unchanged; otherwise the second form sets every
// column, as the port allows.
constexpr std::string_view kUpdateSubscriptionState =
    "UPDATE subscriptions SET status = ?4, version = ?6, doc = ?7 WHERE id = ?1 AND version = ?8"
    " AND owner = ?2 AND subscriber = ?3 AND database_name = ?5"
    " AND request_key IS json_extract(?7, '$.table_names')";
constexpr std::string_view kUpdateSubscription =
    "UPDATE subscriptions SET owner = ?2, subscriber = ?3, status = ?4, database_name = ?5,"
    " version = ?6, doc = ?7, request_key = json_extract(?7, '$.table_names')"
    " WHERE id = ?1 AND version = ?8";
constexpr std::string_view kSubscriptionVersion = "SELECT version FROM subscriptions WHERE id = ?1";
constexpr std::string_view kAppendAuditEvent =
    "INSERT INTO audit_events (sequence, event_date, actor_account, actor_principal, action,"
    " subscription_id, resource, details, notes, previous_hash, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kAdvanceChainHead =
    "UPDATE audit_chain_head SET sequence = ?1, hash = ?2 WHERE id = 1";

}  // namespace

const sql::Queries& queries() {
  static const sql::Queries* const kQueries = new sql::Queries(kDialect);
  return *kQueries;
}

std::vector<ListingQuery> listing_queries() {
  std::vector<ListingQuery> listings = queries().listing_queries();
  // A subscription's few grants are found by the grants_subscription index and then sorted;
  // only the paged listings must come out of an index in order.
  std::erase_if(listings,
                [](const ListingQuery& query) { return query.name == "list_subscription_grants"; });
  return listings;
}

SqliteTransaction::SqliteTransaction(Connection& connection, TxMode mode,
                                     sql::GrantCache* grant_cache)
    : SqlTransaction(queries(), mode, grant_cache), connection_(connection) {}

absl::Status SqliteTransaction::query(std::string_view sql, const sql::Values& values,
                                      sql::RowVisitor each_row) {
  DATAMESH_ASSIGN_OR_RETURN(Statement statement, prepare(connection_, sql, values));
  const StatementRow row(statement);
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(const bool has_row, statement.step());
    if (!has_row) return absl::OkStatus();
    DATAMESH_RETURN_IF_ERROR(each_row(row));
  }
}

absl::Status SqliteTransaction::write(std::string_view sql, sql::Values values) {
  DATAMESH_ASSIGN_OR_RETURN(Statement statement, prepare(connection_, sql, values));
  return statement.run();
}

absl::Status SqliteTransaction::insert_subscription_row(const Subscription& subscription,
                                                        sql::Values values) {
  DATAMESH_RETURN_IF_ERROR(write(kInsertSubscription, std::move(values)));
  if (connection_.changes() == 0) {
    return absl::AlreadyExistsError(
        cat("subscription ", subscription.subscription_id, " already exists"));
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::update_subscription_row(const Subscription& subscription,
                                                        int64_t expected_version,
                                                        sql::Values values) {
  values.integer(expected_version);
  {
    DATAMESH_ASSIGN_OR_RETURN(Statement state,
                              prepare(connection_, kUpdateSubscriptionState, values));
    DATAMESH_RETURN_IF_ERROR(state.run());
    if (connection_.changes() == 1) return absl::OkStatus();
  }
  DATAMESH_RETURN_IF_ERROR(write(kUpdateSubscription, std::move(values)));
  if (connection_.changes() == 1) return absl::OkStatus();

  // Nothing written: tell a lost race (retry) from a missing subscription (do not).
  std::optional<int64_t> stored;
  DATAMESH_RETURN_IF_ERROR(query(kSubscriptionVersion,
                                 sql::Values().text(subscription.subscription_id),
                                 [&](const sql::Row& row) {
                                   stored = row.integer(0);
                                   return absl::OkStatus();
                                 }));
  if (!stored) {
    return absl::NotFoundError(
        cat("subscription ", subscription.subscription_id, " does not exist"));
  }
  return absl::AbortedError(cat("subscription ", subscription.subscription_id,
                                " was changed concurrently (expected version ", expected_version,
                                ", found ", *stored, ")"));
}

absl::Status SqliteTransaction::append_audit_row(const ChainedAuditEvent& chained,
                                                 sql::Values values) {
  DATAMESH_RETURN_IF_ERROR(write(kAppendAuditEvent, std::move(values)));
  return write(kAdvanceChainHead, sql::Values().integer(chained.event.sequence).text(chained.hash));
}

}  // namespace datamesh::store::sqlite
