#include "store/sql/documents.h"

#include <simdjson.h>

#include <concepts>
#include <nlohmann/json.hpp>
#include <vector>

#include "base/json_text.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::store::sql {

using base::cat;
using nlohmann::json;

namespace {

// Writing ---------------------------------------------------------------------------------

json parameters_json(const Parameters& parameters) {
  json out = json::object();
  for (const auto& [key, value] : parameters) out[key] = value;
  return out;
}

json column_json(const Column& column) {
  return {{"name", column.name},
          {"type", column.type},
          {"comment", column.comment},
          {"parameters", parameters_json(column.parameters)}};
}

json columns_json(const std::vector<Column>& columns) {
  json out = json::array();
  for (const Column& column : columns) out.push_back(column_json(column));
  return out;
}

json storage_json(const StorageDescriptor& sd) {
  json sort_columns = json::array();
  for (const SortColumn& sort : sd.sort_columns) {
    sort_columns.push_back({{"column", sort.column}, {"sort_order", sort.sort_order}});
  }
  return {{"columns", columns_json(sd.columns)},
          {"location", sd.location},
          {"input_format", sd.input_format},
          {"output_format", sd.output_format},
          {"compressed", sd.compressed},
          {"number_of_buckets", sd.number_of_buckets},
          {"serde_info",
           {{"name", sd.serde_info.name},
            {"serialization_library", sd.serde_info.serialization_library},
            {"parameters", parameters_json(sd.serde_info.parameters)}}},
          {"bucket_columns", sd.bucket_columns},
          {"sort_columns", std::move(sort_columns)},
          {"parameters", parameters_json(sd.parameters)},
          {"stored_as_sub_directories", sd.stored_as_sub_directories}};
}

// json::dump throws on strings that are not UTF-8; that is the caller's value at fault.
absl::StatusOr<std::string> dump(const json& document, std::string_view what) {
  try {
    return document.dump();
  } catch (const json::exception& error) {
    return absl::InvalidArgumentError(
        cat(what, " holds text that is not valid UTF-8 (", error.what(), ")"));
  }
}

// Reading ---------------------------------------------------------------------------------
// Each reader takes a missing key as the field's default and throws json::exception on a
// value of the wrong type; the decode_* functions turn that into a status.

template <typename T>
T field(const json& object, const char* key, T fallback = T()) {
  auto found = object.find(key);
  if (found == object.end()) return fallback;
  return found->get<T>();
}

Parameters parameters_from(const json& object) {
  Parameters out;
  for (const auto& [key, value] : object.items()) out[key] = value.get<std::string>();
  return out;
}

Parameters parameters_field(const json& object, const char* key) {
  auto found = object.find(key);
  return found == object.end() ? Parameters() : parameters_from(*found);
}

std::vector<Column> columns_field(const json& object, const char* key) {
  std::vector<Column> out;
  auto found = object.find(key);
  if (found == object.end()) return out;
  for (const json& item : *found) {
    out.push_back(Column{.name = field<std::string>(item, "name"),
                         .type = field<std::string>(item, "type"),
                         .comment = field<std::string>(item, "comment"),
                         .parameters = parameters_field(item, "parameters")});
  }
  return out;
}

StorageDescriptor storage_from(const json& object) {
  StorageDescriptor sd;
  sd.columns = columns_field(object, "columns");
  sd.location = field<std::string>(object, "location");
  sd.input_format = field<std::string>(object, "input_format");
  sd.output_format = field<std::string>(object, "output_format");
  sd.compressed = field<bool>(object, "compressed");
  sd.number_of_buckets = field<int>(object, "number_of_buckets");
  if (auto serde = object.find("serde_info"); serde != object.end()) {
    sd.serde_info.name = field<std::string>(*serde, "name");
    sd.serde_info.serialization_library = field<std::string>(*serde, "serialization_library");
    sd.serde_info.parameters = parameters_field(*serde, "parameters");
  }
  sd.bucket_columns = field<std::vector<std::string>>(object, "bucket_columns");
  if (auto sorts = object.find("sort_columns"); sorts != object.end()) {
    for (const json& sort : *sorts) {
      sd.sort_columns.push_back(SortColumn{.column = field<std::string>(sort, "column"),
                                           .sort_order = field<int>(sort, "sort_order")});
    }
  }
  sd.parameters = parameters_field(object, "parameters");
  sd.stored_as_sub_directories = field<bool>(object, "stored_as_sub_directories");
  return sd;
}

// Parses text that must hold a JSON object.
absl::StatusOr<json> parse_object(std::string_view text, std::string_view what) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    return absl::InternalError(cat(what, " is not a JSON object in the mesh store"));
  }
  return document;
}

absl::Status unreadable(std::string_view what, const json::exception& error) {
  return absl::InternalError(
      cat(what, " has an unreadable document in the mesh store: ", error.what()));
}

}  // namespace

absl::StatusOr<std::string> encode_parameters(const Parameters& parameters) {
  return dump(parameters_json(parameters), "parameters");
}

absl::StatusOr<Parameters> decode_parameters(std::string_view text, std::string_view what) {
  DATAMESH_ASSIGN_OR_RETURN(json document, parse_object(text, what));
  try {
    return parameters_from(document);
  } catch (const json::exception& error) {
    return unreadable(what, error);
  }
}

absl::StatusOr<std::string> encode_table_definition(const TableInput& input) {
  json document = {{"description", input.description},
                   {"owner", input.owner},
                   {"retention", input.retention},
                   {"partition_keys", columns_json(input.partition_keys)},
                   {"view_original_text", input.view_original_text},
                   {"view_expanded_text", input.view_expanded_text},
                   {"table_type", input.table_type},
                   {"parameters", parameters_json(input.parameters)}};
  // Absent and empty storage descriptors differ (Glue returns what it was given).
  if (input.storage_descriptor) {
    document["storage_descriptor"] = storage_json(*input.storage_descriptor);
  }
  return dump(document, cat("table ", input.name));
}

absl::StatusOr<TableInput> decode_table_definition(std::string_view text, std::string_view what) {
  DATAMESH_ASSIGN_OR_RETURN(json document, parse_object(text, what));
  try {
    TableInput input;
    input.description = field<std::string>(document, "description");
    input.owner = field<std::string>(document, "owner");
    input.retention = field<int>(document, "retention");
    if (auto sd = document.find("storage_descriptor"); sd != document.end()) {
      input.storage_descriptor = storage_from(*sd);
    }
    input.partition_keys = columns_field(document, "partition_keys");
    input.view_original_text = field<std::string>(document, "view_original_text");
    input.view_expanded_text = field<std::string>(document, "view_expanded_text");
    input.table_type = field<std::string>(document, "table_type");
    input.parameters = parameters_field(document, "parameters");
    return input;
  } catch (const json::exception& error) {
    return unreadable(what, error);
  }
}

namespace {

// The members of the subscription document: the one list its writer and its reader go through.
// In the order nlohmann's dump() wrote them (its objects sort their keys), so that documents
// written before and after the writer below are the same text.
template <typename S, typename Visit>
void subscription_members(S& s, Visit&& visit) {
  visit("created_by", s.created_by);
  visit("creation_date", s.creation_date);
  visit("grantable_grants", s.grantable_grants);
  visit("granted_table_arns", s.granted_table_arns);
  visit("imported_to_consumer", s.imported_to_consumer);
  visit("notes", s.notes);
  visit("permitted_grants", s.permitted_grants);
  visit("ram_shares", s.ram_shares);
  visit("requested_grants", s.requested_grants);
  visit("table_names", s.table_names);
  visit("type", s.type);
  visit("updated_by", s.updated_by);
  visit("updated_date", s.updated_date);
}

// A JSON object written straight into its text, for the subscription document, which every
// workflow step writes: building nlohmann's DOM of it and dumping that was a third of
// update_subscription's time in the scale benchmark's profile. The text is the one nlohmann's
// dump() wrote for the same members: no spaces, strings escaped as it escapes them (", \\,
// \b \f \n \r \t, other control characters as \u00xx, everything else as it is).
class ObjectWriter {
 public:
  ObjectWriter() { text_.push_back('{'); }

  void member(std::string_view key, std::string_view value) {
    name(key);
    string(value);
  }
  void member(std::string_view key, const std::vector<std::string>& values) {
    name(key);
    text_.push_back('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) text_.push_back(',');
      string(values[i]);
    }
    text_.push_back(']');
  }
  // Only a bool: a string literal would otherwise take this overload.
  void member(std::string_view key, std::same_as<bool> auto value) {
    name(key);
    text_.append(value ? "true" : "false");
  }

  std::string close() && {
    text_.push_back('}');
    return std::move(text_);
  }

 private:
  void name(std::string_view key) {
    if (text_.size() > 1) text_.push_back(',');
    string(key);
    text_.push_back(':');
  }

  void string(std::string_view value) { base::append_json_string(text_, value); }

  std::string text_;
};

}  // namespace

absl::StatusOr<std::string> encode_subscription_document(const Subscription& subscription) {
  ObjectWriter document;
  subscription_members(subscription, [&document](std::string_view key, const auto& value) {
    document.member(key, value);
  });
  std::string text = std::move(document).close();
  // The engine refuses such text where it comes in; a store must still never write a document
  // that no JSON reader would take back.
  if (!base::is_valid_utf8(text)) {
    return absl::InvalidArgumentError(cat("subscription ", subscription.subscription_id,
                                          " holds text that is not valid UTF-8"));
  }
  return text;
}

namespace {

// The subscription document's value types, read from simdjson's on-demand values.
simdjson::error_code read_value(simdjson::ondemand::value value, std::string& out) {
  std::string_view item;
  const simdjson::error_code error = value.get_string().get(item);
  out.assign(item);
  return error;
}

simdjson::error_code read_value(simdjson::ondemand::value value, std::vector<std::string>& out) {
  simdjson::ondemand::array array;
  simdjson::error_code error = value.get_array().get(array);
  out.clear();
  // Iterating an array that failed to open reads through a null iterator.
  if (error) return error;
  for (auto element : array) {
    std::string_view item;
    if ((error = element.get_string().get(item))) break;
    out.emplace_back(item);
  }
  return error;
}

simdjson::error_code read_value(simdjson::ondemand::value value, bool& out) {
  return value.get_bool().get(out);
}

}  // namespace

// Read with simdjson's on-demand parser, without building a DOM: subscriptions are read by every
// workflow step and listing, and nlohmann's parse was 80% of a 100-row listing in the scale
// benchmark's profile. Same rules as the other readers: a missing key keeps its default, an
// unknown key is skipped, a value of the wrong type is an error.
absl::Status decode_subscription_document(std::string_view text, std::string_view what,
                                          Subscription& subscription) {
  namespace ondemand = simdjson::ondemand;
  // A parser keeps its buffers between documents; one per thread, as it is not thread-safe.
  thread_local ondemand::parser parser;
  const simdjson::padded_string padded(text);
  ondemand::document document;
  ondemand::object object;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS ||
      document.get_object().get(object) != simdjson::SUCCESS) {
    return absl::InternalError(cat(what, " is not a JSON object in the mesh store"));
  }
  simdjson::error_code error = simdjson::SUCCESS;
  std::string_view key;
  for (auto member : object) {
    ondemand::value value;
    if ((error = member.unescaped_key().get(key)) || (error = member.value().get(value))) break;
    bool known = false;  // an unknown key is skipped
    subscription_members(subscription, [&](std::string_view name, auto& field) {
      if (known || name != key) return;
      known = true;
      error = read_value(value, field);
    });
    if (error) break;
  }
  if (error) {
    return absl::InternalError(cat(what, " has an unreadable document in the mesh store: ",
                                   key.empty() ? "" : cat("\"", key, "\": "),
                                   simdjson::error_message(error)));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store::sql
