// The write buffer (store/aws/buffered_transaction.h) against SQLite as its model: the same
// random body of writes is made on a BufferedTransaction over one SQLite store and directly on
// a second SQLite store that starts in the same state. After every write both answer every read
// alike (gets, each listing walked in pages of a random size, counts, the audit chain), refused
// writes are refused with the same code, and once the buffered writes are applied the two
// stores hold the same rows. Small key spaces make writes hit the same rows again and again.
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/text.h"
#include "store/aws/buffered_transaction.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_test_support.h"

// Apart from the other store tests (one unity build): helper names here may repeat theirs.
namespace datamesh::store::aws::buffer_model_testing {
namespace {

using namespace ::datamesh::store::testing;  // NOLINT: the store tests' rows and helpers

const char* const kCatalogs[] = {"111111111111", "222222222222"};
const char* const kDatabases[] = {"a", "b", "c"};
const char* const kNames[] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};
const char* const kPrincipals[] = {"P1", "P2", "P3"};
const char* const kSubscriptionIds[] = {"", "S1", "S2", "S3"};
const char* const kIds[] = {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"};
const SubscriptionStatus kStatuses[] = {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
                                        SubscriptionStatus::kDenied, SubscriptionStatus::kDeleted};

// What the two transactions answer, as text, so that a difference names the read.
class Model {
 public:
  explicit Model(uint32_t seed) : random_(seed) {}

  template <typename T, size_t N>
  const T& pick(const T (&values)[N]) {
    return values[std::uniform_int_distribution<size_t>(0, N - 1)(random_)];
  }
  int number(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool chance(int percent) { return number(1, 100) <= percent; }

  // One random write, made on tx.
  absl::Status write(Transaction& tx, int64_t audit_head, const std::string& audit_hash) {
    switch (number(0, 12)) {
      case 0:
      case 1: {
        Table t;
        t.catalog_id = pick(kCatalogs);
        t.database_name = pick(kDatabases);
        t.input.name = pick(kNames);
        t.input.description = std::to_string(number(0, 99));
        return tx.put_table(t);
      }
      case 2:
        return tx.delete_table(pick(kCatalogs), pick(kDatabases), pick(kNames));
      case 3: {
        Database d;
        d.catalog_id = pick(kCatalogs);
        d.input.name = pick(kDatabases);
        d.input.description = std::to_string(number(0, 99));
        return tx.put_database(d);
      }
      case 4:
        return chance(30) ? tx.delete_database(pick(kCatalogs), pick(kDatabases))
                          : absl::OkStatus();
      case 5:
        return tx.put_product(ProductRow{.mesh_database = pick(kNames),
                                         .producer_account = pick(kPrincipals),
                                         .domain = pick(kDatabases),
                                         .public_metadata = chance(50)});
      case 6:
        return tx.put_grant(GrantRow{.principal = pick(kPrincipals),
                                     .catalog_id = kCatalogs[0],
                                     .database_name = pick(kDatabases),
                                     .table_name = chance(30) ? "*" : pick(kNames),
                                     .permission = chance(50) ? "SELECT" : "ALL",
                                     .grantable = chance(50),
                                     .subscription_id = pick(kSubscriptionIds)});
      case 7:
        return tx.delete_subscription_grants(pick(kSubscriptionIds));
      case 8:
        return tx.put_share(ShareRow{.share_arn = pick(kNames),
                                     .subscription_id = pick(kSubscriptionIds),
                                     .status = "PENDING",
                                     .creation_date = std::to_string(number(0, 3))});
      case 9: {
        Account account{.account_id = pick(kPrincipals), .is_mesh = chance(40)};
        DATAMESH_RETURN_IF_ERROR(tx.put_account(account));
        return tx.put_access_key(AccessKeyRow{.access_key_id = pick(kNames),
                                              .account_id = pick(kPrincipals),
                                              .creation_date = std::to_string(number(0, 3))});
      }
      case 10:
        return tx.insert_subscription(subscription(pick(kIds), 1));
      case 11: {
        Subscription s = subscription(pick(kIds), number(1, 4));
        return tx.update_subscription(s, s.version - (chance(80) ? 1 : 2));
      }
      default: {
        AuditEvent event{.subscription_id = pick(kSubscriptionIds), .notes = "n"};
        event.sequence = audit_head + (chance(90) ? 1 : 2);
        return tx.append_audit_event({.event = event,
                                      .previous_hash = chance(90) ? audit_hash : "wrong",
                                      .hash = base::cat("h", event.sequence)});
      }
    }
  }

  // Everything tx answers, as lines of text; the page sizes are drawn from `sizes`.
  std::vector<std::string> reads(Transaction& tx, std::mt19937 sizes) {
    std::vector<std::string> out;
    const auto size = [&] { return std::uniform_int_distribution<int>(1, 4)(sizes); };
    const auto note = [&](auto&&... parts) { out.push_back(base::cat(parts...)); };
    const auto error = [&](const absl::Status& s) {
      note("error ", absl::StatusCodeToString(s.code()));
    };
    for (const char* catalog : kCatalogs) {
      walk(
          [&](const std::string& after, int limit) {
            return tx.list_databases(catalog, Page{.after = after, .limit = limit});
          },
          [](const Database& d) { return d.input.name; }, size(),
          [&](const Database& d) {
            note("database ", catalog, " ", d.input.name, " ", d.input.description);
          },
          error);
      for (const char* db : kDatabases) {
        walk(
            [&](const std::string& after, int limit) {
              return tx.list_tables(catalog, db, Page{.after = after, .limit = limit});
            },
            [](const Table& t) { return t.input.name; }, size(),
            [&](const Table& t) {
              note("table ", catalog, " ", db, " ", t.input.name, " ", t.input.description);
            },
            error);
        walk(
            [&](const std::string& after, int limit) {
              return tx.list_table_names_page(catalog, db, Page{.after = after, .limit = limit});
            },
            [](const std::string& name) { return name; }, size(),
            [&](const std::string& name) { note("name ", catalog, " ", db, " ", name); }, error);
        auto names = tx.list_table_names(catalog, db);
        if (names.ok()) note("names ", base::join(*names, ","));
        auto one = tx.get_table(catalog, db, "t3");
        if (one.ok()) note("t3 ", *one ? (*one)->input.description : "none");
        auto database = tx.get_database(catalog, db);
        if (database.ok()) note("db ", *database ? (*database)->input.description : "none");
      }
    }
    for (const char* producer : {"", "P1"}) {
      for (const char* domain : {"", "a"}) {
        for (bool public_only : {false, true}) {
          walk(
              [&](const std::string& after, int limit) {
                return tx.list_products({.producer_account = producer,
                                         .domain = domain,
                                         .public_metadata_only = public_only},
                                        Page{.after = after, .limit = limit});
              },
              [](const ProductRow& p) { return p.mesh_database; }, size(),
              [&](const ProductRow& p) {
                note("product ", p.mesh_database, " ", p.producer_account);
              },
              error);
        }
      }
    }
    for (const char* principal : kPrincipals) {
      for (const char* db : kDatabases) {
        for (const char* table : {"t1", ""}) {  // a table's check, and the database's
          auto grants = tx.find_grants(principal, kCatalogs[0], db, table);
          if (!grants.ok()) error(grants.status());
          for (const GrantRow& g : grants.value_or(std::vector<GrantRow>()))
            note("found ", grant_text(g));
        }
      }
      auto account = tx.get_account(principal);
      if (account.ok())
        note("account ", principal,
             *account ? ((*account)->is_mesh ? " mesh" : " member") : " none");
      auto keys = tx.list_access_keys(principal);
      for (const AccessKeyRow& k : keys.value_or(std::vector<AccessKeyRow>()))
        note("key ", principal, " ", k.access_key_id, " ", k.creation_date);
    }
    auto mesh = tx.get_mesh_account();
    if (mesh.ok()) note("mesh ", *mesh ? (*mesh)->account_id : "none");
    auto accounts = tx.list_accounts();
    for (const Account& a : accounts.value_or(std::vector<Account>()))
      note("listed account ", a.account_id);
    for (const char* id : kSubscriptionIds) {
      auto grants = tx.list_subscription_grants(id);
      for (const GrantRow& g : grants.value_or(std::vector<GrantRow>()))
        note("grant of ", id, " ", grant_text(g));
      auto shares = tx.list_subscription_shares(id);
      for (const ShareRow& s : shares.value_or(std::vector<ShareRow>()))
        note("share of ", id, " ", s.share_arn);
    }
    for (const char* id : kIds) {
      auto s = tx.get_subscription(id);
      if (s.ok()) note("subscription ", id, *s ? subscription_text(**s) : " none");
    }
    const SubscriptionFilter filters[] = {
        {},
        {.include_deleted = true},
        {.owner = "P1"},
        {.owner = "P2", .status = SubscriptionStatus::kPending},
        {.subscriber = "P3", .database_name = "a"},
        {.status = SubscriptionStatus::kDeleted},
        {.subscriber = "P1", .include_deleted = true, .database_name = "b"},
    };
    for (const SubscriptionFilter& filter : filters) {
      walk(
          [&](const std::string& after, int limit) {
            return tx.list_subscriptions(filter, Page{.after = after, .limit = limit});
          },
          [](const Subscription& s) { return s.subscription_id; }, size(),
          [&](const Subscription& s) { note("listed ", s.subscription_id, subscription_text(s)); },
          error);
    }
    for (const char* subscriber : kPrincipals) {
      Subscription request = subscription("request", 1);
      request.subscriber_principal = subscriber;
      auto duplicates = tx.find_live_duplicates(request);
      for (const Subscription& s : duplicates.value_or(std::vector<Subscription>()))
        note("duplicate ", s.subscription_id);
    }
    auto counts = tx.count_subscriptions_by_status();
    if (counts.ok()) {
      std::map<SubscriptionStatus, int64_t> sorted(counts->begin(), counts->end());
      for (const auto& [status, count] : sorted)
        note("count ", static_cast<int>(status), " ", count);
    }
    auto head = tx.audit_chain_head();
    if (head.ok()) note("head ", head->sequence, " ", head->hash);
    walk([&](const std::string& after,
             int limit) { return tx.list_audit_chain(Page{.after = after, .limit = limit}); },
         [](const ChainedAuditEvent& e) { return std::to_string(e.event.sequence); }, size(),
         [&](const ChainedAuditEvent& e) { note("event ", e.event.sequence, " ", e.hash); }, error);
    walk(
        [&](const std::string& after, int limit) {
          return tx.list_audit_events("S1", Page{.after = after, .limit = limit});
        },
        [](const AuditEvent& e) { return std::to_string(e.sequence); }, size(),
        [&](const AuditEvent& e) { note("event of S1 ", e.sequence); }, error);
    return out;
  }

  Subscription subscription(const std::string& id, int64_t version) {
    return Subscription{.subscription_id = id,
                        .status = pick(kStatuses),
                        .database_name = pick(kDatabases),
                        .table_names = {chance(50) ? "t1" : "t2"},
                        .requested_grants = {"SELECT"},
                        .owner_principal = pick(kPrincipals),
                        .subscriber_principal = pick(kPrincipals),
                        .version = version};
  }

 private:
  static std::string grant_text(const GrantRow& g) {
    return base::cat(g.principal, "/", g.database_name, "/", g.table_name, "/", g.permission, "/",
                     g.subscription_id, g.grantable ? " grantable" : "");
  }
  static std::string subscription_text(const Subscription& s) {
    return base::cat(" v", s.version, " ", static_cast<int>(s.status), " ", s.owner_principal, " ",
                     s.subscriber_principal, " ", s.database_name);
  }

  // Walks a listing page by page (limit rows each), calling each_row on every row.
  template <typename List, typename KeyOf, typename EachRow, typename Error>
  static void walk(List list, KeyOf key_of, int limit, EachRow each_row, Error error) {
    std::string after;
    for (int page = 0; page < 1000; ++page) {
      auto rows = list(after, limit);
      if (!rows.ok()) return error(rows.status());
      for (const auto& row : *rows) each_row(row);
      if (static_cast<int>(rows->size()) < limit) return;
      after = key_of(rows->back());
    }
    ADD_FAILURE() << "a listing did not end";
  }

  std::mt19937 random_;
};

class BufferedTransactionModelTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(BufferedTransactionModelTest, AnswersAsTheStoreItBuffersWouldAfterEachWrite) {
  auto buffered_store = SqliteStore::open(":memory:");
  auto model_store = SqliteStore::open(":memory:");
  ASSERT_TRUE(buffered_store.ok() && model_store.ok());
  Model model(GetParam());
  // The same base in both: a committed first round of random writes, the same in each.
  for (Store* store :
       {static_cast<Store*>(buffered_store->get()), static_cast<Store*>(model_store->get())}) {
    Model seeding(GetParam() + 1000);
    DATAMESH_ASSERT_OK(write_in(*store, [&](Transaction& tx) -> absl::Status {
      for (int i = 0; i < 60; ++i) {
        auto head = tx.audit_chain_head();
        if (!head.ok()) return head.status();
        (void)seeding.write(tx, head->sequence, head->hash);  // refused writes change nothing
      }
      // The stores check at COMMIT that each table's database and each key's account exist.
      for (const char* catalog : kCatalogs) {
        for (const char* name : kDatabases) {
          DATAMESH_ASSIGN_OR_RETURN(const std::optional<Database> found,
                                    tx.get_database(catalog, name));
          Database database;
          database.catalog_id = catalog;
          database.input.name = name;
          if (!found) DATAMESH_RETURN_IF_ERROR(tx.put_database(database));
        }
      }
      for (const char* principal : kPrincipals) {
        DATAMESH_ASSIGN_OR_RETURN(const std::optional<Account> found, tx.get_account(principal));
        if (!found) DATAMESH_RETURN_IF_ERROR(tx.put_account(Account{.account_id = principal}));
      }
      return absl::OkStatus();
    }));
  }
  // The body is compared, not committed: both transactions are rolled back at the end (its
  // writes need not leave references the stores' COMMIT accepts).
  int refused = 0;
  const absl::Status ran = write_in(**model_store, [&](Transaction& reference) -> absl::Status {
    return write_in(**buffered_store, [&](Transaction& base) -> absl::Status {
      aws::BufferedTransaction buffered(base);
      for (int step = 0; step < 80; ++step) {
        auto head = reference.audit_chain_head();
        if (!head.ok()) return head.status();
        const uint32_t draw = model.number(0, 1 << 30);
        Model for_reference(draw);
        Model for_buffer(draw);
        const absl::Status expected = for_reference.write(reference, head->sequence, head->hash);
        const absl::Status got = for_buffer.write(buffered, head->sequence, head->hash);
        EXPECT_EQ(got.code(), expected.code())
            << "step " << step << ": " << got << " / " << expected;
        if (!expected.ok()) ++refused;
        const std::mt19937 sizes(draw);
        EXPECT_EQ(for_buffer.reads(buffered, sizes), for_reference.reads(reference, sizes))
            << "step " << step;
        if (::testing::Test::HasFailure())
          return absl::CancelledError("stopped at the first difference");
      }
      DATAMESH_RETURN_IF_ERROR(aws::apply_writes(buffered.writes(), base));
      EXPECT_EQ(Model(7).reads(base, std::mt19937(7)), Model(7).reads(reference, std::mt19937(7)));
      return absl::CancelledError("compared; rolled back");
    });
  });
  EXPECT_EQ(ran, absl::CancelledError("compared; rolled back"));
  EXPECT_GT(refused, 0) << "no write was refused: the refusals went untested";
}

INSTANTIATE_TEST_SUITE_P(Seeds, BufferedTransactionModelTest, ::testing::Range(1u, 13u));

}  // namespace
}  // namespace datamesh::store::aws::buffer_model_testing
