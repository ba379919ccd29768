// The behaviour every Store backend must have. Each backend is one factory in the
// INSTANTIATE_TEST_SUITE_P list at the end; a new backend passes when it joins that list.
// The PostgreSQL instances (…/postgres) need the tests' throwaway server: ctest registers them
// apart, with the fixture that starts it (label postgres, see tests/CMakeLists.txt); each test
// gets a new schema of its database.
#include <algorithm>
#include <atomic>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_test_support.h"
#include "support/buffered_store.h"
#include "support/postgres_test_db.h"

namespace datamesh::store::testing {
namespace {

using ::testing::ElementsAre;

struct StoreFactory {
  std::string name;
  // Opens a new, empty store; `directory` is a scratch directory it may put files in.
  std::function<absl::StatusOr<std::unique_ptr<Store>>(const ScratchDir& directory)> open;
};

// Names the backend in gtest's messages instead of dumping the struct's bytes.
void PrintTo(const StoreFactory& factory, std::ostream* out) { *out << factory.name; }

StoreFactory sqlite_memory() {
  return {"sqlite-memory", [](const ScratchDir&) -> absl::StatusOr<std::unique_ptr<Store>> {
            return SqliteStore::open(":memory:");
          }};
}

StoreFactory sqlite_file() {
  return {"sqlite-file",
          [](const ScratchDir& directory) -> absl::StatusOr<std::unique_ptr<Store>> {
            return SqliteStore::open(directory.file("mesh.db"));
          }};
}

// SQLite behind the AWS store's write buffer (support/buffered_store.h): each write body runs on
// a BufferedTransaction, whose writes are then applied to the SQLite transaction.
StoreFactory buffered_sqlite() {
  return {"buffered-sqlite",
          [](const ScratchDir&) -> absl::StatusOr<std::unique_ptr<Store>> {
            auto store = SqliteStore::open(":memory:");
            if (!store.ok()) return store.status();
            return std::make_unique<test_support::BufferedStore>(*std::move(store));
          }};
}

// A PostgresStore on a scratch schema, which goes when the store does.
class ScratchSchemaStore final : public Store {
 public:
  ScratchSchemaStore(std::unique_ptr<test_support::ScratchSchema> schema,
                     std::unique_ptr<PostgresStore> store)
      : schema_(std::move(schema)), store_(std::move(store)) {}
  absl::Status run_body(TxMode mode,
                        const std::function<absl::Status(Transaction&)>& body) override {
    return store_->run(mode, body);
  }

 private:
  // Declared first, destroyed last: the store's connections close before the schema is dropped.
  std::unique_ptr<test_support::ScratchSchema> schema_;
  std::unique_ptr<PostgresStore> store_;
};

StoreFactory postgres() {
  return {"postgres", [](const ScratchDir&) -> absl::StatusOr<std::unique_ptr<Store>> {
            auto schema = test_support::ScratchSchema::create();
            if (!schema.ok()) return schema.status();
            auto store = PostgresStore::open((*schema)->url());
            if (!store.ok()) return store.status();
            return std::make_unique<ScratchSchemaStore>(*std::move(schema), *std::move(store));
          }};
}

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    auto opened = GetParam().open(directory_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
  }

  template <typename Fn>
  auto read(Fn fn) {
    return read_in(*store_, std::move(fn));
  }
  absl::Status write(const std::function<absl::Status(Transaction&)>& fn) {
    return write_in(*store_, fn);
  }

  // Every subscription id of a listing, following page tokens `limit` rows at a time; also
  // counts the pages.
  std::vector<std::string> list_all_subscriptions(const SubscriptionFilter& filter, int limit,
                                                  int* pages = nullptr) {
    std::vector<std::string> ids;
    std::string after;
    for (int page = 1; page <= 100; ++page) {
      auto listed = read([&](Transaction& tx) {
        return tx.list_subscriptions(filter, Page{.after = after, .limit = limit});
      });
      EXPECT_TRUE(listed.ok()) << listed.status();
      if (!listed.ok() || listed->empty()) break;
      EXPECT_LE(static_cast<int>(listed->size()), limit);
      for (const Subscription& s : *listed) ids.push_back(s.subscription_id);
      if (pages != nullptr) *pages = page;
      if (static_cast<int>(listed->size()) < limit) break;
      after = listed->back().subscription_id;
    }
    return ids;
  }

  // Inserts subscriptions with the given ids (in this order) and otherwise default fields.
  void insert_subscriptions(const std::vector<Subscription>& subscriptions) {
    DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
      for (const Subscription& s : subscriptions) {
        if (absl::Status inserted = tx.insert_subscription(s); !inserted.ok()) return inserted;
      }
      return absl::OkStatus();
    }));
  }

  ScratchDir directory_;
  std::unique_ptr<Store> store_;
};

Subscription subscription(std::string id, std::string owner, std::string subscriber,
                          SubscriptionStatus status, std::string database = "db") {
  Subscription s = full_subscription(std::move(id));
  s.owner_principal = std::move(owner);
  s.subscriber_principal = std::move(subscriber);
  s.status = status;
  s.database_name = std::move(database);
  return s;
}

// Accounts and access keys ------------------------------------------------------------------

TEST_P(StoreConformanceTest, GetAccountReturnsNothingForUnknownId) {
  auto got = read([](Transaction& tx) { return tx.get_account("999999999999"); });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_value());
}

TEST_P(StoreConformanceTest, PutAccountRoundTripsEveryField) {
  const Account account = full_account("111122223333");
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_account(account); }));
  auto got = read([](Transaction& tx) { return tx.get_account("111122223333"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(fields(**got), fields(account));
}

TEST_P(StoreConformanceTest, PutAccountReplacesTheStoredAccount) {
  DATAMESH_ASSERT_OK(
      write([&](Transaction& tx) { return tx.put_account(full_account("111122223333")); }));
  const Account changed{.account_id = "111122223333", .name = "renamed", .is_mesh = true};
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_account(changed); }));
  auto got = read([](Transaction& tx) { return tx.list_accounts(); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(fields(got->front()), fields(changed));
}

TEST_P(StoreConformanceTest, GetMeshAccountFindsOnlyTheMeshAccount) {
  DATAMESH_ASSERT_OK(
      write([&](Transaction& tx) { return tx.put_account(full_account("111122223333")); }));
  auto none = read([](Transaction& tx) { return tx.get_mesh_account(); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());

  Account mesh = full_account("000011112222");
  mesh.is_mesh = true;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_account(mesh); }));
  auto found = read([](Transaction& tx) { return tx.get_mesh_account(); });
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(fields(**found), fields(mesh));
}

TEST_P(StoreConformanceTest, ListAccountsReturnsEveryAccountOrderedById) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* id : {"333333333333", "111111111111", "222222222222"}) {
      if (absl::Status put = tx.put_account(full_account(id)); !put.ok()) return put;
    }
    return absl::OkStatus();
  }));
  auto got = read([](Transaction& tx) { return tx.list_accounts(); });
  ASSERT_TRUE(got.ok()) << got.status();
  std::vector<std::string> ids;
  for (const Account& account : *got) ids.push_back(account.account_id);
  EXPECT_THAT(ids, ElementsAre("111111111111", "222222222222", "333333333333"));
}

TEST_P(StoreConformanceTest, AccessKeyRoundTripsABinarySecret) {
  const AccessKeyRow key{.access_key_id = "DMAKEXAMPLE1",
                         .account_id = "111122223333",
                         .sealed_secret = std::string("\x00\x01\xff sealed\x00", 10),
                         .status = "Revoked",
                         .creation_date = "2024-01-02 03:04:05",
                         .revocation_date = "2024-03-04 05:06:07"};
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_account(full_account("111122223333")); !put.ok()) return put;
    return tx.put_access_key(key);
  }));
  auto got = read([](Transaction& tx) { return tx.get_access_key("DMAKEXAMPLE1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(fields(**got), fields(key));
  auto missing = read([](Transaction& tx) { return tx.get_access_key("DMAKEOTHER"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreConformanceTest, AccessKeyWithAccountReadsTheKeyAndTheAccountItBelongsTo) {
  const AccessKeyRow key{.access_key_id = "DMAKEXAMPLE1",
                         .account_id = "111122223333",
                         .sealed_secret = std::string("\x00sealed", 7),
                         .status = "Active",
                         .creation_date = "2024-01-02 03:04:05"};
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* id : {"111122223333", "444455556666"}) {
      if (absl::Status put = tx.put_account(full_account(id)); !put.ok()) return put;
    }
    return tx.put_access_key(key);
  }));
  auto got = read([](Transaction& tx) { return tx.get_access_key_with_account("DMAKEXAMPLE1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(fields((*got)->key), fields(key));
  ASSERT_TRUE((*got)->account.has_value());
  EXPECT_EQ(fields(*(*got)->account), fields(full_account("111122223333")));
  auto missing = read([](Transaction& tx) { return tx.get_access_key_with_account("DMAKEOTHER"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
}

// The account a key names is checked only at COMMIT (the reference is deferred), so a body can
// read a key whose account does not exist; it reads the key without an account.
TEST_P(StoreConformanceTest, AccessKeyWithAccountReadsAKeyWhoseAccountIsMissing) {
  bool read_without_account = false;
  const absl::Status body = write([&](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_access_key(AccessKeyRow{.access_key_id = "DMAKEORPHAN",
                                                            .account_id = "999999999999",
                                                            .sealed_secret = "s",
                                                            .status = "Active",
                                                            .creation_date = "2024-01-01"}));
    DATAMESH_ASSIGN_OR_RETURN(std::optional<AccessKeyWithAccount> got,
                              tx.get_access_key_with_account("DMAKEORPHAN"));
    read_without_account = got && got->key.account_id == "999999999999" && !got->account;
    return absl::CancelledError("not kept");
  });
  EXPECT_TRUE(absl::IsCancelled(body)) << body;
  EXPECT_TRUE(read_without_account);
}

TEST_P(StoreConformanceTest, ListAccessKeysReturnsOnlyThatAccountsKeysAfterReplacement) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* account : {"111111111111", "222222222222"}) {
      if (absl::Status put = tx.put_account(full_account(account)); !put.ok()) return put;
    }
    for (auto [id, account, date] : {std::tuple{"K2", "111111111111", "2024-01-02 00:00:00"},
                                     std::tuple{"K1", "111111111111", "2024-01-01 00:00:00"},
                                     std::tuple{"K3", "222222222222", "2024-01-01 00:00:00"}}) {
      absl::Status put = tx.put_access_key(AccessKeyRow{.access_key_id = id,
                                                        .account_id = account,
                                                        .sealed_secret = "s",
                                                        .status = "Active",
                                                        .creation_date = date});
      if (!put.ok()) return put;
    }
    return absl::OkStatus();
  }));
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) {
    return tx.put_access_key(AccessKeyRow{.access_key_id = "K1",
                                          .account_id = "111111111111",
                                          .sealed_secret = "s",
                                          .status = "Revoked",
                                          .creation_date = "2024-01-01 00:00:00",
                                          .revocation_date = "2024-05-05 00:00:00"});
  }));
  auto got = read([](Transaction& tx) { return tx.list_access_keys("111111111111"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].access_key_id, "K1");
  EXPECT_EQ((*got)[0].status, "Revoked");
  EXPECT_EQ((*got)[0].revocation_date, "2024-05-05 00:00:00");
  EXPECT_EQ((*got)[1].access_key_id, "K2");
}

// Catalog -----------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, DatabaseRoundTripsParametersAndTarget) {
  const Database link = full_database("444455556666", "sales");
  Database plain = full_database("444455556666", "plain");
  plain.input.target_database.reset();
  plain.input.parameters.clear();
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_database(link); !put.ok()) return put;
    return tx.put_database(plain);
  }));
  for (const Database* want : std::vector<const Database*>{&link, &plain}) {
    auto got =
        read([&](Transaction& tx) { return tx.get_database(want->catalog_id, want->input.name); });
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value()) << want->input.name;
    expect_same(**got, *want);
  }
  auto other_catalog = read([](Transaction& tx) { return tx.get_database("999", "sales"); });
  ASSERT_TRUE(other_catalog.ok()) << other_catalog.status();
  EXPECT_FALSE(other_catalog->has_value());
}

TEST_P(StoreConformanceTest, PutDatabaseReplacesTheStoredDatabase) {
  DATAMESH_ASSERT_OK(
      write([&](Transaction& tx) { return tx.put_database(full_database("1", "sales")); }));
  Database changed = full_database("1", "sales");
  changed.input.description = "changed";
  changed.input.target_database.reset();
  changed.input.parameters = {{"k", "v"}};
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_database(changed); }));
  auto got = read([](Transaction& tx) { return tx.get_database("1", "sales"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  expect_same(**got, changed);
}

TEST_P(StoreConformanceTest, ListDatabasesPagesByNameWithinOneCatalog) {
  const std::vector<std::string> names = {"g", "c", "a", "e", "b", "f", "d"};
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const std::string& name : names) {
      if (absl::Status put = tx.put_database(full_database("1", name)); !put.ok()) return put;
    }
    return tx.put_database(full_database("2", "a0"));  // another catalog: never listed
  }));
  std::vector<std::string> listed;
  std::string after;
  int pages = 0;
  while (true) {
    auto page = read(
        [&](Transaction& tx) { return tx.list_databases("1", Page{.after = after, .limit = 3}); });
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->empty()) break;
    ++pages;
    for (const Database& database : *page) listed.push_back(database.input.name);
    after = page->back().input.name;
    if (page->size() < 3) break;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(listed, ElementsAre("a", "b", "c", "d", "e", "f", "g"));
}

TEST_P(StoreConformanceTest, DeleteDatabaseDeletesItsTablesAndNothingElse) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* db : {"doomed", "kept"}) {
      if (absl::Status put = tx.put_database(full_database("1", db)); !put.ok()) return put;
      for (const char* table : {"t1", "t2"}) {
        if (absl::Status put = tx.put_table(full_table("1", db, table)); !put.ok()) return put;
      }
    }
    return absl::OkStatus();
  }));
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.delete_database("1", "doomed"); }));

  auto gone = read([](Transaction& tx) { return tx.get_database("1", "doomed"); });
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_FALSE(gone->has_value());
  auto gone_tables = read([](Transaction& tx) { return tx.list_table_names("1", "doomed"); });
  ASSERT_TRUE(gone_tables.ok()) << gone_tables.status();
  EXPECT_TRUE(gone_tables->empty());
  auto kept_tables = read([](Transaction& tx) { return tx.list_table_names("1", "kept"); });
  ASSERT_TRUE(kept_tables.ok()) << kept_tables.status();
  EXPECT_THAT(*kept_tables, ElementsAre("t1", "t2"));
}

TEST_P(StoreConformanceTest, DeletingAMissingDatabaseOrTableIsNotAnError) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    if (absl::Status deleted = tx.delete_table("1", "none", "none"); !deleted.ok()) {
      return deleted;
    }
    return tx.delete_database("1", "none");
  }));
}

TEST_P(StoreConformanceTest, TableRoundTripsEveryFieldOfItsDefinition) {
  const Table table = full_table("1", "sales", "orders");
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_database(full_database("1", "sales")); !put.ok()) return put;
    return tx.put_table(table);
  }));
  auto got = read([](Transaction& tx) { return tx.get_table("1", "sales", "orders"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  expect_same(**got, table);
}

TEST_P(StoreConformanceTest, AbsentAndEmptyStorageDescriptorsStayDistinct) {
  Table bare = full_table("1", "sales", "bare");
  bare.input = TableInput{.name = "bare"};  // no storage descriptor, no target
  Table empty_sd = full_table("1", "sales", "empty_sd");
  empty_sd.input = TableInput{.name = "empty_sd", .storage_descriptor = StorageDescriptor{}};
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_database(full_database("1", "sales")); !put.ok()) return put;
    if (absl::Status put = tx.put_table(bare); !put.ok()) return put;
    return tx.put_table(empty_sd);
  }));
  for (const Table* want : {&bare, &empty_sd}) {
    auto got = read([&](Transaction& tx) { return tx.get_table("1", "sales", want->input.name); });
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value()) << want->input.name;
    expect_same(**got, *want);
  }
}

TEST_P(StoreConformanceTest, PutTableReplacesTheStoredTable) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_database(full_database("1", "sales")); !put.ok()) return put;
    return tx.put_table(full_table("1", "sales", "orders"));
  }));
  Table changed = full_table("1", "sales", "orders");
  changed.input.description = "v2";
  changed.input.target_table.reset();
  changed.input.storage_descriptor->columns.push_back(Column{.name = "added", .type = "int"});
  changed.version_id = 8;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_table(changed); }));
  auto got = read([](Transaction& tx) { return tx.get_table("1", "sales", "orders"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  expect_same(**got, changed);
}

TEST_P(StoreConformanceTest, DeleteTableRemovesOnlyThatTable) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_database(full_database("1", "sales")); !put.ok()) return put;
    if (absl::Status put = tx.put_table(full_table("1", "sales", "a")); !put.ok()) return put;
    return tx.put_table(full_table("1", "sales", "b"));
  }));
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.delete_table("1", "sales", "a"); }));
  auto a = read([](Transaction& tx) { return tx.get_table("1", "sales", "a"); });
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE(a->has_value());
  auto b = read([](Transaction& tx) { return tx.get_table("1", "sales", "b"); });
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->has_value());
}

TEST_P(StoreConformanceTest, HasTableAnswersWhetherThatTableIsThereAsGetTableDoes) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_database(full_database("1", "sales")); !put.ok()) return put;
    return tx.put_table(full_table("1", "sales", "orders"));
  }));
  const auto expect_has = [&](const char* catalog, const char* database, const char* name,
                              bool want) {
    auto got = read([&](Transaction& tx) { return tx.has_table(catalog, database, name); });
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, want) << catalog << "/" << database << "/" << name;
  };
  expect_has("1", "sales", "orders", true);
  expect_has("2", "sales", "orders", false);
  expect_has("1", "other", "orders", false);
  expect_has("1", "sales", "order", false);
  // Within a write, it sees the write's own puts and deletes.
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_table(full_table("1", "sales", "refunds")));
    DATAMESH_ASSIGN_OR_RETURN(const bool put, tx.has_table("1", "sales", "refunds"));
    DATAMESH_RETURN_IF_ERROR(tx.delete_table("1", "sales", "orders"));
    DATAMESH_ASSIGN_OR_RETURN(const bool deleted, tx.has_table("1", "sales", "orders"));
    if (!put || deleted) return absl::InternalError("a write's own changes were not seen");
    return absl::OkStatus();
  }));
  expect_has("1", "sales", "refunds", true);
  expect_has("1", "sales", "orders", false);
}

TEST_P(StoreConformanceTest, ExistingTablesAnswersWhichOfTheNamesAreTablesOfThatDatabase) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* db : {"sales", "other"}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_database(full_database("1", db)));
    }
    for (const char* name : {"orders", "order_items", "r\u00e9sum\u00e9s", "with 'quote\""}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_table(full_table("1", "sales", name)));
    }
    return tx.put_table(full_table("1", "other", "refunds"));
  }));
  const auto existing = [&](const char* catalog, const char* database,
                            std::vector<std::string> names) {
    return read([&](Transaction& tx) { return tx.existing_tables(catalog, database, names); });
  };
  auto got = existing("1", "sales",
                      {"orders", "missing", "r\u00e9sum\u00e9s", "orders", "refunds",
                       "with 'quote\"", "ORDERS", "order_item", "%"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ElementsAre("orders", "r\u00e9sum\u00e9s", "with 'quote\""));
  got = existing("2", "sales", {"orders"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ElementsAre());
  got = existing("1", "sales", {});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ElementsAre());
  // Within a write, it sees the write's own puts and deletes.
  std::set<std::string> seen;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_table(full_table("1", "sales", "refunds")));
    DATAMESH_RETURN_IF_ERROR(tx.delete_table("1", "sales", "orders"));
    DATAMESH_ASSIGN_OR_RETURN(seen, tx.existing_tables("1", "sales", {"orders", "refunds"}));
    return absl::OkStatus();
  }));
  EXPECT_THAT(seen, ElementsAre("refunds"));
}

TEST_P(StoreConformanceTest, ListTablesPagesByNameInThreePagesWithoutGapsOrDuplicates) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* db : {"sales", "other"}) {
      if (absl::Status put = tx.put_database(full_database("1", db)); !put.ok()) return put;
    }
    for (const char* name : {"t5", "t1", "t7", "t3", "t2", "t6", "t4"}) {
      if (absl::Status put = tx.put_table(full_table("1", "sales", name)); !put.ok()) return put;
    }
    return tx.put_table(full_table("1", "other", "t0"));
  }));
  std::vector<std::string> listed;
  std::string after;
  int pages = 0;
  while (true) {
    auto page = read([&](Transaction& tx) {
      return tx.list_tables("1", "sales", Page{.after = after, .limit = 3});
    });
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->empty()) break;
    ++pages;
    for (const Table& table : *page) {
      listed.push_back(table.input.name);
      EXPECT_EQ(table.database_name, "sales");
    }
    after = page->back().input.name;
    if (page->size() < 3) break;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(listed, ElementsAre("t1", "t2", "t3", "t4", "t5", "t6", "t7"));
}

TEST_P(StoreConformanceTest, ListTableNamesReturnsEveryNameOfOneDatabaseInOrder) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* db : {"sales", "other"}) {
      if (absl::Status put = tx.put_database(full_database("1", db)); !put.ok()) return put;
    }
    for (const char* name : {"orders", "customers", "items"}) {
      if (absl::Status put = tx.put_table(full_table("1", "sales", name)); !put.ok()) return put;
    }
    return tx.put_table(full_table("1", "other", "zzz"));
  }));
  auto names = read([](Transaction& tx) { return tx.list_table_names("1", "sales"); });
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("customers", "items", "orders"));
}

TEST_P(StoreConformanceTest, ListTableNamesPagePagesOneDatabaseByNameWithoutGaps) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const char* db : {"sales", "other"}) {
      if (absl::Status put = tx.put_database(full_database("1", db)); !put.ok()) return put;
    }
    for (const char* name : {"t5", "t1", "t7", "t3", "t2", "t6", "t4"}) {
      if (absl::Status put = tx.put_table(full_table("1", "sales", name)); !put.ok()) return put;
    }
    return tx.put_table(full_table("1", "other", "t0"));
  }));
  std::vector<std::vector<std::string>> pages;
  std::string after;
  while (true) {
    auto page = read([&](Transaction& tx) {
      return tx.list_table_names_page("1", "sales", Page{.after = after, .limit = 3});
    });
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->empty()) break;
    pages.push_back(*page);
    after = page->back();
  }
  EXPECT_THAT(pages, ElementsAre(ElementsAre("t1", "t2", "t3"), ElementsAre("t4", "t5", "t6"),
                                 ElementsAre("t7")));
  // A cursor between two names starts after it; one past the end gives nothing.
  auto middle = read([&](Transaction& tx) {
    return tx.list_table_names_page("1", "sales", Page{.after = "t35", .limit = 2});
  });
  ASSERT_TRUE(middle.ok()) << middle.status();
  EXPECT_THAT(*middle, ElementsAre("t4", "t5"));
  EXPECT_TRUE(absl::IsInvalidArgument(
      read([&](Transaction& tx) {
        return tx.list_table_names_page("1", "sales", Page{.limit = 0});
      }).status()));
}

// Data products -------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ProductRoundTripsAndIsReplaced) {
  ProductRow product{.mesh_database = "sales-111122223333",
                     .producer_account = "111122223333",
                     .source_database = "sales",
                     .table_name_regex = "ord.*",
                     .domain = "retail",
                     .data_product_name = "orders",
                     .public_metadata = false,
                     .sync_schedule = "cron(0 * * * ? *)",
                     .crawler_role_arn = "arn:datamesh:iam::1:role/crawler",
                     .link_suffix = "_link",
                     .creation_date = "2024-01-02 03:04:05",
                     .updated_date = "2024-01-03 03:04:05"};
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_product(product); }));
  auto got = read([](Transaction& tx) { return tx.get_product("sales-111122223333"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(fields(**got), fields(product));

  product.public_metadata = true;
  product.updated_date = "2024-02-02 00:00:00";
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_product(product); }));
  auto replaced = read([](Transaction& tx) { return tx.get_product("sales-111122223333"); });
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  ASSERT_TRUE(replaced->has_value());
  EXPECT_EQ(fields(**replaced), fields(product));

  auto missing = read([](Transaction& tx) { return tx.get_product("nope"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
}

// Grants --------------------------------------------------------------------------------------

GrantRow grant(std::string table, std::string permission, std::string subscription = "S1",
               std::string principal = "444455556666", std::string database = "sales") {
  return GrantRow{.principal = std::move(principal),
                  .catalog_id = "111122223333",
                  .database_name = std::move(database),
                  .table_name = std::move(table),
                  .permission = std::move(permission),
                  .grantable = false,
                  .subscription_id = std::move(subscription)};
}

TEST_P(StoreConformanceTest, PutGrantReplacesTheGrantableFlag) {
  GrantRow row = grant("orders", "SELECT");
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_grant(row); }));
  row.grantable = true;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_grant(row); }));
  auto got = read([](Transaction& tx) { return tx.list_subscription_grants("S1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(fields(got->front()), fields(row));
}

TEST_P(StoreConformanceTest, FindGrantsReturnsTheTableAndWildcardOrTheDatabaseAlone) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    const GrantRow rows[] = {
        grant("orders", "SELECT"),
        grant("*", "DESCRIBE", ""),
        grant("", "CREATE_TABLE", "S2"),
        grant("customers", "SELECT"),                          // another table
        grant("orders", "INSERT", "S1", "777788889999"),       // another principal
        grant("orders", "DELETE", "S1", "444455556666", "x"),  // another database
    };
    for (const GrantRow& row : rows) {
      if (absl::Status put = tx.put_grant(row); !put.ok()) return put;
    }
    return absl::OkStatus();
  }));
  auto found = read([](Transaction& tx) {
    return tx.find_grants("444455556666", "111122223333", "sales", "orders");
  });
  ASSERT_TRUE(found.ok()) << found.status();
  std::set<std::string> got;
  for (const GrantRow& row : *found) got.insert(row.table_name + "/" + row.permission);
  // The database's own grants answer no table's check (store::grant_answers).
  EXPECT_EQ(got, (std::set<std::string>{"orders/SELECT", "*/DESCRIBE"}));
  auto database = read([](Transaction& tx) {
    return tx.find_grants("444455556666", "111122223333", "sales", "");
  });
  ASSERT_TRUE(database.ok()) << database.status();
  ASSERT_EQ(database->size(), 1u);
  EXPECT_EQ((*database)[0].table_name, "");
  EXPECT_EQ((*database)[0].permission, "CREATE_TABLE");
  auto other_catalog = read([](Transaction& tx) {
    return tx.find_grants("444455556666", "000000000000", "sales", "orders");
  });
  ASSERT_TRUE(other_catalog.ok()) << other_catalog.status();
  EXPECT_TRUE(other_catalog->empty());
}

// What find_grants answers for principal 444455556666 on sales.orders, as "table/permission"
// (with "+" for grantable), in a read transaction: the second and later reads may come from a
// store's grant cache (store/sql/grant_cache.h), which must never answer an older state.
std::set<std::string> grants_on_orders(Store& store) {
  auto found = read_in(store, [](Transaction& tx) {
    return tx.find_grants("444455556666", "111122223333", "sales", "orders");
  });
  EXPECT_TRUE(found.ok()) << found.status();
  std::set<std::string> got;
  if (!found.ok()) return got;
  for (const GrantRow& row : *found) {
    got.insert(row.table_name + "/" + row.permission + (row.grantable ? "+" : ""));
  }
  return got;
}

TEST_P(StoreConformanceTest, FindGrantsSeesEveryKindOfGrantChangeAfterARead) {
  using Grants = std::set<std::string>;
  const auto put = [&](GrantRow row) {
    DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_grant(row); }));
  };
  EXPECT_EQ(grants_on_orders(*store_), Grants{});
  EXPECT_EQ(grants_on_orders(*store_), Grants{});
  put(grant("orders", "SELECT"));
  EXPECT_EQ(grants_on_orders(*store_), Grants{"orders/SELECT"});
  EXPECT_EQ(grants_on_orders(*store_), Grants{"orders/SELECT"});
  // A grant of another principal changes nothing of this one's answer.
  put(grant("orders", "INSERT", "S1", "777788889999"));
  EXPECT_EQ(grants_on_orders(*store_), Grants{"orders/SELECT"});
  // put_grant of an existing grant (the upsert's update).
  GrantRow grantable = grant("orders", "SELECT");
  grantable.grantable = true;
  put(grantable);
  EXPECT_EQ(grants_on_orders(*store_), Grants{"orders/SELECT+"});
  put(grant("*", "DESCRIBE", "S2"));
  put(grant("*", "INSERT", "S3"));
  EXPECT_EQ(grants_on_orders(*store_), (Grants{"orders/SELECT+", "*/DESCRIBE", "*/INSERT"}));
  DATAMESH_ASSERT_OK(write([](Transaction& tx) {
    return tx.delete_grant(grant("*", "DESCRIBE", "S2"));
  }));
  EXPECT_EQ(grants_on_orders(*store_), (Grants{"orders/SELECT+", "*/INSERT"}));
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.delete_subscription_grants("S1"); }));
  EXPECT_EQ(grants_on_orders(*store_), Grants{"*/INSERT"});
}

TEST_P(StoreConformanceTest, FindGrantsNeverAnswersARolledBackGrant) {
  EXPECT_EQ(grants_on_orders(*store_), std::set<std::string>{});
  absl::Status status = write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_grant(grant("orders", "SELECT")));
    // The body sees its own grant.
    DATAMESH_ASSIGN_OR_RETURN(
        const std::vector<GrantRow> seen,
        tx.find_grants("444455556666", "111122223333", "sales", "orders"));
    if (seen.size() != 1) return absl::InternalError("the body does not see its own grant");
    return absl::PermissionDeniedError("changed my mind");
  });
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_EQ(grants_on_orders(*store_), std::set<std::string>{});
  // Another grant is then committed: the rolled-back one must not come back with it.
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.put_grant(grant("orders", "INSERT")); }));
  EXPECT_EQ(grants_on_orders(*store_), std::set<std::string>{"orders/INSERT"});
  EXPECT_EQ(grants_on_orders(*store_), std::set<std::string>{"orders/INSERT"});
}

TEST_P(StoreConformanceTest, SubscriptionGrantsAreListedAndDeletedBySubscription) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const GrantRow& row : {grant("orders", "SELECT", "S1"), grant("orders", "DESCRIBE", "S1"),
                                grant("orders", "SELECT", "S2"), grant("orders", "ALTER", "")}) {
      if (absl::Status put = tx.put_grant(row); !put.ok()) return put;
    }
    return absl::OkStatus();
  }));
  auto s1 = read([](Transaction& tx) { return tx.list_subscription_grants("S1"); });
  ASSERT_TRUE(s1.ok()) << s1.status();
  EXPECT_EQ(s1->size(), 2u);
  for (const GrantRow& row : *s1) EXPECT_EQ(row.subscription_id, "S1");

  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.delete_subscription_grants("S1"); }));
  auto after = read([](Transaction& tx) { return tx.list_subscription_grants("S1"); });
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->empty());
  auto remaining = read([](Transaction& tx) {
    return tx.find_grants("444455556666", "111122223333", "sales", "orders");
  });
  ASSERT_TRUE(remaining.ok()) << remaining.status();
  std::set<std::string> left;
  for (const GrantRow& row : *remaining) left.insert(row.subscription_id + "/" + row.permission);
  EXPECT_EQ(left, (std::set<std::string>{"S2/SELECT", "/ALTER"}));
}

TEST_P(StoreConformanceTest, DatabaseGrantsAreEveryPrincipalsOnTheDatabaseAndItsTables) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const GrantRow& row :
         {grant("orders", "SELECT", "S1"), grant("", "DESCRIBE", "S1"),
          grant("*", "ALTER", "", "111122223333"), grant("orders", "SELECT", "S2", "777788889999"),
          grant("orders", "SELECT", "S3", "444455556666", "other")}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_grant(row));
    }
    return absl::OkStatus();
  }));
  auto listed = read([](Transaction& tx) {
    return tx.list_database_grants("111122223333", "sales");
  });
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> texts;
  for (const GrantRow& row : *listed) {
    texts.push_back(row.principal + "/" + row.table_name + "/" + row.permission + "/" +
                    row.subscription_id);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"111122223333/*/ALTER/", "444455556666//DESCRIBE/S1",
                                             "444455556666/orders/SELECT/S1",
                                             "777788889999/orders/SELECT/S2"}));
  auto other_catalog = read([](Transaction& tx) {
    return tx.list_database_grants("999999999999", "sales");
  });
  ASSERT_TRUE(other_catalog.ok()) << other_catalog.status();
  EXPECT_TRUE(other_catalog->empty());
}

TEST_P(StoreConformanceTest, DeleteGrantRemovesExactlyThatGrant) {
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const GrantRow& row : {grant("orders", "SELECT", "S1"), grant("orders", "SELECT", "S2"),
                                grant("orders", "INSERT", "S1")}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_grant(row));
    }
    return absl::OkStatus();
  }));
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.delete_grant(grant("orders", "SELECT", "S1")));
    return tx.delete_grant(grant("refunds", "SELECT", "S1"));  // none: no error
  }));
  auto left = read([](Transaction& tx) {
    return tx.find_grants("444455556666", "111122223333", "sales", "orders");
  });
  ASSERT_TRUE(left.ok()) << left.status();
  std::set<std::string> texts;
  for (const GrantRow& row : *left) texts.insert(row.subscription_id + "/" + row.permission);
  EXPECT_EQ(texts, (std::set<std::string>{"S1/INSERT", "S2/SELECT"}));
}

TEST_P(StoreConformanceTest, DeleteSubscriptionGrantsRefusesAnEmptyId) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.put_grant(grant("t", "ALTER", "")); }));
  absl::Status status = write([](Transaction& tx) { return tx.delete_subscription_grants(""); });
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  auto kept = read(
      [](Transaction& tx) { return tx.find_grants("444455556666", "111122223333", "sales", "t"); });
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->size(), 1u);
}

// Shares --------------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ShareRoundTripsIsReplacedAndIsListedBySubscription) {
  ShareRow first{.share_arn = "arn:datamesh:ram::share/b",
                 .subscription_id = "S1",
                 .owner_account = "000011112222",
                 .recipient_account = "444455556666",
                 .status = "PENDING",
                 .creation_date = "2024-01-01 00:00:00"};
  ShareRow second = first;
  second.share_arn = "arn:datamesh:ram::share/a";
  second.creation_date = "2024-01-02 00:00:00";
  ShareRow other = first;
  other.share_arn = "arn:datamesh:ram::share/c";
  other.subscription_id = "S2";
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const ShareRow& share : {first, second, other}) {
      if (absl::Status put = tx.put_share(share); !put.ok()) return put;
    }
    return absl::OkStatus();
  }));
  first.status = "ACCEPTED";
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_share(first); }));
  auto got = read([](Transaction& tx) { return tx.list_subscription_shares("S1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ(fields((*got)[0]), fields(first));  // oldest first
  EXPECT_EQ(fields((*got)[1]), fields(second));
}

// Subscriptions -------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, SubscriptionRoundTripsEveryField) {
  for (SubscriptionStatus status : {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
                                    SubscriptionStatus::kDenied, SubscriptionStatus::kDeleted}) {
    Subscription want = full_subscription("S" + std::to_string(static_cast<int>(status)));
    want.status = status;
    DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.insert_subscription(want); }));
    auto got = read([&](Transaction& tx) { return tx.get_subscription(want.subscription_id); });
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value());
    expect_same(**got, want);
  }
  Subscription bare{.subscription_id = "bare"};  // every list empty
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.insert_subscription(bare); }));
  auto got = read([](Transaction& tx) { return tx.get_subscription("bare"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  expect_same(**got, bare);
  auto missing = read([](Transaction& tx) { return tx.get_subscription("none"); });
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreConformanceTest, InsertSubscriptionRefusesAnExistingIdAndKeepsTheFirst) {
  const Subscription first = full_subscription("S1");
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.insert_subscription(first); }));
  Subscription second = full_subscription("S1");
  second.notes = {"overwritten?"};
  absl::Status status = write([&](Transaction& tx) { return tx.insert_subscription(second); });
  EXPECT_TRUE(absl::IsAlreadyExists(status)) << status;
  EXPECT_NE(std::string(status.message()).find("S1"), std::string::npos) << status;
  auto got = read([](Transaction& tx) { return tx.get_subscription("S1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  expect_same(**got, first);
}

TEST_P(StoreConformanceTest, AFailedWriteFailsTheTransactionWhereverItIsReported) {
  DATAMESH_ASSERT_OK(
      write([&](Transaction& tx) { return tx.insert_subscription(full_subscription("S1")); }));
  // The refused insert is followed by a write and a read: the failure may surface at either.
  absl::Status status = write([&](Transaction& tx) -> absl::Status {
    if (absl::Status inserted = tx.insert_subscription(full_subscription("S1")); !inserted.ok()) {
      return inserted;
    }
    if (absl::Status put = tx.put_account(full_account("111111111111")); !put.ok()) return put;
    auto got = tx.get_account("111111111111");
    return got.ok() ? absl::OkStatus() : got.status();
  });
  EXPECT_TRUE(absl::IsAlreadyExists(status)) << status;
  auto accounts = read([](Transaction& tx) { return tx.list_accounts(); });
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  EXPECT_TRUE(accounts->empty()) << "a write after the refused one was committed";
}

TEST_P(StoreConformanceTest, UpdateSubscriptionWritesWhenTheVersionMatches) {
  Subscription s = full_subscription("S1");
  s.version = 1;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.insert_subscription(s); }));
  s.status = SubscriptionStatus::kDeleted;
  s.owner_principal = "999900001111";
  s.subscriber_principal = "888800001111";
  s.database_name = "moved";
  s.notes.push_back("third");
  s.permitted_grants.clear();
  s.imported_to_consumer = false;
  s.version = 2;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.update_subscription(s, 1); }));
  auto got = read([](Transaction& tx) { return tx.get_subscription("S1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  expect_same(**got, s);
}

TEST_P(StoreConformanceTest, UpdateSubscriptionWithAStaleVersionIsAbortedAndWritesNothing) {
  Subscription s = full_subscription("S1");
  s.version = 5;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.insert_subscription(s); }));
  Subscription stale = s;
  stale.status = SubscriptionStatus::kDenied;
  stale.version = 5;
  // The failure may come from the update itself or at commit (Transaction's contract); the body
  // loses the race on every try, so it is retried and then reported.
  int calls = 0;
  absl::Status status = write([&](Transaction& tx) {
    ++calls;
    return tx.update_subscription(stale, 4);
  });
  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_NE(std::string(status.message()).find("expected version 4, found 5"), std::string::npos)
      << status;
  EXPECT_EQ(calls, 1 + 5);
  auto got = read([](Transaction& tx) { return tx.get_subscription("S1"); });
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  expect_same(**got, s);
}

TEST_P(StoreConformanceTest, UpdateOfAMissingSubscriptionIsNotFound) {
  absl::Status status =
      write([](Transaction& tx) { return tx.update_subscription(full_subscription("ghost"), 3); });
  EXPECT_TRUE(absl::IsNotFound(status)) << status;
}

TEST_P(StoreConformanceTest, ListSubscriptionsPagesInCreationOrderWithoutGapsOrDuplicates) {
  // Ids deliberately out of alphabetical order: the order is creation, not id.
  const std::vector<std::string> ids = {"m", "c", "x", "a", "q", "b", "z"};
  std::vector<Subscription> subscriptions;
  for (const std::string& id : ids) {
    subscriptions.push_back(subscription(id, "O", "C", SubscriptionStatus::kPending));
  }
  insert_subscriptions(subscriptions);
  int pages = 0;
  EXPECT_EQ(list_all_subscriptions({}, 3, &pages), ids);
  EXPECT_EQ(pages, 3);
}

TEST_P(StoreConformanceTest, ListSubscriptionsFiltersByOwnerAndStatus) {
  insert_subscriptions({subscription("1", "O1", "C1", SubscriptionStatus::kPending),
                        subscription("2", "O1", "C1", SubscriptionStatus::kActive),
                        subscription("3", "O2", "C1", SubscriptionStatus::kPending),
                        subscription("4", "O1", "C2", SubscriptionStatus::kPending),
                        subscription("5", "O1", "C2", SubscriptionStatus::kDeleted)});
  EXPECT_THAT(list_all_subscriptions({.owner = "O1", .status = SubscriptionStatus::kPending}, 10),
              ElementsAre("1", "4"));
  EXPECT_THAT(list_all_subscriptions({.owner = "O1"}, 10), ElementsAre("1", "2", "4"));
  // Paging inside a filter: tokens skip rows of other owners correctly.
  EXPECT_THAT(list_all_subscriptions({.owner = "O1", .status = SubscriptionStatus::kPending}, 1),
              ElementsAre("1", "4"));
}

TEST_P(StoreConformanceTest, ListSubscriptionsFiltersBySubscriberAndHidesDeleted) {
  insert_subscriptions({subscription("1", "O1", "C1", SubscriptionStatus::kActive),
                        subscription("2", "O2", "C2", SubscriptionStatus::kActive),
                        subscription("3", "O2", "C1", SubscriptionStatus::kDeleted),
                        subscription("4", "O3", "C1", SubscriptionStatus::kDenied)});
  EXPECT_THAT(list_all_subscriptions({.subscriber = "C1"}, 10), ElementsAre("1", "4"));
  EXPECT_THAT(list_all_subscriptions({.subscriber = "C1"}, 1), ElementsAre("1", "4"));
  EXPECT_THAT(list_all_subscriptions({}, 10), ElementsAre("1", "2", "4"));
}

TEST_P(StoreConformanceTest, ListSubscriptionsIncludesDeletedWhenAskedOrNamed) {
  insert_subscriptions({subscription("1", "O1", "C1", SubscriptionStatus::kActive),
                        subscription("2", "O1", "C1", SubscriptionStatus::kDeleted)});
  EXPECT_THAT(list_all_subscriptions({.subscriber = "C1", .include_deleted = true}, 10),
              ElementsAre("1", "2"));
  EXPECT_THAT(list_all_subscriptions({.owner = "O1", .include_deleted = true}, 10),
              ElementsAre("1", "2"));
  // A status named explicitly is returned as asked.
  EXPECT_THAT(list_all_subscriptions({.owner = "O1", .status = SubscriptionStatus::kDeleted}, 10),
              ElementsAre("2"));
}

TEST_P(StoreConformanceTest, ListSubscriptionsFiltersByDatabase) {
  insert_subscriptions({subscription("1", "O1", "C1", SubscriptionStatus::kActive, "sales"),
                        subscription("2", "O1", "C1", SubscriptionStatus::kActive, "hr"),
                        subscription("3", "O1", "C1", SubscriptionStatus::kPending, "sales")});
  EXPECT_THAT(
      list_all_subscriptions(
          {.subscriber = "C1", .status = SubscriptionStatus::kActive, .database_name = "sales"},
          10),
      ElementsAre("1"));
  EXPECT_THAT(list_all_subscriptions({.database_name = "sales"}, 10), ElementsAre("1", "3"));
}

TEST_P(StoreConformanceTest, ListSubscriptionsRefusesAnUnknownPageToken) {
  insert_subscriptions({subscription("1", "O1", "C1", SubscriptionStatus::kActive)});
  auto listed = read([](Transaction& tx) {
    return tx.list_subscriptions({}, Page{.after = "no-such-id", .limit = 10});
  });
  EXPECT_TRUE(absl::IsInvalidArgument(listed.status())) << listed.status();
}

TEST_P(StoreConformanceTest, ListingsRefuseALimitBelowOne) {
  for (int limit : {0, -1}) {
    const Page page{.limit = limit};
    EXPECT_TRUE(absl::IsInvalidArgument(
        read([&](Transaction& tx) { return tx.list_subscriptions({}, page); }).status()));
    EXPECT_TRUE(absl::IsInvalidArgument(
        read([&](Transaction& tx) { return tx.list_tables("1", "db", page); }).status()));
    EXPECT_TRUE(absl::IsInvalidArgument(
        read([&](Transaction& tx) { return tx.list_databases("1", page); }).status()));
    EXPECT_TRUE(absl::IsInvalidArgument(
        read([&](Transaction& tx) { return tx.list_audit_events("", page); }).status()));
  }
}

// Audit ---------------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, AppendAuditEventReturnsIncreasingSequencesAndRoundTrips) {
  std::vector<int64_t> sequences;
  for (const char* subscription_id : {"S1", "S2"}) {
    int64_t sequence = 0;
    DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
      auto appended = append_next(tx, full_audit_event(subscription_id));
      if (!appended.ok()) return appended.status();
      sequence = *appended;
      return absl::OkStatus();
    }));
    sequences.push_back(sequence);
  }
  EXPECT_GT(sequences[0], 0);
  EXPECT_GT(sequences[1], sequences[0]);
  auto events = read([](Transaction& tx) { return tx.list_audit_events("", Page{}); });
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].sequence, sequences[0]);
  EXPECT_EQ(fields((*events)[0]), fields(full_audit_event("S1")));
  EXPECT_EQ((*events)[1].sequence, sequences[1]);
}

TEST_P(StoreConformanceTest, ListAuditEventsFiltersBySubscriptionAndPagesBySequence) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (int i = 0; i < 7; ++i) {
      AuditEvent event = full_audit_event(i % 2 == 0 ? "S1" : "S2");
      event.notes = std::to_string(i);
      if (auto appended = append_next(tx, event); !appended.ok()) return appended.status();
    }
    return absl::OkStatus();
  }));
  std::vector<std::string> notes;
  std::string after;
  int pages = 0;
  while (true) {
    auto page = read([&](Transaction& tx) {
      return tx.list_audit_events("S1", Page{.after = after, .limit = 2});
    });
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->empty()) break;
    ++pages;
    for (const AuditEvent& event : *page) {
      EXPECT_EQ(event.subscription_id, "S1");
      notes.push_back(event.notes);
    }
    after = std::to_string(page->back().sequence);
    if (page->size() < 2) break;
  }
  EXPECT_THAT(notes, ElementsAre("0", "2", "4", "6"));
  EXPECT_EQ(pages, 2);

  auto all = read([](Transaction& tx) { return tx.list_audit_events("", Page{.limit = 3}); });
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  auto rest = read([&](Transaction& tx) {
    return tx.list_audit_events("", Page{.after = std::to_string(all->back().sequence)});
  });
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->size(), 4u);
  EXPECT_EQ(rest->front().notes, "3");
}

TEST_P(StoreConformanceTest, TheAuditChainHeadStartsEmptyAndFollowsEachAppend) {
  auto empty = read([](Transaction& tx) { return tx.audit_chain_head(); });
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->sequence, 0);
  EXPECT_EQ(empty->hash, "");
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (const char* id : {"S1", "S2"}) {
      if (auto appended = append_next(tx, full_audit_event(id)); !appended.ok()) {
        return appended.status();
      }
    }
    return absl::OkStatus();
  }));
  auto head = read([](Transaction& tx) { return tx.audit_chain_head(); });
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 2);
  EXPECT_EQ(head->hash, "hash-2");
  auto chain = read([](Transaction& tx) { return tx.list_audit_chain(Page{}); });
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[0].previous_hash, "");
  EXPECT_EQ((*chain)[0].hash, "hash-1");
  EXPECT_EQ((*chain)[1].previous_hash, "hash-1");
  EXPECT_EQ((*chain)[1].hash, "hash-2");
  EXPECT_EQ(fields((*chain)[1].event), fields(full_audit_event("S2")));
  auto rest = read([](Transaction& tx) { return tx.list_audit_chain(Page{.after = "1"}); });
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().event.sequence, 2);
}

TEST_P(StoreConformanceTest, AnAuditEventThatDoesNotFollowTheHeadIsRefused) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) {
    return append_next(tx, full_audit_event("S1")).status();
  }));
  struct Case {
    int64_t sequence;
    std::string previous_hash;
  };
  for (const Case& c : {Case{1, "hash-1"}, Case{3, "hash-1"}, Case{2, "other"}}) {
    absl::Status status = write([&](Transaction& tx) {
      AuditEvent event = full_audit_event("S2");
      event.sequence = c.sequence;
      return tx.append_audit_event(
          ChainedAuditEvent{.event = event, .previous_hash = c.previous_hash, .hash = "x"});
    });
    EXPECT_TRUE(absl::IsFailedPrecondition(status)) << c.sequence << ": " << status;
  }
  auto chain = read([](Transaction& tx) { return tx.list_audit_chain(Page{}); });
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(chain->size(), 1u);
}

TEST_P(StoreConformanceTest, FindLiveDuplicatesMatchesTheWholeRequestExactly) {
  const Subscription request = [] {
    Subscription s = full_subscription("request");
    s.status = SubscriptionStatus::kPending;
    return s;
  }();
  auto variant = [&](std::string id, auto change) {
    Subscription s = request;
    s.subscription_id = std::move(id);
    change(s);
    return s;
  };
  const std::vector<Subscription> stored = {
      variant("same-pending", [](Subscription&) {}),
      variant("same-active", [](Subscription& s) { s.status = SubscriptionStatus::kActive; }),
      variant("same-denied", [](Subscription& s) { s.status = SubscriptionStatus::kDenied; }),
      variant("same-deleted", [](Subscription& s) { s.status = SubscriptionStatus::kDeleted; }),
      variant("other-subscriber", [](Subscription& s) { s.subscriber_principal = "777788889999"; }),
      variant("other-owner", [](Subscription& s) { s.owner_principal = "777788889999"; }),
      variant("other-database", [](Subscription& s) { s.database_name = "other"; }),
      variant("fewer-tables", [](Subscription& s) { s.table_names = {"orders"}; }),
      variant("tables-reordered",
              [](Subscription& s) { s.table_names = {"customers", "orders"}; }),
      variant("other-grants", [](Subscription& s) { s.requested_grants = {"SELECT"}; }),
  };
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) -> absl::Status {
    for (const Subscription& s : stored) {
      if (absl::Status inserted = tx.insert_subscription(s); !inserted.ok()) return inserted;
    }
    return absl::OkStatus();
  }));
  auto found = read([&](Transaction& tx) { return tx.find_live_duplicates(request); });
  ASSERT_TRUE(found.ok()) << found.status();
  std::vector<std::string> ids;
  for (const Subscription& s : *found) ids.push_back(s.subscription_id);
  EXPECT_THAT(ids, ElementsAre("same-pending", "same-active"));

  Subscription whole_database = request;
  whole_database.table_names.clear();
  auto none = read([&](Transaction& tx) { return tx.find_live_duplicates(whole_database); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

// The lookup follows a subscription whose request changes in an update (the port allows it;
// the engine never does): a store that keys the lookup by what was inserted would answer the
// old request.
TEST_P(StoreConformanceTest, FindLiveDuplicatesFollowsAnUpdatedRequest) {
  Subscription s = full_subscription("S1");
  s.status = SubscriptionStatus::kPending;
  s.table_names = {"orders"};
  s.version = 1;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.insert_subscription(s); }));
  Subscription moved = s;
  moved.table_names = {"refunds"};
  moved.database_name = "moved";
  moved.version = 2;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.update_subscription(moved, 1); }));

  auto ids_of = [&](const Subscription& request) {
    auto found = read([&](Transaction& tx) { return tx.find_live_duplicates(request); });
    EXPECT_TRUE(found.ok()) << found.status();
    std::vector<std::string> ids;
    if (found.ok()) {
      for (const Subscription& duplicate : *found) ids.push_back(duplicate.subscription_id);
    }
    return ids;
  };
  EXPECT_THAT(ids_of(moved), ElementsAre("S1"));
  EXPECT_THAT(ids_of(s), ::testing::IsEmpty());

  // An update that keeps the request (a status change) keeps the lookup.
  Subscription active = moved;
  active.status = SubscriptionStatus::kActive;
  active.version = 3;
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.update_subscription(active, 2); }));
  EXPECT_THAT(ids_of(moved), ElementsAre("S1"));
}

TEST_P(StoreConformanceTest, ListAuditEventsRefusesAMalformedPageToken) {
  for (const char* token : {"abc", "12x", "-5"}) {
    auto listed = read([&](Transaction& tx) {
      return tx.list_audit_events("", Page{.after = token, .limit = 10});
    });
    EXPECT_TRUE(absl::IsInvalidArgument(listed.status())) << token << ": " << listed.status();
  }
}

// Client tokens -------------------------------------------------------------------------------

ClientTokenRow token_row(std::string account, std::string token, int64_t expires_at) {
  return ClientTokenRow{.account_id = std::move(account),
                        .client_token = std::move(token),
                        .method = "catalog/create_database",
                        .request_hash = "ab12",
                        .answer = R"({"Tables":["a","b"]})",
                        .expires_at = expires_at};
}

TEST_P(StoreConformanceTest, ClientTokenRoundTripsEveryFieldPerAccount) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_client_token(token_row("111111111111", "t-1", 1000)));
    return tx.put_client_token(token_row("222222222222", "t-1", 2000));
  }));
  auto first = read([](Transaction& tx) { return tx.get_client_token("111111111111", "t-1"); });
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  const ClientTokenRow expected = token_row("111111111111", "t-1", 1000);
  EXPECT_EQ((*first)->account_id, expected.account_id);
  EXPECT_EQ((*first)->client_token, expected.client_token);
  EXPECT_EQ((*first)->method, expected.method);
  EXPECT_EQ((*first)->request_hash, expected.request_hash);
  EXPECT_EQ((*first)->answer, expected.answer);
  EXPECT_EQ((*first)->expires_at, 1000);
  auto other = read([](Transaction& tx) { return tx.get_client_token("222222222222", "t-1"); });
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE(other->has_value());
  EXPECT_EQ((*other)->expires_at, 2000);
  auto unknown = read([](Transaction& tx) { return tx.get_client_token("111111111111", "T-1"); });
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_FALSE(unknown->has_value());
}

TEST_P(StoreConformanceTest, PutClientTokenReplacesTheRecord) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) {
    return tx.put_client_token(token_row("111111111111", "t", 1000));
  }));
  ClientTokenRow replacement = token_row("111111111111", "t", 5000);
  replacement.method = "catalog/delete_table";
  replacement.answer = "null";
  DATAMESH_ASSERT_OK(write([&](Transaction& tx) { return tx.put_client_token(replacement); }));
  auto found = read([](Transaction& tx) { return tx.get_client_token("111111111111", "t"); });
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->method, "catalog/delete_table");
  EXPECT_EQ((*found)->answer, "null");
  EXPECT_EQ((*found)->expires_at, 5000);
}

TEST_P(StoreConformanceTest, DeleteExpiredClientTokensDeletesTheOldestExpiredUpToTheLimit) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (int64_t expiry : {100, 200, 300, 400, 500}) {
      DATAMESH_RETURN_IF_ERROR(
          tx.put_client_token(token_row("111111111111", std::to_string(expiry), expiry)));
    }
    return absl::OkStatus();
  }));
  // Expired at 400: 100, 200, 300 and 400; a limit of 2 takes the two oldest.
  DATAMESH_ASSERT_OK(
      write([](Transaction& tx) { return tx.delete_expired_client_tokens(400, 2); }));
  const auto kept = [&] {
    std::vector<std::string> tokens;
    for (const char* token : {"100", "200", "300", "400", "500"}) {
      auto found =
          read([&](Transaction& tx) { return tx.get_client_token("111111111111", token); });
      EXPECT_TRUE(found.ok()) << found.status();
      if (found.ok() && found->has_value()) tokens.push_back(token);
    }
    return tokens;
  };
  EXPECT_EQ(kept(), (std::vector<std::string>{"300", "400", "500"}));
  DATAMESH_ASSERT_OK(
      write([](Transaction& tx) { return tx.delete_expired_client_tokens(400, 10); }));
  EXPECT_EQ(kept(), (std::vector<std::string>{"500"}));
}

TEST_P(StoreConformanceTest, ClientTokenWritesInAReadTransactionAndABadLimitAreRefused) {
  absl::Status put = store_->run(TxMode::kRead, [](Transaction& tx) {
    return tx.put_client_token(token_row("111111111111", "t", 1));
  });
  EXPECT_TRUE(absl::IsFailedPrecondition(put)) << put;
  absl::Status pruned = store_->run(
      TxMode::kRead, [](Transaction& tx) { return tx.delete_expired_client_tokens(1, 1); });
  EXPECT_TRUE(absl::IsFailedPrecondition(pruned)) << pruned;
  absl::Status bad_limit =
      write([](Transaction& tx) { return tx.delete_expired_client_tokens(1, 0); });
  EXPECT_TRUE(absl::IsInvalidArgument(bad_limit)) << bad_limit;
}

// Transactions --------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, AFailedBodyRollsBackEveryWrite) {
  absl::Status status = write([](Transaction& tx) -> absl::Status {
    if (absl::Status put = tx.put_account(full_account("111111111111")); !put.ok()) return put;
    if (absl::Status put = tx.insert_subscription(full_subscription("S1")); !put.ok()) return put;
    if (auto appended = append_next(tx, full_audit_event("S1")); !appended.ok()) {
      return appended.status();
    }
    return absl::PermissionDeniedError("caller may not do this");
  });
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_EQ(status.message(), "caller may not do this");
  auto accounts = read([](Transaction& tx) { return tx.list_accounts(); });
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  EXPECT_TRUE(accounts->empty());
  auto subscription = read([](Transaction& tx) { return tx.get_subscription("S1"); });
  ASSERT_TRUE(subscription.ok()) << subscription.status();
  EXPECT_FALSE(subscription->has_value());
  auto events = read([](Transaction& tx) { return tx.list_audit_events("", Page{}); });
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_TRUE(events->empty());
}

TEST_P(StoreConformanceTest, AnAbortedBodyIsRunAgainAfterItsWritesAreRolledBack) {
  int calls = 0;
  absl::Status status = write([&](Transaction& tx) -> absl::Status {
    ++calls;
    if (calls == 1) {
      if (absl::Status put = tx.put_account(full_account("111111111111")); !put.ok()) return put;
      return absl::AbortedError("lost a race");
    }
    return tx.put_account(full_account("222222222222"));
  });
  DATAMESH_ASSERT_OK(status);
  EXPECT_EQ(calls, 2);
  auto accounts = read([](Transaction& tx) { return tx.list_accounts(); });
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ(accounts->front().account_id, "222222222222");
}

TEST_P(StoreConformanceTest, AnAlwaysAbortedBodyIsRetriedFiveTimesThenReported) {
  int calls = 0;
  absl::Status status = write([&](Transaction&) {
    ++calls;
    return absl::AbortedError("lost again");
  });
  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_EQ(status.message(), "lost again");
  EXPECT_EQ(calls, 1 + 5);
}

TEST_P(StoreConformanceTest, OtherErrorsAreNotRetried) {
  int calls = 0;
  absl::Status status = store_->run(TxMode::kRead, [&](Transaction&) {
    ++calls;
    return absl::UnavailableError("try later");
  });
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_EQ(calls, 1);
}

TEST_P(StoreConformanceTest, WritesInAReadTransactionAreRefused) {
  absl::Status status = store_->run(
      TxMode::kRead, [](Transaction& tx) { return tx.put_account(full_account("111111111111")); });
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  auto accounts = read([](Transaction& tx) { return tx.list_accounts(); });
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  EXPECT_TRUE(accounts->empty());
}

TEST_P(StoreConformanceTest, ConcurrentWriteTransactionsLoseNoIncrement) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 200;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        if (!increment_counter(*store_).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto count = read_counter(*store_);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, kThreads * kIncrements);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values(sqlite_memory(), sqlite_file(), buffered_sqlite(),
                                           postgres()),
                         [](const ::testing::TestParamInfo<StoreFactory>& info) {
                           std::string name = info.param.name;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace datamesh::store::testing
