#include "store/sqlite/statements.h"

#include <sqlite3.h>

#include <utility>

#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::sqlite {

using base::cat;

namespace {

// What a failing statement was doing, for messages: its SQL, shortened.
std::string describe(sqlite3_stmt* stmt) {
  constexpr size_t kMaxSql = 80;
  std::string_view sql = sqlite3_sql(stmt) != nullptr ? sqlite3_sql(stmt) : "";
  if (sql.size() > kMaxSql) return cat("run \"", sql.substr(0, kMaxSql), "…\"");
  return cat("run \"", sql, "\"");
}

}  // namespace

absl::Status sqlite_status(int code, std::string_view sqlite_message, std::string_view path,
                           std::string_view doing) {
  switch (code & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return absl::OkStatus();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(
          cat("the mesh store ", path, " is busy: could not ", doing, ": ", sqlite_message));
    case SQLITE_FULL:
      return absl::UnavailableError(cat("the mesh store ", path, " is full: could not ", doing,
                                        ": ", sqlite_message, " (free disk space)"));
    case SQLITE_READONLY:
    case SQLITE_PERM:
      // A log that needs recovering or a journal rolling back: another connection's to do, so
      // waited out as a busy file is.
      if (code == SQLITE_READONLY_RECOVERY || code == SQLITE_READONLY_ROLLBACK) {
        return absl::UnavailableError(cat("the mesh store ", path,
                                          " is being recovered: could not ", doing, ": ",
                                          sqlite_message));
      }
      if (code == SQLITE_READONLY_DBMOVED) {
        return absl::FailedPreconditionError(
            cat("the mesh store ", path, " was moved or replaced while open: could not ", doing,
                ": ", sqlite_message, " (open it again)"));
      }
      // Not to be waited out: the files' permissions (the mesh file, or the -wal and -shm files
      // beside it, which a reader of a read-only mesh may have made read-only too).
      return absl::FailedPreconditionError(
          cat("the mesh store ", path, " is read-only for this process: could not ", doing, ": ",
              sqlite_message, " (make the mesh file, its folder and the ", path, "-wal and ", path,
              "-shm files beside it writable by this user, or run as the user that owns them)"));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return absl::UnavailableError(
          cat("the mesh store ", path, " could not ", doing, ": ", sqlite_message));
    case SQLITE_CONSTRAINT:
      return absl::FailedPreconditionError(
          cat("the mesh store ", path, " refused to ", doing, ": ", sqlite_message));
    case SQLITE_CORRUPT:
      return absl::InternalError(
          cat("the mesh store ", path, " is damaged: could not ", doing, ": ", sqlite_message,
              "; restore it from a backup (datamesh admin backup; CLI.md says how, -wal and "
              "-shm files first)"));
    case SQLITE_NOTADB:
      // What the file's first bytes say: the wrong file given (most often), or a mesh file
      // damaged there. FailedPrecondition, as for an endpoint that names no mesh: the caller's
      // to check, not a fault of datamesh's (Internal).
      return absl::FailedPreconditionError(
          cat("the mesh store ", path, " is not a SQLite database (could not ", doing,
              "): check the endpoint names the mesh file; if it does, the file is damaged: "
              "restore it from a backup (datamesh admin backup)"));
    default:
      return absl::InternalError(
          cat("the mesh store ", path, " could not ", doing, ": ", sqlite_message));
  }
}

Statement::Statement(Connection& connection, sqlite3_stmt* stmt, bool* in_use, bool owned)
    : connection_(&connection), stmt_(stmt), in_use_(in_use), owned_(owned) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      owned_(other.owned_),
      bind_status_(std::move(other.bind_status_)) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  // The result code repeats the last step's error, which was already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (in_use_ != nullptr) *in_use_ = false;
}

void Statement::record_bind(int code, int index) {
  if (code == SQLITE_OK || !bind_status_.ok()) return;
  bind_status_ = connection_->error(code, cat("bind parameter ", index, " to ", describe(stmt_)));
}

Statement& Statement::bind_text(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the value, so temporaries may be bound.
  record_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::bind_text(const char* name, std::string_view value) {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) {
    record_bind(SQLITE_RANGE, index);
    return *this;
  }
  return bind_text(index, value);
}

Statement& Statement::bind_blob(int index, std::string_view value) {
  record_bind(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT),
              index);
  return *this;
}

Statement& Statement::bind_int(int index, int64_t value) {
  record_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind_int(const char* name, int64_t value) {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) {
    record_bind(SQLITE_RANGE, index);
    return *this;
  }
  return bind_int(index, value);
}

Statement& Statement::bind_bool(int index, bool value) { return bind_int(index, value ? 1 : 0); }

Statement& Statement::bind_optional_text(int index, const std::string* value) {
  if (value != nullptr) return bind_text(index, *value);
  record_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

absl::StatusOr<bool> Statement::step() {
  DATAMESH_RETURN_IF_ERROR(bind_status_);
  const int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return connection_->error(code, describe(stmt_));
}

absl::Status Statement::run() {
  while (true) {
    DATAMESH_ASSIGN_OR_RETURN(bool row, step());
    if (!row) return absl::OkStatus();
  }
}

absl::Status Statement::run(std::string_view doing) {
  DATAMESH_RETURN_IF_ERROR(bind_status_);
  int code = SQLITE_ROW;
  while (code == SQLITE_ROW) code = sqlite3_step(stmt_);
  if (code == SQLITE_DONE) return absl::OkStatus();
  return connection_->error(code, doing);
}

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return "";
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return "";
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::open(const std::string& path,
                                                             int busy_timeout_ms) {
  sqlite3* db = nullptr;
  // NOMUTEX: the store never uses one connection from two threads at once.
  // No CREATE: SqliteStore::open creates the file itself (mode 0600), and a file deleted while
  // the store is open must not come back empty, without schema, readable by everyone.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close_v2(db);
    return sqlite_status(code, message, path, "open the database");
  }
  std::unique_ptr<Connection> connection(new Connection(db, path));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // foreign_keys and synchronous are per connection; journal_mode=WAL is a property of the file,
  // set once by SqliteStore::open.
  DATAMESH_RETURN_IF_ERROR(connection->exec(
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", "set the connection's pragmas"));
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

absl::StatusOr<Statement> Connection::prepare(std::string_view sql) {
  // Debian's Abseil has its own string_view type, which the map's hash takes.
  auto found = cache_.find(absl::string_view(sql.data(), sql.size()));
  if (found != cache_.end() && !found->second.in_use) {
    found->second.in_use = true;
    return Statement(*this, found->second.stmt, &found->second.in_use, /*owned=*/false);
  }
  sqlite3_stmt* stmt = nullptr;
  // A statement already in use (the same query nested in a loop over its own rows) gets a
  // private copy; only the first one is kept.
  const bool cache = found == cache_.end();
  const int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (code != SQLITE_OK) return error(code, cat("prepare \"", sql, "\""));
  if (!cache) return Statement(*this, stmt, nullptr, /*owned=*/true);
  auto [inserted, unused] = cache_.emplace(std::string(sql), CachedStatement{stmt, true});
  return Statement(*this, stmt, &inserted->second.in_use, /*owned=*/false);
}

absl::Status Connection::exec(std::string_view sql, std::string_view doing) {
  const std::string script(sql);
  char* message = nullptr;
  const int code = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
  if (code == SQLITE_OK) return absl::OkStatus();
  std::string text = message != nullptr ? message : sqlite3_errstr(code);
  sqlite3_free(message);
  return sqlite_status(code, text, path_, doing);
}

absl::Status Connection::exec_cached(std::string_view sql, std::string_view doing) {
  DATAMESH_ASSIGN_OR_RETURN(Statement statement, prepare(sql));
  return statement.run(doing);
}

int64_t Connection::changes() const { return sqlite3_changes64(db_); }

int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::on_commit(std::function<void(Connection&, int log_pages)> listener) {
  commit_listener_ = std::move(listener);
  // Replaces the hook through which SQLite runs its automatic checkpoint.
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int log_pages) -> int {
        auto* connection = static_cast<Connection*>(self);
        connection->commit_listener_(*connection, log_pages);
        return SQLITE_OK;
      },
      this);
}

absl::Status Connection::checkpoint_passive() {
  const int code =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (code == SQLITE_OK) return absl::OkStatus();
  return error(code, "checkpoint the write-ahead log");
}

bool Connection::last_error_was_busy() const {
  const int primary = sqlite3_errcode(db_) & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

absl::Status Connection::error(int code, std::string_view doing) const {
  return sqlite_status(code, sqlite3_errmsg(db_), path_, doing);
}

}  // namespace datamesh::store::sqlite
