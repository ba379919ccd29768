// One SQLite connection with its cache of prepared statements, and the errors SQLite reports
// turned into canonical statuses.
//
// The SQLite store leases a Connection to one transaction at a time, so neither Connection nor
// Statement is thread-safe: a connection is used by one thread at a time, and a Statement only
// while its Connection is alive.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace datamesh::store::sqlite {

// The status for SQLite result code `code` (primary or extended), saying what the store was
// doing ("begin a write transaction") with which file:
//   BUSY, LOCKED                   → Unavailable "the mesh store <path> is busy: …"
//   FULL, IOERR, CANTOPEN, READONLY, PERM, PROTOCOL, NOLFS
//                                  → Unavailable (the disk or file system; retry later)
//   CONSTRAINT                     → FailedPrecondition (e.g. a table without its database)
//   CORRUPT, NOTADB, anything else → Internal
absl::Status sqlite_status(int code, std::string_view sqlite_message, std::string_view path,
                           std::string_view doing);

class Connection;

// A prepared statement borrowed from a connection's cache (or, when the cached one is already
// in use, a private one). Binds parameters, steps through rows and reads columns. Resets
// itself when destroyed, so the cached statement is ready for its next use.
class Statement {
 public:
  Statement(Connection& connection, sqlite3_stmt* stmt, bool* in_use, bool owned);
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Binders take 1-based positions (?1) or names (":owner"). A failed bind is reported by the
  // next step() or run(), so calls can be chained.
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_text(const char* name, std::string_view value);
  Statement& bind_blob(int index, std::string_view value);
  Statement& bind_int(int index, int64_t value);
  Statement& bind_int(const char* name, int64_t value);
  Statement& bind_bool(int index, bool value);
  // Binds value, or SQL NULL when it is nullptr.
  Statement& bind_optional_text(int index, const std::string* value);

  // Advances to the next row: true when there is one, false when the statement is done.
  absl::StatusOr<bool> step();
  // Runs a statement that returns no rows (or whose rows are not wanted) to completion.
  absl::Status run();
  // The same, saying what failed as `doing` ("commit the transaction") instead of the SQL.
  absl::Status run(std::string_view doing);

  // Columns of the current row, 0-based. NULL reads as "" / 0 / false.
  std::string text(int column) const;
  std::string blob(int column) const;
  int64_t integer(int column) const;
  bool boolean(int column) const { return integer(column) != 0; }
  bool is_null(int column) const;

 private:
  void record_bind(int code, int index);

  Connection* connection_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache entry's flag, cleared when this statement is done; null if owned
  bool owned_;    // finalized on destruction instead of returned to the cache
  absl::Status bind_status_;  // the first failed bind, if any
};

// An open SQLite database handle. Statements are compiled once per connection and cached by
// their SQL text; SQL text must therefore be constant (user values are always bound).
class Connection {
 public:
  // Opens the existing database file at path (or ":memory:") with foreign keys on, synchronous
  // NORMAL and the given busy timeout. Errors: as sqlite_status().
  static absl::StatusOr<std::unique_ptr<Connection>> open(const std::string& path,
                                                          int busy_timeout_ms);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // The cached statement for sql, compiled on first use. Errors: Internal for invalid SQL.
  absl::StatusOr<Statement> prepare(std::string_view sql);
  // Runs one or more statements without parameters (schema scripts, PRAGMAs), compiled anew.
  absl::Status exec(std::string_view sql, std::string_view doing);
  // Runs one statement without parameters from the cache: for those run on every transaction
  // (BEGIN, COMMIT), which exec() would compile again each time.
  absl::Status exec_cached(std::string_view sql, std::string_view doing);

  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;
  int64_t last_insert_rowid() const;
  // True while a transaction is open (SQLite rolls back on its own after some errors).
  bool in_transaction() const;
  // Calls listener after each commit this connection makes in WAL mode, with the log's size in
  // pages, in place of SQLite's automatic checkpoint (see wal_checkpointer.h).
  void on_commit(std::function<void(Connection&, int log_pages)> listener);
  // Copies committed log pages into the database file without waiting for, or blocking,
  // readers and writers (SQLITE_CHECKPOINT_PASSIVE). Errors: as sqlite_status().
  absl::Status checkpoint_passive();
  // True when the latest failure on this connection was SQLITE_BUSY or SQLITE_LOCKED.
  bool last_error_was_busy() const;
  const std::string& path() const { return path_; }
  // The status for code, with this connection's latest SQLite message.
  absl::Status error(int code, std::string_view doing) const;

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::function<void(Connection&, int log_pages)> commit_listener_;
  // Finalized before db_ is closed. Node-based: a Statement points at its entry's in_use flag;
  // found by string_view, without building a string per lookup.
  absl::node_hash_map<std::string, CachedStatement> cache_;
};

}  // namespace datamesh::store::sqlite
