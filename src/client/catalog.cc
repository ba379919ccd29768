#include "datamesh/catalog.h"

#include "client/client.h"

namespace datamesh {

namespace m = api::methods;

// The constructors, destructor and moves are generated with the request-type members
// (client_methods_main.cc).

absl::Status DataMeshCatalog::create_database(const DatabaseInput& input) {
  return client_->call(m::kCreateDatabase, CreateDatabaseRequest{input}).status();
}

absl::StatusOr<Database> DataMeshCatalog::get_database(std::string_view name) {
  return client_->call(m::kGetDatabase, DatabaseNameRequest{std::string(name)});
}

absl::StatusOr<DatabasePage> DataMeshCatalog::get_databases(const PageRequest& page) {
  return client_->call(m::kGetDatabases, PagedRequest{page});
}

absl::Status DataMeshCatalog::delete_database(std::string_view name) {
  return client_->call(m::kDeleteDatabase, DatabaseNameRequest{std::string(name)}).status();
}

absl::Status DataMeshCatalog::create_table(std::string_view database_name,
                                           const TableInput& input) {
  return client_->call(m::kCreateTable, TableInputRequest{std::string(database_name), input})
      .status();
}

absl::Status DataMeshCatalog::update_table(std::string_view database_name,
                                           const TableInput& input) {
  return client_->call(m::kUpdateTable, TableInputRequest{std::string(database_name), input})
      .status();
}

absl::StatusOr<Table> DataMeshCatalog::get_table(std::string_view database_name,
                                                 std::string_view name) {
  return client_->call(m::kGetTable,
                       TableNameRequest{std::string(database_name), std::string(name)});
}

absl::StatusOr<TablePage> DataMeshCatalog::get_tables(std::string_view database_name,
                                                      std::string_view expression,
                                                      const PageRequest& page) {
  return client_->call(m::kGetTables, GetTablesRequest{std::string(database_name),
                                                       std::string(expression), page});
}

absl::Status DataMeshCatalog::delete_table(std::string_view database_name,
                                           std::string_view name) {
  return client_->call(m::kDeleteTable,
                       TableNameRequest{std::string(database_name), std::string(name)})
      .status();
}

absl::StatusOr<std::vector<std::string>> DataMeshCatalog::import_tables(
    std::string_view database_name, std::string_view get_tables_json) {
  DATAMESH_RETURN_IF_ERROR(api::parse_json(get_tables_json).status());
  DATAMESH_ASSIGN_OR_RETURN(
      ImportedTables imported,
      client_->call(m::kImportTables, ImportTablesRequest{std::string(database_name),
                                                          std::string(get_tables_json)}));
  return std::move(imported.tables);
}

}  // namespace datamesh
