#include "store/aws/glue_json.h"

#include <cmath>
#include <concepts>
#include <ctime>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/text.h"
#include "store/aws/json_members.h"

namespace datamesh::store::aws {
namespace {

using base::cat;
using nlohmann::json;

// Whether a member is written when it holds its type's default (0): Order.SortOrder is
// required by the model even when it is 0 (descending).
enum class Presence { kWhenSet, kAlways };

template <typename T, typename U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

// The members of each value, in the model's order: the one list both directions read.

template <typename Visit, Is<Column> C>
void members(Visit& visit, C& column) {
  visit("Name", column.name);
  visit("Type", column.type);
  visit("Comment", column.comment);
  visit("Parameters", column.parameters);
}

template <typename Visit, Is<SerDeInfo> S>
void members(Visit& visit, S& serde) {
  visit("Name", serde.name);
  visit("SerializationLibrary", serde.serialization_library);
  visit("Parameters", serde.parameters);
}

template <typename Visit, Is<SortColumn> S>
void members(Visit& visit, S& order) {
  visit("Column", order.column);
  visit("SortOrder", order.sort_order, Presence::kAlways);
}

template <typename Visit, Is<StorageDescriptor> S>
void members(Visit& visit, S& sd) {
  visit("Columns", sd.columns);
  visit("Location", sd.location);
  visit("InputFormat", sd.input_format);
  visit("OutputFormat", sd.output_format);
  visit("Compressed", sd.compressed);
  visit("NumberOfBuckets", sd.number_of_buckets);
  visit("SerdeInfo", sd.serde_info);
  visit("BucketColumns", sd.bucket_columns);
  visit("SortColumns", sd.sort_columns);
  visit("Parameters", sd.parameters);
  visit("StoredAsSubDirectories", sd.stored_as_sub_directories);
}

template <typename Visit, Is<TableIdentifier> T>
void members(Visit& visit, T& target) {
  visit("CatalogId", target.catalog_id);
  visit("DatabaseName", target.database_name);
  visit("Name", target.name);
}

template <typename Visit, Is<DatabaseIdentifier> D>
void members(Visit& visit, D& target) {
  visit("CatalogId", target.catalog_id);
  visit("DatabaseName", target.database_name);
}

template <typename Visit, Is<TableInput> T>
void members(Visit& visit, T& input) {
  visit("Name", input.name);
  visit("Description", input.description);
  visit("Owner", input.owner);
  visit("Retention", input.retention);
  visit("StorageDescriptor", input.storage_descriptor);
  visit("PartitionKeys", input.partition_keys);
  visit("ViewOriginalText", input.view_original_text);
  visit("ViewExpandedText", input.view_expanded_text);
  visit("TableType", input.table_type);
  visit("Parameters", input.parameters);
  visit("TargetTable", input.target_table);
}

template <typename Visit, Is<DatabaseInput> D>
void members(Visit& visit, D& input) {
  visit("Name", input.name);
  visit("Description", input.description);
  visit("LocationUri", input.location_uri);
  visit("Parameters", input.parameters);
  visit("TargetDatabase", input.target_database);
}

// Writing ---------------------------------------------------------------------------------------

class Writer {
 public:
  explicit Writer(json& out) : out_(out) {}

  void operator()(const char* key, const std::string& value) {
    if (!value.empty()) out_[key] = value;
  }
  void operator()(const char* key, int value, Presence presence = Presence::kWhenSet) {
    if (value != 0 || presence == Presence::kAlways) out_[key] = value;
  }
  void operator()(const char* key, bool value) {
    if (value) out_[key] = true;
  }
  void operator()(const char* key, const Parameters& value) {
    if (!value.empty()) out_[key] = value;
  }
  void operator()(const char* key, const std::vector<std::string>& value) {
    if (!value.empty()) out_[key] = value;
  }
  template <typename T>
  void operator()(const char* key, const std::vector<T>& values) {
    if (values.empty()) return;
    json list = json::array();
    for (const T& value : values) list.push_back(object_of(value));
    out_[key] = std::move(list);
  }
  template <typename T>
  void operator()(const char* key, const std::optional<T>& value) {
    if (value) out_[key] = object_of(*value);  // written even when empty
  }
  template <typename T>
  void operator()(const char* key, const T& value) {
    json object = object_of(value);
    if (!object.empty()) out_[key] = std::move(object);
  }

  template <typename T>
  static json object_of(const T& value) {
    json out = json::object();
    Writer writer(out);
    members(writer, value);
    return out;
  }

 private:
  json& out_;
};

// Reading ---------------------------------------------------------------------------------------

// A member of the wrong type: `path` names it from the value being read ("StorageDescriptor.
// Columns.Name").
struct BadMember {
  std::string path;
  std::string why;
};

class Reader {
 public:
  explicit Reader(const json& in) : in_(in) {}

  void operator()(const char* key, std::string& value) {
    at(key, [&](const json& j) { value = j.get<std::string>(); });
  }
  void operator()(const char* key, int& value, Presence = Presence::kWhenSet) {
    at(key, [&](const json& j) { value = j.get<int>(); });
  }
  void operator()(const char* key, bool& value) {
    at(key, [&](const json& j) { value = j.get<bool>(); });
  }
  void operator()(const char* key, Parameters& value) {
    at(key, [&](const json& j) { value = j.get<Parameters>(); });
  }
  void operator()(const char* key, std::vector<std::string>& value) {
    at(key, [&](const json& j) { value = j.get<std::vector<std::string>>(); });
  }
  template <typename T>
  void operator()(const char* key, std::vector<T>& values) {
    at(key, [&](const json& j) {
      if (!j.is_array()) throw BadMember{"", cat("an array expected, not ", j.type_name())};
      for (const json& item : j) values.push_back(value_of<T>(item));
    });
  }
  template <typename T>
  void operator()(const char* key, std::optional<T>& value) {
    at(key, [&](const json& j) { value = value_of<T>(j); });
  }
  template <typename T>
  void operator()(const char* key, T& value) {
    at(key, [&](const json& j) { value = value_of<T>(j); });
  }

  template <typename T>
  static T value_of(const json& in) {
    if (!in.is_object()) throw BadMember{"", cat("an object expected, not ", in.type_name())};
    T value{};
    Reader reader(in);
    members(reader, value);
    return value;
  }

 private:
  // Runs `assign` on the member `key` when it is there and not null, naming the member in
  // whatever goes wrong.
  template <typename Assign>
  void at(const char* key, Assign assign) {
    const auto found = in_.find(key);
    if (found == in_.end() || found->is_null()) return;
    try {
      assign(*found);
    } catch (const json::exception& error) {
      throw BadMember{key, error.what()};
    } catch (BadMember& inner) {
      inner.path = inner.path.empty() ? std::string(key) : cat(key, ".", inner.path);
      throw;
    }
  }

  const json& in_;
};

absl::Status bad_answer(std::string_view what, const BadMember& bad) {
  return absl::InternalError(
      cat("Glue answered a ", what, " that cannot be read: member ", bad.path, ": ", bad.why));
}

}  // namespace

json database_input_json(const DatabaseInput& input) { return Writer::object_of(input); }

json table_input_json(const TableInput& input) { return Writer::object_of(input); }

absl::StatusOr<Database> database_from_json(const json& database) {
  try {
    Database out;
    out.input = Reader::value_of<DatabaseInput>(database);
    out.catalog_id = string_member(database, "CatalogId");
    out.create_time = glue_time_text(database.value("CreateTime", json()));
    return out;
  } catch (const BadMember& bad) {
    return bad_answer("database", bad);
  }
}

absl::StatusOr<Table> table_from_json(const json& table) {
  try {
    Table out;
    out.input = Reader::value_of<TableInput>(table);
    out.database_name = string_member(table, "DatabaseName");
    out.catalog_id = string_member(table, "CatalogId");
    out.create_time = glue_time_text(table.value("CreateTime", json()));
    out.update_time = glue_time_text(table.value("UpdateTime", json()));
    out.created_by = string_member(table, "CreatedBy");
    if (const std::string version = string_member(table, "VersionId"); !version.empty()) {
      try {
        out.version_id = std::stoll(version);
      } catch (const std::exception&) {
        throw BadMember{"VersionId", cat("\"", version, "\" is not a number")};
      }
    }
    return out;
  } catch (const BadMember& bad) {
    return bad_answer("table", bad);
  }
}

json partition_input_json(const json& partition) {
  json input = json::object();
  for (const char* key :
       {"Values", "StorageDescriptor", "Parameters", "LastAccessTime", "LastAnalyzedTime"}) {
    const auto found = partition.find(key);
    if (found != partition.end() && !found->is_null()) input[key] = *found;
  }
  return input;
}

std::string glue_time_text(const json& timestamp) {
  if (timestamp.is_string()) return timestamp.get<std::string>();
  if (!timestamp.is_number()) return "";
  const auto seconds = static_cast<std::time_t>(std::floor(timestamp.get<double>()));
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return "";
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

}  // namespace datamesh::store::aws
