// The AWS store's write buffer (store/aws/buffered_transaction.h) over a real SQLite
// transaction: what the body reads while its writes are buffered, what the base sees of them
// (nothing), the list of writes it leaves for the commit, and apply_writes. The store
// conformance suite runs over it too (backend buffered_sqlite); these are the cases that suite
// does not reach: reads and writes mixed in one body across pages, deletions that hide base
// rows, and a body the size of a large create_data_products.
#include "store/aws/buffered_transaction.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/text.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_test_support.h"
#include "support/buffered_store.h"
#include "support/fault_store.h"

// Apart from the other store tests (one unity build): helper names here may repeat theirs.
namespace datamesh::store::aws::buffer_testing {
namespace {

using namespace ::datamesh::store::testing;  // NOLINT: the store tests' rows and helpers

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr const char* kCatalog = "111122223333";

Table table(std::string database, std::string name, std::string description = "") {
  Table t;
  t.catalog_id = kCatalog;
  t.database_name = std::move(database);
  t.input.name = std::move(name);
  t.input.description = std::move(description);
  return t;
}

Database database(std::string name) {
  Database d;
  d.catalog_id = kCatalog;
  d.input.name = std::move(name);
  return d;
}

GrantRow grant(std::string subscription, std::string table_name, std::string permission,
               bool grantable = false) {
  return GrantRow{.principal = "444455556666",
                  .catalog_id = kCatalog,
                  .database_name = "sales",
                  .table_name = std::move(table_name),
                  .permission = std::move(permission),
                  .grantable = grantable,
                  .subscription_id = std::move(subscription)};
}

Subscription pending(std::string id, std::string subscriber = "C1") {
  Subscription s = full_subscription(std::move(id));
  s.status = SubscriptionStatus::kPending;
  s.subscriber_principal = std::move(subscriber);
  s.owner_principal = "O1";
  s.version = 1;
  return s;
}

std::vector<std::string> ids(const std::vector<Subscription>& subscriptions) {
  std::vector<std::string> out;
  for (const Subscription& s : subscriptions) out.push_back(s.subscription_id);
  return out;
}

std::vector<std::string> methods(const std::vector<BufferedWrite>& writes) {
  std::vector<std::string> out;
  for (const BufferedWrite& w : writes) out.push_back(write_method(w));
  return out;
}

// Every table name of a database by list_tables pages of `limit`, and by list_table_names_page.
template <typename Tx>
std::vector<std::string> tables_by_pages(Tx& tx, const std::string& db, int limit) {
  std::vector<std::string> by_tables;
  std::vector<std::string> by_names;
  for (std::string after;;) {
    auto page = tx.list_tables(kCatalog, db, Page{.after = after, .limit = limit});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->empty()) break;
    EXPECT_LE(static_cast<int>(page->size()), limit);
    for (const Table& t : *page) by_tables.push_back(t.input.name);
    after = page->back().input.name;
  }
  for (std::string after;;) {
    auto page = tx.list_table_names_page(kCatalog, db, Page{.after = after, .limit = limit});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->empty()) break;
    EXPECT_LE(static_cast<int>(page->size()), limit);
    by_names.insert(by_names.end(), page->begin(), page->end());
    after = page->back();
  }
  EXPECT_EQ(by_tables, by_names) << "list_tables and list_table_names_page disagree";
  return by_tables;
}

class BufferedTransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
  }

  // Runs test(base, buffered) in one write transaction of the store, which is then rolled back
  // unless commit is set, in which case the buffered writes are applied to it first.
  void in_buffer(const std::function<void(Transaction& base, BufferedTransaction& buffered)>& test,
                 bool commit = false) {
    absl::Status status = store_->run(TxMode::kWrite, [&](Transaction& base) -> absl::Status {
      BufferedTransaction buffered(base);
      test(base, buffered);
      if (!commit) return absl::CancelledError("rolled back by the test");
      return apply_writes(buffered.writes(), base);
    });
    if (commit) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      EXPECT_TRUE(absl::IsCancelled(status)) << status;
    }
  }

  absl::Status write(const std::function<absl::Status(Transaction&)>& fn) {
    return write_in(*store_, fn);
  }

  std::unique_ptr<SqliteStore> store_;
};

TEST_F(BufferedTransactionTest, AFailedBodyLeavesTheBaseUntouched) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.insert_subscription(pending("S0")); }));
  test_support::BufferedStore buffered_store(std::move(store_));
  absl::Status status = buffered_store.run(TxMode::kWrite, [](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_account(full_account("111111111111")));
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database("sales")));
    DATAMESH_RETURN_IF_ERROR(tx.put_table(table("sales", "orders")));
    DATAMESH_RETURN_IF_ERROR(tx.insert_subscription(pending("S1")));
    Subscription s0 = pending("S0");
    s0.status = SubscriptionStatus::kActive;
    s0.version = 2;
    DATAMESH_RETURN_IF_ERROR(tx.update_subscription(s0, 1));
    DATAMESH_RETURN_IF_ERROR(append_next(tx, full_audit_event("S1")).status());
    return absl::PermissionDeniedError("caller may not do this");
  });
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  auto seen = read_in(buffered_store, [](Transaction& tx) -> absl::StatusOr<std::string> {
    DATAMESH_ASSIGN_OR_RETURN(std::vector<Account> accounts, tx.list_accounts());
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Database> db, tx.get_database(kCatalog, "sales"));
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Subscription> s1, tx.get_subscription("S1"));
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Subscription> s0, tx.get_subscription("S0"));
    DATAMESH_ASSIGN_OR_RETURN(AuditChainHead head, tx.audit_chain_head());
    return base::cat(accounts.size(), db ? " db" : " -", s1 ? " S1" : " -", " S0 v",
                     s0 ? s0->version : -1, " head ", head.sequence);
  });
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(*seen, "0 - - S0 v1 head 0");
}

TEST_F(BufferedTransactionTest, TheBodyReadsItsWritesAndTheBaseSeesNoneOfThem) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database("sales")));
    return tx.put_table(table("sales", "orders", "as stored"));
  }));
  in_buffer([](Transaction& base, BufferedTransaction& tx) {
    DATAMESH_ASSERT_OK(tx.put_table(table("sales", "orders", "rewritten")));
    DATAMESH_ASSERT_OK(tx.put_table(table("sales", "returns")));
    auto orders = tx.get_table(kCatalog, "sales", "orders");
    ASSERT_TRUE(orders.ok() && orders->has_value());
    EXPECT_EQ((*orders)->input.description, "rewritten");
    auto in_base = base.get_table(kCatalog, "sales", "orders");
    ASSERT_TRUE(in_base.ok() && in_base->has_value());
    EXPECT_EQ((*in_base)->input.description, "as stored");
    auto base_names = base.list_table_names(kCatalog, "sales");
    ASSERT_TRUE(base_names.ok());
    EXPECT_THAT(*base_names, ElementsAre("orders"));
    auto buffered_names = tx.list_table_names(kCatalog, "sales");
    ASSERT_TRUE(buffered_names.ok());
    EXPECT_THAT(*buffered_names, ElementsAre("orders", "returns"));
  });
}

TEST_F(BufferedTransactionTest, ListingsMergeInterleavedPutsAndDeletesAcrossPages) {
  // The base holds t00, t02, …, t38; the body deletes some, replaces some and adds odd ones in
  // between, so that pages of every size cross base rows, hidden rows and overlay rows.
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database("sales")));
    for (int i = 0; i < 40; i += 2) {
      DATAMESH_RETURN_IF_ERROR(tx.put_table(table("sales", base::cat("t", i / 10, i % 10))));
    }
    return absl::OkStatus();
  }));
  std::vector<std::string> buffered_pages[8];
  in_buffer(
      [&](Transaction&, BufferedTransaction& tx) {
        for (int i = 0; i < 40; ++i) {
          const std::string name = base::cat("t", i / 10, i % 10);
          if (i % 2 == 1 && i % 3 != 0) DATAMESH_ASSERT_OK(tx.put_table(table("sales", name)));
          if (i % 2 == 0 && i % 3 == 0)
            DATAMESH_ASSERT_OK(tx.delete_table(kCatalog, "sales", name));
          if (i % 8 == 4) DATAMESH_ASSERT_OK(tx.put_table(table("sales", name, "replaced")));
        }
        // A run of deletions longer than a page: the listing reads on past it.
        for (int i = 20; i < 32; i += 2) {
          DATAMESH_ASSERT_OK(tx.delete_table(kCatalog, "sales", base::cat("t", i / 10, i % 10)));
        }
        DATAMESH_ASSERT_OK(tx.put_table(table("sales", "t29")));        // odd, multiple of 3: new
        DATAMESH_ASSERT_OK(tx.delete_table(kCatalog, "sales", "t01"));  // put, then deleted
        for (int limit = 1; limit <= 7; ++limit)
          buffered_pages[limit] = tables_by_pages(tx, "sales", limit);
        auto all = tx.list_table_names(kCatalog, "sales");
        ASSERT_TRUE(all.ok()) << all.status();
        buffered_pages[0] = *all;
        auto replaced = tx.get_table(kCatalog, "sales", "t12");
        ASSERT_TRUE(replaced.ok() && replaced->has_value());
        EXPECT_EQ((*replaced)->input.description, "replaced");
      },
      /*commit=*/true);
  // What the store holds once the writes are applied is what the body listed, page by page.
  auto stored =
      read_in(*store_, [](Transaction& tx) { return tx.list_table_names(kCatalog, "sales"); });
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_THAT(*stored, ::testing::Contains("t29"));
  EXPECT_THAT(*stored, ::testing::Not(::testing::Contains("t01")));
  EXPECT_THAT(*stored, ::testing::Not(::testing::Contains("t24")));
  for (int limit = 0; limit <= 7; ++limit) {
    EXPECT_THAT(buffered_pages[limit], ElementsAreArray(*stored)) << "pages of " << limit;
  }
}

TEST_F(BufferedTransactionTest, DatabaseAndProductListingsPageOverTheOverlay) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (const char* name : {"a", "c", "e", "g"}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_database(database(name)));
      DATAMESH_RETURN_IF_ERROR(tx.put_product(
          ProductRow{.mesh_database = name, .producer_account = "P1", .domain = "sales"}));
    }
    return absl::OkStatus();
  }));
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    DATAMESH_ASSERT_OK(tx.put_database(database("b")));
    DATAMESH_ASSERT_OK(tx.delete_database(kCatalog, "c"));
    DATAMESH_ASSERT_OK(tx.put_database(database("f")));
    Database other = database("d");
    other.catalog_id = "999999999999";  // another catalog: never listed with this one
    DATAMESH_ASSERT_OK(tx.put_database(other));
    // A product moved out of the filter, one into it, one new.
    DATAMESH_ASSERT_OK(tx.put_product(ProductRow{.mesh_database = "a", .producer_account = "P2"}));
    DATAMESH_ASSERT_OK(tx.put_product(
        ProductRow{.mesh_database = "b", .producer_account = "P1", .domain = "sales"}));
    DATAMESH_ASSERT_OK(tx.put_product(ProductRow{.mesh_database = "f", .producer_account = "P1"}));
    for (int limit : {1, 2, 10}) {
      std::vector<std::string> databases;
      std::vector<std::string> products;
      for (std::string after;;) {
        auto page = tx.list_databases(kCatalog, Page{.after = after, .limit = limit});
        ASSERT_TRUE(page.ok()) << page.status();
        if (page->empty()) break;
        for (const Database& d : *page) databases.push_back(d.input.name);
        after = page->back().input.name;
      }
      for (std::string after;;) {
        auto page =
            tx.list_products({.producer_account = "P1"}, Page{.after = after, .limit = limit});
        ASSERT_TRUE(page.ok()) << page.status();
        if (page->empty()) break;
        for (const ProductRow& p : *page) products.push_back(p.mesh_database);
        after = page->back().mesh_database;
      }
      EXPECT_THAT(databases, ElementsAre("a", "b", "e", "f", "g")) << limit;
      EXPECT_THAT(products, ElementsAre("b", "c", "e", "f", "g")) << limit;
    }
    auto sales = tx.list_products({.domain = "sales"}, Page{});
    ASSERT_TRUE(sales.ok());
    EXPECT_EQ(sales->size(), 4u);  // b, c, e, g
    auto refused = tx.list_databases(kCatalog, Page{.limit = 0});
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
  });
}

TEST_F(BufferedTransactionTest, DeleteDatabaseHidesItsTablesUntilOneIsPutAgain) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (const char* db : {"sales", "hr"}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_database(database(db)));
      for (const char* name : {"a", "b", "c"})
        DATAMESH_RETURN_IF_ERROR(tx.put_table(table(db, name)));
    }
    return absl::OkStatus();
  }));
  in_buffer(
      [](Transaction&, BufferedTransaction& tx) {
        DATAMESH_ASSERT_OK(tx.put_table(table("sales", "d")));  // written, then deleted with it
        DATAMESH_ASSERT_OK(tx.delete_database(kCatalog, "sales"));
        auto db = tx.get_database(kCatalog, "sales");
        ASSERT_TRUE(db.ok());
        EXPECT_FALSE(db->has_value());
        for (const char* name : {"a", "d"}) {
          auto t = tx.get_table(kCatalog, "sales", name);
          ASSERT_TRUE(t.ok());
          EXPECT_FALSE(t->has_value()) << name;
        }
        EXPECT_THAT(tables_by_pages(tx, "sales", 2), IsEmpty());
        EXPECT_THAT(tables_by_pages(tx, "hr", 2), ElementsAre("a", "b", "c"));
        DATAMESH_ASSERT_OK(tx.put_database(database("sales")));
        DATAMESH_ASSERT_OK(tx.put_table(table("sales", "b")));
        EXPECT_THAT(tables_by_pages(tx, "sales", 1), ElementsAre("b"));
        auto all = tx.list_table_names(kCatalog, "sales");
        ASSERT_TRUE(all.ok());
        EXPECT_THAT(*all, ElementsAre("b"));
        EXPECT_THAT(methods(tx.writes()),
                    ElementsAre("put_table", "delete_database", "put_database", "put_table"));
      },
      /*commit=*/true);
  auto stored =
      read_in(*store_, [](Transaction& tx) { return tx.list_table_names(kCatalog, "sales"); });
  ASSERT_TRUE(stored.ok());
  EXPECT_THAT(*stored, ElementsAre("b"));
}

TEST_F(BufferedTransactionTest, DeleteSubscriptionGrantsThenPutGrant) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (const GrantRow& g : {grant("S1", "orders", "SELECT"), grant("S1", "orders", "INSERT"),
                              grant("S2", "orders", "SELECT"), grant("", "*", "DESCRIBE")}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_grant(g));
    }
    return absl::OkStatus();
  }));
  in_buffer(
      [](Transaction&, BufferedTransaction& tx) {
        DATAMESH_ASSERT_OK(tx.put_grant(grant("S1", "customers", "SELECT")));  // deleted below
        DATAMESH_ASSERT_OK(tx.delete_subscription_grants("S1"));
        DATAMESH_ASSERT_OK(tx.put_grant(grant("S1", "orders", "SELECT", /*grantable=*/true)));
        auto listed = tx.list_subscription_grants("S1");
        ASSERT_TRUE(listed.ok()) << listed.status();
        ASSERT_EQ(listed->size(), 1u);
        EXPECT_EQ(fields(listed->front()), fields(grant("S1", "orders", "SELECT", true)));
        auto found = tx.find_grants("444455556666", kCatalog, "sales", "orders");
        ASSERT_TRUE(found.ok()) << found.status();
        std::vector<std::string> seen;
        for (const GrantRow& g : *found) {
          seen.push_back(base::cat(g.table_name, "/", g.permission, "/", g.subscription_id));
        }
        EXPECT_THAT(seen, ElementsAre("*/DESCRIBE/", "orders/SELECT/S1", "orders/SELECT/S2"));
        EXPECT_TRUE(absl::IsInvalidArgument(tx.delete_subscription_grants("")));
        EXPECT_THAT(methods(tx.writes()),
                    ElementsAre("put_grant", "delete_subscription_grants", "put_grant"));
      },
      /*commit=*/true);
  auto stored = read_in(*store_, [](Transaction& tx) { return tx.list_subscription_grants("S1"); });
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_TRUE(stored->front().grantable);
}

TEST_F(BufferedTransactionTest, SharesAccountsAndKeysAreReadBackReplaced) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    Account mesh = full_account("200000000000");
    mesh.is_mesh = true;
    DATAMESH_RETURN_IF_ERROR(tx.put_account(mesh));
    DATAMESH_RETURN_IF_ERROR(tx.put_account(full_account("300000000000")));
    DATAMESH_RETURN_IF_ERROR(tx.put_access_key(AccessKeyRow{
        .access_key_id = "K2", .account_id = "300000000000", .creation_date = "2024-01-02"}));
    return tx.put_share(
        ShareRow{.share_arn = "arn:b", .subscription_id = "S1", .creation_date = "2024-01-02"});
  }));
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    Account other_mesh = full_account("100000000000");
    other_mesh.is_mesh = true;
    DATAMESH_ASSERT_OK(tx.put_account(other_mesh));
    auto mesh = tx.get_mesh_account();
    ASSERT_TRUE(mesh.ok() && mesh->has_value());
    EXPECT_EQ((*mesh)->account_id, "100000000000");  // the first by id, as the stores answer
    other_mesh.is_mesh = false;
    DATAMESH_ASSERT_OK(tx.put_account(other_mesh));
    Account demoted = full_account("200000000000");
    DATAMESH_ASSERT_OK(tx.put_account(demoted));
    mesh = tx.get_mesh_account();
    ASSERT_TRUE(mesh.ok());
    EXPECT_FALSE(mesh->has_value());
    auto accounts = tx.list_accounts();
    ASSERT_TRUE(accounts.ok());
    ASSERT_EQ(accounts->size(), 3u);
    EXPECT_EQ(accounts->front().account_id, "100000000000");

    DATAMESH_ASSERT_OK(tx.put_access_key(AccessKeyRow{
        .access_key_id = "K1", .account_id = "300000000000", .creation_date = "2024-01-03"}));
    DATAMESH_ASSERT_OK(tx.put_access_key(AccessKeyRow{
        .access_key_id = "K2", .account_id = "300000000000", .creation_date = "2024-01-04"}));
    auto keys = tx.list_access_keys("300000000000");
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(keys->size(), 2u);
    EXPECT_EQ((*keys)[0].access_key_id, "K1");  // by creation date

    DATAMESH_ASSERT_OK(tx.put_share(
        ShareRow{.share_arn = "arn:a", .subscription_id = "S1", .creation_date = "2024-01-01"}));
    DATAMESH_ASSERT_OK(tx.put_share(
        ShareRow{.share_arn = "arn:b", .subscription_id = "S2", .creation_date = "2024-01-02"}));
    auto shares = tx.list_subscription_shares("S1");
    ASSERT_TRUE(shares.ok());
    ASSERT_EQ(shares->size(), 1u);
    EXPECT_EQ(shares->front().share_arn, "arn:a");
  });
}

TEST_F(BufferedTransactionTest, SubscriptionWritesAreCheckedAgainstBaseAndBuffer) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.insert_subscription(pending("S1")); }));
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    EXPECT_TRUE(absl::IsAlreadyExists(tx.insert_subscription(pending("S1"))));
    DATAMESH_ASSERT_OK(tx.insert_subscription(pending("S2")));
    EXPECT_TRUE(absl::IsAlreadyExists(tx.insert_subscription(pending("S2"))));
    Subscription s1 = pending("S1");
    s1.version = 2;
    absl::Status stale = tx.update_subscription(s1, 0);
    EXPECT_TRUE(absl::IsAborted(stale)) << stale;
    EXPECT_NE(std::string(stale.message()).find("expected version 0, found 1"), std::string::npos);
    DATAMESH_ASSERT_OK(tx.update_subscription(s1, 1));
    s1.version = 3;
    EXPECT_TRUE(absl::IsAborted(tx.update_subscription(s1, 1)));  // the buffer holds version 2
    DATAMESH_ASSERT_OK(tx.update_subscription(s1, 2));
    EXPECT_TRUE(absl::IsNotFound(tx.update_subscription(pending("ghost"), 1)));
    // Refused writes record nothing.
    ASSERT_THAT(methods(tx.writes()),
                ElementsAre("insert_subscription", "update_subscription", "update_subscription"));
    EXPECT_EQ(std::get<aws::UpdateSubscription>(tx.writes()[2]).expected_version, 2);

    AuditEvent event = full_audit_event("S1");
    event.sequence = 2;
    EXPECT_TRUE(absl::IsFailedPrecondition(
        tx.append_audit_event({.event = event, .previous_hash = "", .hash = "h1"})));
    event.sequence = 1;
    DATAMESH_ASSERT_OK(tx.append_audit_event({.event = event, .previous_hash = "", .hash = "h1"}));
    event.sequence = 2;
    EXPECT_TRUE(absl::IsFailedPrecondition(
        tx.append_audit_event({.event = event, .previous_hash = "other", .hash = "h2"})));
    auto head = tx.audit_chain_head();
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->sequence, 1);
    EXPECT_EQ(head->hash, "h1");
  });
}

TEST_F(BufferedTransactionTest, SubscriptionListingsKeepCreationOrderThroughChanges) {
  // Base: 1..6 by C1 (3 and 5 Active, the rest Pending); the body inserts 7 and 8, makes 2
  // Active and 5 Deleted.
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (int i = 1; i <= 6; ++i) {
      Subscription s = pending(std::to_string(i));
      if (i == 3 || i == 5) s.status = SubscriptionStatus::kActive;
      DATAMESH_RETURN_IF_ERROR(tx.insert_subscription(s));
    }
    return absl::OkStatus();
  }));
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    DATAMESH_ASSERT_OK(tx.insert_subscription(pending("8")));
    Subscription seven = pending("7");
    seven.status = SubscriptionStatus::kActive;
    DATAMESH_ASSERT_OK(tx.insert_subscription(seven));
    Subscription two = pending("2");
    two.status = SubscriptionStatus::kActive;
    two.version = 2;
    DATAMESH_ASSERT_OK(tx.update_subscription(two, 1));
    Subscription five = pending("5");
    five.status = SubscriptionStatus::kDeleted;
    five.version = 2;
    DATAMESH_ASSERT_OK(tx.update_subscription(five, 1));
    const auto listed = [&](const SubscriptionFilter& filter, int limit) {
      std::vector<std::string> all;
      for (std::string after;;) {
        auto page = tx.list_subscriptions(filter, Page{.after = after, .limit = limit});
        EXPECT_TRUE(page.ok()) << page.status();
        if (!page.ok() || page->empty()) break;
        for (const Subscription& s : *page) all.push_back(s.subscription_id);
        after = page->back().subscription_id;
      }
      return all;
    };
    for (int limit : {1, 2, 3, 10}) {
      // 2 became Active: listed in its place, which only the base knows.
      EXPECT_THAT(listed({.status = SubscriptionStatus::kActive}, limit),
                  ElementsAre("2", "3", "7"))
          << limit;
      EXPECT_THAT(listed({.subscriber = "C1"}, limit),
                  ElementsAre("1", "2", "3", "4", "6", "8", "7"))
          << limit;
      EXPECT_THAT(listed({.owner = "O1", .include_deleted = true}, limit),
                  ElementsAre("1", "2", "3", "4", "5", "6", "8", "7"))
          << limit;
    }
    auto unknown = tx.list_subscriptions({}, Page{.after = "nope"});
    EXPECT_TRUE(absl::IsInvalidArgument(unknown.status())) << unknown.status();

    auto counts = tx.count_subscriptions_by_status();
    ASSERT_TRUE(counts.ok());
    std::map<SubscriptionStatus, int64_t> by_status(counts->begin(), counts->end());
    EXPECT_EQ(by_status[SubscriptionStatus::kPending], 4);  // 1, 4, 6, 8
    EXPECT_EQ(by_status[SubscriptionStatus::kActive], 3);   // 2, 3, 7
    EXPECT_EQ(by_status[SubscriptionStatus::kDeleted], 1);  // 5

    // Duplicates of the same request, in creation order: base ones changed, then inserted.
    auto duplicates = tx.find_live_duplicates(pending("request"));
    ASSERT_TRUE(duplicates.ok()) << duplicates.status();
    EXPECT_THAT(ids(*duplicates), ElementsAre("1", "2", "3", "4", "6", "8", "7"));
  });
}

TEST_F(BufferedTransactionTest, AnUpdateThatMakesADuplicateKeepsItsCreationOrder) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    Subscription denied = pending("1");
    denied.status = SubscriptionStatus::kDenied;
    DATAMESH_RETURN_IF_ERROR(tx.insert_subscription(denied));
    return tx.insert_subscription(pending("2"));
  }));
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    Subscription revived = pending("1");
    revived.version = 2;
    DATAMESH_ASSERT_OK(tx.update_subscription(revived, 1));
    DATAMESH_ASSERT_OK(tx.insert_subscription(pending("3")));
    auto duplicates = tx.find_live_duplicates(pending("request"));
    ASSERT_TRUE(duplicates.ok()) << duplicates.status();
    EXPECT_THAT(ids(*duplicates), ElementsAre("1", "2", "3"));
  });
}

TEST_F(BufferedTransactionTest, TheAuditChainGoesOnFromTheBaseAcrossPages) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    for (const char* id : {"S1", "S2", "S1"}) {
      DATAMESH_RETURN_IF_ERROR(append_next(tx, full_audit_event(id)).status());
    }
    return absl::OkStatus();
  }));
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    for (const char* id : {"S2", "S1", "S1"}) {
      auto appended = append_next(tx, full_audit_event(id));
      ASSERT_TRUE(appended.ok()) << appended.status();
    }
    std::vector<int64_t> chain;
    for (std::string after;;) {
      auto page = tx.list_audit_chain(Page{.after = after, .limit = 2});
      ASSERT_TRUE(page.ok()) << page.status();
      if (page->empty()) break;
      for (const ChainedAuditEvent& e : *page) chain.push_back(e.event.sequence);
      after = std::to_string(page->back().event.sequence);
    }
    EXPECT_THAT(chain, ElementsAre(1, 2, 3, 4, 5, 6));
    std::vector<int64_t> of_s1;
    for (std::string after;;) {
      auto page = tx.list_audit_events("S1", Page{.after = after, .limit = 2});
      ASSERT_TRUE(page.ok()) << page.status();
      if (page->empty()) break;
      for (const AuditEvent& e : *page) of_s1.push_back(e.sequence);
      after = std::to_string(page->back().sequence);
    }
    EXPECT_THAT(of_s1, ElementsAre(1, 3, 5, 6));
    EXPECT_TRUE(absl::IsInvalidArgument(tx.list_audit_chain(Page{.after = "x"}).status()));
  });
}

TEST_F(BufferedTransactionTest, ACreateDataProductsBodyLeavesItsWritesInOrder) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database("source")));
    for (const char* name : {"orders", "customers"}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_table(table("source", name)));
    }
    return absl::OkStatus();
  }));
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    DATAMESH_ASSERT_OK(
        tx.put_product(ProductRow{.mesh_database = "mesh", .producer_account = "P"}));
    DATAMESH_ASSERT_OK(tx.put_database(database("mesh")));
    auto names = tx.list_table_names(kCatalog, "source");
    ASSERT_TRUE(names.ok());
    for (const std::string& name : *names) {
      DATAMESH_ASSERT_OK(tx.put_table(table("mesh", name)));
      DATAMESH_ASSERT_OK(tx.put_table(table("mesh", name + "_link")));
    }
    DATAMESH_ASSERT_OK(tx.put_grant(grant("", "*", "ALL", true)));
    DATAMESH_ASSERT_OK(append_next(tx, full_audit_event("")).status());
    const std::vector<BufferedWrite>& writes = tx.writes();
    EXPECT_THAT(methods(writes),
                ElementsAre("put_product", "put_database", "put_table", "put_table", "put_table",
                            "put_table", "put_grant", "append_audit_event"));
    std::vector<std::string> tables;
    for (const BufferedWrite& w : writes) {
      if (const auto* put = std::get_if<aws::PutTable>(&w)) tables.push_back(put->table.input.name);
    }
    EXPECT_THAT(tables, ElementsAre("customers", "customers_link", "orders", "orders_link"));
    EXPECT_EQ(std::get<aws::AppendAuditEvent>(writes.back()).event.event.sequence, 1);
  });
}

// Every read the buffer makes of the base can fail (AWS unreachable, throttled): whichever one
// does, the body sees that error, never an answer made from the overlay alone.
TEST_F(BufferedTransactionTest, EveryFailedReadOfTheBaseFailsTheBody) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database("sales")));
    DATAMESH_RETURN_IF_ERROR(tx.put_table(table("sales", "orders")));
    DATAMESH_RETURN_IF_ERROR(tx.put_grant(grant("S0", "orders", "SELECT")));
    DATAMESH_RETURN_IF_ERROR(append_next(tx, full_audit_event("S0")).status());
    return tx.insert_subscription(pending("S0"));
  }));
  auto faults = std::make_unique<test_support::FaultStore>(std::move(store_));
  test_support::FaultStore& fault_store = *faults;
  test_support::BufferedStore buffered_store(std::move(faults));
  // Each listing runs with the overlay holding rows of its own, so that the merging paths read
  // the base; the body ends Cancelled so that every run starts from the same base.
  const auto body = [](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_account(full_account("111111111111")));
    DATAMESH_RETURN_IF_ERROR(tx.get_account("222222222222").status());
    DATAMESH_RETURN_IF_ERROR(tx.get_mesh_account().status());
    DATAMESH_RETURN_IF_ERROR(tx.put_access_key(AccessKeyRow{.access_key_id = "K1"}));
    DATAMESH_RETURN_IF_ERROR(tx.get_access_key("K2").status());
    DATAMESH_RETURN_IF_ERROR(tx.list_access_keys("111111111111").status());
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database("hr")));
    DATAMESH_RETURN_IF_ERROR(tx.get_database(kCatalog, "sales").status());
    DATAMESH_RETURN_IF_ERROR(tx.list_databases(kCatalog, Page{.limit = 1}).status());
    DATAMESH_RETURN_IF_ERROR(tx.delete_table(kCatalog, "sales", "orders"));
    DATAMESH_RETURN_IF_ERROR(tx.put_table(table("sales", "returns")));
    DATAMESH_RETURN_IF_ERROR(tx.get_table(kCatalog, "sales", "customers").status());
    DATAMESH_RETURN_IF_ERROR(tx.list_tables(kCatalog, "sales", Page{.limit = 1}).status());
    DATAMESH_RETURN_IF_ERROR(tx.list_table_names(kCatalog, "sales").status());
    DATAMESH_RETURN_IF_ERROR(tx.list_table_names_page(kCatalog, "sales", Page{}).status());
    DATAMESH_RETURN_IF_ERROR(tx.put_product(ProductRow{.mesh_database = "hr"}));
    DATAMESH_RETURN_IF_ERROR(tx.get_product("sales").status());
    DATAMESH_RETURN_IF_ERROR(tx.list_products({}, Page{}).status());
    DATAMESH_RETURN_IF_ERROR(tx.put_grant(grant("S1", "orders", "SELECT")));
    DATAMESH_RETURN_IF_ERROR(tx.list_subscription_grants("S0").status());
    DATAMESH_RETURN_IF_ERROR(tx.find_grants("444455556666", kCatalog, "sales", "orders").status());
    DATAMESH_RETURN_IF_ERROR(tx.put_share(ShareRow{.share_arn = "arn:a", .subscription_id = "S0"}));
    DATAMESH_RETURN_IF_ERROR(tx.list_subscription_shares("S0").status());
    DATAMESH_RETURN_IF_ERROR(tx.insert_subscription(pending("S1")));
    Subscription s0 = pending("S0");
    s0.version = 2;
    DATAMESH_RETURN_IF_ERROR(tx.update_subscription(s0, 1));
    DATAMESH_RETURN_IF_ERROR(tx.get_subscription("S2").status());
    DATAMESH_RETURN_IF_ERROR(tx.list_subscriptions({}, Page{}).status());
    DATAMESH_RETURN_IF_ERROR(tx.list_subscriptions({}, Page{.after = "S0"}).status());
    DATAMESH_RETURN_IF_ERROR(tx.find_live_duplicates(pending("request")).status());
    DATAMESH_RETURN_IF_ERROR(tx.count_subscriptions_by_status().status());
    DATAMESH_RETURN_IF_ERROR(tx.list_audit_chain(Page{}).status());
    DATAMESH_RETURN_IF_ERROR(append_next(tx, full_audit_event("S1")).status());
    DATAMESH_RETURN_IF_ERROR(tx.list_audit_chain(Page{}).status());
    DATAMESH_RETURN_IF_ERROR(tx.list_audit_events("S1", Page{}).status());
    return absl::CancelledError("done");
  };
  fault_store.disarm();
  absl::Status clean = buffered_store.run(TxMode::kWrite, body);
  ASSERT_TRUE(absl::IsCancelled(clean)) << clean;
  const int64_t calls = fault_store.counts().calls;
  EXPECT_GT(calls, 25) << "the body reads the base less than it should";
  for (int64_t n = 1; n <= calls; ++n) {
    fault_store.arm(test_support::FaultPosition::kCall, n, absl::UnavailableError("disk gone"));
    absl::Status status = buffered_store.run(TxMode::kWrite, body);
    EXPECT_TRUE(absl::IsUnavailable(status) && status.message() == "disk gone")
        << "failing base call " << n << " (" << fault_store.trace().back() << "): " << status;
  }
}

TEST_F(BufferedTransactionTest, ApplyWritesStopsAtTheFirstFailure) {
  DATAMESH_ASSERT_OK(write([](Transaction& tx) { return tx.insert_subscription(pending("S1")); }));
  const std::vector<BufferedWrite> writes = {
      aws::PutAccount{full_account("111111111111")},
      aws::InsertSubscription{pending("S1")},  // taken in the target
      aws::PutAccount{full_account("222222222222")},
  };
  absl::Status status = store_->run(TxMode::kWrite, [&](Transaction& tx) -> absl::Status {
    absl::Status applied = apply_writes(writes, tx);
    EXPECT_TRUE(absl::IsAlreadyExists(applied)) << applied;
    EXPECT_NE(std::string(applied.message()).find("buffered write 2 of 3 (insert_subscription)"),
              std::string::npos)
        << applied;
    auto first = tx.get_account("111111111111");
    auto third = tx.get_account("222222222222");
    EXPECT_TRUE(first.ok() && first->has_value()) << "the write before it was made";
    EXPECT_TRUE(third.ok() && !third->has_value()) << "the write after it was made";
    return absl::OkStatus();
  });
  DATAMESH_ASSERT_OK(status);
}

// A create_data_products of 20,000 tables: every name listed, each source table read, its copy
// and link written and looked up, then every page listed. It prints how long the body took; no
// timing is asserted (a quadratic overlay would show as minutes, not as a failure).
TEST_F(BufferedTransactionTest, ALargeBodyOfTwentyThousandTablesCompletes) {
  constexpr int kTables = 20000;
  DATAMESH_ASSERT_OK(write([](Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database("source")));
    for (int i = 0; i < kTables; ++i) {
      DATAMESH_RETURN_IF_ERROR(tx.put_table(table("source", base::cat("t", 100000 + i))));
    }
    return absl::OkStatus();
  }));
  const auto start = std::chrono::steady_clock::now();
  in_buffer([](Transaction&, BufferedTransaction& tx) {
    DATAMESH_ASSERT_OK(tx.put_database(database("mesh")));
    auto names = tx.list_table_names(kCatalog, "source");
    ASSERT_TRUE(names.ok());
    ASSERT_EQ(names->size(), static_cast<size_t>(kTables));
    for (const std::string& name : *names) {
      auto source = tx.get_table(kCatalog, "source", name);
      ASSERT_TRUE(source.ok() && source->has_value());
      auto existing = tx.get_table(kCatalog, "mesh", name);
      ASSERT_TRUE(existing.ok() && !existing->has_value());
      Table copy = **source;
      copy.database_name = "mesh";
      DATAMESH_ASSERT_OK(tx.put_table(copy));
      DATAMESH_ASSERT_OK(tx.put_table(table("mesh", name + "_link")));
    }
    size_t listed = 0;
    for (std::string after;;) {
      auto page = tx.list_tables(kCatalog, "mesh", Page{.after = after, .limit = 100});
      ASSERT_TRUE(page.ok());
      if (page->empty()) break;
      listed += page->size();
      after = page->back().input.name;
    }
    EXPECT_EQ(listed, 2u * kTables);
    EXPECT_EQ(tx.writes().size(), 1u + 2u * kTables);
  });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  std::cout << "buffered body of " << kTables
            << " tables: " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
            << " ms\n";
}

}  // namespace
}  // namespace datamesh::store::aws::buffer_testing
