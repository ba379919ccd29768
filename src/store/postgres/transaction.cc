#include "store/postgres/transaction.h"

#include <utility>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::postgres {

using base::cat;

namespace {

// One row of a statement's result.
class ResultRow final : public sql::Row {
 public:
  ResultRow(const Result& result, int row) : result_(result), row_(row) {}
  std::string text(int column) const override { return result_.text(row_, column); }
  std::string bytes(int column) const override { return result_.bytes(row_, column); }
  int64_t integer(int column) const override { return result_.integer(row_, column); }
  bool boolean(int column) const override { return result_.boolean(row_, column); }
  bool is_null(int column) const override { return result_.is_null(row_, column); }

 private:
  const Result& result_;
  const int row_;
};

// request_key is the table list as jsonb writes it (migration 2).
constexpr sql::Dialect kDialect{
    .parameter_mark = '$',
    .is_true = "",
    .same_table_names = "request_key = ($3::jsonb)::text",
    .name_in_json_list = "name IN (SELECT value FROM json_array_elements_text($3::json))"};

// $1..$7 are subscription_values. The refusal is the statement's own error, so that nothing
// sent after it runs.
constexpr std::string_view kInsertSubscription =
    "WITH inserted AS (INSERT INTO subscriptions (id, owner, subscriber, status, database_name,"
    " version, doc) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING"
    " RETURNING id)"
    " SELECT datamesh_refuse('YD409', format('subscription %s already exists', $1::text))"
    " WHERE NOT EXISTS (SELECT 1 FROM inserted)";
// $1..$7 are subscription_values, $8 the expected version. A lost race (40001: Aborted,
// retried) is told from a missing subscription (NotFound) by the version from before the
// UPDATE: a data-modifying WITH is not visible to the rest of its statement. Both are the
// statement's own errors, so that nothing sent after it runs.
constexpr std::string_view kUpdateSubscription =
    "WITH updated AS (UPDATE subscriptions SET owner = $2, subscriber = $3, status = $4,"
    " database_name = $5, version = $6, doc = $7 WHERE id = $1 AND version = $8 RETURNING id),"
    " stored AS (SELECT version FROM subscriptions WHERE id = $1)"
    " SELECT CASE WHEN EXISTS (SELECT 1 FROM updated) THEN 0"
    " WHEN NOT EXISTS (SELECT 1 FROM stored)"
    " THEN datamesh_refuse('YD404', format('subscription %s does not exist', $1::text))"
    " ELSE datamesh_refuse('40001', format('subscription %s was changed concurrently"
    " (expected version %s, found %s)', $1::text, $8::bigint, (SELECT version FROM stored)))"
    " END";
// $1..$11 are chained_audit_event_values. The statement checks the head again (the database,
// not this object, is the authority), and refuses to append out of turn, so that nothing sent
// after it runs.
constexpr std::string_view kAppendAuditEvent =
    "WITH head AS (UPDATE audit_chain_head SET sequence = $1, hash = $11"
    " WHERE id = 1 AND sequence = $1 - 1 AND hash = $10 RETURNING sequence),"
    " appended AS (INSERT INTO audit_events (sequence, event_date, actor_account,"
    " actor_principal, action, subscription_id, resource, details, notes, previous_hash, hash)"
    " SELECT sequence, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM head RETURNING sequence)"
    " SELECT datamesh_refuse('XX000', format('audit event %s does not follow the chain head',"
    " $1::bigint)) WHERE NOT EXISTS (SELECT 1 FROM appended)";

}  // namespace

const sql::Queries& queries() {
  static const sql::Queries* const kQueries = new sql::Queries(kDialect);
  return *kQueries;
}

std::vector<ListingQuery> listing_queries() { return queries().listing_queries(); }

PostgresTransaction::PostgresTransaction(Connection& connection, TxMode mode,
                                         sql::GrantCache* grant_cache)
    : SqlTransaction(queries(), mode, grant_cache), connection_(connection) {}

absl::Status PostgresTransaction::query(std::string_view sql, const sql::Values& values,
                                        sql::RowVisitor each_row) {
  DATAMESH_ASSIGN_OR_RETURN(const Result result, connection_.query(sql, values));
  for (int i = 0; i < result.rows(); ++i) {
    DATAMESH_RETURN_IF_ERROR(each_row(ResultRow(result, i)));
  }
  return absl::OkStatus();
}

absl::Status PostgresTransaction::write(std::string_view sql, sql::Values values) {
  return connection_.defer(sql, std::move(values));
}

absl::Status PostgresTransaction::insert_subscription_row(const Subscription&, sql::Values values) {
  return write(kInsertSubscription, std::move(values));
}

absl::Status PostgresTransaction::update_subscription_row(const Subscription&,
                                                          int64_t expected_version,
                                                          sql::Values values) {
  values.integer(expected_version);
  return write(kUpdateSubscription, std::move(values));
}

absl::Status PostgresTransaction::begin() {
  if (mode() == TxMode::kRead) {
    return connection_.defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", Params());
  }
  // READ COMMITTED: once the lock is granted, every statement sees what the writers before this
  // one committed. The COMMIT does not wait for the WAL flush (synchronous_commit off for this
  // transaction only), so the write lock is released as soon as the commit is recorded; the
  // store then waits for durability (kDurabilityBarrier in postgres_store.cc).
  for (std::string_view sql :
       {"BEGIN ISOLATION LEVEL READ COMMITTED", "SET LOCAL synchronous_commit = off"}) {
    DATAMESH_RETURN_IF_ERROR(connection_.defer(sql, Params()));
  }
  return connection_.defer(cat(queries().chain_head, " FOR UPDATE"), Params(),
                           [this](const Result& locked) -> absl::Status {
                             DATAMESH_ASSIGN_OR_RETURN(head_, chain_head_of(locked));
                             return absl::OkStatus();
                           });
}

absl::StatusOr<AuditChainHead> PostgresTransaction::chain_head_of(const Result& head) const {
  if (head.rows() != 1) {
    return absl::DataLossError(cat("the mesh database ", connection_.database(),
                                   " has no audit_chain_head row: it was deleted (admin "
                                   "verify-audit)"));
  }
  return AuditChainHead{.sequence = head.integer(0, 0), .hash = head.text(0, 1)};
}

absl::StatusOr<AuditChainHead> PostgresTransaction::audit_chain_head() {
  if (mode() == TxMode::kWrite) {
    // Read by begin()'s lock, whose check sets head_ or fails the flush; moved only by
    // append_audit_event since.
    if (!head_) {
      DATAMESH_RETURN_IF_ERROR(connection_.flush());
      if (!head_) return absl::InternalError("a write transaction was used without begin()");
    }
    return *head_;
  }
  return SqlTransaction::audit_chain_head();
}

absl::Status PostgresTransaction::append_audit_row(const ChainedAuditEvent& chained,
                                                   sql::Values values) {
  DATAMESH_RETURN_IF_ERROR(write(kAppendAuditEvent, std::move(values)));
  if (in_body_ && !head_before_body_) head_before_body_ = head_;
  head_ = AuditChainHead{.sequence = chained.event.sequence, .hash = chained.hash};
  return absl::OkStatus();
}

namespace {
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT body";
constexpr std::string_view kReleaseSavepoint = "RELEASE SAVEPOINT body";
}  // namespace

absl::Status PostgresTransaction::savepoint() {
  in_body_ = true;
  head_before_body_.reset();
  return connection_.defer("SAVEPOINT body", Params());
}

absl::Status PostgresTransaction::keep_savepoint() {
  in_body_ = false;
  // The body's writes are judged now, while their failure can still be told to be the body's
  // and undone alone; the RELEASE goes with the next body's first statement, or the COMMIT.
  if (connection_.has_deferred()) DATAMESH_RETURN_IF_ERROR(connection_.flush());
  return connection_.defer(kReleaseSavepoint, Params());
}

absl::Status PostgresTransaction::rollback_to_savepoint() {
  in_body_ = false;
  if (head_before_body_) head_ = *std::exchange(head_before_body_, std::nullopt);
  // The body's statements not sent yet go first (the SAVEPOINT may be among them).
  DATAMESH_RETURN_IF_ERROR(connection_.defer(kRollbackToSavepoint, Params()));
  DATAMESH_RETURN_IF_ERROR(connection_.defer(kReleaseSavepoint, Params()));
  if (connection_.flush().ok()) return absl::OkStatus();
  // One of the body's statements failed, and PostgreSQL skipped what came after it.
  DATAMESH_RETURN_IF_ERROR(connection_.query(kRollbackToSavepoint).status());
  return connection_.query(kReleaseSavepoint).status();
}

}  // namespace datamesh::store::postgres
