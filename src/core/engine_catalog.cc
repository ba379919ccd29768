// Catalog methods: each account's own Glue-like databases and tables.
#include <algorithm>
#include <map>
#include <string_view>

#include "base/status_macros.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/engine.h"
#include "core/engine_internal.h"
#include "core/glue_limits.h"
#include "core/names.h"
#include "core/pattern.h"

namespace datamesh::core {
using base::cat;
namespace {

using internal::kAccountAdminRole;

absl::Status validate_columns(std::string_view where, const std::vector<Column>& columns) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name.empty()) {
      return absl::InvalidArgumentError(
          cat(where, "[", i, "].Name is empty: every column needs a name"));
    }
  }
  return absl::OkStatus();
}

absl::Status validate_table_input(const TableInput& input) {
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("TableInput.Name", input.name));
  if (input.target_table) {
    return absl::InvalidArgumentError(
        "TableInput.TargetTable is not allowed here: resource links are made by "
        "create_data_products and finalize_subscription");
  }
  if (input.storage_descriptor) {
    DATAMESH_RETURN_IF_ERROR(validate_columns("TableInput.StorageDescriptor.Columns",
                                              input.storage_descriptor->columns));
  }
  DATAMESH_RETURN_IF_ERROR(validate_columns("TableInput.PartitionKeys", input.partition_keys));
  DATAMESH_RETURN_IF_ERROR(validate_text("TableInput.Description", input.description));
  return check_glue_limits(input);
}

// What create_table and update_table check before their transaction: the caller may edit its
// catalog (`action` names the edit in the refusal), and the request is well formed.
absl::Status check_table_write(const Caller& caller, const TableInputRequest& request,
                               std::string_view action) {
  DATAMESH_RETURN_IF_ERROR(require_catalog_owner(caller, action));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  return validate_table_input(request.table_input);
}

absl::Status require_database(store::Transaction& tx, std::string_view catalog,
                              std::string_view name) {
  DATAMESH_ASSIGN_OR_RETURN(std::optional<Database> database, tx.get_database(catalog, name));
  if (!database) {
    return absl::NotFoundError(
        cat("database ", name, " not found in the catalog of account ", catalog));
  }
  return absl::OkStatus();
}

absl::Status table_not_found(std::string_view database_name, std::string_view name,
                             std::string_view catalog) {
  return absl::NotFoundError(cat("table ", database_name, ".", name,
                                 " not found in the catalog of account ", catalog));
}

}  // namespace

absl::Status Engine::create_database(const Caller& caller,
                                     const CreateDatabaseRequest& request) const {
  const DatabaseInput& input = request.database_input;
  DATAMESH_RETURN_IF_ERROR(require_catalog_owner(caller, "create databases"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("DatabaseInput.Name", input.name));
  DATAMESH_RETURN_IF_ERROR(validate_text("DatabaseInput.Description", input.description));
  if (input.target_database) {
    return absl::InvalidArgumentError(
        "DatabaseInput.TargetDatabase is not allowed here: database links are made by "
        "finalize_subscription");
  }
  DATAMESH_RETURN_IF_ERROR(check_glue_limits(input));
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Database> existing,
                              tx.get_database(catalog, input.name));
    if (existing) {
      return absl::AlreadyExistsError(
          cat("database ", input.name, " already exists in catalog ", catalog));
    }
    Database database{.input = input, .catalog_id = catalog, .create_time = now()};
    DATAMESH_RETURN_IF_ERROR(tx.put_database(database));
    return append_audit(tx, sealer_, caller,
                        {.date = database.create_time, .actor_role = kAccountAdminRole,
                         .action = "create_database",
                         .resource = cat("catalog/", catalog, "/", input.name)});
  });
}

absl::StatusOr<Database> Engine::get_database(const Caller& caller,
                                              const DatabaseNameRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("name", request.name));
  const std::string& catalog = caller.account.account_id;
  return read([&](store::Transaction& tx) -> absl::StatusOr<Database> {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Database> found,
                              tx.get_database(catalog, request.name));
    if (!found) {
      return absl::NotFoundError(
          cat("database ", request.name, " not found in the catalog of account ", catalog));
    }
    return std::move(*found);
  });
}

absl::StatusOr<DatabasePage> Engine::get_databases(const Caller& caller,
                                                   const PagedRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request.page));
  DATAMESH_ASSIGN_OR_RETURN(RowPage<Database> page, read([&](store::Transaction& tx) {
                              return read_page<Database>(
                                  request.page,
                                  [&](const store::Page& chunk) {
                                    return tx.list_databases(caller.account.account_id, chunk);
                                  },
                                  [](const Database& d) { return d.input.name; });
                            }));
  return DatabasePage{.databases = std::move(page.rows), .next_token = std::move(page.next_token)};
}

absl::Status Engine::delete_database(const Caller& caller,
                                     const DatabaseNameRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_catalog_owner(caller, "delete databases"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("name", request.name));
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(require_database(tx, catalog, request.name));
    DATAMESH_RETURN_IF_ERROR(tx.delete_database(catalog, request.name));
    return append_audit(tx, sealer_, caller,
                        {.date = now(),
                         .actor_role = kAccountAdminRole,
                         .action = "delete_database",
                         .resource = cat("catalog/", catalog, "/", request.name)});
  });
}

absl::Status Engine::create_table(const Caller& caller, const TableInputRequest& request) const {
  const TableInput& input = request.table_input;
  DATAMESH_RETURN_IF_ERROR(check_table_write(caller, request, "create tables"));
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_RETURN_IF_ERROR(require_database(tx, catalog, request.database_name));
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> existing,
                              tx.get_table(catalog, request.database_name, input.name));
    if (existing) {
      return absl::AlreadyExistsError(cat("table ", request.database_name, ".", input.name,
                                          " already exists in catalog ", catalog));
    }
    const std::string date = now();
    Table table{.input = input,
                .database_name = request.database_name,
                .catalog_id = catalog,
                .create_time = date,
                .update_time = date,
                .created_by = actor_arn(caller, kAccountAdminRole)};
    DATAMESH_RETURN_IF_ERROR(tx.put_table(table));
    return append_audit(
        tx, sealer_, caller,
        {.date = date,
         .actor_role = kAccountAdminRole,
         .action = "create_table",
         .resource = cat("catalog/", catalog, "/", request.database_name, "/", input.name)});
  });
}

absl::Status Engine::update_table(const Caller& caller, const TableInputRequest& request) const {
  const TableInput& input = request.table_input;
  DATAMESH_RETURN_IF_ERROR(check_table_write(caller, request, "update tables"));
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> existing,
                              tx.get_table(catalog, request.database_name, input.name));
    if (!existing) return table_not_found(request.database_name, input.name, catalog);
    Table& table = *existing;
    if (table.input.target_table) {
      return absl::FailedPreconditionError(cat("table ", request.database_name, ".", input.name,
                                               " is a resource link; it cannot be edited"));
    }
    table.input = input;
    table.update_time = now();
    table.version_id += 1;
    DATAMESH_RETURN_IF_ERROR(tx.put_table(table));
    return append_audit(
        tx, sealer_, caller,
        {.date = table.update_time,
         .actor_role = kAccountAdminRole,
         .action = "update_table",
         .resource = cat("catalog/", catalog, "/", request.database_name, "/", input.name)});
  });
}

absl::StatusOr<Table> Engine::get_table(const Caller& caller,
                                        const TableNameRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("name", request.name));
  const std::string& catalog = caller.account.account_id;
  return read([&](store::Transaction& tx) -> absl::StatusOr<Table> {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> found,
                              tx.get_table(catalog, request.database_name, request.name));
    if (!found) return table_not_found(request.database_name, request.name, catalog);
    return std::move(*found);
  });
}

absl::StatusOr<TablePage> Engine::get_tables(const Caller& caller,
                                             const GetTablesRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  DATAMESH_RETURN_IF_ERROR(internal::check_page(request.page));
  std::optional<Pattern> pattern;
  if (!request.expression.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(pattern, Pattern::compile("expression", request.expression));
  }
  const std::string& catalog = caller.account.account_id;
  const auto key = [](const Table& table) { return table.input.name; };
  return read([&](store::Transaction& tx) -> absl::StatusOr<TablePage> {
    DATAMESH_RETURN_IF_ERROR(require_database(tx, catalog, request.database_name));
    if (!pattern) {
      DATAMESH_ASSIGN_OR_RETURN(
          RowPage<Table> page,
          read_page<Table>(
              request.page,
              [&](const store::Page& chunk) {
                return tx.list_tables(catalog, request.database_name, chunk);
              },
              key));
      return TablePage{.tables = std::move(page.rows), .next_token = std::move(page.next_token)};
    }
    // With an expression, only the matching tables of this page are loaded, and the walk stops
    // once the page is full (core/paging.h).
    PageFiller<Table, decltype(key)> page(request.page, key);
    DATAMESH_RETURN_IF_ERROR(internal::for_each_matching_name(
        tx, catalog, request.database_name, *pattern, request.page.next_token,
        [&](const std::string& name) -> absl::StatusOr<bool> {
          DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> table,
                                    tx.get_table(catalog, request.database_name, name));
          return !table || page.add(*std::move(table));
        }));
    RowPage<Table> rows = std::move(page).take();
    return TablePage{.tables = std::move(rows.rows), .next_token = std::move(rows.next_token)};
  });
}

absl::Status Engine::delete_table(const Caller& caller, const TableNameRequest& request) const {
  DATAMESH_RETURN_IF_ERROR(require_catalog_owner(caller, "delete tables"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", request.database_name));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("name", request.name));
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> found,
                              tx.get_table(catalog, request.database_name, request.name));
    if (!found) return table_not_found(request.database_name, request.name, catalog);
    DATAMESH_RETURN_IF_ERROR(tx.delete_table(catalog, request.database_name, request.name));
    return append_audit(
        tx, sealer_, caller,
        {.date = now(),
         .actor_role = kAccountAdminRole,
         .action = "delete_table",
         .resource = cat("catalog/", catalog, "/", request.database_name, "/", request.name)});
  });
}

absl::StatusOr<std::vector<std::string>> Engine::import_tables(
    const Caller& caller, std::string_view database_name,
    const std::vector<TableInput>& tables) const {
  DATAMESH_RETURN_IF_ERROR(require_catalog_owner(caller, "import tables"));
  DATAMESH_RETURN_IF_ERROR(validate_catalog_name("database_name", database_name));
  if (tables.empty()) {
    return absl::InvalidArgumentError("the table list to import is empty");
  }
  // Said of the entry of the list given (a get-tables answer's TableList), which a message
  // about "TableInput" alone does not point to; a table given twice would be written twice,
  // the last one winning in silence.
  std::map<std::string_view, size_t> first_of;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (absl::Status valid = validate_table_input(tables[i]); !valid.ok()) {
      return absl::Status(valid.code(), cat("TableList[", i, "]: ", valid.message()));
    }
    const auto [first, inserted] = first_of.emplace(tables[i].name, i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          cat("TableList[", first->second, "] and TableList[", i, "] both name table ",
              quote_value(tables[i].name), ": give each table once"));
    }
  }
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::StatusOr<std::vector<std::string>> {
    const std::string date = now();
    DATAMESH_ASSIGN_OR_RETURN(std::optional<Database> database,
                              tx.get_database(catalog, database_name));
    if (!database) {
      Database created{.input = {.name = std::string(database_name)}, .catalog_id = catalog,
                       .create_time = date};
      DATAMESH_RETURN_IF_ERROR(tx.put_database(created));
    }
    std::vector<std::string> names;
    for (const TableInput& input : tables) {
      DATAMESH_ASSIGN_OR_RETURN(std::optional<Table> existing,
                                tx.get_table(catalog, database_name, input.name));
      Table table{.input = input, .database_name = std::string(database_name),
                  .catalog_id = catalog, .create_time = date, .update_time = date,
                  .created_by = actor_arn(caller, kAccountAdminRole)};
      if (existing) {
        table.create_time = existing->create_time;
        table.created_by = existing->created_by;
        table.version_id = existing->version_id + 1;
      }
      DATAMESH_RETURN_IF_ERROR(tx.put_table(table));
      names.push_back(input.name);
    }
    DATAMESH_RETURN_IF_ERROR(
        append_audit(tx, sealer_, caller,
                     {.date = date, .actor_role = kAccountAdminRole, .action = "import_tables",
                      .resource = cat("catalog/", catalog, "/", database_name),
                      .details = {{"Tables", names}}}));
    return names;
  });
}

}  // namespace datamesh::core
