// One libpq connection with its cache of prepared statements, bound parameters, results, and
// the errors PostgreSQL reports turned into canonical statuses.
//
// The PostgreSQL store leases a Connection to one transaction at a time, so neither Connection
// nor Result is thread-safe: a connection is used by one thread at a time. Every statement with
// values is prepared once per connection (PQprepare) and run with bound parameters
// (PQexecPrepared); SQL text is therefore constant and never contains a user's value.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

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
//   anything else (42xxx bad SQL, XX000 …)     → Internal
absl::Status postgres_status(std::string_view sqlstate, std::string_view message,
                             std::string_view database, std::string_view doing);

// True for the statuses postgres_status gives a serialization failure or deadlock.
bool is_serialization_failure(std::string_view sqlstate);

// The values of one statement's $1, $2, ... in order. Text and integers are sent as text,
// byte strings in binary (bytea), absent values as SQL NULL. Owns copies of the values.
// PostgreSQL text cannot hold a NUL character (libpq would cut the value there): text with one
// makes the statement fail with InvalidArgument before anything is sent.
class Params {
 public:
  Params& text(std::string_view value);
  // value, or NULL when it is nullptr.
  Params& optional_text(const std::string* value);
  Params& bytes(std::string_view value);
  Params& integer(int64_t value);
  Params& boolean(bool value);

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Connection;
  struct Value {
    std::string data;
    bool is_null = false;
    bool binary = false;
  };
  std::vector<Value> values_;
  absl::Status error_;  // the first value that cannot be sent
};

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

// An open session with the mesh database.
class Connection {
 public:
  // Connects with libpq connection string or URI `conninfo`; `database` names it in messages
  // (the URL without its password). `session_sql` runs once after connecting (SET ...).
  // Errors: Unavailable naming the database and libpq's reason (refused, wrong password,
  // no such database, timeout).
  static absl::StatusOr<std::unique_ptr<Connection>> open(const std::string& conninfo,
                                                          const std::string& database,
                                                          std::string_view session_sql);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs `sql` (constant text with $1, $2, ...) with `params`, preparing it on first use on this
  // connection. Errors: as postgres_status, saying what failed.
  absl::StatusOr<Result> query(std::string_view sql, const Params& params = Params());
  // Runs one or more statements without parameters (BEGIN, COMMIT, schema scripts) with the
  // simple protocol; the result of the last one.
  absl::StatusOr<Result> exec(std::string_view sql, std::string_view doing);

  // True once the session is gone (the server closed it, restarted, or the network failed);
  // such a connection is never reused.
  bool lost() const;
  // True while a transaction is open or failed and not yet ended.
  bool in_transaction() const;
  // The SQLSTATE of the last failed statement ("" when none, or when libpq failed itself).
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  const std::string& database() const { return database_; }

 private:
  Connection(pg_conn* conn, std::string database) : conn_(conn), database_(std::move(database)) {}

  // The status of a finished command, OK when it succeeded.
  absl::Status check(const pg_result* result, std::string_view doing);

  pg_conn* conn_;
  std::string database_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
  std::string last_sqlstate_;
};

}  // namespace datamesh::store::postgres
