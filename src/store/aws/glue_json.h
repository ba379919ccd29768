// Glue's JSON for the catalog values of include/datamesh/catalog_types.h: the request shapes
// DatabaseInput and TableInput (CreateDatabase, UpdateDatabase, CreateTable, UpdateTable), the
// Database and Table of GetDatabase(s) and GetTable(s) answers, resource links (TargetDatabase,
// TargetTable) included, and the PartitionInput that copies a partition of a GetPartitions
// answer. Member names are those of botocore's Glue model (data/glue/2017-03-31).
//
// Each value's members are listed once (glue_json.cc, `members`), read by both the writer and
// the reader. The writer leaves out what is empty (strings, lists, maps, zero numbers, false),
// as Glue's answers do, so a value reads back as it was written; a present StorageDescriptor is
// always written, even empty (absent and empty differ in Glue as in the store).
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "datamesh/catalog_types.h"
#include "nlohmann/json.hpp"

namespace datamesh::store::aws {

// The DatabaseInput of a CreateDatabase or UpdateDatabase request.
nlohmann::json database_input_json(const DatabaseInput& input);
// The TableInput of a CreateTable or UpdateTable request.
nlohmann::json table_input_json(const TableInput& input);

// A Database of a GetDatabase or GetDatabases answer. create_time is CreateTime (epoch seconds
// in Glue's JSON) as UTC "YYYY-MM-DD HH:MM:SS". Internal naming the member when a member has
// the wrong JSON type.
absl::StatusOr<Database> database_from_json(const nlohmann::json& database);
// A Table of a GetTable or GetTables answer; VersionId (a string in Glue) becomes version_id.
// Internal naming the member when a member has the wrong type or VersionId is not a number.
absl::StatusOr<Table> table_from_json(const nlohmann::json& table);

// The PartitionInput that recreates `partition` (a GetPartitions item) in another table: its
// Values, StorageDescriptor, Parameters, LastAccessTime and LastAnalyzedTime, passed through.
nlohmann::json partition_input_json(const nlohmann::json& partition);

// A Glue timestamp (epoch seconds, a number) as UTC "YYYY-MM-DD HH:MM:SS"; a string is kept as
// it is, anything else is "".
std::string glue_time_text(const nlohmann::json& timestamp);

}  // namespace datamesh::store::aws
