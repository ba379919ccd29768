// Input the server refuses whole, over signed HTTP, with nothing stored (issue 15.5 and 15.6):
// duplicate JSON keys, integers outside their field's range, and Glue fields over their limits.
// Each refusal leaves the catalog and the audit log as they were.
#include <string>

#include "base/text.h"
#include "gtest/gtest.h"
#include "server/served_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::kProducerAccount;

class StrictInputTest : public ServedMeshTest {
 protected:
  HttpAnswer post_as_producer(const std::string& path, const std::string& body) {
    auto request = signed_post(port(), path, body, key(kProducerAccount));
    EXPECT_OK(request);
    return request.ok() ? http_send(port(), *request) : HttpAnswer{};
  }

  // `body` to create-table is refused with 400 InvalidArgument and `message`; table "t" is not
  // stored and the audit log does not grow.
  void expect_create_table_refused(const std::string& body, const std::string& message) {
    ASSERT_OK_AND_ASSIGN(const size_t audit_before, audit_count());
    const HttpAnswer answer = post_as_producer("/v1/catalog/create-table", body);
    EXPECT_TRUE(is_error_answer(answer, 400, "InvalidArgument", message))
        << answer.transport << answer.body.substr(0, 400);
    const HttpAnswer stored =
        post_as_producer("/v1/catalog/get-table", R"({"database_name": "sales", "name": "t"})");
    EXPECT_TRUE(is_error_answer(stored, 404, "NotFound"))
        << stored.status << " " << stored.body.substr(0, 300);
    ASSERT_OK_AND_ASSIGN(const size_t audit_after, audit_count());
    EXPECT_EQ(audit_after, audit_before);
  }
};

TEST_F(StrictInputTest, ADuplicateKeyIsRefusedAndNothingIsStored) {
  expect_create_table_refused(
      R"({"database_name": "sales", "table_input": {"Name": "t", "Name": "u"}})",
      "malformed JSON: duplicate key \"table_input.Name\"");
  expect_create_table_refused(
      R"({"database_name": "sales", "database_name": "other", "table_input": {"Name": "t"}})",
      "malformed JSON: duplicate key \"database_name\"");
}

TEST_F(StrictInputTest, AnIntegerOutOfRangeIsRefusedWithTheRangeNotWrapped) {
  for (const char* number : {"4294967297", "9223372036854775807", "18446744073709551615"}) {
    const HttpAnswer answer =
        post_as_producer("/v1/catalog/get-tables",
                         cat(R"({"database_name": "sales", "max_results": )", number, "}"));
    EXPECT_TRUE(is_error_answer(answer, 400, "InvalidArgument",
                                cat("max_results must be between 1 and 1000, not ", number)))
        << answer.body;
  }
  expect_create_table_refused(
      R"({"database_name": "sales", "table_input": {"Name": "t", "Retention": 4294967297}})",
      "TableInput.Retention must be an integer from -2147483648 to 2147483647, not 4294967297");
}

TEST_F(StrictInputTest, AColumnOverGluesLimitsIsRefusedNamingItAndNothingIsStored) {
  const std::string columns = cat(R"([{"Name": "a"}, {"Name": "b"}, {"Name": "c"},
      {"Name": "d", "Comment": ")",
                                  std::string(1 << 20, 'c'), R"("}])");
  expect_create_table_refused(
      cat(R"({"database_name": "sales", "table_input": {"Name": "t", "StorageDescriptor":
          {"Columns": )",
          columns, "}}}"),
      "TableInput.StorageDescriptor.Columns[3].Comment is 1048576 characters long; Glue allows "
      "at most 255 (CommentString)");
  expect_create_table_refused(
      cat(R"({"database_name": "sales", "table_input": {"Name": "t", "PartitionKeys":
          [{"Name": "dt", "Type": ")",
          std::string(131073, 't'), R"("}]}})"),
      "TableInput.PartitionKeys[0].Type is 131073 characters long; Glue allows at most 131072");
}

TEST_F(StrictInputTest, ATableInputOverItsWholeBoundIsRefused) {
  std::string parameters;
  for (const char* key : {"a", "b", "c"}) {
    parameters +=
        cat(parameters.empty() ? "" : ", ", "\"", key, "\": \"", std::string(400'000, 'v'), "\"");
  }
  expect_create_table_refused(
      cat(R"({"database_name": "sales", "table_input": {"Name": "t", "Parameters": {)", parameters,
          "}}}"),
      "TableInput holds 1200004 bytes of text in all; at most 1048576 are allowed");
}

TEST_F(StrictInputTest, ADatabaseOverGluesLimitsIsRefusedAndNotStored) {
  const HttpAnswer answer = post_as_producer(
      "/v1/catalog/create-database",
      cat(R"({"database_input": {"Name": "d", "LocationUri": ")", std::string(1025, 'u'), "\"}}"));
  EXPECT_TRUE(is_error_answer(answer, 400, "InvalidArgument",
                              "DatabaseInput.LocationUri is 1025 characters long; Glue allows at "
                              "most 1024 (URI)"))
      << answer.body.substr(0, 300);
  const HttpAnswer stored = post_as_producer("/v1/catalog/get-database", R"({"name": "d"})");
  EXPECT_TRUE(is_error_answer(stored, 404, "NotFound")) << stored.body;
}

}  // namespace
}  // namespace datamesh::server_test
