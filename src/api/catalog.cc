#include "datamesh/catalog.h"

#include "api/client.h"
#include "api/json_codec.h"

namespace datamesh {

using api::parse_answer;

// The catalog client reads the "Producer" block of a reference credentials file: producers
// are the ones who register source tables.
DataMeshCatalog::DataMeshCatalog(ClientOptions options)
    : client_(std::make_unique<api::Client>(std::move(options), "Producer")) {}
DataMeshCatalog::~DataMeshCatalog() = default;
DataMeshCatalog::DataMeshCatalog(DataMeshCatalog&&) noexcept = default;
DataMeshCatalog& DataMeshCatalog::operator=(DataMeshCatalog&&) noexcept = default;

absl::Status DataMeshCatalog::create_database(const DatabaseInput& input) {
  return client_->call_void("catalog", "create_database",
                            {{"database_input", api::to_json_value(input)}});
}

absl::StatusOr<Database> DataMeshCatalog::get_database(std::string_view name) {
  return parse_answer(client_->call("catalog", "get_database", {{"name", std::string(name)}}),
                      [](const nlohmann::json& json) -> absl::StatusOr<Database> {
                        if (!json.contains("Database")) {
                          return absl::InternalError("get_database answered without Database");
                        }
                        return api::database_from_json(json["Database"]);
                      });
}

absl::StatusOr<DatabasePage> DataMeshCatalog::get_databases(const PageRequest& page) {
  nlohmann::json params = nlohmann::json::object();
  api::put_page(params, page);
  return parse_answer(client_->call("catalog", "get_databases", params),
                      api::database_page_from_json);
}

absl::Status DataMeshCatalog::delete_database(std::string_view name) {
  return client_->call_void("catalog", "delete_database", {{"name", std::string(name)}});
}

absl::Status DataMeshCatalog::create_table(std::string_view database_name,
                                           const TableInput& input) {
  return client_->call_void(
      "catalog", "create_table",
      {{"database_name", std::string(database_name)}, {"table_input", api::to_json_value(input)}});
}

absl::Status DataMeshCatalog::update_table(std::string_view database_name,
                                           const TableInput& input) {
  return client_->call_void(
      "catalog", "update_table",
      {{"database_name", std::string(database_name)}, {"table_input", api::to_json_value(input)}});
}

absl::StatusOr<Table> DataMeshCatalog::get_table(std::string_view database_name,
                                                 std::string_view name) {
  return parse_answer(client_->call("catalog", "get_table",
                                    {{"database_name", std::string(database_name)},
                                     {"name", std::string(name)}}),
                      api::table_from_json);
}

absl::StatusOr<TablePage> DataMeshCatalog::get_tables(std::string_view database_name,
                                                      std::string_view expression,
                                                      const PageRequest& page) {
  nlohmann::json params{{"database_name", std::string(database_name)}};
  if (!expression.empty()) params["expression"] = std::string(expression);
  api::put_page(params, page);
  return parse_answer(client_->call("catalog", "get_tables", params), api::table_page_from_json);
}

absl::Status DataMeshCatalog::delete_table(std::string_view database_name,
                                           std::string_view name) {
  return client_->call_void(
      "catalog", "delete_table",
      {{"database_name", std::string(database_name)}, {"name", std::string(name)}});
}

absl::StatusOr<std::vector<std::string>> DataMeshCatalog::import_tables(
    std::string_view database_name, std::string_view get_tables_json) {
  auto document = api::parse_json(get_tables_json);
  if (!document.ok()) return document.status();
  return parse_answer(
      client_->call("catalog", "import_tables",
                    {{"database_name", std::string(database_name)},
                     {"get_tables_json", *document}}),
      [](const nlohmann::json& json) -> absl::StatusOr<std::vector<std::string>> {
        if (!json.contains("Tables") || !json["Tables"].is_array()) {
          return absl::InternalError("import_tables answered without Tables");
        }
        return json["Tables"].get<std::vector<std::string>>();
      });
}

}  // namespace datamesh
