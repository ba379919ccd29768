// What only the PostgreSQL store has: failures PostgreSQL reports (serialization failures,
// deadlocks, lost connections, a database that goes down and comes back), several stores on one
// database, the connection pool, the write lock, and migrations run by several servers at once.
// The behaviour both stores share is in store_conformance_test.cc.
//
// Failures are injected by triggers the test installs in its scratch schema: a sequence (which
// a rollback does not undo) counts the calls, so a trigger can fail the first N of them.
#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/text.h"
#include "store/postgres/connection.h"
#include "store/postgres/migrations.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/transaction.h"
#include "store/store_test_support.h"
#include "support/postgres_test_db.h"

namespace datamesh::store::testing {
namespace {

using base::cat;
using test_support::ScratchSchema;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto schema = ScratchSchema::create();
    ASSERT_TRUE(schema.ok()) << schema.status();
    schema_ = *std::move(schema);
  }

  std::unique_ptr<PostgresStore> open(PostgresOptions options = {}) {
    auto store = PostgresStore::open(schema_->url(), options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // A connection of "another replica" in a transaction that holds the write lock (the audit
  // chain's head), until its ROLLBACK.
  std::unique_ptr<postgres::Connection> hold_write_lock() {
    auto other = postgres::Connection::open(schema_->url(), "other replica", "");
    EXPECT_TRUE(other.ok()) << other.status();
    if (!other.ok()) return nullptr;
    EXPECT_TRUE((*other)
                    ->exec("BEGIN; SELECT * FROM audit_chain_head WHERE id = 1 FOR UPDATE",
                           "take the write lock")
                    .ok());
    return *std::move(other);
  }

  // Runs sql in the scratch schema (search_path set).
  void exec(const std::string& sql) {
    DATAMESH_ASSERT_OK(test_support::postgres_exec(schema_->url(), sql));
  }

  // Runs the PL/pgSQL statement `action` in every INSERT into accounts, for the first `times`
  // rows (all of them when times < 0). The sequence injected_calls counts the attempts.
  void on_account_insert(int times, const std::string& action) {
    exec(cat("CREATE SEQUENCE injected_calls;"
             "CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
             "  IF nextval('injected_calls') <= ", times < 0 ? 1000000 : times, " THEN ", action,
             "; END IF;"
             "  RETURN NEW; END $$;"
             "CREATE TRIGGER inject BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION inject()"));
  }

  // Makes every INSERT into accounts fail with `sqlstate` for the first `times` rows (all of
  // them when times < 0).
  void fail_account_inserts(const std::string& sqlstate, int times) {
    on_account_insert(times,
                      cat("RAISE EXCEPTION 'injected failure' USING ERRCODE = '", sqlstate, "'"));
  }

  // The first INSERT into accounts ends its own session, as a database restart would.
  void end_session_at_first_account_insert() {
    on_account_insert(1, "PERFORM pg_terminate_backend(pg_backend_pid())");
  }

  int64_t injected_calls() {
    auto connection = postgres::Connection::open(schema_->url(), "test", "");
    EXPECT_TRUE(connection.ok()) << connection.status();
    if (!connection.ok()) return -1;
    auto result = (*connection)->query("SELECT last_value FROM injected_calls");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->integer(0, 0) : -1;
  }

  std::unique_ptr<ScratchSchema> schema_;
};

absl::Status put_account(Store& store, const std::string& id, int* calls = nullptr) {
  return write_in(store, [&](Transaction& tx) {
    if (calls != nullptr) ++*calls;
    return tx.put_account(full_account(id));
  });
}

absl::StatusOr<bool> has_account(Store& store, const std::string& id) {
  return read_in(store, [&](Transaction& tx) -> absl::StatusOr<bool> {
    auto account = tx.get_account(id);
    if (!account.ok()) return account.status();
    return account->has_value();
  });
}

// Retries -----------------------------------------------------------------------------------

TEST_F(PostgresStoreTest, SerializationFailuresAreRetriedInsideTheStore) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  fail_account_inserts("40001", 3);
  int calls = 0;
  DATAMESH_ASSERT_OK(put_account(*store, "111111111111", &calls));
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(injected_calls(), 4);
  auto found = has_account(*store, "111111111111");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
}

TEST_F(PostgresStoreTest, DeadlocksAreRetriedLikeSerializationFailures) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  fail_account_inserts("40P01", 2);
  int calls = 0;
  DATAMESH_ASSERT_OK(put_account(*store, "111111111111", &calls));
  EXPECT_EQ(calls, 3);
}

TEST_F(PostgresStoreTest, RetriesThatRunOutSurfaceTheSerializationFailureAsAborted) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  fail_account_inserts("40001", -1);
  int calls = 0;
  absl::Status status = put_account(*store, "111111111111", &calls);
  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("could not serialize"));
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("injected failure"));
  EXPECT_EQ(calls, 1 + PostgresStore::kMaxRetries);
  auto found = has_account(*store, "111111111111");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(*found);
}

TEST_F(PostgresStoreTest, ASerializationFailureAtCommitIsRetried) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  // A deferred constraint trigger runs at COMMIT.
  exec("CREATE SEQUENCE injected_calls;"
       "CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
       "  IF nextval('injected_calls') <= 1 THEN"
       "    RAISE EXCEPTION 'injected at commit' USING ERRCODE = '40001'; END IF;"
       "  RETURN NULL; END $$;"
       "CREATE CONSTRAINT TRIGGER inject AFTER INSERT ON accounts DEFERRABLE INITIALLY DEFERRED"
       "  FOR EACH ROW EXECUTE FUNCTION inject()");
  int calls = 0;
  DATAMESH_ASSERT_OK(put_account(*store, "111111111111", &calls));
  EXPECT_EQ(calls, 2);
  auto found = has_account(*store, "111111111111");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
}

TEST_F(PostgresStoreTest, OtherDatabaseErrorsAreNotRetried) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  fail_account_inserts("P0001", 1);  // a plain RAISE EXCEPTION
  int calls = 0;
  absl::Status status = put_account(*store, "111111111111", &calls);
  EXPECT_TRUE(absl::IsInternal(status)) << status;
  EXPECT_EQ(calls, 1);
}

// Connections -------------------------------------------------------------------------------

TEST_F(PostgresStoreTest, AConnectionCutBeforeCommitIsRetriedOnANewConnection) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  end_session_at_first_account_insert();
  int calls = 0;
  DATAMESH_ASSERT_OK(put_account(*store, "111111111111", &calls));
  EXPECT_EQ(calls, 2);
  auto found = has_account(*store, "111111111111");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
}

TEST_F(PostgresStoreTest, AConnectionCutWhileDeferredWritesGoOutWithAReadIsRetried) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  end_session_at_first_account_insert();
  int calls = 0;
  // The insert is deferred and sent with the read: the session ends there, before any COMMIT.
  absl::Status status = write_in(*store, [&](Transaction& tx) -> absl::Status {
    ++calls;
    if (absl::Status put = tx.put_account(full_account("111111111111")); !put.ok()) return put;
    auto got = tx.get_account("111111111111");
    if (!got.ok()) return got.status();
    return got->has_value() ? absl::OkStatus() : absl::InternalError("own write not read back");
  });
  DATAMESH_ASSERT_OK(status);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(injected_calls(), 2);
}

TEST_F(PostgresStoreTest, AConnectionCutDuringCommitIsUnavailableWithAnUnknownOutcome) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  exec("CREATE FUNCTION inject() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
       "  PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;"
       "CREATE CONSTRAINT TRIGGER inject AFTER INSERT ON accounts DEFERRABLE INITIALLY DEFERRED"
       "  FOR EACH ROW EXECUTE FUNCTION inject()");
  int calls = 0;
  absl::Status status = put_account(*store, "111111111111", &calls);
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("may or may not have been applied"));
  EXPECT_EQ(calls, 1) << "a commit with an unknown outcome must not be run again";
}

TEST_F(PostgresStoreTest, EveryCommittedWriteAndNothingElseIsFollowedByADurabilityBarrier) {
  // One connection, so one session's row in commit_barriers counts its barriers.
  auto store = open({.pool_size = 1});
  ASSERT_NE(store, nullptr);
  const auto barriers = [&]() -> int64_t {
    auto connection = postgres::Connection::open(schema_->url(), "test", "");
    EXPECT_TRUE(connection.ok()) << connection.status();
    if (!connection.ok()) return -1;
    auto result = (*connection)->query("SELECT coalesce(sum(commits), 0) FROM commit_barriers");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->integer(0, 0) : -1;
  };
  DATAMESH_ASSERT_OK(put_account(*store, "111111111111"));
  DATAMESH_ASSERT_OK(put_account(*store, "222222222222"));
  EXPECT_EQ(barriers(), 2);
  // A read, a write transaction that wrote nothing, and a failed one need no barrier.
  ASSERT_TRUE(has_account(*store, "111111111111").ok());
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) { return tx.get_account("x").status(); }));
  absl::Status failed = write_in(*store, [](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_account(full_account("333333333333")); !put.ok()) return put;
    return absl::PermissionDeniedError("no");
  });
  EXPECT_TRUE(absl::IsPermissionDenied(failed)) << failed;
  EXPECT_EQ(barriers(), 2);
}

TEST_F(PostgresStoreTest, ATransactionAfterAnUnwaitedReadCommitRunsOnTheSameConnection) {
  // One connection: each transaction below starts while the read's COMMIT may be unanswered.
  auto store = open({.pool_size = 1});
  ASSERT_NE(store, nullptr);
  DATAMESH_ASSERT_OK(put_account(*store, "111111111111"));
  ASSERT_TRUE(has_account(*store, "111111111111").ok());
  // A write body that runs no statement still begins, locks and commits its transaction, on the
  // first try (a connection found unusable would be replaced and the body run again).
  int calls = 0;
  DATAMESH_ASSERT_OK(write_in(*store, [&](Transaction&) {
    ++calls;
    return absl::OkStatus();
  }));
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(has_account(*store, "111111111111").ok());
  DATAMESH_ASSERT_OK(put_account(*store, "222222222222"));
  ASSERT_TRUE(has_account(*store, "222222222222").ok());
  absl::Status failed = store->run(TxMode::kRead, [](Transaction&) {
    return absl::PermissionDeniedError("refused before any statement");
  });
  EXPECT_TRUE(absl::IsPermissionDenied(failed)) << failed;
  auto found = has_account(*store, "222222222222");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
}

TEST_F(PostgresStoreTest, PoolSizeOfTheUrlIsUsed) {
  auto store = PostgresStore::open(cat(schema_->url(), "&pool_size=3"));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->pool_size(), 3);
}

TEST_F(PostgresStoreTest, AFullPoolMakesOtherTransactionsWaitThenUnavailable) {
  auto store = open({.pool_size = 1, .pool_wait_ms = 100});
  ASSERT_NE(store, nullptr);
  std::promise<void> inside;
  std::promise<void> leave;
  std::thread holder([&] {
    store->run(TxMode::kRead, [&](Transaction&) {
      inside.set_value();
      leave.get_future().wait();
      return absl::OkStatus();
    }).IgnoreError();
  });
  inside.get_future().wait();
  auto found = has_account(*store, "111111111111");
  leave.set_value();
  holder.join();
  EXPECT_TRUE(absl::IsUnavailable(found.status())) << found.status();
  EXPECT_THAT(std::string(found.status().message()),
              ::testing::HasSubstr("all 1 connections to the mesh database"));
  // The connection came back: the next transaction gets it.
  auto again = has_account(*store, "111111111111");
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST_F(PostgresStoreTest, AWriterWaitsForTheWriteLockThenIsUnavailableWhileReadersGoOn) {
  auto store = open({.lock_timeout_ms = 200});
  ASSERT_NE(store, nullptr);
  DATAMESH_ASSERT_OK(put_account(*store, "111111111111"));
  // Another replica's writer holds the lock.
  const std::unique_ptr<postgres::Connection> other = hold_write_lock();
  ASSERT_NE(other, nullptr);
  absl::Status blocked = put_account(*store, "222222222222");
  EXPECT_TRUE(absl::IsUnavailable(blocked)) << blocked;
  EXPECT_THAT(std::string(blocked.message()), ::testing::HasSubstr("is busy"));
  auto found = has_account(*store, "111111111111");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
  ASSERT_TRUE(other->exec("ROLLBACK", "release the write lock").ok());
  DATAMESH_ASSERT_OK(put_account(*store, "222222222222"));
}

TEST_F(PostgresStoreTest, AnAnswerLaterThanTheTimeoutDropsTheConnection) {
  auto connection =
      postgres::Connection::open(schema_->url(), "test", "", std::chrono::milliseconds(200));
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto slow = (*connection)->exec("SELECT pg_sleep(3)", "sleep");
  EXPECT_TRUE(absl::IsUnavailable(slow.status())) << slow.status();
  EXPECT_THAT(std::string(slow.status().message()),
              ::testing::HasSubstr("the mesh database test did not answer within 200ms (sleep): "
                                   "it may be stopped or overloaded; the connection was dropped"));
  EXPECT_TRUE((*connection)->lost()) << "a connection with an answer still coming is not reused";
  auto quick = postgres::Connection::open(schema_->url(), "test", "", std::chrono::seconds(5));
  ASSERT_TRUE(quick.ok()) << quick.status();
  EXPECT_TRUE((*quick)->exec("SELECT 1", "select").ok());
}

TEST_F(PostgresStoreTest, ADatabaseThatDoesNotAnswerFailsTheCallThenTheStoreRecovers) {
  // The write lock's wait stands for a database that stopped answering: it lasts longer than
  // the answer timeout, and PostgreSQL's own lock_timeout would end it later still.
  auto store = open({.lock_timeout_ms = 10000, .answer_timeout_ms = 300});
  ASSERT_NE(store, nullptr);
  const std::unique_ptr<postgres::Connection> other = hold_write_lock();
  ASSERT_NE(other, nullptr);
  absl::Status silent = put_account(*store, "111111111111");
  EXPECT_TRUE(absl::IsUnavailable(silent)) << silent;
  EXPECT_THAT(std::string(silent.message()), ::testing::HasSubstr("did not answer within 300ms"));
  ASSERT_TRUE(other->exec("ROLLBACK", "release the write lock").ok());
  DATAMESH_ASSERT_OK(put_account(*store, "222222222222"));
  auto found = has_account(*store, "222222222222");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
}

TEST_F(PostgresStoreTest, MigrationsWaitForAnotherServersMigrationBeyondBothTimeouts) {
  // Another server migrating (its migration may rebuild a large table for minutes) holds the
  // migration lock for longer than this store's answer and lock timeouts: bounded like a
  // caller's statements, the migration would fail. Setting up the session stays under them.
  auto other = postgres::Connection::open(schema_->url(), "other server", "");
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)
                  ->query("SELECT pg_advisory_lock($1)",
                          postgres::Params().integer(postgres::kMigrationLockKey))
                  .ok());
  constexpr auto kHeld = std::chrono::milliseconds(2500);
  const auto locked_at = std::chrono::steady_clock::now();
  std::thread release([&] {
    std::this_thread::sleep_for(kHeld);
    EXPECT_TRUE((*other)
                    ->query("SELECT pg_advisory_unlock($1)",
                            postgres::Params().integer(postgres::kMigrationLockKey))
                    .ok());
  });
  auto store = open({.lock_timeout_ms = 100, .answer_timeout_ms = 1000});
  release.join();
  ASSERT_NE(store, nullptr);
  EXPECT_GE(std::chrono::steady_clock::now() - locked_at, kHeld);
  EXPECT_FALSE(store->migration_report().applied.empty());
  // The lock timeout holds again for the callers' writes.
  auto holder = hold_write_lock();
  ASSERT_NE(holder, nullptr);
  EXPECT_TRUE(absl::IsUnavailable(put_account(*store, "111111111111")));
}

TEST_F(PostgresStoreTest, TwoStoresOnOneDatabaseLoseNoIncrement) {
  // Two replicas' stores, two threads each: the write lock is the database's, not a process's.
  auto first = open();
  auto second = open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  constexpr int kIncrements = 100;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (Store* store : {first.get(), first.get(), second.get(), second.get()}) {
    threads.emplace_back([&, store] {
      for (int i = 0; i < kIncrements; ++i) {
        if (!increment_counter(*store).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto count = read_counter(*second);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 4 * kIncrements);
}

TEST_F(PostgresStoreTest, AuditSequencesFollowCommitOrderAcrossStores) {
  auto first = open();
  auto second = open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::vector<std::thread> threads;
  for (Store* store : {first.get(), second.get(), first.get(), second.get()}) {
    threads.emplace_back([store] {
      for (int i = 0; i < 50; ++i) {
        write_in(*store, [](Transaction& tx) {
          return append_next(tx, full_audit_event("S")).status();
        }).IgnoreError();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  auto events = read_in(*first, [](Transaction& tx) {
    return tx.list_audit_events("", Page{.limit = 1000});
  });
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 200u);
  for (size_t i = 0; i < events->size(); ++i) {
    EXPECT_EQ((*events)[i].sequence, static_cast<int64_t>(i + 1)) << "no gap, no duplicate";
  }
}

TEST_F(PostgresStoreTest, TheGrantCacheFollowsAnotherReplicaAndRawSql) {
  auto reader = open();
  auto writer = open();
  ASSERT_NE(reader, nullptr);
  ASSERT_NE(writer, nullptr);
  expect_grant_cache_follows_every_writer(*reader, reader->grant_cache(), *writer,
                                          [this](const std::string& sql) { exec(sql); });
}

TEST_F(PostgresStoreTest, ABodyCallingRunAgainIsRefused) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  absl::Status inner;
  DATAMESH_ASSERT_OK(store->run(TxMode::kRead, [&](Transaction&) {
    inner = store->run(TxMode::kRead, [](Transaction&) { return absl::OkStatus(); });
    return absl::OkStatus();
  }));
  EXPECT_TRUE(absl::IsFailedPrecondition(inner)) << inner;
}

// Values ------------------------------------------------------------------------------------

TEST_F(PostgresStoreTest, TextWithANulCharacterIsInvalidArgumentAndNothingIsWritten) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  Account account = full_account("111111111111");
  account.name = std::string("nul\0inside", 10);
  absl::Status status = write_in(*store, [&](Transaction& tx) { return tx.put_account(account); });
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("NUL character"));
  auto found = has_account(*store, "111111111111");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(*found) << "never stored cut at the NUL";
}

TEST_F(PostgresStoreTest, TheAuditLogIsAppendOnly) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  DATAMESH_ASSERT_OK(write_in(*store, [](Transaction& tx) {
    return append_next(tx, full_audit_event("S1")).status();
  }));
  EXPECT_FALSE(test_support::postgres_exec(schema_->url(), "UPDATE audit_events SET notes = 'x'")
                   .ok());
  EXPECT_FALSE(test_support::postgres_exec(schema_->url(), "DELETE FROM audit_events").ok());
  EXPECT_FALSE(test_support::postgres_exec(schema_->url(), "TRUNCATE audit_events").ok());
}

TEST_F(PostgresStoreTest, EveryListingQueryCanReadAnIndex) {
  ASSERT_NE(open(), nullptr);
  auto connection = postgres::Connection::open(schema_->url(), "test", "");
  ASSERT_TRUE(connection.ok()) << connection.status();
  // With sequential scans priced out, a plan without an index means no index fits the query.
  ASSERT_TRUE((*connection)->exec("SET enable_seqscan = off", "price out scans").ok());
  for (const postgres::ListingQuery& query : postgres::listing_queries()) {
    int parameters = 0;
    for (size_t at = query.sql.find('$'); at != std::string::npos; at = query.sql.find('$', at + 1)) {
      parameters = std::max(parameters, std::atoi(query.sql.c_str() + at + 1));
    }
    std::vector<std::string> values(parameters, "'1'");
    ASSERT_TRUE((*connection)->exec(cat("PREPARE q AS ", query.sql), "prepare").ok()) << query.name;
    auto plan = (*connection)->exec(cat("EXPLAIN EXECUTE q(", base::join(values, ", "), ")"),
                                    "explain");
    ASSERT_TRUE(plan.ok()) << query.name << ": " << plan.status();
    std::string text;
    for (int row = 0; row < plan->rows(); ++row) text += plan->text(row, 0) + "\n";
    EXPECT_THAT(text, ::testing::HasSubstr("Index")) << query.name << "\n" << text;
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("Seq Scan"))) << query.name << "\n"
                                                                         << text;
    ASSERT_TRUE((*connection)->exec("DEALLOCATE q", "deallocate").ok());
  }
}

// Migrations --------------------------------------------------------------------------------

TEST_F(PostgresStoreTest, OpeningAnEmptySchemaWithoutCreateIsNoMeshAndCreatesNothing) {
  auto store = PostgresStore::open(schema_->url(), {.create_if_missing = false});
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), ::testing::HasSubstr("no mesh at"));
  // The remedy makes a mesh; migrate alone would make a schema with no mesh in it.
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr("create the mesh with initialize_mesh_account on it"));
  auto connection = postgres::Connection::open(schema_->url(), "test", "");
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto version = postgres::schema_version(**connection);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 0);
}

TEST_F(PostgresStoreTest, ASchemaNewerThanThisBinaryIsRefused) {
  ASSERT_NE(open(), nullptr);
  exec("INSERT INTO schema_migrations (version, description) VALUES (999, 'from the future')");
  auto store = PostgresStore::open(schema_->url());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr("has schema version 999, newer than this datamesh"));
}

TEST_F(PostgresStoreTest, ASchemaHoldingAnotherApplicationsTablesIsRefused) {
  exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
  auto store = PostgresStore::open(schema_->url());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_THAT(std::string(store.status().message()), ::testing::HasSubstr("something else"));
}

TEST_F(PostgresStoreTest, OpeningAVersionTwoSchemaAddsTheClientTokensTable) {
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
  }
  // Back to what a datamesh of schema version 2 left.
  exec("DROP TABLE client_tokens; DROP TABLE grant_versions;"
       " DROP FUNCTION grant_versions_raise CASCADE; DROP INDEX subscriptions_database;"
       " DELETE FROM schema_migrations WHERE version > 2");
  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->migration_report().from_version, 2);
  EXPECT_EQ(store->migration_report().applied, (std::vector<int>{3, 4, 5}));
  DATAMESH_ASSERT_OK(store->run(TxMode::kWrite, [](Transaction& tx) {
    return tx.put_client_token({.account_id = "111111111111",
                                .client_token = "t",
                                .method = "catalog/create_database",
                                .request_hash = "h",
                                .answer = "null",
                                .expires_at = 1});
  }));
  auto found = store->run(TxMode::kRead, [](Transaction& tx) {
    return tx.get_client_token("111111111111", "t");
  });
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->has_value());
}

TEST_F(PostgresStoreTest, ServersStartingTogetherApplyEachMigrationOnce) {
  constexpr int kServers = 6;
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<std::unique_ptr<PostgresStore>>> stores;
  for (int i = 0; i < kServers; ++i) stores.emplace_back(absl::UnknownError("not run"));
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] {
      start.wait();
      stores[i] = PostgresStore::open(schema_->url());
    });
  }
  go.set_value();
  for (std::thread& thread : threads) thread.join();
  const int latest = sql::latest_version(postgres::migrations());
  int applied_by = 0;
  for (const auto& store : stores) {
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->migration_report().to_version, latest);
    if (!(*store)->migration_report().applied.empty()) ++applied_by;
  }
  EXPECT_EQ(applied_by, 1);
  auto connection = postgres::Connection::open(schema_->url(), "test", "");
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto rows = (*connection)->query("SELECT count(*), max(version) FROM schema_migrations");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->integer(0, 0), latest);
  EXPECT_EQ(rows->integer(0, 1), latest);
}

// The database going away ---------------------------------------------------------------------

class PostgresRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = test_support::PrivatePostgres::start(directory_.file("pg"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  ScratchDir directory_;
  std::unique_ptr<test_support::PrivatePostgres> server_;
};

TEST_F(PostgresRestartTest, WhileTheDatabaseIsDownRunIsUnavailableAndRecoversWithoutReopening) {
  auto opened = PostgresStore::open(server_->url(), {.reconnect_interval_ms = 0});
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  DATAMESH_ASSERT_OK(put_account(store, "111111111111"));

  DATAMESH_ASSERT_OK(server_->kill());
  for (TxMode mode : {TxMode::kWrite, TxMode::kRead}) {
    absl::Status down = store.run(mode, [](Transaction& tx) {
      return tx.put_account(full_account("222222222222"));
    });
    EXPECT_TRUE(absl::IsUnavailable(down)) << down;
    EXPECT_THAT(std::string(down.message()), ::testing::HasSubstr("the mesh database"));
    // libpq's message on one line: no newline, and not the tab it indents a second line with.
    EXPECT_EQ(std::string(down.message()).find_first_of("\n\t"), std::string::npos) << down;
  }

  DATAMESH_ASSERT_OK(server_->restart());
  // The pool's connections died with the server; the store notices and connects again.
  DATAMESH_ASSERT_OK(put_account(store, "333333333333"));
  for (const char* id : {"111111111111", "333333333333"}) {
    auto found = has_account(store, id);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_TRUE(*found) << id << " was committed and must survive the crash";
  }
  auto lost = has_account(store, "222222222222");
  ASSERT_TRUE(lost.ok()) << lost.status();
  EXPECT_FALSE(*lost);
}

TEST_F(PostgresRestartTest, AfterAFailedConnectionRunFailsAtOnceUntilTheRetryInterval) {
  auto opened = PostgresStore::open(server_->url(), {.reconnect_interval_ms = 600000});
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  DATAMESH_ASSERT_OK(server_->stop());
  absl::Status first = put_account(store, "111111111111");
  EXPECT_TRUE(absl::IsUnavailable(first)) << first;
  EXPECT_THAT(std::string(first.message()), ::testing::HasSubstr("cannot connect"));
  // Back up, but within the retry interval the store does not try: it answers at once.
  DATAMESH_ASSERT_OK(server_->restart());
  absl::Status second = put_account(store, "111111111111");
  EXPECT_TRUE(absl::IsUnavailable(second)) << second;
  EXPECT_EQ(second.message(), first.message());
}

}  // namespace
}  // namespace datamesh::store::testing
