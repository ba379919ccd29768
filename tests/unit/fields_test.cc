// The field-list mechanism (api/fields.h) and the JSON form derived from it (api/field_json.h),
// on a request-shaped type: snake_case keys, an optional list whose absence differs from [], an
// integer range, a second accepted spelling, a nested TableInput and a comma-separated list.
#include "api/fields.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "api/field_json.h"
#include "api/field_schema.h"
#include "api/type_fields.h"

namespace datamesh::api {
namespace {

using nlohmann::json;

struct ExampleRequest {
  std::string request_id;
  std::optional<std::vector<std::string>> grantable_permissions;
  std::vector<std::string> grant_permissions;
  bool create_public_metadata = true;
  int max_results = 100;
  std::string notes;
  std::optional<TableInput> table_input;
};

constexpr auto describe(TypeTag<ExampleRequest>) {
  using T = ExampleRequest;
  return fields<T>(
      "ExampleRequest", "a request-shaped type",
      field("subscription_id", &T::request_id, kRequired, "the subscription id")
          .also_accepts("request_id"),
      field("grantable_permissions", &T::grantable_permissions, kOptional,
            "default: all granted")
          .comma_separated(),
      field("grant_permissions", &T::grant_permissions, kOptional, "permissions to grant")
          .comma_separated(),
      field("create_public_metadata", &T::create_public_metadata, kOptional,
            "let every mesh member DESCRIBE the tables"),
      field("max_results", &T::max_results, kOptional, "page size").between(1, 1000),
      field("notes", &T::notes, kAlways, "free text"),
      field("table_input", &T::table_input, kOptional, "Glue TableInput"));
}

static_assert(Described<ExampleRequest>);
static_assert(Described<Table>);
static_assert(!Described<std::string>);
static_assert(type_name<ExampleRequest>() == "ExampleRequest");

TEST(FieldsTest, VisitsEveryFieldInListOrderWithItsDescription) {
  std::vector<std::string> seen;
  for_each_field<ExampleRequest>([&](const auto& f) {
    std::string line(f.key);
    if (f.presence == kRequired) line += " required";
    if (!f.alias.empty()) line += " alias=" + std::string(f.alias);
    if (f.split_commas) line += " commas";
    if (f.limits) {
      line += " " + std::to_string(f.limits->min) + ".." + std::to_string(f.limits->max);
    }
    seen.push_back(line);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "subscription_id required alias=request_id", "grantable_permissions commas",
                      "grant_permissions commas", "create_public_metadata",
                      "max_results 1..1000", "notes", "table_input"}));
}

TEST(FieldsTest, InlinedFieldsAppearInTheirPlaceAndReachThroughTheMember) {
  std::vector<std::string_view> keys;
  Table table;
  table.input.name = "orders";
  std::string name_seen;
  for_each_field<Table>([&](const auto& f) {
    keys.push_back(f.key);
    if constexpr (std::is_same_v<typename std::remove_cvref_t<decltype(f)>::member_type,
                                 std::string>) {
      if (f.key == "Name") name_seen = f.get(table);
    }
  });
  ASSERT_GE(keys.size(), 2u);
  EXPECT_EQ(keys.front(), "Name");  // TableInput's first field
  EXPECT_EQ(keys.back(), "VersionId");
  EXPECT_EQ(name_seen, "orders");
}

TEST(FieldsTest, OptionalListKeepsAbsentApartFromEmpty) {
  absl::StatusOr<ExampleRequest> absent =
      read_json<ExampleRequest>(json{{"subscription_id", "s"}}, Strictness::kStrict);
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_FALSE(absent->grantable_permissions.has_value());
  EXPECT_FALSE(write_json(*absent).contains("grantable_permissions"));

  absl::StatusOr<ExampleRequest> empty = read_json<ExampleRequest>(
      json{{"subscription_id", "s"}, {"grantable_permissions", json::array()}},
      Strictness::kStrict);
  ASSERT_TRUE(empty.ok()) << empty.status();
  ASSERT_TRUE(empty->grantable_permissions.has_value());
  EXPECT_TRUE(empty->grantable_permissions->empty());
  EXPECT_EQ(write_json(*empty)["grantable_permissions"], json::array());
}

TEST(FieldsTest, DefaultsComeFromTheStructAndOptionalDefaultsAreNotWrittenWhenEmpty) {
  absl::StatusOr<ExampleRequest> read =
      read_json<ExampleRequest>(json{{"request_id", "s"}}, Strictness::kStrict);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->request_id, "s");  // the other spelling
  EXPECT_TRUE(read->create_public_metadata);
  EXPECT_EQ(read->max_results, 100);
  EXPECT_EQ(write_json(*read),
            json::parse(R"({"subscription_id": "s", "create_public_metadata": true,
                            "max_results": 100, "notes": ""})"));
}

TEST(FieldsTest, ReaderMessagesNameThePathAndWhatWasExpected) {
  auto message = [](const json& value) {
    absl::StatusOr<ExampleRequest> read = read_json<ExampleRequest>(value, Strictness::kStrict);
    return read.ok() ? std::string("ok") : std::string(read.status().message());
  };
  EXPECT_EQ(message(json::object()),
            "ExampleRequest.subscription_id is required and must not be empty");
  EXPECT_EQ(message(json{{"subscription_id", 3}}),
            "ExampleRequest.subscription_id must be a string");
  EXPECT_EQ(message(json{{"subscription_id", "s"}, {"max_results", 0}}),
            "ExampleRequest.max_results must be from 1 to 1000, not 0");
  EXPECT_EQ(message(json{{"subscription_id", "s"}, {"max_results", "9"}}),
            "ExampleRequest.max_results must be an integer");
  EXPECT_EQ(message(json{{"subscription_id", "s"}, {"grant_permissions", json::array({"A", 1})}}),
            "ExampleRequest.grant_permissions[1] must be a string");
  EXPECT_EQ(message(json{{"subscription_id", "s"}, {"table_input", {{"Name", 1}}}}),
            "ExampleRequest.table_input.Name must be a string");
  EXPECT_EQ(message(json{{"subscription_id", "s"}, {"table_input", {{"Nmae", "t"}}}}),
            "ExampleRequest.table_input.Name is required and must not be empty");
  EXPECT_EQ(message(json{{"subscription_id", "s"}, {"limit", 1}}),
            "unknown field \"limit\" in ExampleRequest; allowed: subscription_id, "
            "grantable_permissions, grant_permissions, create_public_metadata, max_results, "
            "notes, table_input");
  // JSON null counts as absent.
  EXPECT_EQ(message(json{{"subscription_id", "s"}, {"notes", nullptr}}), "ok");
}

struct DeleteRequest {
  std::string subscription_id;
  std::string reason;
};
constexpr auto describe(TypeTag<DeleteRequest>) {
  using T = DeleteRequest;
  return fields<T>("DeleteRequest", "a required string that may be empty",
                   field("subscription_id", &T::subscription_id, kRequired, "the subscription"),
                   field("reason", &T::reason, kRequired, "why").may_be_empty());
}

TEST(FieldsTest, RequiredMayAcceptAnEmptyStringButNotAnAbsentOne) {
  EXPECT_TRUE(read_json<DeleteRequest>(json{{"subscription_id", "s"}, {"reason", ""}},
                                       Strictness::kStrict)
                  .ok());
  EXPECT_EQ(read_json<DeleteRequest>(json{{"subscription_id", "s"}}, Strictness::kStrict)
                .status()
                .message(),
            "DeleteRequest.reason is required");
  EXPECT_EQ(read_json<DeleteRequest>(json{{"subscription_id", ""}, {"reason", ""}},
                                     Strictness::kStrict)
                .status()
                .message(),
            "DeleteRequest.subscription_id is required and must not be empty");
}

struct ImportRequest {
  std::string database_name;
  nlohmann::json get_tables_json;
};
constexpr auto describe(TypeTag<ImportRequest>) {
  using T = ImportRequest;
  return fields<T>("ImportRequest", "a document carried as it is",
                   field("database_name", &T::database_name, kRequired, "database"),
                   field("get_tables_json", &T::get_tables_json, kRequired, "get-tables output"));
}

TEST(FieldsTest, AJsonMemberCarriesTheDocumentAsItIs) {
  const json body = json::parse(R"({"database_name": "d", "get_tables_json": {"TableList": []}})");
  absl::StatusOr<ImportRequest> read = read_json<ImportRequest>(body, Strictness::kStrict);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->get_tables_json, json::parse(R"({"TableList": []})"));
  EXPECT_EQ(write_json(*read), body);
  EXPECT_EQ(read_json<ImportRequest>(json{{"database_name", "d"}, {"get_tables_json", 3}},
                                     Strictness::kStrict)
                .status()
                .message(),
            "ImportRequest.get_tables_json must be a JSON object or list");
}

TEST(FieldsTest, ImportDropsUnknownKeysAtEveryLevel) {
  absl::StatusOr<ExampleRequest> read = read_json<ExampleRequest>(
      json{{"subscription_id", "s"}, {"new", 1}, {"table_input", {{"Name", "t"}, {"X", 2}}}},
      Strictness::kImport);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->table_input.has_value());
  EXPECT_EQ(read->table_input->name, "t");
}

TEST(FieldsTest, SchemasComeFromTheSameList) {
  json schemas = json::object();
  add_json_schemas<ExampleRequest>(schemas);
  const json& request = schemas["ExampleRequest"];
  EXPECT_EQ(request["required"], json::array({"subscription_id"}));
  EXPECT_EQ(request["properties"]["max_results"],
            json::parse(R"({"type": "integer", "format": "int32", "description": "page size",
                            "minimum": 1, "maximum": 1000})"));
  EXPECT_EQ(request["properties"]["grantable_permissions"]["items"],
            json::parse(R"({"type": "string"})"));
  EXPECT_EQ(request["properties"]["table_input"]["allOf"][0]["$ref"],
            "#/components/schemas/TableInput");
  // Every type TableInput holds is added once, and Name is required in it.
  for (const char* name : {"TableInput", "StorageDescriptor", "Column", "SerDeInfo", "SortColumn",
                           "TableIdentifier"}) {
    EXPECT_TRUE(schemas.contains(name)) << name;
  }
  EXPECT_EQ(schemas["TableInput"]["required"], json::array({"Name"}));

  json table = json::object();
  add_json_schemas<Table>(table);
  EXPECT_EQ(table["Table"]["properties"]["VersionId"]["type"], "string");  // its codec's type
  EXPECT_TRUE(table["Table"]["properties"].contains("StorageDescriptor"));  // inlined input
}

}  // namespace
}  // namespace datamesh::api
