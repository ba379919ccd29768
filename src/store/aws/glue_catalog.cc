#include "store/aws/glue_catalog.h"

#include <algorithm>
#include <map>
#include <utility>

#include "aws/aws_errors.h"
#include "aws/pagination.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "nlohmann/json.hpp"
#include "store/aws/glue_crawler.h"
#include "store/aws/glue_json.h"
#include "store/aws/product_parameters.h"

namespace datamesh::store::aws {
namespace {

using base::cat;
using datamesh::aws::AwsClient;
using datamesh::aws::Service;
using nlohmann::json;

// Glue's batch operations take at most this many entries (PartitionInputList and
// BatchUpdatePartitionRequestEntryList in the service model).
constexpr size_t kPartitionBatch = 100;
constexpr size_t kPartitionDeleteBatch = 25;  // BatchDeletePartition's limit
// A write that finds the database or table created or deleted under it tries again, this often.
constexpr int kWriteAttempts = 3;

absl::Status check_limit(const Page& page) {
  if (page.limit >= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(cat("page limit must be at least 1, not ", page.limit));
}

absl::StatusOr<json> call(const AwsClient& client, std::string_view operation,
                          const json& request) {
  return client.call(Service::kGlue, operation, request);
}

// Every item of every page of a Glue list operation.
absl::StatusOr<json> all_items(const AwsClient& client, std::string_view operation, json request,
                               std::string_view list_key) {
  return datamesh::aws::all_items(
      [&](const json& page_request) { return call(client, operation, page_request); },
      std::move(request), datamesh::aws::kNextToken, list_key);
}

// `items` ordered by `key`, those after page.after, at most page.limit of them.
template <typename T, typename Key>
std::vector<T> ordered_page(std::vector<T> items, const Page& page, Key key) {
  std::ranges::sort(items, {}, key);
  std::vector<T> selected;
  for (T& item : items) {
    if (key(item) <= page.after) continue;
    if (static_cast<int>(selected.size()) == page.limit) break;
    selected.push_back(std::move(item));
  }
  return selected;
}

// The GetDatabase answer's Database, or nullopt when Glue has no such database.
absl::StatusOr<std::optional<json>> find_database(const AwsClient& client,
                                                  std::string_view catalog_id,
                                                  std::string_view name) {
  absl::StatusOr<json> answer =
      call(client, "GetDatabase", {{"CatalogId", catalog_id}, {"Name", name}});
  if (absl::IsNotFound(answer.status())) return std::nullopt;
  DATAMESH_RETURN_IF_ERROR(answer.status());
  return answer->value("Database", json::object());
}

// The database as the store gives it: without the store's parameters, in its catalog.
absl::StatusOr<Database> visible_database(const json& answer, std::string_view catalog_id) {
  DATAMESH_ASSIGN_OR_RETURN(Database database, database_from_json(answer));
  database.input.parameters = without_store_parameters(std::move(database.input.parameters));
  if (database.catalog_id.empty()) database.catalog_id = std::string(catalog_id);
  return database;
}

// The DatabaseInput that replaces `stored` (a GetDatabase answer) by `input`, keeping what the
// store's Database does not hold: CreateTableDefaultPermissions (Lake Formation's defaults
// for new tables, which UpdateDatabase would otherwise reset).
json replacement_input(const DatabaseInput& input, const json& stored) {
  json replacement = database_input_json(input);
  if (const auto found = stored.find("CreateTableDefaultPermissions");
      found != stored.end() && !found->is_null()) {
    replacement["CreateTableDefaultPermissions"] = *found;
  }
  return replacement;
}

absl::Status update_database(const AwsClient& client, std::string_view catalog_id,
                             const json& input) {
  return call(client, "UpdateDatabase",
              {{"CatalogId", catalog_id}, {"Name", input["Name"]}, {"DatabaseInput", input}})
      .status();
}

// The status of a partition Glue refused in a batch: its ErrorCode mapped as any AWS error.
absl::Status partition_error(std::string_view operation, const TableIdentifier& table,
                             const json& error) {
  const json detail = error.value("ErrorDetail", json::object());
  datamesh::aws::AwsError aws_error{.code = detail.value("ErrorCode", ""),
                                    .message = detail.value("ErrorMessage", "")};
  const json values = error.contains("PartitionValues") ? error["PartitionValues"]
                                                        : error.value("PartitionValueList", json());
  return absl::Status(
      datamesh::aws::status_code_for(aws_error),
      cat("glue ", operation, ": partition ", values.dump(), " of ", table.catalog_id, ":",
          table.database_name, ".", table.name, ": ", aws_error.code, ": ", aws_error.message));
}

json table_request(const TableIdentifier& table) {
  return {{"CatalogId", table.catalog_id},
          {"DatabaseName", table.database_name},
          {"TableName", table.name}};
}

// Creates the crawler of one table of `product`, or updates it when it differs.
absl::Status ensure_crawler(const AwsClient& client, const ProductRow& product,
                            std::string_view table_name, std::string_view s3_path) {
  const json update = update_crawler_request(product, table_name, s3_path);
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    absl::StatusOr<json> existing = call(client, "GetCrawler", {{"Name", update["Name"]}});
    if (absl::IsNotFound(existing.status())) {
      absl::Status created =
          call(client, "CreateCrawler", create_crawler_request(product, table_name, s3_path))
              .status();
      if (!absl::IsAlreadyExists(created)) return created;
      continue;  // made meanwhile: compare it
    }
    DATAMESH_RETURN_IF_ERROR(existing.status());
    if (crawler_matches(existing->value("Crawler", json::object()), update)) {
      return absl::OkStatus();
    }
    absl::Status updated = call(client, "UpdateCrawler", update).status();
    if (!absl::IsNotFound(updated)) return updated;
    // deleted meanwhile: create it
  }
  return absl::AbortedError(cat("crawler ", update["Name"].get<std::string>(),
                                " was created or deleted by someone else at every one of ",
                                kWriteAttempts, " attempts to write it"));
}

}  // namespace

// Catalogs ------------------------------------------------------------------------------------

absl::StatusOr<std::optional<Database>> GlueCatalog::get_database(std::string_view catalog_id,
                                                                  std::string_view name) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  DATAMESH_ASSIGN_OR_RETURN(std::optional<json> answer, find_database(*client, catalog_id, name));
  if (!answer) return std::nullopt;
  return visible_database(*answer, catalog_id);
}

absl::Status GlueCatalog::put_database(const Database& database) const {
  const DatabaseInput& wanted = database.input;
  for (const auto& [key, value] : wanted.parameters) {
    if (is_store_parameter(key)) {
      return absl::InvalidArgumentError(cat("database ", wanted.name, ": parameter ", key,
                                            ": keys beginning with \"", kStoreParameterPrefix,
                                            "\" are the mesh store's own"));
    }
  }
  const std::string& catalog_id = database.catalog_id;
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  const bool mesh_catalog = catalog_id == sessions_.mesh_account();
  // Create first: a new database (the common case) costs one call.
  DatabaseInput created_input = wanted;
  if (mesh_catalog) created_input.parameters[kManagedParameter] = "true";
  const json create_request = {{"CatalogId", catalog_id},
                               {"DatabaseInput", database_input_json(created_input)}};
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    absl::Status created = call(*client, "CreateDatabase", create_request).status();
    if (!absl::IsAlreadyExists(created)) return created;
    DATAMESH_ASSIGN_OR_RETURN(std::optional<json> stored,
                              find_database(*client, catalog_id, wanted.name));
    if (!stored) continue;  // deleted meanwhile: create it
    // Keep the product the database holds: its parameters, or, for a mesh database the
    // original made, the product it reads as (which would no longer read so once marked).
    DATAMESH_ASSIGN_OR_RETURN(Database current, database_from_json(*stored));
    Parameters kept = store_parameters_of(current.input.parameters);
    if (mesh_catalog) {
      if (kept.empty()) {
        DATAMESH_ASSIGN_OR_RETURN(std::optional<ProductRow> original, product_of_database(current));
        if (original) kept = product_parameters(*original);
      }
      kept[kManagedParameter] = "true";
    }
    DatabaseInput input = wanted;
    input.parameters.merge(kept);
    absl::Status updated = update_database(*client, catalog_id, replacement_input(input, *stored));
    if (!absl::IsNotFound(updated)) return updated;
    // deleted meanwhile: create it
  }
  return absl::AbortedError(cat("database ", catalog_id, ":", wanted.name, " was created or ",
                                "deleted by someone else at every one of ", kWriteAttempts,
                                " attempts to write it"));
}

absl::Status GlueCatalog::delete_database(std::string_view catalog_id,
                                          std::string_view name) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  absl::Status deleted =
      call(*client, "DeleteDatabase", {{"CatalogId", catalog_id}, {"Name", name}}).status();
  return absl::IsNotFound(deleted) ? absl::OkStatus() : deleted;
}

absl::StatusOr<std::vector<Database>> GlueCatalog::list_databases(std::string_view catalog_id,
                                                                  const Page& page) const {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  DATAMESH_ASSIGN_OR_RETURN(
      json items, all_items(*client, "GetDatabases", {{"CatalogId", catalog_id}}, "DatabaseList"));
  std::vector<Database> databases;
  for (const json& item : items) {
    DATAMESH_ASSIGN_OR_RETURN(Database database, visible_database(item, catalog_id));
    databases.push_back(std::move(database));
  }
  return ordered_page(std::move(databases), page,
                      [](const Database& d) -> const std::string& { return d.input.name; });
}

absl::StatusOr<std::optional<Table>> GlueCatalog::get_table(std::string_view catalog_id,
                                                            std::string_view database_name,
                                                            std::string_view name) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  absl::StatusOr<json> answer =
      call(*client, "GetTable",
           {{"CatalogId", catalog_id}, {"DatabaseName", database_name}, {"Name", name}});
  if (absl::IsNotFound(answer.status())) return std::nullopt;
  DATAMESH_RETURN_IF_ERROR(answer.status());
  return table_from_json(answer->value("Table", json::object()));
}

absl::Status GlueCatalog::put_table(const Table& table) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(table.catalog_id));
  const json request = {{"CatalogId", table.catalog_id},
                        {"DatabaseName", table.database_name},
                        {"TableInput", table_input_json(table.input)}};
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    absl::Status created = call(*client, "CreateTable", request).status();
    if (!absl::IsAlreadyExists(created)) return created;
    absl::Status updated = call(*client, "UpdateTable", request).status();
    if (!absl::IsNotFound(updated)) return updated;
    // deleted meanwhile (or its database): create it again, which says which
  }
  return absl::AbortedError(cat("table ", table.catalog_id, ":", table.database_name, ".",
                                table.input.name, " was created or deleted by someone else at ",
                                "every one of ", kWriteAttempts, " attempts to write it"));
}

absl::Status GlueCatalog::delete_table(std::string_view catalog_id, std::string_view database_name,
                                       std::string_view name) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  absl::Status deleted =
      call(*client, "DeleteTable",
           {{"CatalogId", catalog_id}, {"DatabaseName", database_name}, {"Name", name}})
          .status();
  return absl::IsNotFound(deleted) ? absl::OkStatus() : deleted;
}

absl::StatusOr<std::vector<Table>> GlueCatalog::list_tables(std::string_view catalog_id,
                                                            std::string_view database_name,
                                                            const Page& page) const {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  absl::StatusOr<json> items =
      all_items(*client, "GetTables", {{"CatalogId", catalog_id}, {"DatabaseName", database_name}},
                "TableList");
  if (absl::IsNotFound(items.status())) return std::vector<Table>();
  DATAMESH_RETURN_IF_ERROR(items.status());
  std::vector<Table> tables;
  for (const json& item : *items) {
    DATAMESH_ASSIGN_OR_RETURN(Table table, table_from_json(item));
    tables.push_back(std::move(table));
  }
  return ordered_page(std::move(tables), page,
                      [](const Table& t) -> const std::string& { return t.input.name; });
}

absl::StatusOr<std::vector<std::string>> GlueCatalog::list_table_names(
    std::string_view catalog_id, std::string_view database_name) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(catalog_id));
  absl::StatusOr<json> items = all_items(
      *client, "GetTables",
      {{"CatalogId", catalog_id}, {"DatabaseName", database_name}, {"AttributesToGet", {"NAME"}}},
      "TableList");
  if (absl::IsNotFound(items.status())) return std::vector<std::string>();
  DATAMESH_RETURN_IF_ERROR(items.status());
  std::vector<std::string> names;
  for (const json& item : *items) {
    const auto name = item.find("Name");
    if (name == item.end() || !name->is_string()) {
      return absl::InternalError(cat("Glue GetTables listed a table of ", catalog_id, ":",
                                     database_name, " without a Name: ", item.dump()));
    }
    names.push_back(name->get<std::string>());
  }
  std::ranges::sort(names);
  return names;
}

absl::StatusOr<std::vector<std::string>> GlueCatalog::list_table_names_page(
    std::string_view catalog_id, std::string_view database_name, const Page& page) const {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            list_table_names(catalog_id, database_name));
  return ordered_page(std::move(names), page,
                      [](const std::string& name) -> const std::string& { return name; });
}

// Data products ---------------------------------------------------------------------------------

absl::StatusOr<std::optional<ProductRow>> GlueCatalog::get_product(
    std::string_view mesh_database) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.mesh());
  DATAMESH_ASSIGN_OR_RETURN(std::optional<json> answer,
                            find_database(*client, sessions_.mesh_account(), mesh_database));
  if (!answer) return std::nullopt;
  DATAMESH_ASSIGN_OR_RETURN(Database database, database_from_json(*answer));
  return product_of_database(database);
}

absl::Status GlueCatalog::put_product(const ProductRow& product) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.mesh());
  const std::string& mesh = sessions_.mesh_account();
  const absl::Status missing = absl::FailedPreconditionError(
      cat("data product ", product.mesh_database, ": its mesh database is not in the mesh ",
          "catalog ", mesh, "; the database is written before its product"));
  DATAMESH_ASSIGN_OR_RETURN(std::optional<json> stored,
                            find_database(*client, mesh, product.mesh_database));
  if (!stored) return missing;
  DATAMESH_ASSIGN_OR_RETURN(Database current, database_from_json(*stored));
  DatabaseInput input = current.input;
  input.parameters = without_store_parameters(std::move(input.parameters));
  input.parameters.merge(product_parameters(product));
  absl::Status updated = update_database(*client, mesh, replacement_input(input, *stored));
  return absl::IsNotFound(updated) ? missing : updated;
}

absl::StatusOr<std::vector<ProductRow>> GlueCatalog::list_products(const ProductFilter& filter,
                                                                   const Page& page) const {
  DATAMESH_RETURN_IF_ERROR(check_limit(page));
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.mesh());
  DATAMESH_ASSIGN_OR_RETURN(
      json items, all_items(*client, "GetDatabases", {{"CatalogId", sessions_.mesh_account()}},
                            "DatabaseList"));
  std::vector<ProductRow> products;
  for (const json& item : items) {
    DATAMESH_ASSIGN_OR_RETURN(Database database, database_from_json(item));
    DATAMESH_ASSIGN_OR_RETURN(std::optional<ProductRow> product, product_of_database(database));
    if (!product) continue;
    if (!filter.producer_account.empty() && product->producer_account != filter.producer_account)
      continue;
    if (!filter.domain.empty() && product->domain != filter.domain) continue;
    if (filter.public_metadata_only && !product->public_metadata) continue;
    products.push_back(*std::move(product));
  }
  return ordered_page(std::move(products), page,
                      [](const ProductRow& p) -> const std::string& { return p.mesh_database; });
}

// Partitions ------------------------------------------------------------------------------------

absl::Status GlueCatalog::copy_partitions(const TableIdentifier& source,
                                          const TableIdentifier& target,
                                          const std::function<absl::Status()>& between) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* source_client, sessions_.client(source.catalog_id));
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* target_client, sessions_.client(target.catalog_id));
  // Each side's partitions as the PartitionInput that makes them, by their values (JSON text).
  const auto inputs_of = [](const json& partitions) {
    std::map<std::string, json> inputs;
    for (const json& partition : partitions) {
      json input = partition_input_json(partition);
      // (The key first: json's operator= takes its argument by value, moved from before the
      // left side is evaluated.)
      const std::string values = input.value("Values", json::array()).dump();
      inputs[values] = std::move(input);
    }
    return inputs;
  };
  DATAMESH_ASSIGN_OR_RETURN(const json source_partitions,
                            all_items(*source_client, "GetPartitions", table_request(source),
                                      "Partitions"));
  DATAMESH_ASSIGN_OR_RETURN(const json target_partitions,
                            all_items(*target_client, "GetPartitions", table_request(target),
                                      "Partitions"));
  const std::map<std::string, json> wanted = inputs_of(source_partitions);
  const std::map<std::string, json> copied = inputs_of(target_partitions);
  // Only what differs is written: a copy run again over an unchanged source sends nothing.
  std::vector<json> missing;
  std::vector<json> changed;
  std::vector<json> gone;
  for (const auto& [values, input] : wanted) {
    const auto found = copied.find(values);
    if (found == copied.end()) {
      missing.push_back(input);
    } else if (found->second != input) {
      changed.push_back({{"PartitionValueList", input["Values"]}, {"PartitionInput", input}});
    }
  }
  for (const auto& [values, input] : copied) {
    if (!wanted.contains(values)) gone.push_back({{"Values", input["Values"]}});
  }
  // Sends `entries` to `operation` under `member`, `batch` at a time, `between` before each.
  const auto in_batches = [&](std::string_view operation, std::string_view member,
                              const std::vector<json>& entries, size_t batch,
                              const std::function<absl::Status(const json&)>& on_error) {
    for (size_t start = 0; start < entries.size(); start += batch) {
      if (between) DATAMESH_RETURN_IF_ERROR(between());
      const size_t end = std::min(entries.size(), start + batch);
      json request = table_request(target);
      request[std::string(member)] =
          json(std::vector<json>(entries.begin() + start, entries.begin() + end));
      DATAMESH_ASSIGN_OR_RETURN(json answer, call(*target_client, operation, request));
      for (const json& error : answer.value("Errors", json::array())) {
        DATAMESH_RETURN_IF_ERROR(on_error(error));
      }
    }
    return absl::OkStatus();
  };
  const auto error_code = [](const json& error) {
    return error.value("ErrorDetail", json::object()).value("ErrorCode", "");
  };
  DATAMESH_RETURN_IF_ERROR(in_batches(
      "BatchCreatePartition", "PartitionInputList", missing, kPartitionBatch,
      [&](const json& error) -> absl::Status {
        // Made meanwhile (a crawler, another copy): updated to the source's below.
        const auto input = wanted.find(error.value("PartitionValues", json::array()).dump());
        if (error_code(error) != "AlreadyExistsException" || input == wanted.end()) {
          return partition_error("BatchCreatePartition", target, error);
        }
        changed.push_back(
            {{"PartitionValueList", input->second["Values"]}, {"PartitionInput", input->second}});
        return absl::OkStatus();
      }));
  DATAMESH_RETURN_IF_ERROR(in_batches(
      "BatchUpdatePartition", "Entries", changed, kPartitionBatch,
      [&](const json& error) { return partition_error("BatchUpdatePartition", target, error); }));
  return in_batches("BatchDeletePartition", "PartitionsToDelete", gone, kPartitionDeleteBatch,
                    [&](const json& error) -> absl::Status {
                      if (error_code(error) == "EntityNotFoundException") {
                        return absl::OkStatus();  // gone already
                      }
                      return partition_error("BatchDeletePartition", target, error);
                    });
}

// Crawlers --------------------------------------------------------------------------------------

absl::Status GlueCatalog::ensure_crawlers(const ProductRow& product,
                                          const std::vector<CrawledTable>& tables) const {
  if (product.crawler_role_arn.empty()) return absl::OkStatus();
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(product.producer_account));
  for (const CrawledTable& table : tables) {
    DATAMESH_RETURN_IF_ERROR(ensure_crawler(*client, product, table.name, table.s3_path));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store::aws
