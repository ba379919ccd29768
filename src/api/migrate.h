// `datamesh admin migrate`: bring a store's schema up to this binary's version, explicitly.
//
// Stores migrate themselves when they are opened (under a lock, so that several servers starting
// together apply each migration once); this runs the same migrations without starting anything,
// e.g. before a rolling upgrade of the replicas. Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace datamesh::api {

// Migrates the store at `endpoint` (sqlite:///path or postgresql://...) and answers
// {"Store": <endpoint without password>, "PreviousSchemaVersion": n, "SchemaVersion": m,
//  "AppliedMigrations": [...]}. A PostgreSQL database without a mesh schema gets one; a missing
// SQLite file is not created. Errors: InvalidArgument for other endpoints (a server migrates its
// own store when it starts); FailedPrecondition for a missing file or a schema newer than this
// binary; the store's errors when it cannot be opened.
absl::StatusOr<nlohmann::json> migrate_store(const std::string& endpoint);

}  // namespace datamesh::api
