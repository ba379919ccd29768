// Bad input end to end: each class of wrong value is refused with the right code and changes
// nothing (the audit log keeps its length).
#include <functional>
#include <string>
#include <vector>

#include "datamesh/admin.h"
#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

// 22 characters of the id alphabet, never issued.
constexpr char kUnknownId[] = "23456789ABCDEFGHJKLMNP";

class BadInputTest : public MeshFixture {
 protected:
  void SetUp() override {
    MeshFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_OK(publish_sales());
    ASSERT_OK_AND_ASSIGN(pending_, request({"SELECT", "INSERT"}, Strings{"orders"}));
    ASSERT_OK_AND_ASSIGN(active_, active_subscription({"SELECT", "DELETE"}, Strings{"orders"}));
    ASSERT_OK_AND_ASSIGN(Subscription still_pending, subscription(pending_));
    ASSERT_EQ(still_pending.status, SubscriptionStatus::kPending);
  }

  // Every call that takes a subscription id, as its rightful caller, with `id`.
  std::vector<std::pair<std::string, std::function<absl::Status()>>> calls_with_id(
      const std::string& id) {
    return {
        {"approve", [=, this] { return producer().approve_access_request(id); }},
        {"deny", [=, this] { return producer().deny_access_request(id, "no"); }},
        {"update",
         [=, this] { return producer().update_subscription_permissions(id, {"SELECT"}); }},
        {"producer delete", [=, this] { return producer().delete_subscription(id, "gone"); }},
        {"producer get", [=, this] { return producer().get_subscription(id).status(); }},
        {"producer grants", [=, this] { return producer().get_subscription_grants(id).status(); }},
        {"producer history",
         [=, this] { return producer().get_subscription_history(id).status(); }},
        {"finalize", [=, this] { return consumer().finalize_subscription(id); }},
        {"consumer get", [=, this] { return consumer().get_subscription(id).status(); }},
        {"consumer delete", [=, this] { return consumer().delete_subscription(id, "gone"); }},
        {"consumer grants", [=, this] { return consumer().get_subscription_grants(id).status(); }},
        {"consumer history",
         [=, this] { return consumer().get_subscription_history(id).status(); }},
    };
  }

  // Runs each call expecting `code`, then checks that the audit log did not grow.
  void expect_all(const std::vector<std::pair<std::string, std::function<absl::Status()>>>& calls,
                  StatusCode code) {
    ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
    for (const auto& [name, call] : calls) {
      SCOPED_TRACE(name);
      EXPECT_STATUS_CODE(call(), code);
    }
    EXPECT_EQ(audit_count().value_or(0), before);
  }

  std::string pending_;  // SELECT, INSERT on orders
  std::string active_;   // SELECT, DELETE on orders
};

TEST_F(BadInputTest, UnknownSubscriptionIdIsNotFound) {
  expect_all(calls_with_id(kUnknownId), StatusCode::kNotFound);
}

TEST_F(BadInputTest, MalformedSubscriptionIdIsInvalidArgument) {
  for (const std::string& bad :
       {std::string("abc"), std::string(""), std::string("0000000000000000000000"),  // 0 not used
        std::string("23456789ABCDEFGHJKLMNPQ"),                                      // 23 chars
        std::string("23456789ABCDEFGHJKLMN "), std::string(300, 'a')}) {
    SCOPED_TRACE("id \"" + bad.substr(0, 30) + "\"");
    expect_all(calls_with_id(bad), StatusCode::kInvalidArgument);
  }
  EXPECT_STATUS_CODE(admin().list_audit_events("abc"), StatusCode::kInvalidArgument);
}

TEST_F(BadInputTest, InvalidCatalogNamesAreInvalidArgument) {
  const std::vector<std::string> bad_names = {"Sales", "my sales", std::string(256, 'a'),
                                              "",      "sales.db", "sales/x"};
  for (const std::string& bad : bad_names) {
    SCOPED_TRACE("name \"" + bad.substr(0, 30) + "\"");
    expect_all(
        {
            {"create_database",
             [&] { return catalog(kProducerAccount).create_database({.name = bad}); }},
            {"create_table (table name)",
             [&] {
               return catalog(kProducerAccount).create_table(kSalesDatabase, sales_table(bad));
             }},
            {"create_table (database name)",
             [&] { return catalog(kProducerAccount).create_table(bad, sales_table("t")); }},
            {"get_tables", [&] { return catalog(kProducerAccount).get_tables(bad).status(); }},
            {"create_data_products source",
             [&] { return producer().create_data_products(bad).status(); }},
            {"create_data_products expose name",
             [&] {
               return producer()
                   .create_data_products(kSalesDatabase,
                                         {.expose_data_mesh_db_name = bad.empty() ? "A" : bad})
                   .status();
             }},
            {"get_data_product", [&] { return producer().get_data_product(bad).status(); }},
            {"request_access_to_product",
             [&] {
               return consumer()
                   .request_access_to_product(kProducerAccount, bad, {"SELECT"})
                   .status();
             }},
            {"get_table_info (database)",
             [&] { return consumer().get_table_info(bad, "orders").status(); }},
            {"get_table_info (table)",
             [&] { return consumer().get_table_info(kSalesProduct, bad).status(); }},
            {"check_permission",
             [&] { return consumer().check_permission(bad, "orders", "SELECT").status(); }},
        },
        StatusCode::kInvalidArgument);
  }
}

TEST_F(BadInputTest, NamesOf255CharactersAreAccepted) {
  const std::string longest(255, 'a');
  ASSERT_OK(catalog(kProducerAccount).create_database({.name = longest}));
  ASSERT_OK(catalog(kProducerAccount).create_table(longest, sales_table(longest)));
  ASSERT_OK_AND_ASSIGN(Table table, catalog(kProducerAccount).get_table(longest, longest));
  EXPECT_EQ(table.input.name, longest);
}

TEST_F(BadInputTest, MalformedAccountIdsAreInvalidArgument) {
  for (const std::string& bad :
       {std::string("11111111111"), std::string("1111111111111"), std::string("11111111111a"),
        std::string(""), std::string("111111 11111")}) {
    SCOPED_TRACE("account \"" + bad + "\"");
    expect_all(
        {
            {"request_access_to_product",
             [&] {
               return consumer().request_access_to_product(bad, kSalesProduct, {"SELECT"}).status();
             }},
            {"enable_account_as_producer", [&] { return admin().enable_account_as_producer(bad); }},
            {"enable_account_as_consumer", [&] { return admin().enable_account_as_consumer(bad); }},
            {"describe_account", [&] { return admin().describe_account(bad).status(); }},
            {"create_access_key", [&] { return admin().create_access_key(bad).status(); }},
            {"list_access_keys", [&] { return admin().list_access_keys(bad).status(); }},
        },
        StatusCode::kInvalidArgument);
    if (!bad.empty()) {  // empty means "generate one"
      EXPECT_STATUS_CODE(admin().create_account("someone", bad), StatusCode::kInvalidArgument);
    }
  }
}

TEST_F(BadInputTest, MalformedJsonInImportTablesIsInvalidArgument) {
  expect_all(
      {
          {"truncated",
           [&] {
             return catalog(kProducerAccount).import_tables("raw", R"({"TableList": [)").status();
           }},
          {"not json",
           [&] { return catalog(kProducerAccount).import_tables("raw", "TableList:").status(); }},
          {"empty", [&] { return catalog(kProducerAccount).import_tables("raw", "").status(); }},
          {"trailing garbage",
           [&] {
             return catalog(kProducerAccount)
                 .import_tables("raw", R"({"TableList": [{"Name": "t"}]} x)")
                 .status();
           }},
      },
      StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(catalog(kProducerAccount).get_database("raw"), StatusCode::kNotFound);
}

TEST_F(BadInputTest, OverlyLongNotesAreInvalidArgument) {
  const std::string too_long(4097, 'n');
  ASSERT_OK_AND_ASSIGN(std::string pending_before, snapshot(pending_));
  ASSERT_OK_AND_ASSIGN(std::string active_before, snapshot(active_));
  expect_all(
      {
          {"approve notes",
           [&] {
             return producer().approve_access_request(pending_, {.decision_notes = too_long});
           }},
          {"deny notes", [&] { return producer().deny_access_request(pending_, too_long); }},
          {"update notes",
           [&] {
             return producer().update_subscription_permissions(active_, {"SELECT"}, too_long);
           }},
          {"producer delete reason",
           [&] { return producer().delete_subscription(active_, too_long); }},
          {"consumer delete reason",
           [&] { return consumer().delete_subscription(pending_, too_long); }},
      },
      StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(pending_).value_or(""), pending_before);
  EXPECT_EQ(snapshot(active_).value_or(""), active_before);
}

TEST_F(BadInputTest, NotesOfExactly4096BytesAreAccepted) {
  const std::string longest(4096, 'n');
  ASSERT_OK(producer().deny_access_request(pending_, longest));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(pending_));
  EXPECT_EQ(sub.notes, Strings{longest});
}

TEST_F(BadInputTest, NotesThatAreNotUtf8AreInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(pending_));
  EXPECT_STATUS_CODE(producer().deny_access_request(pending_, std::string("bad \xff byte")),
                     StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(pending_).value_or(""), before);
}

TEST_F(BadInputTest, UnknownPermissionNamesAreInvalidArgument) {
  expect_all(
      {
          {"request",
           [&] {
             return consumer()
                 .request_access_to_product(kProducerAccount, kSalesProduct, {"WRITE"})
                 .status();
           }},
          {"approve grant",
           [&] {
             return producer().approve_access_request(pending_,
                                                      {.grant_permissions = Strings{"WRITE"}});
           }},
          {"approve grantable",
           [&] {
             return producer().approve_access_request(pending_,
                                                      {.grantable_permissions = Strings{"WRITE"}});
           }},
          {"update",
           [&] { return producer().update_subscription_permissions(active_, {"WRITE"}); }},
          {"check_permission",
           [&] { return consumer().check_permission(kSalesProduct, "orders", "WRITE").status(); }},
      },
      StatusCode::kInvalidArgument);
}

TEST_F(BadInputTest, PageSizesOutOfRangeAreInvalidArgument) {
  for (int bad : {0, -1, 1001}) {
    SCOPED_TRACE(bad);
    const PageRequest page{.max_results = bad};
    expect_all(
        {
            {"list_pending_access_requests",
             [&] { return producer().list_pending_access_requests(page).status(); }},
            {"list_product_access", [&] { return consumer().list_product_access(page).status(); }},
            {"get_subscription_history",
             [&] { return producer().get_subscription_history(active_, page).status(); }},
            {"list_audit_events", [&] { return admin().list_audit_events("", page).status(); }},
            {"get_databases",
             [&] { return catalog(kProducerAccount).get_databases(page).status(); }},
            {"get_tables",
             [&] {
               return catalog(kProducerAccount).get_tables(kSalesDatabase, "", page).status();
             }},
        },
        StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace datamesh::test_support
