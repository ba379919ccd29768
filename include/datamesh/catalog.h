// DataMeshCatalog: an account's own Glue-like catalog (databases and tables).
//
// Producers register their source tables here before publishing them; consumers find the
// resource links that finalize_subscription created. Every call acts on the caller's own
// catalog. Same error policy and threading rules as DataMeshProducer (see producer.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/client_options.h"
#include "datamesh/requests.h"
#include "datamesh/types.h"

namespace datamesh {

namespace client {
class Client;
}  // namespace client

class DataMeshCatalog {
 public:
  explicit DataMeshCatalog(ClientOptions options);
  ~DataMeshCatalog();
  // A moved-from instance may only be destroyed or assigned to.
  DataMeshCatalog(DataMeshCatalog&&) noexcept;
  DataMeshCatalog& operator=(DataMeshCatalog&&) noexcept;

  absl::Status create_database(const DatabaseInput& input);
  absl::StatusOr<Database> get_database(std::string_view name);
  absl::StatusOr<DatabasePage> get_databases(const PageRequest& page = {});
  // Deletes the database and its tables.
  absl::Status delete_database(std::string_view name);

  absl::Status create_table(std::string_view database_name, const TableInput& input);
  // Replaces the definition of an existing table.
  absl::Status update_table(std::string_view database_name, const TableInput& input);
  absl::StatusOr<Table> get_table(std::string_view database_name, std::string_view name);
  // expression: optional full-match regular expression on table names.
  absl::StatusOr<TablePage> get_tables(std::string_view database_name,
                                       std::string_view expression = "",
                                       const PageRequest& page = {});
  absl::Status delete_table(std::string_view database_name, std::string_view name);

  // Imports the JSON printed by `aws glue get-tables` ({"TableList": [...]}) into
  // database_name (created if missing); existing tables are replaced. Returns the names.
  absl::StatusOr<std::vector<std::string>> import_tables(std::string_view database_name,
                                                         std::string_view get_tables_json);

  // Every catalog method, taking all its parameters as its request type (datamesh/requests.h);
  // generated from the method declarations, one per method (src/api/methods.h).
#include "datamesh/generated/catalog_methods.inc"

 private:
  std::unique_ptr<client::Client> client_;
};

}  // namespace datamesh
