// Glue's field limits on TableInput and DatabaseInput (core/glue_limits.h): every field at its
// limit is accepted, one character more is refused naming the field's path, its length and the
// limit, and a whole input over its bound is refused.
#include "core/glue_limits.h"

#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

using absl::StatusCode;

TableInput table_with_everything() {
  TableInput input{.name = "t"};
  input.storage_descriptor.emplace();
  input.storage_descriptor->columns = {Column{.name = "a"}, Column{.name = "b"},
                                       Column{.name = "c"}, Column{.name = "d"}};
  input.storage_descriptor->bucket_columns = {"a"};
  input.storage_descriptor->sort_columns = {SortColumn{.column = "a", .sort_order = 1}};
  input.partition_keys = {Column{.name = "dt"}};
  return input;
}

struct FieldCase {
  std::string path;
  std::size_t limit;
  std::function<void(TableInput&, const std::string&)> set;
};

std::vector<FieldCase> table_fields() {
  auto sd = [](TableInput& t) -> StorageDescriptor& { return *t.storage_descriptor; };
  return {
      {"TableInput.Description", 2048,
       [](TableInput& t, const std::string& v) { t.description = v; }},
      {"TableInput.Owner", 255, [](TableInput& t, const std::string& v) { t.owner = v; }},
      {"TableInput.TableType", 255, [](TableInput& t, const std::string& v) { t.table_type = v; }},
      {"TableInput.ViewOriginalText", 409600,
       [](TableInput& t, const std::string& v) { t.view_original_text = v; }},
      {"TableInput.ViewExpandedText", 409600,
       [](TableInput& t, const std::string& v) { t.view_expanded_text = v; }},
      {"TableInput.Parameters.\"k\"", 512000,
       [](TableInput& t, const std::string& v) { t.parameters["k"] = v; }},
      {"TableInput.StorageDescriptor.Columns[3].Name", 255,
       [sd](TableInput& t, const std::string& v) { sd(t).columns[3].name = v; }},
      {"TableInput.StorageDescriptor.Columns[3].Type", 131072,
       [sd](TableInput& t, const std::string& v) { sd(t).columns[3].type = v; }},
      {"TableInput.StorageDescriptor.Columns[3].Comment", 255,
       [sd](TableInput& t, const std::string& v) { sd(t).columns[3].comment = v; }},
      {"TableInput.StorageDescriptor.Columns[1].Parameters.\"p\"", 512000,
       [sd](TableInput& t, const std::string& v) { sd(t).columns[1].parameters["p"] = v; }},
      {"TableInput.StorageDescriptor.Location", 2056,
       [sd](TableInput& t, const std::string& v) { sd(t).location = v; }},
      {"TableInput.StorageDescriptor.InputFormat", 128,
       [sd](TableInput& t, const std::string& v) { sd(t).input_format = v; }},
      {"TableInput.StorageDescriptor.OutputFormat", 128,
       [sd](TableInput& t, const std::string& v) { sd(t).output_format = v; }},
      {"TableInput.StorageDescriptor.SerdeInfo.Name", 255,
       [sd](TableInput& t, const std::string& v) { sd(t).serde_info.name = v; }},
      {"TableInput.StorageDescriptor.SerdeInfo.SerializationLibrary", 255,
       [sd](TableInput& t, const std::string& v) { sd(t).serde_info.serialization_library = v; }},
      {"TableInput.StorageDescriptor.SerdeInfo.Parameters.\"s\"", 512000,
       [sd](TableInput& t, const std::string& v) { sd(t).serde_info.parameters["s"] = v; }},
      {"TableInput.StorageDescriptor.BucketColumns[0]", 255,
       [sd](TableInput& t, const std::string& v) { sd(t).bucket_columns[0] = v; }},
      {"TableInput.StorageDescriptor.SortColumns[0].Column", 255,
       [sd](TableInput& t, const std::string& v) { sd(t).sort_columns[0].column = v; }},
      {"TableInput.StorageDescriptor.Parameters.\"q\"", 512000,
       [sd](TableInput& t, const std::string& v) { sd(t).parameters["q"] = v; }},
      {"TableInput.PartitionKeys[0].Comment", 255,
       [](TableInput& t, const std::string& v) { t.partition_keys[0].comment = v; }},
      {"TableInput.PartitionKeys[0].Type", 131072,
       [](TableInput& t, const std::string& v) { t.partition_keys[0].type = v; }},
      {"TableInput.Parameters key \"" + std::string(10, 'k') + "\"...", 255,
       [](TableInput& t, const std::string& v) { t.parameters[v] = "x"; }},
  };
}

TEST(GlueLimits, EveryTableFieldAtItsLimitIsAcceptedAndOneMoreIsRefusedByPath) {
  for (const FieldCase& field : table_fields()) {
    SCOPED_TRACE(field.path);
    TableInput at_limit = table_with_everything();
    // Multi-byte characters: limits count characters, not bytes.
    std::string value;
    for (std::size_t i = 0; i < field.limit; ++i) value += (i % 2 == 0) ? "k" : "\xC3\xA9";
    field.set(at_limit, value);
    EXPECT_OK(check_glue_limits(at_limit));
    TableInput over = table_with_everything();
    field.set(over, value + "k");
    const absl::Status status = check_glue_limits(over);
    const std::string path = field.path.ends_with("...") ? "TableInput.Parameters key" : field.path;
    EXPECT_STATUS(
        status, StatusCode::kInvalidArgument,
        path + (field.path.ends_with("...")
                    ? ""
                    : " is " + std::to_string(field.limit + 1) +
                          " characters long; Glue allows at most " + std::to_string(field.limit)));
    EXPECT_STATUS(status, StatusCode::kInvalidArgument,
                  std::to_string(field.limit + 1) + " characters long");
  }
}

TEST(GlueLimits, ARefusalNamesTheGlueShape) {
  TableInput input = table_with_everything();
  input.storage_descriptor->columns[3].comment = std::string(300, 'c');
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "TableInput.StorageDescriptor.Columns[3].Comment is 300 characters long; Glue "
                "allows at most 255 (CommentString)");
}

TEST(GlueLimits, ControlCharactersAreRefusedWhereGluesPatternRefusesThem) {
  TableInput input = table_with_everything();
  input.storage_descriptor->columns[0].comment = "line\none";
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "TableInput.StorageDescriptor.Columns[0].Comment holds a character Glue does not "
                "allow in CommentString (U+000A at offset 4)");
  input.storage_descriptor->columns[0].comment = "tab\tis fine";
  input.description = "several\r\nlines are fine";
  EXPECT_OK(check_glue_limits(input));
  input.storage_descriptor->columns[0].type = std::string("int\x01", 4);
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "Columns[0].Type holds a character Glue does not allow");
}

TEST(GlueLimits, InvalidUtf8AndEmptyParameterKeysAreRefused) {
  TableInput input = table_with_everything();
  input.owner = "\xC3";
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "TableInput.Owner is not valid UTF-8");
  input.owner.clear();
  input.parameters[""] = "x";
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "TableInput.Parameters has an empty key");
}

TEST(GlueLimits, IntegerFieldsKeepGluesRanges) {
  TableInput input = table_with_everything();
  input.retention = -1;
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "TableInput.Retention must be from 0 to 2147483647, not -1");
  input.retention = 0;
  input.storage_descriptor->sort_columns[0].sort_order = 2;
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "TableInput.StorageDescriptor.SortColumns[0].SortOrder must be 0 or 1, not 2");
}

TEST(GlueLimits, AWholeTableInputIsBounded) {
  TableInput input = table_with_everything();
  // Three parameters within Glue's 512,000 each, over the 1 MiB bound together.
  for (const char* key : {"a", "b", "c"}) input.parameters[key] = std::string(400'000, 'v');
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument, "TableInput holds 1200");
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "bytes of text in all; at most 1048576 are allowed");
  input.parameters.erase("c");
  EXPECT_OK(check_glue_limits(input));
}

TEST(GlueLimits, DatabaseInputFields) {
  DatabaseInput input{.name = "d"};
  input.location_uri = std::string(1025, 'u');
  EXPECT_STATUS(
      check_glue_limits(input), StatusCode::kInvalidArgument,
      "DatabaseInput.LocationUri is 1025 characters long; Glue allows at most 1024 (URI)");
  input.location_uri = std::string(1024, 'u');
  input.description = std::string(2049, 'd');
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "DatabaseInput.Description is 2049 characters long; Glue allows at most 2048");
  input.description.clear();
  input.parameters[std::string(256, 'k')] = "v";
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument,
                "DatabaseInput.Parameters key");
  input.parameters.clear();
  input.location_uri.clear();
  for (const char* key : {"a", "b", "c"}) input.parameters[key] = std::string(400'000, 'v');
  EXPECT_STATUS(check_glue_limits(input), StatusCode::kInvalidArgument, "DatabaseInput holds 1200");
  input.parameters.erase("c");
  EXPECT_OK(check_glue_limits(input));
}

}  // namespace
}  // namespace datamesh::core
