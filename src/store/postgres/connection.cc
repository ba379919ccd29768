#include "store/postgres/connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "absl/strings/str_replace.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::postgres {

using base::cat;

namespace {

// libpq's messages end with a newline (and sometimes hold several lines); one line reads better.
std::string one_line(std::string_view message) {
  // libpq breaks a message with a newline and indents its continuation with a tab.
  std::string out = absl::StrReplaceAll(absl::string_view(message.data(), message.size()),
                                        {{"\n\t", " "}, {"\n", " "}, {"\t", " "}});
  absl::StripTrailingAsciiWhitespace(&out);
  return out;
}

// What a statement was doing, for messages: its SQL, shortened.
std::string describe(std::string_view sql) {
  constexpr size_t kMaxSql = 80;
  if (sql.size() > kMaxSql) return cat("run \"", sql.substr(0, kMaxSql), "…\"");
  return cat("run \"", sql, "\"");
}

bool class_is(std::string_view sqlstate, std::string_view prefix) {
  return sqlstate.starts_with(prefix);
}

// The pointers PQsendQueryPrepared takes for a statement's values: into the values, and into
// the text of the numbers among them.
struct Bound {
  explicit Bound(const Params& params) : numbers(params.size()) {
    values.reserve(params.size());
    lengths.reserve(params.size());
    formats.reserve(params.size());
    for (size_t i = 0; i < params.list().size(); ++i) {
      const sql::Value& value = params.list()[i];
      std::string_view data = value.data;
      if (value.type == sql::Value::Type::kInteger) {
        numbers[i] = std::to_string(value.integer);
        data = numbers[i];
      } else if (value.type == sql::Value::Type::kBoolean) {
        data = value.integer != 0 ? "true" : "false";
      }
      values.push_back(value.type == sql::Value::Type::kNull ? nullptr : data.data());
      lengths.push_back(static_cast<int>(data.size()));
      formats.push_back(value.type == sql::Value::Type::kBytes ? 1 : 0);
    }
  }

  std::vector<std::string> numbers;  // never resized: values point into it
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

}  // namespace

bool is_serialization_failure(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

absl::Status postgres_status(std::string_view sqlstate, std::string_view message,
                             std::string_view database, std::string_view doing) {
  if (is_serialization_failure(sqlstate)) {
    return absl::AbortedError(cat("the mesh database ", database, " could not serialize this ",
                                  "transaction with a concurrent one: could not ", doing, ": ",
                                  message));
  }
  if (sqlstate.empty() || class_is(sqlstate, "08") || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03" || class_is(sqlstate, "53")) {
    return absl::UnavailableError(cat("the mesh database ", database,
                                      " is unavailable: could not ", doing, ": ", message));
  }
  if (sqlstate == "55P03" || sqlstate == "57014") {
    return absl::UnavailableError(
        cat("the mesh database ", database, " is busy: could not ", doing, ": ", message));
  }
  if (class_is(sqlstate, "23") || sqlstate == "42501" || sqlstate == "3F000") {
    return absl::FailedPreconditionError(
        cat("the mesh database ", database, " refused to ", doing, ": ", message));
  }
  if (sqlstate == kRefusedNotFound) return absl::NotFoundError(std::string(message));
  if (sqlstate == kRefusedAlreadyExists) return absl::AlreadyExistsError(std::string(message));
  if (class_is(sqlstate, "22")) {
    return absl::InvalidArgumentError(
        cat("the mesh database ", database, " cannot store a value: could not ", doing, ": ",
            message));
  }
  return absl::InternalError(cat("the mesh database ", database, " could not ", doing, ": ",
                                 message, " (SQLSTATE ", sqlstate, ")"));
}

// Result -------------------------------------------------------------------------------------

void Result::Clear::operator()(pg_result* result) const { PQclear(result); }

Result::Result(pg_result* result) : result_(result) {}

Result::~Result() = default;

int Result::rows() const { return PQntuples(result_.get()); }

std::string Result::command() const {
  const char* tag = PQcmdStatus(result_.get());
  return tag != nullptr ? tag : "";
}

int64_t Result::changed() const {
  const char* tuples = PQcmdTuples(result_.get());
  int64_t count = 0;
  if (tuples == nullptr) return 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), count);
  return count;
}

std::string Result::text(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  return std::string(value, static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

int64_t Result::integer(int row, int column) const {
  const std::string value = text(row, column);
  int64_t number = 0;
  std::from_chars(value.data(), value.data() + value.size(), number);
  return number;
}

bool Result::boolean(int row, int column) const { return text(row, column) == "t"; }

std::string Result::bytes(int row, int column) const {
  if (is_null(row, column)) return "";
  size_t length = 0;
  unsigned char* decoded = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column)), &length);
  if (decoded == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(decoded), length);
  PQfreemem(decoded);
  return out;
}

// Connection ---------------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<Connection>> Connection::open(
    const std::string& conninfo, const std::string& database, std::string_view session_sql,
    std::chrono::milliseconds answer_timeout) {
  // dbname holds the whole URI or key=value string (expand_dbname), which overrides the
  // keywords before it; those after it override it. connect_timeout: a server that accepts
  // the connection and never answers (stopped, frozen) would hold the caller for ever.
  const char* keywords[] = {"connect_timeout", "dbname", "fallback_application_name",
                            "client_encoding", nullptr};
  const char* values[] = {"10", conninfo.c_str(), "datamesh", "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::UnavailableError(
        cat("cannot connect to the mesh database ", database, ": out of memory"));
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string reason = one_line(PQerrorMessage(conn));
    PQfinish(conn);
    return absl::UnavailableError(
        cat("cannot connect to the mesh database ", database, ": ", reason));
  }
  // Notices (such as "relation ... already exists, skipping") are not errors; libpq would print
  // them on stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<Connection> connection(new Connection(conn, database));
  connection->answer_timeout_ = answer_timeout;
  if (!session_sql.empty()) {
    DATAMESH_RETURN_IF_ERROR(connection->exec(session_sql, "set up the session"));
  }
  return connection;
}

Connection::~Connection() { PQfinish(conn_); }

absl::Status Connection::check(const pg_result* result, std::string_view doing) {
  if (result == nullptr && timed_out_) {
    last_sqlstate_ = "08006";  // the session is gone, as far as this side knows
    return absl::UnavailableError(cat(
        "the mesh database ", database_, " did not answer within ",
        absl::FormatDuration(absl::FromChrono(answer_timeout_)), " (", doing,
        "): it may be stopped or overloaded; the connection was dropped"));
  }
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    last_sqlstate_.clear();
    return absl::OkStatus();
  }
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  last_sqlstate_ = sqlstate != nullptr ? sqlstate : "";
  const std::string message = one_line(primary != nullptr ? primary : PQerrorMessage(conn_));
  // A statement that failed because the session broke carries no (or a shutdown) SQLSTATE.
  if (lost() && last_sqlstate_.empty()) last_sqlstate_ = "08006";
  return postgres_status(last_sqlstate_, message, database_, doing);
}

const std::string& Connection::statement_name(std::string_view sql, bool* is_new) {
  auto [found, inserted] = prepared_.try_emplace(std::string(sql));
  if (inserted) found->second = cat("datamesh_", ++named_);
  *is_new = inserted;
  return found->second;
}

absl::Status Connection::check_values(std::string_view sql, const Params& params) const {
  for (size_t i = 0; i < params.list().size(); ++i) {
    const sql::Value& value = params.list()[i];
    const size_t nul = value.data.find('\0');
    if (value.type != sql::Value::Type::kText || nul == std::string::npos) continue;
    return absl::InvalidArgumentError(
        cat("the mesh database ", database_, " cannot store a value: parameter $", i + 1,
            " contains a NUL character (at offset ", nul,
            "), which PostgreSQL text cannot hold (", describe(sql), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Result> Connection::query(std::string_view sql, const Params& params) {
  DATAMESH_RETURN_IF_ERROR(check_values(sql, params));
  const Statement last{.sql = sql, .params = &params, .check = nullptr};
  return run_pipeline(&last);
}

absl::Status Connection::defer(std::string_view sql, Params params, ResultCheck check) {
  DATAMESH_RETURN_IF_ERROR(check_values(sql, params));
  deferred_.push_back(
      {.sql = std::string(sql), .params = std::move(params), .check = std::move(check)});
  return absl::OkStatus();
}

bool Connection::has_deferred_checks() const {
  return std::any_of(deferred_.begin(), deferred_.end(),
                     [](const Deferred& statement) { return statement.check != nullptr; });
}

absl::Status Connection::flush() {
  if (deferred_.empty()) return absl::OkStatus();
  auto flushed = run_pipeline(nullptr);
  return flushed.ok() ? absl::OkStatus() : flushed.status();
}

absl::StatusOr<Result> Connection::run_pipeline(const Statement* last) {
  // libpq enters pipeline mode only on an idle connection.
  DATAMESH_RETURN_IF_ERROR(read_unwaited());
  std::vector<Deferred> deferred;
  deferred.swap(deferred_);
  std::vector<Statement> batch;
  batch.reserve(deferred.size() + 1);
  for (const Deferred& statement : deferred) {
    batch.push_back({.sql = statement.sql,
                     .params = &statement.params,
                     .check = statement.check ? &statement.check : nullptr});
  }
  if (last != nullptr) batch.push_back(*last);
  // A pipeline that failed half-way leaves the session in a state no caller can use. A
  // statement's own error, reported before, says more than the break it caused.
  absl::Status first_failure;
  const auto broken = [&](std::string_view doing) -> absl::Status {
    broken_ = true;
    absl::Status status =
        check(nullptr, cat(doing, " (pipeline of ", batch.size(), " statements)"));
    return first_failure.ok() ? status : first_failure;
  };
  stopped_at_ = 0;
  if (PQenterPipelineMode(conn_) != 1) return broken("enter pipeline mode");
  // From here on, a failure to send may come after some statements went out.
  stopped_at_ = batch.size();

  // Each command sent, in order: a statement's PQsendPrepare (when new) and its execution.
  struct Sent {
    size_t statement;
    bool prepare;
  };
  std::vector<Sent> sent;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Statement& statement = batch[i];
    bool is_new = false;
    const std::string name = statement_name(statement.sql, &is_new);
    if (is_new) {
      if (PQsendPrepare(conn_, name.c_str(), std::string(statement.sql).c_str(), 0, nullptr) !=
          1) {
        prepared_.erase(std::string(statement.sql));
        return broken("send a statement to prepare");
      }
      sent.push_back({.statement = i, .prepare = true});
    }
    const Bound bound(*statement.params);
    if (PQsendQueryPrepared(conn_, name.c_str(), statement.params->size(), bound.values.data(),
                            bound.lengths.data(), bound.formats.data(), /*resultFormat=*/0) != 1) {
      return broken("send a statement");
    }
    sent.push_back({.statement = i, .prepare = false});
  }
  if (PQpipelineSync(conn_) != 1) return broken("send the pipeline");

  // Every command's results end with a null; the Sync's result ends the pipeline.
  Result answer(nullptr);
  for (const Sent& command : sent) {
    const Statement& statement = batch[command.statement];
    PGresult* raw = next_result();
    if (raw == nullptr) {
      if (first_failure.ok()) stopped_at_ = command.statement;
      return broken("read a statement's result");
    }
    Result result(raw);
    while (PGresult* extra = next_result()) PQclear(extra);
    if (PQresultStatus(raw) == PGRES_PIPELINE_ABORTED) {  // skipped after first_failure
      // The server never prepared it.
      if (command.prepare) prepared_.erase(std::string(statement.sql));
      continue;
    }
    const std::string doing = command.prepare ? cat("prepare \"", statement.sql, "\"")
                                              : describe(statement.sql);
    absl::Status ok = check(raw, doing);
    if (ok.ok() && !command.prepare && statement.check != nullptr) ok = (*statement.check)(result);
    if (!ok.ok()) {
      if (command.prepare) prepared_.erase(std::string(statement.sql));
      if (first_failure.ok()) {
        first_failure = std::move(ok);
        stopped_at_ = command.statement;
      }
      continue;
    }
    if (!command.prepare && command.statement + 1 == batch.size() && last != nullptr) {
      answer = std::move(result);
    }
  }
  PGresult* sync = next_result();
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(conn_) != 1) return broken("end the pipeline");
  DATAMESH_RETURN_IF_ERROR(first_failure);
  return answer;
}

absl::Status Connection::send_without_waiting(std::string_view sql, std::string_view doing) {
  DATAMESH_RETURN_IF_ERROR(read_unwaited());
  DATAMESH_RETURN_IF_ERROR(flush());
  if (PQsendQueryParams(conn_, std::string(sql).c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                        /*resultFormat=*/0) != 1) {
    return check(nullptr, doing);
  }
  unwaited_ = std::string(doing);
  return absl::OkStatus();
}

absl::Status Connection::read_unwaited() {
  if (unwaited_.empty()) return absl::OkStatus();
  const std::string doing = std::move(unwaited_);
  unwaited_.clear();
  absl::Status first = absl::OkStatus();
  while (PGresult* raw = next_result()) {
    Result result(raw);
    if (absl::Status ok = check(raw, doing); !ok.ok() && first.ok()) first = std::move(ok);
  }
  if (first.ok() && lost()) first = check(nullptr, doing);
  return first;
}

absl::StatusOr<Result> Connection::exec(std::string_view sql, std::string_view doing) {
  DATAMESH_RETURN_IF_ERROR(read_unwaited());
  DATAMESH_RETURN_IF_ERROR(flush());
  const std::string text(sql);
  if (PQsendQuery(conn_, text.c_str()) != 1) return check(nullptr, doing);
  // As PQexec: the result of the last statement, or the first failure's.
  Result result(nullptr);
  absl::Status first = absl::OkStatus();
  while (PGresult* raw = next_result()) {
    Result next(raw);
    if (absl::Status ok = check(raw, doing); !ok.ok() && first.ok()) first = std::move(ok);
    result = std::move(next);
  }
  if (first.ok() && lost()) first = check(nullptr, doing);
  DATAMESH_RETURN_IF_ERROR(first);
  if (result.raw() == nullptr) return check(nullptr, doing);
  return result;
}

pg_result* Connection::next_result() {
  if (timed_out_ || broken_) return nullptr;
  if (answer_timeout_.count() > 0) {
    const auto deadline = std::chrono::steady_clock::now() + answer_timeout_;
    while (PQisBusy(conn_) == 1) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        timed_out_ = true;
        broken_ = true;
        return nullptr;
      }
      pollfd readable{.fd = PQsocket(conn_), .events = POLLIN, .revents = 0};
      const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) break;     // PQgetResult reports the socket's error
      if (ready > 0 && PQconsumeInput(conn_) != 1) break;  // the same
    }
  }
  return PQgetResult(conn_);
}

bool Connection::lost() const { return broken_ || PQstatus(conn_) == CONNECTION_BAD; }

bool Connection::in_transaction() const {
  // An unwaited COMMIT keeps the session ACTIVE until it is read; it ends the transaction.
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status != PQTRANS_IDLE && !(status == PQTRANS_ACTIVE && !unwaited_.empty());
}

}  // namespace datamesh::store::postgres
