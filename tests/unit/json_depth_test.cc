// parse_json's nesting limit (api::kMaxJsonDepth). A request body nested 10,000 levels deep
// overflowed the stack of the server thread that printed it again (catalog import-tables dumps
// its get_tables_json parameter); the input is
// fuzz/corpus/route_body_fuzzer/regression-import-tables-nested-10000-deep.
#include <string>

#include "api/json_codec.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::api {
namespace {

using absl::StatusCode;

std::string nested(int depth, std::string_view inside = "") {
  return std::string(depth, '[') + std::string(inside) + std::string(depth, ']');
}

TEST(JsonDepth, AcceptsDocumentsNestedUpToTheLimit) {
  ASSERT_OK_AND_ASSIGN(const nlohmann::json document, parse_json(nested(kMaxJsonDepth)));
  EXPECT_TRUE(document.is_array());
  EXPECT_OK(parse_json(std::string(kMaxJsonDepth - 1, '[') + "{\"a\": 1}" +
                       std::string(kMaxJsonDepth - 1, ']')));
}

TEST(JsonDepth, RefusesOneLevelMoreNamingWhere) {
  EXPECT_STATUS(parse_json(nested(kMaxJsonDepth + 1)), StatusCode::kInvalidArgument,
                "malformed JSON: arrays and objects nested deeper than 64 levels at line 1, "
                "column 65");
  const std::string on_line_two = "{\"a\":\n  " + nested(kMaxJsonDepth) + "}";
  EXPECT_STATUS(parse_json(on_line_two), StatusCode::kInvalidArgument,
                "nested deeper than 64 levels at line 2, column 66");
}

TEST(JsonDepth, RefusesAHugelyNestedBodyWithoutCrashing) {
  for (int depth : {10'000, 1'000'000}) {
    EXPECT_STATUS(parse_json("{\"get_tables_json\": " + nested(depth) + "}"),
                  StatusCode::kInvalidArgument, "nested deeper than 64 levels");
    EXPECT_STATUS(import_table_list(nested(depth)), StatusCode::kInvalidArgument,
                  "nested deeper than 64 levels");
    EXPECT_STATUS(parse_secret_json(nested(depth)), StatusCode::kInvalidArgument,
                  "nested deeper than 64 levels");
  }
}

TEST(JsonDepth, BracketsInStringsDoNotCount) {
  const std::string brackets = std::string(200, '[') + "\\\"" + std::string(200, '{') + "\\\\";
  ASSERT_OK_AND_ASSIGN(const nlohmann::json document,
                       parse_json(nested(kMaxJsonDepth, "\"" + brackets + "\"")));
  const nlohmann::json* inner = &document;
  for (int level = 1; level < kMaxJsonDepth; ++level) inner = &(*inner)[0];
  EXPECT_EQ((*inner)[0].get<std::string>().size(), 402u);
}

TEST(JsonDepth, ClosingBracketsLowerTheDepth) {
  std::string siblings;
  for (int i = 0; i < 1000; ++i) siblings += (i == 0 ? "" : ",") + nested(kMaxJsonDepth - 1);
  EXPECT_OK(parse_json("[" + siblings + "]"));
}

}  // namespace
}  // namespace datamesh::api
