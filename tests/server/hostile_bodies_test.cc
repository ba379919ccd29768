// Request bodies built to hurt the server, sent signed by a real account: each gets a clear
// client error, and the server keeps serving. Found or motivated by the fuzz targets of fuzz/
// (docs/RELIABILITY.md#fuzzing). In-process server, raw signed HTTP.
#include <string>

#include "base/text.h"
#include "datamesh/catalog.h"
#include "gtest/gtest.h"
#include "server/served_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::kProducerAccount;

class HostileBodiesTest : public ServedMeshTest {
 protected:
  HttpAnswer post_as_producer(const std::string& path, const std::string& body) {
    auto request = signed_post(port(), path, body, key(kProducerAccount));
    EXPECT_OK(request);
    return request.ok() ? http_send(port(), *request) : HttpAnswer{};
  }

  // The server still answers, and still does work.
  void expect_still_serving() {
    EXPECT_EQ(http_get(port(), "/healthz").status, 200);
    const HttpAnswer tables =
        post_as_producer("/v1/catalog/get-tables", R"({"database_name": "sales"})");
    EXPECT_EQ(tables.status, 200) << tables.body;
  }
};

TEST_F(HostileBodiesTest, AMillionNestedArraysAreRefusedInsteadOfOverflowingTheStack) {
  // import-tables prints its get_tables_json again, recursing once per level: 10,000 levels
  // overflowed the worker thread's stack and killed the server.
  const int depth = 1'000'000;
  const std::string body = cat(R"({"database_name": "imported", "get_tables_json": )",
                               std::string(depth, '['), std::string(depth, ']'), "}");
  const HttpAnswer answer = post_as_producer("/v1/catalog/import-tables", body);
  EXPECT_TRUE(is_error_answer(answer, 400, "InvalidArgument",
                              "malformed JSON: arrays and objects nested deeper than 64 levels"))
      << answer.transport << answer.body.substr(0, 300);
  expect_still_serving();
}

TEST_F(HostileBodiesTest, ACatastrophicPatternGetsAClearErrorInsteadOfHangingTheServer) {
  // (a+)+ against 40 a's and a character it cannot match backtracks 2^40 ways; the match limit
  // stops it after 1,000,000 steps.
  DataMeshCatalog catalog(client_options(endpoint(), key(kProducerAccount)));
  TableInput table = test_support::sales_table(std::string(40, 'a') + "-x");
  ASSERT_OK(catalog.create_table("sales", table));
  for (const auto& [path, body] :
       {std::pair{"/v1/catalog/get-tables",
                  R"({"database_name": "sales", "expression": "(a+)+"})"},
        std::pair{"/v1/producer/create-data-products",
                  R"({"source_database_name": "sales", "table_name_regex": "(a+)+"})"}}) {
    SCOPED_TRACE(path);
    const HttpAnswer answer = post_as_producer(path, body);
    EXPECT_TRUE(is_error_answer(answer, 400, "InvalidArgument",
                                "\"(a+)+\" is too costly to evaluate: matching table name"))
        << answer.transport << answer.body;
  }
  expect_still_serving();
}

}  // namespace
}  // namespace datamesh::server_test
