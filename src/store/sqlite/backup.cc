#include "store/sqlite/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "absl/cleanup/cleanup.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/sqlite/statements.h"

namespace datamesh::store::sqlite {

using base::cat;

namespace {

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Database = std::unique_ptr<sqlite3, CloseDatabase>;

absl::StatusOr<Database> open_database(const std::string& path, int flags, std::string_view doing) {
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database opened(db);
  if (code != SQLITE_OK) {
    return sqlite_status(code, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code), path,
                         doing);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 10000);
  return opened;
}

absl::Status errno_error(std::string_view doing, const std::string& path) {
  return absl::Status(absl::ErrnoToStatusCode(errno),
                      cat("cannot ", doing, " ", path, ": ", std::strerror(errno)));
}

absl::Status exists_error(const std::string& to) {
  return absl::AlreadyExistsError(
      cat("backup file ", to, " already exists: give a new path (a backup never overwrites)"));
}

// fsync of `path` (a file, or a directory for the names in it).
absl::Status sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno_error("open", path);
  const absl::Cleanup close_fd = [fd] { ::close(fd); };
  if (::fsync(fd) != 0) return errno_error("sync", path);
  return absl::OkStatus();
}

// Copies `from` into the empty database file `to` and checks the copy; both are closed on
// return, so no journal of the copy's is left beside it. `shown_to`: the backup as the caller
// named it, for the errors of writing it.
absl::StatusOr<SqliteBackup> copy_database(const std::string& from, const std::string& to,
                                           const std::string& shown_to) {
  // Read-write although it only reads: a read-only connection that is the mesh's last cannot
  // remove the -wal and -shm files its open made beside an idle mesh; this one checkpoints and
  // removes them as it closes, as every other command does. (SQLite opens a write-protected
  // file read-only instead, and those files then stay.)
  DATAMESH_ASSIGN_OR_RETURN(const Database source,
                            open_database(from, SQLITE_OPEN_READWRITE, "open the mesh file"));
  DATAMESH_ASSIGN_OR_RETURN(const Database copy,
                            open_database(to, SQLITE_OPEN_READWRITE, "open the backup"));
  sqlite3_backup* backup = sqlite3_backup_init(copy.get(), "main", source.get(), "main");
  if (backup == nullptr) {
    return sqlite_status(sqlite3_errcode(copy.get()), sqlite3_errmsg(copy.get()), to,
                         "start the backup");
  }
  // Every page in one step: one read transaction, so the copy is one consistent snapshot and
  // is never restarted by a writer of another connection.
  const int stepped = sqlite3_backup_step(backup, -1);
  SqliteBackup done{.pages = sqlite3_backup_pagecount(backup)};
  const int finished = sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE) {
    // A full disk or a failed write is the backup's side (extended codes are on); a failed
    // read, a busy or damaged mesh, the mesh's.
    const bool writing = (stepped & 0xff) == SQLITE_FULL || stepped == SQLITE_IOERR_WRITE ||
                         stepped == SQLITE_IOERR_FSYNC || stepped == SQLITE_IOERR_DIR_FSYNC ||
                         stepped == SQLITE_IOERR_TRUNCATE;
    if (writing) {
      return sqlite_status(stepped, sqlite3_errstr(stepped), shown_to,
                           cat("write the backup of ", from));
    }
    return sqlite_status(stepped, sqlite3_errstr(stepped), from, "copy the mesh file");
  }
  if (finished != SQLITE_OK) {
    return sqlite_status(finished, sqlite3_errmsg(copy.get()), to, "finish the backup");
  }
  sqlite3_stmt* check = nullptr;
  if (sqlite3_prepare_v2(copy.get(), "PRAGMA quick_check", -1, &check, nullptr) != SQLITE_OK) {
    return sqlite_status(sqlite3_errcode(copy.get()), sqlite3_errmsg(copy.get()), to,
                         "check the backup");
  }
  const int row = sqlite3_step(check);
  const std::string verdict =
      row == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(check, 0)) : "";
  sqlite3_finalize(check);
  if (verdict != "ok") {
    return absl::DataLossError(cat("the backup of ", from, " fails SQLite's check: ",
                                   verdict.empty() ? sqlite3_errmsg(copy.get()) : verdict));
  }
  return done;
}

}  // namespace

absl::StatusOr<SqliteBackup> backup_sqlite_file(const std::string& from, const std::string& to) {
  std::error_code unknown;  // cannot tell (a name too long, ...): the open below says why
  if (std::filesystem::exists(to, unknown)) return exists_error(to);
  const std::string partial = cat(to, ".partial");
  // Created private first: a mesh file holds the sealed secrets of every access key.
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    // Never removed here: a backup never replaces a file, not even one of its own name.
    return absl::AlreadyExistsError(
        cat(partial, " already exists: a backup that was stopped before it finished leaves it "
            "(it is never a usable backup); remove it, or give another path"));
  }
  if (fd < 0) {
    // Named as the caller named it: the .partial file is this function's own.
    if (errno == ENOENT) {
      return absl::NotFoundError(cat("cannot create the backup ", to, ": its folder ",
                                     std::filesystem::absolute(to).parent_path().string(),
                                     " does not exist"));
    }
    return errno_error("create the backup", to);
  }
  ::close(fd);
  absl::Cleanup remove_partial = [&partial] { std::filesystem::remove(partial); };

  DATAMESH_ASSIGN_OR_RETURN(const SqliteBackup done, copy_database(from, partial, to));
  DATAMESH_RETURN_IF_ERROR(sync_path(partial, O_RDONLY));
  // A link, not a rename: it fails rather than replaces a file made under `to` meanwhile.
  if (::link(partial.c_str(), to.c_str()) != 0) {
    return errno == EEXIST ? exists_error(to) : errno_error("create", to);
  }
  const std::filesystem::path parent = std::filesystem::absolute(to).parent_path();
  DATAMESH_RETURN_IF_ERROR(sync_path(parent.string(), O_RDONLY | O_DIRECTORY));
  SqliteBackup made = done;
  made.bytes = static_cast<int64_t>(std::filesystem::file_size(to));
  return made;
}

}  // namespace datamesh::store::sqlite
