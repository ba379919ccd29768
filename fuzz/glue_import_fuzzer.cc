// Fuzz target: the Glue JSON readers. The input is JSON text as `catalog import-tables
// --get-tables-json` takes it (the output of `aws glue get-tables`), read by
// api::import_table_list, and also as a TableInput and a DatabaseInput (create_table /
// create_database bodies, strict) and as a stored Table (the remote backend's answers).
//
// Properties: no crash, leak or undefined behaviour; refusals are InvalidArgument; every value a
// reader accepts survives a round trip through its writer and the strict reader unchanged (the
// writer only writes keys the strict reader knows, with the types it expects).
#include <string>

#include "api/json_codec.h"
#include "fuzz_support.h"

namespace {

using datamesh::api::Strictness;
using datamesh::fuzz::describe;

template <class T>
void check_round_trip(const T& value, absl::StatusOr<T> (*read)(const nlohmann::json&,
                                                                 Strictness)) {
  const nlohmann::json written = datamesh::api::to_json_value(value);
  const absl::StatusOr<T> again = read(written, Strictness::kStrict);
  DATAMESH_FUZZ_CHECK(again.ok(), describe(again.status()) + " reading back " +
                                      datamesh::api::dump_json(written));
  DATAMESH_FUZZ_CHECK(*again == value,
                      "the value read back differs from " + datamesh::api::dump_json(written));
}

void check_refusal(const absl::Status& status) {
  DATAMESH_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, describe(status));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = datamesh::fuzz::as_text(data, size);

  const auto tables = datamesh::api::import_table_list(text);
  if (tables.ok()) {
    DATAMESH_FUZZ_CHECK(!tables->empty(), "import_table_list accepted no tables");
    for (const datamesh::TableInput& table : *tables) {
      DATAMESH_FUZZ_CHECK(!table.name.empty(), "an imported table has no name");
      check_round_trip(table, &datamesh::api::table_input_from_json);
    }
  } else {
    check_refusal(tables.status());
  }

  const auto document = datamesh::api::parse_json(text);
  if (!document.ok()) return 0;
  for (Strictness strictness : {Strictness::kStrict, Strictness::kImport}) {
    const auto table = datamesh::api::table_input_from_json(*document, strictness);
    if (table.ok()) {
      check_round_trip(*table, &datamesh::api::table_input_from_json);
    } else {
      check_refusal(table.status());
    }
    const auto database = datamesh::api::database_input_from_json(*document, strictness);
    if (database.ok()) {
      check_round_trip(*database, &datamesh::api::database_input_from_json);
    } else {
      check_refusal(database.status());
    }
  }
  const auto stored = datamesh::api::table_from_json(*document);
  if (!stored.ok()) check_refusal(stored.status());
  const auto page = datamesh::api::table_page_from_json(*document);
  if (!page.ok()) check_refusal(page.status());
  return 0;
}
