// Strict reading of JSON input (issue 15.6): an object that gives a key twice is refused (the
// last value used to win silently), and an integer outside its field's range is refused with the
// range, never wrapped (max_results 4294967297 used to be read as 1, 2^63-1 as -1).
#include <string>

#include "api/json_codec.h"
#include "api/request_fields.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::api {
namespace {

using absl::StatusCode;
using nlohmann::json;

TEST(StrictJson, RefusesADuplicateKeyNamingItsPath) {
  EXPECT_STATUS(parse_json(R"({"max_results": 5, "max_results": 6})"),
                StatusCode::kInvalidArgument,
                "malformed JSON: duplicate key \"max_results\": give each key of an object once");
  EXPECT_STATUS(parse_json(R"({"database_name": "sales",
                               "table_input": {"Name": "a", "StorageDescriptor": {"Columns": [
                                 {"Name": "x"}, {"Name": "y", "Type": "int", "Name": "z"}]}}})"),
                StatusCode::kInvalidArgument,
                "duplicate key \"table_input.StorageDescriptor.Columns[].Name\"");
}

TEST(StrictJson, AcceptsTheSameKeyInDifferentObjects) {
  ASSERT_OK_AND_ASSIGN(const json parsed,
                       parse_json(R"({"a": {"Name": 1}, "b": {"Name": 2}, "c": [{"Name": 3},
                                     {"Name": 4}], "Name": 5})"));
  EXPECT_EQ(parsed["c"][1]["Name"], 4);
  EXPECT_EQ(parsed["Name"], 5);
}

TEST(StrictJson, SecretJsonRefusesDuplicatesWithoutQuotingValues) {
  const auto parsed = parse_secret_json(
      R"({"AccessKeyId": "AKIA1", "SecretAccessKey": "s3cr3t", "SecretAccessKey": "other"})");
  EXPECT_STATUS(parsed, StatusCode::kInvalidArgument, "duplicate key \"SecretAccessKey\"");
  EXPECT_EQ(std::string(parsed.status().message()).find("s3cr3t"), std::string::npos);
  EXPECT_EQ(std::string(parsed.status().message()).find("other"), std::string::npos);
}

// read_request is how every front end reads a method's parameters (HTTP bodies, the CLI).
absl::StatusOr<ListAuditEventsRequest> read_page(const json& params) {
  return read_request<ListAuditEventsRequest>(Params(params));
}

TEST(StrictJson, RefusesAnIntegerOutsideItsFieldsRangeInsteadOfWrappingIt) {
  EXPECT_STATUS(read_page({{"max_results", 4294967297ULL}}), StatusCode::kInvalidArgument,
                "max_results must be between 1 and 1000, not 4294967297");
  EXPECT_STATUS(read_page({{"max_results", 9223372036854775807LL}}),
                StatusCode::kInvalidArgument,
                "max_results must be between 1 and 1000, not 9223372036854775807");
  EXPECT_STATUS(read_page({{"max_results", 18446744073709551615ULL}}),
                StatusCode::kInvalidArgument,
                "max_results must be between 1 and 1000, not 18446744073709551615");
  EXPECT_STATUS(read_page({{"max_results", -4294967295LL}}), StatusCode::kInvalidArgument,
                "max_results must be between 1 and 1000, not -4294967295");
  EXPECT_STATUS(read_page({{"max_results", 0}}), StatusCode::kInvalidArgument,
                "max_results must be between 1 and 1000, not 0");
  ASSERT_OK_AND_ASSIGN(const ListAuditEventsRequest read, read_page({{"max_results", 1000}}));
  EXPECT_EQ(read.page.max_results, 1000);
}

TEST(StrictJson, GlueIntegersOutsideTheirRangeAreRefusedWithTheRange) {
  EXPECT_STATUS(table_input_from_json(json{{"Name", "t"}, {"Retention", 4294967297ULL}},
                                      Strictness::kStrict),
                StatusCode::kInvalidArgument,
                "TableInput.Retention must be an integer from -2147483648 to 2147483647, not "
                "4294967297");
}

}  // namespace
}  // namespace datamesh::api
