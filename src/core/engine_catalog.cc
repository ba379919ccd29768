// Catalog methods: each account's own Glue-like databases and tables.
#include <algorithm>

#include "base/text.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/engine.h"
#include "core/engine_internal.h"
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
  if (absl::Status valid = validate_catalog_name("TableInput.Name", input.name); !valid.ok()) {
    return valid;
  }
  if (input.target_table) {
    return absl::InvalidArgumentError(
        "TableInput.TargetTable is not allowed here: resource links are made by "
        "create_data_products and finalize_subscription");
  }
  if (input.storage_descriptor) {
    if (absl::Status valid = validate_columns("TableInput.StorageDescriptor.Columns",
                                              input.storage_descriptor->columns);
        !valid.ok()) {
      return valid;
    }
  }
  if (absl::Status valid = validate_columns("TableInput.PartitionKeys", input.partition_keys);
      !valid.ok()) {
    return valid;
  }
  return validate_text("TableInput.Description", input.description);
}

absl::Status require_database(store::Transaction& tx, std::string_view catalog,
                              std::string_view name) {
  auto database = tx.get_database(catalog, name);
  if (!database.ok()) return database.status();
  if (!database->has_value()) {
    return absl::NotFoundError(
        cat("database ", name, " not found in the catalog of account ", catalog));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Engine::create_database(const Caller& caller, const DatabaseInput& input) const {
  if (absl::Status allowed = require_catalog_owner(caller, "create databases"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_catalog_name("DatabaseInput.Name", input.name); !valid.ok()) {
    return valid;
  }
  if (absl::Status valid = validate_text("DatabaseInput.Description", input.description);
      !valid.ok()) {
    return valid;
  }
  if (input.target_database) {
    return absl::InvalidArgumentError(
        "DatabaseInput.TargetDatabase is not allowed here: database links are made by "
        "finalize_subscription");
  }
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    auto existing = tx.get_database(catalog, input.name);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return absl::AlreadyExistsError(
          cat("database ", input.name, " already exists in catalog ", catalog));
    }
    Database database{.input = input, .catalog_id = catalog, .create_time = now()};
    if (absl::Status put = tx.put_database(database); !put.ok()) return put;
    return append_audit(tx, sealer_, caller,
                        {.date = database.create_time, .actor_role = kAccountAdminRole,
                         .action = "create_database",
                         .resource = cat("catalog/", catalog, "/", input.name)});
  });
}

absl::StatusOr<Database> Engine::get_database(const Caller& caller, std::string_view name) const {
  if (absl::Status valid = validate_catalog_name("name", name); !valid.ok()) return valid;
  const std::string& catalog = caller.account.account_id;
  Database database;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.get_database(catalog, name);
    if (!found.ok()) return found.status();
    if (!found->has_value()) {
      return absl::NotFoundError(
          cat("database ", name, " not found in the catalog of account ", catalog));
    }
    database = std::move(**found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return database;
}

absl::StatusOr<DatabasePage> Engine::get_databases(const Caller& caller,
                                                   const PageRequest& page) const {
  auto store_page = internal::store_page(page);
  if (!store_page.ok()) return store_page.status();
  DatabasePage result;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto listed = tx.list_databases(caller.account.account_id, *store_page);
    if (!listed.ok()) return listed.status();
    result.databases = std::move(*listed);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  result.next_token = internal::trim_page(result.databases, page,
                                          [](const Database& d) { return d.input.name; });
  return result;
}

absl::Status Engine::delete_database(const Caller& caller, std::string_view name) const {
  if (absl::Status allowed = require_catalog_owner(caller, "delete databases"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_catalog_name("name", name); !valid.ok()) return valid;
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    if (absl::Status found = require_database(tx, catalog, name); !found.ok()) return found;
    if (absl::Status deleted = tx.delete_database(catalog, name); !deleted.ok()) return deleted;
    return append_audit(tx, sealer_, caller,
                        {.date = now(), .actor_role = kAccountAdminRole,
                         .action = "delete_database",
                         .resource = cat("catalog/", catalog, "/", name)});
  });
}

absl::Status Engine::create_table(const Caller& caller, std::string_view database_name,
                                  const TableInput& input) const {
  if (absl::Status allowed = require_catalog_owner(caller, "create tables"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_catalog_name("database_name", database_name); !valid.ok()) {
    return valid;
  }
  if (absl::Status valid = validate_table_input(input); !valid.ok()) return valid;
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    if (absl::Status found = require_database(tx, catalog, database_name); !found.ok()) {
      return found;
    }
    auto existing = tx.get_table(catalog, database_name, input.name);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return absl::AlreadyExistsError(cat("table ", database_name, ".", input.name,
                                                   " already exists in catalog ", catalog));
    }
    const std::string date = now();
    Table table{.input = input, .database_name = std::string(database_name),
                .catalog_id = catalog, .create_time = date, .update_time = date,
                .created_by = actor_arn(caller, kAccountAdminRole)};
    if (absl::Status put = tx.put_table(table); !put.ok()) return put;
    return append_audit(tx, sealer_, caller,
                        {.date = date, .actor_role = kAccountAdminRole, .action = "create_table",
                         .resource = cat("catalog/", catalog, "/", database_name, "/",
                                                  input.name)});
  });
}

absl::Status Engine::update_table(const Caller& caller, std::string_view database_name,
                                  const TableInput& input) const {
  if (absl::Status allowed = require_catalog_owner(caller, "update tables"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_catalog_name("database_name", database_name); !valid.ok()) {
    return valid;
  }
  if (absl::Status valid = validate_table_input(input); !valid.ok()) return valid;
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    auto existing = tx.get_table(catalog, database_name, input.name);
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) {
      return absl::NotFoundError(cat("table ", database_name, ".", input.name,
                                              " not found in the catalog of account ", catalog));
    }
    Table& table = **existing;
    if (table.input.target_table) {
      return absl::FailedPreconditionError(cat(
          "table ", database_name, ".", input.name, " is a resource link; it cannot be edited"));
    }
    table.input = input;
    table.update_time = now();
    table.version_id += 1;
    if (absl::Status put = tx.put_table(table); !put.ok()) return put;
    return append_audit(tx, sealer_, caller,
                        {.date = table.update_time, .actor_role = kAccountAdminRole,
                         .action = "update_table",
                         .resource = cat("catalog/", catalog, "/", database_name, "/",
                                                  input.name)});
  });
}

absl::StatusOr<Table> Engine::get_table(const Caller& caller, std::string_view database_name,
                                        std::string_view name) const {
  if (absl::Status valid = validate_catalog_name("database_name", database_name); !valid.ok()) {
    return valid;
  }
  if (absl::Status valid = validate_catalog_name("name", name); !valid.ok()) return valid;
  const std::string& catalog = caller.account.account_id;
  Table table;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.get_table(catalog, database_name, name);
    if (!found.ok()) return found.status();
    if (!found->has_value()) {
      return absl::NotFoundError(cat("table ", database_name, ".", name,
                                              " not found in the catalog of account ", catalog));
    }
    table = std::move(**found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return table;
}

absl::StatusOr<TablePage> Engine::get_tables(const Caller& caller,
                                             std::string_view database_name,
                                             std::string_view expression,
                                             const PageRequest& page) const {
  if (absl::Status valid = validate_catalog_name("database_name", database_name); !valid.ok()) {
    return valid;
  }
  auto store_page = internal::store_page(page);
  if (!store_page.ok()) return store_page.status();
  std::optional<Pattern> pattern;
  if (!expression.empty()) {
    auto compiled = Pattern::compile("expression", expression);
    if (!compiled.ok()) return compiled.status();
    pattern = std::move(*compiled);
  }
  const std::string& catalog = caller.account.account_id;
  TablePage result;
  absl::Status status = read([&](store::Transaction& tx) -> absl::Status {
    if (absl::Status found = require_database(tx, catalog, database_name); !found.ok()) {
      return found;
    }
    if (!pattern) {
      auto listed = tx.list_tables(catalog, database_name, *store_page);
      if (!listed.ok()) return listed.status();
      result.tables = std::move(*listed);
      return absl::OkStatus();
    }
    // With an expression, only the matching tables of this page are loaded, and the walk
    // stops once the page is full.
    return internal::for_each_matching_name(
        tx, catalog, database_name, *pattern, store_page->after,
        [&](const std::string& name) -> absl::StatusOr<bool> {
          auto table = tx.get_table(catalog, database_name, name);
          if (!table.ok()) return table.status();
          if (table->has_value()) result.tables.push_back(std::move(**table));
          return static_cast<int>(result.tables.size()) < store_page->limit;
        });
  });
  if (!status.ok()) return status;
  result.next_token =
      internal::trim_page(result.tables, page, [](const Table& t) { return t.input.name; });
  return result;
}

absl::Status Engine::delete_table(const Caller& caller, std::string_view database_name,
                                  std::string_view name) const {
  if (absl::Status allowed = require_catalog_owner(caller, "delete tables"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_catalog_name("database_name", database_name); !valid.ok()) {
    return valid;
  }
  if (absl::Status valid = validate_catalog_name("name", name); !valid.ok()) return valid;
  const std::string& catalog = caller.account.account_id;
  return write([&](store::Transaction& tx) -> absl::Status {
    auto found = tx.get_table(catalog, database_name, name);
    if (!found.ok()) return found.status();
    if (!found->has_value()) {
      return absl::NotFoundError(cat("table ", database_name, ".", name,
                                              " not found in the catalog of account ", catalog));
    }
    if (absl::Status deleted = tx.delete_table(catalog, database_name, name); !deleted.ok()) {
      return deleted;
    }
    return append_audit(tx, sealer_, caller,
                        {.date = now(), .actor_role = kAccountAdminRole, .action = "delete_table",
                         .resource = cat("catalog/", catalog, "/", database_name, "/",
                                                  name)});
  });
}

absl::StatusOr<std::vector<std::string>> Engine::import_tables(
    const Caller& caller, std::string_view database_name,
    const std::vector<TableInput>& tables) const {
  if (absl::Status allowed = require_catalog_owner(caller, "import tables"); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status valid = validate_catalog_name("database_name", database_name); !valid.ok()) {
    return valid;
  }
  if (tables.empty()) {
    return absl::InvalidArgumentError("the table list to import is empty");
  }
  for (const TableInput& input : tables) {
    if (absl::Status valid = validate_table_input(input); !valid.ok()) return valid;
  }
  const std::string& catalog = caller.account.account_id;
  std::vector<std::string> names;
  absl::Status status = write([&](store::Transaction& tx) -> absl::Status {
    names.clear();
    const std::string date = now();
    auto database = tx.get_database(catalog, database_name);
    if (!database.ok()) return database.status();
    if (!database->has_value()) {
      Database created{.input = {.name = std::string(database_name)}, .catalog_id = catalog,
                       .create_time = date};
      if (absl::Status put = tx.put_database(created); !put.ok()) return put;
    }
    for (const TableInput& input : tables) {
      auto existing = tx.get_table(catalog, database_name, input.name);
      if (!existing.ok()) return existing.status();
      Table table{.input = input, .database_name = std::string(database_name),
                  .catalog_id = catalog, .create_time = date, .update_time = date,
                  .created_by = actor_arn(caller, kAccountAdminRole)};
      if (existing->has_value()) {
        table.create_time = (*existing)->create_time;
        table.created_by = (*existing)->created_by;
        table.version_id = (*existing)->version_id + 1;
      }
      if (absl::Status put = tx.put_table(table); !put.ok()) return put;
      names.push_back(input.name);
    }
    return append_audit(tx, sealer_, caller,
                        {.date = date, .actor_role = kAccountAdminRole, .action = "import_tables",
                         .resource = cat("catalog/", catalog, "/", database_name),
                         .details = {{"Tables", names}}});
  });
  if (!status.ok()) return status;
  return names;
}

}  // namespace datamesh::core
