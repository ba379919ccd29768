// The JSON documents the stores (SQLite and PostgreSQL) keep in text columns: nested values that
// are never filtered on (Parameters, TableInput, the lists of a Subscription). One format for
// both stores, so a mesh could be moved from one to the other row by row.
//
// The format belongs to the store (snake_case field names, every field written) and is
// independent of the API's JSON. Readers take missing fields as their defaults, so a later
// migration may add fields without rewriting old rows. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/catalog_types.h"
#include "datamesh/types.h"

namespace datamesh::store::sql {

// Errors of encode_*: InvalidArgument when a string is not valid UTF-8 (JSON cannot hold it).
// Errors of decode_*: Internal naming `what` when the stored text is not the expected document.

absl::StatusOr<std::string> encode_parameters(const Parameters& parameters);
absl::StatusOr<Parameters> decode_parameters(std::string_view json, std::string_view what);

// Everything of a TableInput but name and target_table, which are columns.
absl::StatusOr<std::string> encode_table_definition(const TableInput& input);
absl::StatusOr<TableInput> decode_table_definition(std::string_view json, std::string_view what);

// Everything of a Subscription but the columns id, status, database_name, owner_principal,
// subscriber_principal and version. decode fills those fields of `subscription` only.
absl::StatusOr<std::string> encode_subscription_document(const Subscription& subscription);
absl::Status decode_subscription_document(std::string_view json, std::string_view what,
                                          Subscription& subscription);

}  // namespace datamesh::store::sql
