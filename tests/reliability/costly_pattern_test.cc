// A costly pattern never holds the write lock (issue 15.2): create_data_products and
// request_access_to_product match their patterns before their write transaction, so a pattern
// that runs out of its budget fails without a write transaction ever starting, and nothing is
// stored. The FaultStore under the mesh counts the write transactions begun.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "base/text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reliability/test_mesh.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using nlohmann::json;
using server_test::ScratchDir;
using test_support::kConsumerAccount;
using test_support::kProducerAccount;
using test_support::kSalesProduct;
using ::testing::HasSubstr;
using base::cat;

// (a+)+ against 40 a's and a character it cannot match backtracks 2^40 ways.
const std::string kCostlyName = std::string(40, 'a') + "-x";

class CostlyPatternTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenMesh::open(scratch_.path() / "mesh.db", /*create=*/true);
    ASSERT_TRUE(opened.ok()) << opened.status();
    mesh_ = std::move(*opened);
    auto world = build_world(*mesh_);
    ASSERT_TRUE(world.ok()) << world.status();
    world_ = std::move(*world);
    // The costly name in P's source database and, published again, in its mesh database.
    ASSERT_TRUE(call(kProducerAccount, "catalog", "create_table",
                     {{"database_name", "sales"}, {"table_input", {{"Name", kCostlyName}}}})
                    .ok());
    ASSERT_TRUE(call(kProducerAccount, "producer", "create_data_products",
                     {{"source_database_name", "sales"}})
                    .ok());
  }

  absl::StatusOr<json> call(const std::string& account, std::string_view group,
                            std::string_view method, const json& params) {
    return mesh_->call(group, method, params, world_.keys.at(account));
  }

  // The audit log's length, as the mesh admin pages it.
  size_t audit_length() {
    auto events = mesh_->call("admin", "list_audit_events", {{"max_results", 1000}},
                              world_.keys.at(test_support::kMeshAccount));
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? events->value("Events", json::array()).size() : 0;
  }

  // Runs `method` with a costly pattern and checks it fails as too costly with no write
  // transaction begun and the audit log unchanged.
  void expect_refused_before_any_write(const std::string& account, std::string_view group,
                                       std::string_view method, const json& params) {
    const size_t audit_before = audit_length();
    mesh_->faults().disarm();
    const absl::StatusOr<json> answer = call(account, group, method, params);
    const test_support::FaultCounts counts = mesh_->faults().counts();
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(answer.status().message()), HasSubstr("is too costly to evaluate"));
    EXPECT_GE(counts.begins, 1) << "the pattern was matched in a read transaction";
    EXPECT_EQ(counts.write_begins, 0) << "the pattern ran while a write transaction was open";
    EXPECT_EQ(audit_length(), audit_before);
  }

  ScratchDir scratch_;
  std::unique_ptr<OpenMesh> mesh_;
  World world_;
};

TEST_F(CostlyPatternTest, CreateDataProductsMatchesItsPatternBeforeTheWriteTransaction) {
  expect_refused_before_any_write(
      kProducerAccount, "producer", "create_data_products",
      {{"source_database_name", "sales"}, {"table_name_regex", "(a+)+"}});
}

TEST_F(CostlyPatternTest, RequestAccessToProductMatchesItsPatternsBeforeTheWriteTransaction) {
  expect_refused_before_any_write(kConsumerAccount, "consumer", "request_access_to_product",
                                  {{"owner_account_id", kProducerAccount},
                                   {"database_name", kSalesProduct},
                                   {"request_permissions", {"SELECT"}},
                                   {"tables", {"orders", "(a+)+"}}});
}

TEST_F(CostlyPatternTest, CreateDataProductsReadsNamesInPagesAndStopsAtTheBudget) {
  // 600 names, every one costly: the call runs out of its budget within the first page and
  // reads no further. Names are read a page at a time (256, then 512, ...), each page in a read
  // transaction of its own, never the whole database at once.
  json tables = json::array();
  for (int i = 0; i < 600; ++i) {
    tables.push_back({{"Name", cat(std::string(20, 'a'), "-", 1000 + i)}});
  }
  const absl::StatusOr<json> imported =
      call(kProducerAccount, "catalog", "import_tables",
           {{"database_name", "wide"}, {"get_tables_json", {{"TableList", tables}}}});
  ASSERT_TRUE(imported.ok()) << imported.status();
  mesh_->faults().disarm();
  const absl::StatusOr<json> refused =
      call(kProducerAccount, "producer", "create_data_products",
           {{"source_database_name", "wide"}, {"table_name_regex", "(a+)+"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("is too costly to evaluate"));
  std::vector<std::string> trace = mesh_->faults().trace();
  EXPECT_EQ(std::count(trace.begin(), trace.end(), "list_table_names_page"), 1)
      << "read past the first page: " << absl::StrJoin(trace, ", ");
  EXPECT_EQ(std::count(trace.begin(), trace.end(), "list_table_names"), 0);

  // An ordinary pattern reads the pages 256 and 512 (600 names), each in its own read
  // transaction, and publishes what it matches in one write transaction.
  mesh_->faults().disarm();
  const absl::StatusOr<json> published =
      call(kProducerAccount, "producer", "create_data_products",
           {{"source_database_name", "wide"}, {"table_name_regex", "a+-1(0|1).*"}});
  ASSERT_TRUE(published.ok()) << published.status();
  trace = mesh_->faults().trace();
  const test_support::FaultCounts counts = mesh_->faults().counts();
  EXPECT_EQ(std::count(trace.begin(), trace.end(), "list_table_names_page"), 2)
      << absl::StrJoin(trace, ", ");
  EXPECT_EQ(counts.write_begins, 1);
  EXPECT_GE(counts.begins - counts.write_begins, 2) << "a read transaction per page";
  EXPECT_EQ(published->value("Tables", json::array()).size(), 200u) << published->dump();
}

TEST_F(CostlyPatternTest, AnOrdinaryPatternStillWritesAndSelectsWhatItMatches) {
  mesh_->faults().disarm();
  auto requested = call(kConsumerAccount, "consumer", "request_access_to_product",
                        {{"owner_account_id", kProducerAccount},
                         {"database_name", kSalesProduct},
                         {"request_permissions", {"SELECT"}},
                         {"tables", {"order.*"}}});
  ASSERT_TRUE(requested.ok()) << requested.status();
  EXPECT_EQ(mesh_->faults().counts().write_begins, 1);
  EXPECT_EQ(requested->value("Table", json()), json({"order_items", "orders"}))
      << requested->dump();
}

}  // namespace
}  // namespace datamesh::reliability
