// Glue-shaped catalog values: databases, tables and their definitions.
//
// These mirror the AWS Glue API shapes (DatabaseInput, TableInput, Table) so that the JSON that
// `aws glue get-tables` prints can be imported as it is, and so that get_table_info answers in
// Glue's GetTable shape. Plain values; no thread-safety concerns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace datamesh {

using Parameters = std::map<std::string, std::string>;

struct Column {
  std::string name;
  std::string type;
  std::string comment;
  Parameters parameters;

  bool operator==(const Column&) const = default;
};

struct SerDeInfo {
  std::string name;
  std::string serialization_library;
  Parameters parameters;

  bool operator==(const SerDeInfo&) const = default;
};

struct SortColumn {
  std::string column;
  int sort_order = 0;

  bool operator==(const SortColumn&) const = default;
};

struct StorageDescriptor {
  std::vector<Column> columns;
  std::string location;
  std::string input_format;
  std::string output_format;
  bool compressed = false;
  int number_of_buckets = 0;
  SerDeInfo serde_info;
  std::vector<std::string> bucket_columns;
  std::vector<SortColumn> sort_columns;
  Parameters parameters;
  bool stored_as_sub_directories = false;

  bool operator==(const StorageDescriptor&) const = default;
};

// Points a resource link at the table or database it stands for.
struct TableIdentifier {
  std::string catalog_id;
  std::string database_name;
  std::string name;

  bool operator==(const TableIdentifier&) const = default;
};

struct DatabaseIdentifier {
  std::string catalog_id;
  std::string database_name;

  bool operator==(const DatabaseIdentifier&) const = default;
};

// What a caller gives to create or replace a table (Glue TableInput).
struct TableInput {
  std::string name;
  std::string description;
  std::string owner;
  int retention = 0;
  std::optional<StorageDescriptor> storage_descriptor;
  std::vector<Column> partition_keys;
  std::string view_original_text;
  std::string view_expanded_text;
  std::string table_type;
  Parameters parameters;
  std::optional<TableIdentifier> target_table;  // set for resource links

  bool operator==(const TableInput&) const = default;
};

// A stored table (Glue Table): the input plus what the catalog adds.
struct Table {
  TableInput input;
  std::string database_name;
  std::string catalog_id;
  std::string create_time;  // UTC, "YYYY-MM-DD HH:MM:SS"
  std::string update_time;
  std::string created_by;
  int64_t version_id = 1;
};

struct DatabaseInput {
  std::string name;
  std::string description;
  std::string location_uri;
  Parameters parameters;
  std::optional<DatabaseIdentifier> target_database;  // set for resource links

  bool operator==(const DatabaseInput&) const = default;
};

struct Database {
  DatabaseInput input;
  std::string catalog_id;
  std::string create_time;
};

}  // namespace datamesh
