// One libpq connection with its cache of prepared statements, bound parameters, results, and
// the errors PostgreSQL reports turned into canonical statuses.
//
// The PostgreSQL store leases a Connection to one transaction at a time, so neither Connection
// nor Result is thread-safe: a connection is used by one thread at a time. Every statement with
// values is prepared once per connection and run with bound parameters, both through libpq's
// pipeline mode (PQsendPrepare, PQsendQueryPrepared); SQL text is therefore constant and never
// contains a user's value.
//
// Statements whose rows nobody reads (the writes of a transaction, its BEGIN) can be deferred:
// they are sent with the next statement that is waited for, in one round trip (libpq pipeline
// mode). Every round trip costs both processes a wake-up and the server a Sync, which on a busy
// machine costs more than the statements themselves (docs/PERFORMANCE.md, PostgreSQL).
#pragma once

#include <cstdint>
#include <functional>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/row.h"

struct pg_conn;
struct pg_result;

namespace datamesh::store::postgres {

// The status for an error PostgreSQL reported with SQLSTATE `sqlstate` ("" when libpq itself
// failed, e.g. the connection broke), saying what the store was doing with which database:
//   40001 serialization failure, 40P01 deadlock → Aborted (the store retries the transaction)
//   08xxx connection, 57P01-57P03 shutdown/restart, 53xxx out of resources, no SQLSTATE
//                                               → Unavailable "the mesh database … is unavailable"
//   55P03 lock timeout, 57014 statement timeout → Unavailable "the mesh database … is busy"
//   23xxx integrity (a broken reference at COMMIT), 42501 no privilege, 3F000 no schema
//                                               → FailedPrecondition
//   22xxx data exception (e.g. a NUL character in text) → InvalidArgument
//   YD404, YD409 (the store's own refusals, raised by its statements through the function
//   datamesh_refuse, see migrations.cc)        → NotFound, AlreadyExists with `message` alone
//   anything else (42xxx bad SQL, XX000 …)     → Internal
absl::Status postgres_status(std::string_view sqlstate, std::string_view message,
                             std::string_view database, std::string_view doing);

// True for the statuses postgres_status gives a serialization failure or deadlock.
bool is_serialization_failure(std::string_view sqlstate);

// The values of one statement's $1, $2, ... in order (the SQL layer's parameter list). Text and
// integers are sent as text, byte strings in binary (bytea), absent values as SQL NULL.
// PostgreSQL text cannot hold a NUL character (libpq would cut the value there): text with one
// makes the statement fail with InvalidArgument before anything is sent.
using Params = sql::Values;

// The rows of a statement, in text format. Reading a column of a row that does not exist is a
// programming error (libpq returns "").
class Result {
 public:
  explicit Result(pg_result* result);
  Result(Result&&) noexcept = default;
  Result& operator=(Result&&) noexcept = default;
  ~Result();

  int rows() const;
  // The command tag ("INSERT 0 1", "COMMIT", "ROLLBACK", ...).
  std::string command() const;
  // Rows an INSERT / UPDATE / DELETE changed (0 for other statements).
  int64_t changed() const;
  // Columns, 0-based. NULL reads as "" / 0 / false.
  std::string text(int row, int column) const;
  bool is_null(int row, int column) const;
  int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const;
  // A bytea column, decoded.
  std::string bytes(int row, int column) const;

 private:
  friend class Connection;
  const pg_result* raw() const { return result_.get(); }

  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// The SQLSTATEs of datamesh_refuse for a missing row and for a row that already exists.
inline constexpr std::string_view kRefusedNotFound = "YD404";
inline constexpr std::string_view kRefusedAlreadyExists = "YD409";

// Judges the result of a deferred statement that PostgreSQL ran without error: OK, or a failure.
// It runs on the client, once the server has run everything sent with the statement: a refusal
// that must stop the transaction's COMMIT belongs in the statement itself (datamesh_refuse).
using ResultCheck = std::function<absl::Status(const Result&)>;

// An open session with the mesh database.
class Connection {
 public:
  // Connects with libpq connection string or URI `conninfo`; `database` names it in messages
  // (the URL without its password). `session_sql` runs once after connecting (SET ...).
  // Errors: Unavailable naming the database and libpq's reason (refused, wrong password,
  // no such database, timeout).
  // `answer_timeout`: how long any one answer of the server may take to start arriving (0 =
  // for ever). Past it the connection is dropped (lost()) and the call fails with Unavailable:
  // a database that stops answering without closing its connections (stopped, frozen, a
  // network path gone silent) otherwise holds every caller for as long as it lasts. The
  // statements of the store answer in milliseconds, or after lock_timeout when they wait.
  static absl::StatusOr<std::unique_ptr<Connection>> open(
      const std::string& conninfo, const std::string& database, std::string_view session_sql,
      std::chrono::milliseconds answer_timeout = std::chrono::milliseconds(0));
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs `sql` (constant text with $1, $2, ...) with `params`, preparing it on first use on this
  // connection, after the deferred statements and in the same round trip. Errors: as
  // postgres_status, saying what failed (a deferred statement's failure included).
  absl::StatusOr<Result> query(std::string_view sql, const Params& params = Params());
  // Runs one or more statements without parameters (BEGIN, COMMIT, schema scripts) with the
  // simple protocol; the result of the last one. Deferred statements are flushed first.
  absl::StatusOr<Result> exec(std::string_view sql, std::string_view doing);

  // Queues `sql` with `params` to run, in the order queued, just before the next query(), or at
  // flush(), in the same round trip. `check` (if any) judges its result. The first deferred
  // statement that fails, or whose check fails, is the error of that query() or flush(), and
  // PostgreSQL skips every statement sent after it until then (the transaction is failed).
  // Errors now: InvalidArgument for a value PostgreSQL text cannot hold (nothing is queued).
  absl::Status defer(std::string_view sql, Params params, ResultCheck check = nullptr);
  // Runs the deferred statements, if any, and returns the first failure.
  absl::Status flush();
  // Forgets the deferred statements without running them (their transaction is abandoned).
  void discard_deferred() { deferred_.clear(); }
  bool has_deferred() const { return !deferred_.empty(); }
  // True when a deferred statement has a ResultCheck: flush before deferring a COMMIT.
  bool has_deferred_checks() const;
  size_t deferred_count() const { return deferred_.size(); }
  // After a failed query() or flush() that sent deferred statements: the position, among them,
  // of the first one that failed or whose answer never came (when the connection broke). Those
  // before it ran; from it on, none ran, except that the one whose answer never came (and any
  // after it) may have. The statement count when all were answered or sending failed part-way.
  size_t pipeline_stopped_at() const { return stopped_at_; }

  // Sends `sql` (no parameters) and returns without waiting for its answer, which the next use
  // of the connection reads first. For the COMMIT of a read-only transaction, whose outcome
  // changes nothing: the caller answers its client while the server finishes.
  // Errors: as query(), when it cannot be sent.
  absl::Status send_without_waiting(std::string_view sql, std::string_view doing);

  // True once the session is gone (the server closed it, restarted, or the network failed);
  // such a connection is never reused.
  bool lost() const;
  // True while a transaction is open or failed and not yet ended.
  bool in_transaction() const;
  // The SQLSTATE of the last failed statement ("" when none, or when libpq failed itself).
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  const std::string& database() const { return database_; }
  // Changes answer_timeout (see open()): schema migrations may rewrite large tables for longer.
  void set_answer_timeout(std::chrono::milliseconds timeout) { answer_timeout_ = timeout; }

 private:
  Connection(pg_conn* conn, std::string database) : conn_(conn), database_(std::move(database)) {}

  struct Deferred {
    std::string sql;
    Params params;
    ResultCheck check;
  };
  // One statement of a pipeline, seen in place: a deferred one, or the one query() waits for.
  struct Statement {
    std::string_view sql;
    const Params* params;
    const ResultCheck* check;  // null: none
  };

  // The status of a finished command, OK when it succeeded.
  absl::Status check(const pg_result* result, std::string_view doing);
  // InvalidArgument when params hold a value PostgreSQL cannot store (Params::text).
  absl::Status check_values(std::string_view sql, const Params& params) const;
  // The prepared statement's name for sql; *is_new when it must be prepared first (its name is
  // then reserved: erasing it from prepared_ undoes that if preparing fails).
  const std::string& statement_name(std::string_view sql, bool* is_new);
  // Prepares what is new and sends the deferred statements, then `last` (when not null), in one
  // pipeline, and reads every result: the first failure, or last's result (an empty one
  // without `last`).
  absl::StatusOr<Result> run_pipeline(const Statement* last);
  // Reads the answer of send_without_waiting, if one is outstanding.
  absl::Status read_unwaited();
  // The next result, as PQgetResult, after waiting at most answer_timeout_ for the server to
  // answer; a timeout marks the connection broken and answers null, as a lost one would
  // (check() then names the timeout).
  pg_result* next_result();

  pg_conn* conn_;
  std::string database_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
  int named_ = 0;                                          // statement names handed out
  std::vector<Deferred> deferred_;
  std::chrono::milliseconds answer_timeout_{0};
  bool timed_out_ = false;  // the server did not answer within answer_timeout_
  bool broken_ = false;    // a pipeline failed half-way: treated as lost
  size_t stopped_at_ = 0;  // see pipeline_stopped_at()
  std::string unwaited_;   // what send_without_waiting is still to be read for ("" when nothing)
  std::string last_sqlstate_;
};

}  // namespace datamesh::store::postgres
