// The "patterns" part of datamesh_bench (issue 15.2, docs/PERFORMANCE.md "Costly patterns"):
// what costly table-name patterns do to other accounts. The producer's catalog gets a database
// `hostile` of 10,000 tables named like the attack's (24 bytes, a run of a's first), then:
//   1. another account's signed read (get-subscription), idle and while four connections send
//      get-tables with (.*a){12}$, (a+)+$ and (a|a)+$ over `hostile` without pause;
//   2. another account's write (request-access-to-product), idle and while four connections
//      send create-data-products with table_name_regex (a+)+$ over `hostile` without pause;
// and how long the costly calls themselves take to be refused.
// Not thread-safe: one run at a time.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "datamesh/types.h"
#include "load.h"

namespace datamesh::bench {

inline constexpr char kHostileDatabase[] = "hostile";
inline constexpr int kHostileTables = 10'000;

// Creates database `hostile` with kHostileTables tables in the producer's catalog of the mesh
// file at store_path (before the server opens it), in one import_tables call.
absl::Status add_hostile_tables(const std::string& store_path, const Credentials& producer);

struct CostlyPatternSetup {
  LoadOptions load;          // host, port, seconds, warm-up (connections are set per phase)
  RequestMaker read;         // another account's signed read
  RequestMaker write;        // another account's signed write
  std::string host_header;   // for the costly calls, signed by `producer`
  Credentials producer;
};

// The figures as JSON ({"read_idle": {...}, "read_during_costly_get_tables": {...}, ...}) and a
// table on stderr. Errors: a costly call that is not refused with 400 InvalidArgument.
absl::StatusOr<nlohmann::json> measure_costly_patterns(const CostlyPatternSetup& setup);

}  // namespace datamesh::bench
