// The Glue table every benchmark mesh is made of: a partitioned Parquet table of orders.
#pragma once

#include <string_view>

#include "datamesh/types.h"

namespace datamesh::bench {

// Table `name` owned by `owner` ("<owner> table <name>"), stored under `location_root`<name>/.
TableInput parquet_table(std::string_view name, std::string_view owner,
                         std::string_view location_root);

}  // namespace datamesh::bench
