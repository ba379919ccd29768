// What only the SQLite store has: its file, schema migrations, locking between processes,
// query plans and SQLite's error codes.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/migrate.h"
#include "store/sqlite/backup.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/statements.h"
#include "store/sqlite/transaction.h"
#include "store/store_test_support.h"

namespace datamesh::store::testing {
namespace {

using ::testing::HasSubstr;

// The newest schema version this binary knows.
int latest_version() { return sql::latest_version(sqlite::migrations()); }

// A plain SQLite connection to the store's file, standing for another process or for a user
// with the sqlite3 shell.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << sqlite3_errmsg(db_);
  }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;
  ~RawDatabase() { sqlite3_close(db_); }

  // Runs sql; returns SQLite's error message, "" on success.
  std::string exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return "";
    std::string text = message != nullptr ? message : "error";
    sqlite3_free(message);
    return text;
  }

  // The first column of every row of sql.
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> values;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return values;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      values.push_back(text != nullptr ? text : "");
    }
    sqlite3_finalize(stmt);
    return values;
  }

  // The rows of EXPLAIN QUERY PLAN for sql, one detail string each.
  std::vector<std::string> plan(const std::string& sql) {
    std::vector<std::string> details;
    sqlite3_stmt* stmt = nullptr;
    const std::string explain = "EXPLAIN QUERY PLAN " + sql;
    if (sqlite3_prepare_v2(db_, explain.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return details;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      details.push_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
    }
    sqlite3_finalize(stmt);
    return details;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::unique_ptr<SqliteStore> open_or_fail(const std::string& path, SqliteOptions options = {}) {
  auto opened = SqliteStore::open(path, options);
  EXPECT_TRUE(opened.ok()) << opened.status();
  return opened.ok() ? *std::move(opened) : nullptr;
}

// Undoes migrations 8 and 7: the mesh admin's index of a product's subscriptions, and the
// request index on the document's table list, as every schema version before 7 had it.
constexpr char kBeforeSchemaSeven[] =
    "DROP INDEX subscriptions_database;"
    "DROP TRIGGER subscriptions_request_key_filled;"
    "DROP INDEX subscriptions_request;"
    "ALTER TABLE subscriptions DROP COLUMN request_key;"
    "CREATE INDEX subscriptions_request"
    " ON subscriptions (subscriber, database_name, json_extract(doc, '$.table_names'));";

// Leaves the file at path as a datamesh of schema version 6 left it.
void back_to_schema_six(const std::string& path) {
  RawDatabase raw(path);
  ASSERT_EQ(raw.exec(std::string(kBeforeSchemaSeven) +
                     "DELETE FROM schema_migrations WHERE version > 6"),
            "");
}

// The file ------------------------------------------------------------------------------------

TEST(SqliteStoreFileTest, NewFileIsPrivateToItsOwnerWhateverTheUmask) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  const mode_t saved = ::umask(0);  // would leave a 0666 file readable by everyone
  auto store = SqliteStore::open(path);
  ::umask(saved);
  ASSERT_TRUE(store.ok()) << store.status();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // The write-ahead log holds the same data and gets the same mode from SQLite.
  DATAMESH_ASSERT_OK(increment_counter(**store));
  ASSERT_EQ(::stat((path + "-wal").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// Backups (store/sqlite/backup.h) --------------------------------------------------------------

TEST(SqliteBackupTest, ACopyOfALiveFileHoldsTheCommitsStillInItsLog) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 5; ++i) DATAMESH_ASSERT_OK(increment_counter(*store));
  struct stat info {};
  ASSERT_EQ(::stat((path + "-wal").c_str(), &info), 0);
  ASSERT_GT(info.st_size, 0) << "the commits are in the log: a copy of the file alone lacks them";

  const std::string copy = directory.file("backup.db");
  auto made = sqlite::backup_sqlite_file(path, copy);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_GT(made->pages, 0);
  ASSERT_EQ(::stat(copy.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u) << "a mesh file holds every key's sealed secret";
  EXPECT_EQ(made->bytes, info.st_size);
  EXPECT_NE(::stat((copy + ".partial").c_str(), &info), 0) << "no partial copy is left";
  // The store goes on meanwhile; the copy holds what was committed when it was made.
  DATAMESH_ASSERT_OK(increment_counter(*store));
  auto from_copy = open_or_fail(copy);
  ASSERT_NE(from_copy, nullptr);
  auto counted = read_counter(*from_copy);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(*counted, 5);
}

TEST(SqliteBackupTest, ABackupNeverOverwritesAFile) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  const std::string copy = directory.file("backup.db");
  { std::ofstream(copy) << "precious"; }
  auto made = sqlite::backup_sqlite_file(path, copy);
  EXPECT_TRUE(absl::IsAlreadyExists(made.status())) << made.status();
  EXPECT_THAT(std::string(made.status().message()), HasSubstr("give a new path"));
  std::ifstream kept(copy);
  std::string contents;
  std::getline(kept, contents);
  EXPECT_EQ(contents, "precious");
}

TEST(SqliteStoreFileTest, FileUsesWriteAheadLogging) {
  ScratchDir directory;
  auto store = open_or_fail(directory.file("mesh.db"));
  ASSERT_NE(store, nullptr);
  RawDatabase raw(directory.file("mesh.db"));
  EXPECT_EQ(raw.column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

TEST(SqliteStoreFileTest, OpenReportsAMissingDirectoryAsFailedPrecondition) {
  ScratchDir directory;
  const std::string path = directory.file("no/such/dir/mesh.db");
  auto store = SqliteStore::open(path);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path));
}

TEST(SqliteStoreFileTest, OpenRefusesNegativeOptions) {
  EXPECT_TRUE(
      absl::IsInvalidArgument(SqliteStore::open(":memory:", {.busy_timeout_ms = -1}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      SqliteStore::open(":memory:", {.max_idle_connections = -1}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(SqliteStore::open("").status()));
}

TEST(SqliteStoreFileTest, OpenRefusesAnotherApplicationsDatabase) {
  ScratchDir directory;
  const std::string path = directory.file("other.db");
  {
    RawDatabase raw(path);
    ASSERT_EQ(raw.exec("CREATE TABLE photos (id INTEGER)"), "");
  }
  auto store = SqliteStore::open(path);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  RawDatabase raw(path);
  EXPECT_EQ(raw.column("SELECT count(*) FROM sqlite_master WHERE name = 'accounts'"),
            std::vector<std::string>{"0"});
}

// Migrations ----------------------------------------------------------------------------------

TEST(SqliteStoreMigrationTest, ReopeningKeepsTheDataAndAppliesEachMigrationOnce) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    DATAMESH_ASSERT_OK(increment_counter(*store));
  }
  for (int reopen = 0; reopen < 2; ++reopen) {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    auto count = read_counter(*store);
    ASSERT_TRUE(count.ok()) << count.status();
    EXPECT_EQ(*count, 1);
  }
  RawDatabase raw(path);
  std::vector<std::string> expected;
  for (const sqlite::Migration& migration : sqlite::migrations()) {
    expected.push_back(std::to_string(migration.version));
  }
  EXPECT_EQ(raw.column("SELECT version FROM schema_migrations ORDER BY version"), expected);
  EXPECT_EQ(raw.column("SELECT count(*) FROM schema_migrations WHERE applied_at LIKE '____-__-__ "
                       "__:__:__'"),
            std::vector<std::string>{std::to_string(expected.size())});
}

TEST(SqliteStoreMigrationTest, OpenReportsTheVersionItFoundAndTheMigrationsItApplied) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  std::vector<int> every;
  for (const sqlite::Migration& migration : sqlite::migrations()) {
    every.push_back(migration.version);
  }
  const int latest = latest_version();
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->migration_report().from_version, 0);
    EXPECT_EQ(store->migration_report().to_version, latest);
    EXPECT_EQ(store->migration_report().applied, every);
  }
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->migration_report().from_version, latest);
    EXPECT_EQ(store->migration_report().to_version, latest);
    EXPECT_TRUE(store->migration_report().applied.empty());
  }
  ASSERT_NO_FATAL_FAILURE(back_to_schema_six(path));
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->migration_report().from_version, 6);
  EXPECT_EQ(store->migration_report().to_version, latest);
  EXPECT_EQ(store->migration_report().applied, std::vector<int>(every.begin() + 6, every.end()));
}

// `datamesh admin migrate` answers what opening the file found and did.
TEST(SqliteStoreMigrationTest, AdminMigrateAnswersTheVersionsAndTheMigrationsItApplied) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  const std::string url = "sqlite://" + path;
  const int latest = latest_version();

  auto missing = api::migrate_store(url);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("no mesh at " + url));
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "a missing file is not created";

  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
  }
  ASSERT_NO_FATAL_FAILURE(back_to_schema_six(path));
  auto migrated = api::migrate_store(url);
  ASSERT_TRUE(migrated.ok()) << migrated.status();
  std::vector<int> applied;
  for (int version = 7; version <= latest; ++version) applied.push_back(version);
  EXPECT_EQ(*migrated, (nlohmann::json{{"Store", url},
                                       {"PreviousSchemaVersion", 6},
                                       {"SchemaVersion", latest},
                                       {"AppliedMigrations", applied}}));

  auto again = api::migrate_store(url);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, (nlohmann::json{{"Store", url},
                                    {"PreviousSchemaVersion", latest},
                                    {"SchemaVersion", latest},
                                    {"AppliedMigrations", nlohmann::json::array()}}));
}

TEST(SqliteStoreMigrationTest, MigrationVersionsCountUpFromOne) {
  int expected = 1;
  for (const sqlite::Migration& migration : sqlite::migrations()) {
    EXPECT_EQ(migration.version, expected++) << migration.description;
  }
  EXPECT_EQ(latest_version(), expected - 1);
}

TEST(SqliteStoreMigrationTest, OpeningAVersionTwoFileAddsTheListingIndexesAndKeepsItsRows) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) {
      return tx.insert_subscription(full_subscription("S1"));
    }));
  }
  {
    // Back to what a datamesh of schema version 2 left.
    RawDatabase raw(path);
    ASSERT_EQ(raw.exec(std::string(kBeforeSchemaSeven) +
                       "DROP INDEX subscriptions_owner_seq;"
                       "DROP INDEX subscriptions_subscriber_database;"
                       "DROP TABLE client_tokens;"
                       "DROP TABLE grant_versions;"
                       "DELETE FROM schema_migrations WHERE version > 2"),
              "");
  }
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  RawDatabase raw(path);
  EXPECT_EQ(raw.column("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN"
                       " ('subscriptions_owner_seq', 'subscriptions_subscriber_database')"
                       " ORDER BY name"),
            (std::vector<std::string>{"subscriptions_owner_seq",
                                      "subscriptions_subscriber_database"}));
  EXPECT_EQ(raw.column("SELECT max(version) FROM schema_migrations"),
            std::vector<std::string>{std::to_string(latest_version())});
  auto found = read_in(*store, [](Transaction& tx) { return tx.get_subscription("S1"); });
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->has_value());
}

TEST(SqliteStoreMigrationTest, OpeningAVersionSixFileMovesTheRequestKeyIntoAColumn) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  Subscription tables = full_subscription("S1");
  tables.status = SubscriptionStatus::kPending;
  tables.table_names = {"orders", "order_items"};
  Subscription whole = full_subscription("S2");
  whole.status = SubscriptionStatus::kActive;
  whole.table_names.clear();
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    DATAMESH_ASSERT_OK(write_in(*store, [&](Transaction& tx) -> absl::Status {
      DATAMESH_RETURN_IF_ERROR(tx.insert_subscription(tables));
      return tx.insert_subscription(whole);
    }));
  }
  ASSERT_NO_FATAL_FAILURE(back_to_schema_six(path));
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  RawDatabase raw(path);
  EXPECT_EQ(raw.column("SELECT request_key FROM subscriptions ORDER BY seq"),
            (std::vector<std::string>{R"(["orders","order_items"])", "[]"}));
  const std::vector<std::string> index =
      raw.column("SELECT sql FROM sqlite_master WHERE name = 'subscriptions_request'");
  ASSERT_EQ(index.size(), 1u);
  EXPECT_THAT(index[0], HasSubstr("request_key"));
  EXPECT_EQ(raw.column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  for (const Subscription& request : {tables, whole}) {
    auto found = read_in(*store, [&](Transaction& tx) { return tx.find_live_duplicates(request); });
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_EQ(found->size(), 1u) << request.subscription_id;
    EXPECT_EQ((*found)[0].subscription_id, request.subscription_id);
  }

  // A datamesh of version 6 still running inserts as it did, without request_key: the lookup
  // finds its row too.
  ASSERT_EQ(raw.exec("INSERT INTO subscriptions (id, owner, subscriber, status, database_name,"
                     " version, doc) SELECT 'S3', owner, subscriber, 'Pending', database_name, 1,"
                     " doc FROM subscriptions WHERE id = 'S1'"),
            "");
  EXPECT_EQ(raw.column("SELECT request_key FROM subscriptions WHERE id = 'S3'"),
            std::vector<std::string>{R"(["orders","order_items"])"});
  auto found = read_in(*store, [&](Transaction& tx) { return tx.find_live_duplicates(tables); });
  ASSERT_TRUE(found.ok()) << found.status();
  std::vector<std::string> ids;
  for (const Subscription& s : *found) ids.push_back(s.subscription_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"S1", "S3"}));
}

TEST(SqliteStoreMigrationTest, OpeningAVersionFourFileClustersTheGrantsAndKeepsThem) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  const GrantRow granted{.principal = "222222222222",
                         .catalog_id = "999999999999",
                         .database_name = "sales-111111111111",
                         .table_name = "orders",
                         .permission = "SELECT",
                         .grantable = true,
                         .subscription_id = "S1"};
  ASSERT_NE(open_or_fail(path), nullptr);
  {
    // Back to what a datamesh of schema version 4 left: grants in a rowid table, with a grant.
    RawDatabase raw(path);
    ASSERT_EQ(raw.exec(std::string(kBeforeSchemaSeven) +
                       "DROP TABLE grants;"
                       "CREATE TABLE grants (principal TEXT NOT NULL, catalog_id TEXT NOT NULL,"
                       " database_name TEXT NOT NULL, table_name TEXT NOT NULL,"
                       " permission TEXT NOT NULL, grantable INTEGER NOT NULL,"
                       " subscription_id TEXT NOT NULL, PRIMARY KEY (principal, catalog_id,"
                       " database_name, table_name, permission, subscription_id));"
                       "CREATE INDEX grants_subscription ON grants (subscription_id);"
                       "INSERT INTO grants VALUES ('222222222222', '999999999999',"
                       " 'sales-111111111111', 'orders', 'SELECT', 1, 'S1');"
                       "DROP TABLE grant_versions;"
                       "DELETE FROM schema_migrations WHERE version > 4"),
              "");
  }
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  RawDatabase raw(path);
  const std::vector<std::string> table =
      raw.column("SELECT sql FROM sqlite_master WHERE name = 'grants'");
  ASSERT_EQ(table.size(), 1u);
  EXPECT_NE(table[0].find("WITHOUT ROWID"), std::string::npos) << table[0];
  EXPECT_EQ(raw.column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(raw.column("SELECT name FROM sqlite_master WHERE tbl_name = 'grants' AND type = 'index'"
                       " AND sql IS NOT NULL"),
            std::vector<std::string>{"grants_subscription"});
  auto found = read_in(*store, [](Transaction& tx) {
    return tx.find_grants("222222222222", "999999999999", "sales-111111111111", "orders");
  });
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].subscription_id, granted.subscription_id);
  EXPECT_TRUE((*found)[0].grantable);
  auto by_subscription =
      read_in(*store, [](Transaction& tx) { return tx.list_subscription_grants("S1"); });
  ASSERT_TRUE(by_subscription.ok()) << by_subscription.status();
  EXPECT_EQ(by_subscription->size(), 1u);
}

TEST(SqliteStoreMigrationTest, OpeningAVersionThreeFileAddsTheClientTokensTableAndKeepsItsRows) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) {
      return tx.insert_subscription(full_subscription("S1"));
    }));
  }
  {
    // Back to what a datamesh of schema version 3 left.
    RawDatabase raw(path);
    ASSERT_EQ(raw.exec(std::string(kBeforeSchemaSeven) +
                       "DROP TABLE client_tokens; DROP TABLE grant_versions;"
                       "DELETE FROM schema_migrations WHERE version > 3"),
              "");
  }
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  RawDatabase raw(path);
  EXPECT_EQ(raw.column("SELECT name FROM sqlite_master WHERE name IN"
                       " ('client_tokens', 'client_tokens_expiry') ORDER BY name"),
            (std::vector<std::string>{"client_tokens", "client_tokens_expiry"}));
  EXPECT_EQ(raw.column("SELECT max(version) FROM schema_migrations"),
            std::vector<std::string>{std::to_string(latest_version())});
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) {
    return tx.put_client_token({.account_id = "111111111111",
                                .client_token = "t",
                                .method = "catalog/create_database",
                                .request_hash = "h",
                                .answer = "null",
                                .expires_at = 1});
  }));
  auto found = read_in(*store, [](Transaction& tx) { return tx.get_subscription("S1"); });
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->has_value());
}

TEST(SqliteStoreMigrationTest, OpenRefusesASchemaNewerThanThisBinary) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  ASSERT_NE(open_or_fail(path), nullptr);
  const int newer = latest_version() + 1;
  {
    RawDatabase raw(path);
    ASSERT_EQ(raw.exec("INSERT INTO schema_migrations VALUES (" + std::to_string(newer) +
                       ", '2030-01-01 00:00:00')"),
              "");
  }
  auto store = SqliteStore::open(path);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_EQ(store.status().message(), "mesh store " + path + " has schema version " +
                                          std::to_string(newer) + ", newer than this datamesh (" +
                                          std::to_string(latest_version()) +
                                          "): upgrade datamesh");
}

TEST(SqliteStoreMigrationTest, AFileOfSchemaOneKeepsItsAuditEventsUnchainedAndChainsNewOnes) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  {
    RawDatabase raw(path);
    ASSERT_EQ(raw.exec(std::string(sqlite::migrations()[0].sql)), "");
    ASSERT_EQ(raw.exec("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY,"
                       " applied_at TEXT NOT NULL);"
                       "INSERT INTO schema_migrations VALUES (1, '2026-01-01 00:00:00');"
                       "INSERT INTO audit_events (event_date, actor_account, actor_principal,"
                       " action, subscription_id, resource, details, notes) VALUES"
                       " ('2026-01-01 00:00:00', 'a', 'p', 'create_account', '', 'r', '{}', ''),"
                       " ('2026-01-01 00:00:01', 'a', 'p', 'create_account', '', 'r', '{}', '')"),
              "");
  }
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  auto head = read_in(*store, [](Transaction& tx) { return tx.audit_chain_head(); });
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 2);
  EXPECT_EQ(head->hash, "");
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) {
    return append_next(tx, full_audit_event("S1")).status();
  }));
  auto chain = read_in(*store, [](Transaction& tx) { return tx.list_audit_chain(Page{}); });
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].hash, "");
  EXPECT_EQ((*chain)[1].hash, "");
  EXPECT_EQ((*chain)[2].event.sequence, 3);
  EXPECT_EQ((*chain)[2].previous_hash, "");
  EXPECT_EQ((*chain)[2].hash, "hash-3");
}

// Locking and transactions ----------------------------------------------------------------------

TEST(SqliteStoreLockingTest, WriteIsUnavailableWhileAnotherConnectionHoldsTheWriteLock) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  auto store = open_or_fail(path, {.busy_timeout_ms = 0});
  ASSERT_NE(store, nullptr);
  RawDatabase other(path);
  ASSERT_EQ(other.exec("BEGIN IMMEDIATE"), "");
  int calls = 0;
  absl::Status status = store->run(TxMode::kWrite, [&](Transaction&) {
    ++calls;
    return absl::OkStatus();
  });
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("the mesh store " + path + " is busy: could not begin a write"));
  EXPECT_EQ(calls, 0);

  // Readers are not blocked by a writer (WAL), and the writer proceeds once the lock is free.
  auto count = read_counter(*store);
  EXPECT_TRUE(count.ok()) << count.status();
  ASSERT_EQ(other.exec("COMMIT"), "");
  DATAMESH_ASSERT_OK(increment_counter(*store));
}

TEST(SqliteStoreLockingTest, ABodyCallingRunOnItsOwnStoreIsRefused) {
  auto store = open_or_fail(":memory:");
  ASSERT_NE(store, nullptr);
  absl::Status inner;
  DATAMESH_ASSERT_OK(store->run(TxMode::kRead, [&](Transaction&) {
    inner = store->run(TxMode::kRead, [](Transaction&) { return absl::OkStatus(); });
    return absl::OkStatus();
  }));
  EXPECT_TRUE(absl::IsFailedPrecondition(inner)) << inner;
  // Once the outer body has returned, the store serves the next transaction.
  DATAMESH_ASSERT_OK(increment_counter(*store));
}

TEST(SqliteStoreLockingTest, ATableWithoutItsDatabaseIsRefusedAtCommit) {
  auto store = open_or_fail(":memory:");
  ASSERT_NE(store, nullptr);
  absl::Status status = write_in(
      *store, [](Transaction& tx) { return tx.put_table(full_table("1", "missing", "orphan")); });
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  auto names = read_in(*store, [](Transaction& tx) { return tx.list_table_names("1", "missing"); });
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_TRUE(names->empty());
}

// Spawns kProcesses processes that each open the same new file (racing to create and migrate
// it) and increment one counter kIncrements times.
TEST(SqliteStoreLockingTest, EightProcessesIncrementOneCounterWithoutLosingAny) {
  constexpr int kProcesses = 8;
  constexpr int kIncrements = 50;
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0) << "fork failed";
    if (pid == 0) {
      // The child reports through its exit code only; gtest assertions would not reach the
      // parent.
      auto store = SqliteStore::open(path);
      if (!store.ok()) {
        std::fprintf(stderr, "child open: %s\n", store.status().ToString().c_str());
        ::_exit(2);
      }
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status status = increment_counter(**store);
        if (!status.ok()) {
          std::fprintf(stderr, "child increment: %s\n", status.ToString().c_str());
          ::_exit(3);
        }
      }
      store->reset();
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int wait_status = 0;
    ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
    EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0)
        << "child " << pid << " ended with status " << wait_status;
  }
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  auto count = read_counter(*store);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, kProcesses * kIncrements);
  RawDatabase raw(path);
  EXPECT_EQ(raw.column("SELECT count(*) FROM schema_migrations"),
            std::vector<std::string>{std::to_string(latest_version())});
}

TEST(SqliteStoreLockingTest, TheGrantCacheFollowsAnotherStoreAndRawSqlOnTheFile) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  auto reader = open_or_fail(path);
  auto writer = open_or_fail(path);
  ASSERT_NE(reader, nullptr);
  ASSERT_NE(writer, nullptr);
  expect_grant_cache_follows_every_writer(*reader, reader->grant_cache(), *writer,
                                          [&path](const std::string& sql) {
                                            RawDatabase raw(path);
                                            ASSERT_EQ(raw.exec(sql), "");
                                          });
}

// Schema and queries --------------------------------------------------------------------------

TEST(SqliteStoreSchemaTest, EveryListingQueryReadsAnIndexInsteadOfScanning) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  ASSERT_NE(open_or_fail(path), nullptr);
  RawDatabase raw(path);
  for (const sqlite::ListingQuery& query : sqlite::listing_queries()) {
    const std::vector<std::string> plan = raw.plan(query.sql);
    ASSERT_FALSE(plan.empty()) << query.name;
    for (const std::string& step : plan) {
      // "SCAN t" reads the whole table; "SEARCH t USING …" reads a range of an index. A scan
      // of json_each reads the statement's own list parameter (existing_tables' names), not
      // a table.
      const bool scans_its_list = step.starts_with("SCAN json_each VIRTUAL TABLE");
      EXPECT_TRUE(step.rfind("SCAN ", 0) == std::string::npos || scans_its_list)
          << query.name << " scans: " << step << "\n"
          << query.sql;
      // A temporary B-tree sorts every matching row before the first one is returned: a
      // first page would cost as much as the whole listing.
      EXPECT_EQ(step.find("TEMP B-TREE"), std::string::npos)
          << query.name << " sorts: " << step << "\n"
          << query.sql;
    }
  }
}

TEST(SqliteStoreSchemaTest, SubscriptionListingSqlHoldsNoFilterValue) {
  const std::string sql = sqlite::queries().subscription_listing(
      {.owner = "O' OR 1=1 --", .subscriber = "evil", .database_name = "db"}, true);
  EXPECT_EQ(sql.find("evil"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("1=1"), std::string::npos) << sql;
  EXPECT_THAT(sql, HasSubstr("owner = ?1"));
}

TEST(SqliteStoreSchemaTest, StatusesAreStoredAsTheirExactNames) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) -> absl::Status {
    int n = 0;
    for (SubscriptionStatus status : {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
                                      SubscriptionStatus::kDenied, SubscriptionStatus::kDeleted}) {
      Subscription s = full_subscription("S" + std::to_string(n++));
      s.status = status;
      if (absl::Status inserted = tx.insert_subscription(s); !inserted.ok()) return inserted;
    }
    return absl::OkStatus();
  }));
  RawDatabase raw(path);
  EXPECT_EQ(raw.column("SELECT status FROM subscriptions ORDER BY seq"),
            (std::vector<std::string>{"Pending", "Active", "Denied", "Deleted"}));
}

TEST(SqliteStoreSchemaTest, AuditEventsCannotBeChangedOrDeleted) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) {
    return append_next(tx, full_audit_event("S1")).status();
  }));
  RawDatabase raw(path);
  EXPECT_THAT(raw.exec("UPDATE audit_events SET notes = 'forged'"), HasSubstr("append-only"));
  EXPECT_THAT(raw.exec("DELETE FROM audit_events"), HasSubstr("append-only"));
}

TEST(SqliteStoreSchemaTest, AnUnreadableStoredDocumentIsAnInternalErrorNamingTheRow) {
  ScratchDir directory;
  const std::string path = directory.file("mesh.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_database(full_database("1", "sales")); !put.ok()) return put;
    return tx.put_table(full_table("1", "sales", "orders"));
  }));
  {
    RawDatabase raw(path);
    ASSERT_EQ(raw.exec("UPDATE tables SET definition = '{\"retention\": \"long\"}'"), "");
  }
  auto got = read_in(*store, [](Transaction& tx) { return tx.get_table("1", "sales", "orders"); });
  EXPECT_TRUE(absl::IsInternal(got.status())) << got.status();
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("sales.orders"));
}

TEST(SqliteStoreSchemaTest, TextThatIsNotUtf8IsRefusedBeforeWriting) {
  auto store = open_or_fail(":memory:");
  ASSERT_NE(store, nullptr);
  Subscription s = full_subscription("S1");
  s.notes = {"\xff\xfe not UTF-8"};
  absl::Status status =
      write_in(*store, [&](Transaction& tx) { return tx.insert_subscription(s); });
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
}

// Errors --------------------------------------------------------------------------------------

TEST(SqliteStoreErrorTest, SqliteResultCodesMapToCanonicalStatuses) {
  const auto code = [](int sqlite_code) {
    return sqlite::sqlite_status(sqlite_code, "message", "/m.db", "commit").code();
  };
  EXPECT_EQ(code(SQLITE_BUSY), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code(SQLITE_BUSY_SNAPSHOT), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code(SQLITE_LOCKED), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code(SQLITE_FULL), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code(SQLITE_IOERR_WRITE), absl::StatusCode::kUnavailable);
  // Permissions are not waited out (Unavailable would say "run it again later").
  EXPECT_EQ(code(SQLITE_READONLY), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code(SQLITE_PERM), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code(SQLITE_READONLY_CANTINIT), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code(SQLITE_READONLY_DBMOVED), absl::StatusCode::kFailedPrecondition);
  // Another connection's recovery or rollback is waited out.
  EXPECT_EQ(code(SQLITE_READONLY_RECOVERY), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code(SQLITE_READONLY_ROLLBACK), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code(SQLITE_CONSTRAINT_FOREIGNKEY), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code(SQLITE_CORRUPT), absl::StatusCode::kInternal);
  EXPECT_EQ(code(SQLITE_MISUSE), absl::StatusCode::kInternal);
  EXPECT_EQ(code(SQLITE_OK), absl::StatusCode::kOk);

  const absl::Status busy = sqlite::sqlite_status(SQLITE_BUSY, "database is locked", "/m.db",
                                                  "begin a write transaction");
  EXPECT_EQ(busy.message(),
            "the mesh store /m.db is busy: could not begin a write transaction: "
            "database is locked");
  const absl::Status full =
      sqlite::sqlite_status(SQLITE_FULL, "database or disk is full", "/m.db", "commit");
  EXPECT_THAT(std::string(full.message()), HasSubstr("/m.db"));
  EXPECT_THAT(std::string(full.message()), HasSubstr("database or disk is full"));
  const absl::Status damaged = sqlite::sqlite_status(
      SQLITE_CORRUPT, "database disk image is malformed", "/m.db", "read");
  EXPECT_THAT(std::string(damaged.message()),
              HasSubstr("the mesh store /m.db is damaged: could not read: database disk image is "
                        "malformed; restore it from a backup"));
  const absl::Status read_only = sqlite::sqlite_status(
      SQLITE_READONLY, "attempt to write a readonly database", "/m.db", "commit");
  EXPECT_THAT(std::string(read_only.message()),
              HasSubstr("the mesh store /m.db is read-only for this process: could not commit: "
                        "attempt to write a readonly database (make the mesh file, its folder "
                        "and the /m.db-wal and /m.db-shm files beside it writable by this user, "
                        "or run as the user that owns them)"));
}

// The names of existing_tables travel as one JSON list, which holds only UTF-8: a list with a
// name that is not is looked up name by name, and answers as the others do.
TEST(SqliteStoreTablesTest, ExistingTablesAnswersAListWithANameThatIsNotUtf8) {
  auto store = open_or_fail(":memory:");
  ASSERT_NE(store, nullptr);
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_database(full_database("1", "sales")));
    return tx.put_table(full_table("1", "sales", "orders"));
  }));
  auto got = read_in(*store, [](Transaction& tx) {
    return tx.existing_tables("1", "sales", {"orders", "bad \xff name"});
  });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, std::set<std::string>{"orders"});
}

}  // namespace
}  // namespace datamesh::store::testing
