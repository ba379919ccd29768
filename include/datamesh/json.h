// JSON forms of the API values, with the documents' keys (SubscriptionId, Status, ...).
//
// Pure functions; thread-safe. Parse functions return InvalidArgument naming the field that was
// wrong and what is allowed.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "datamesh/types.h"

namespace datamesh {

std::string to_json(const Subscription& value);
std::string to_json(const Table& value);  // Glue GetTable shape: {"Table": {...}}
std::string to_json(const AccountCredentials& value);

// Glue TableInput / DatabaseInput from JSON. Unknown fields are an error.
absl::StatusOr<TableInput> parse_table_input(std::string_view json);
absl::StatusOr<DatabaseInput> parse_database_input(std::string_view json);

std::string_view to_string(SubscriptionStatus status);

}  // namespace datamesh
