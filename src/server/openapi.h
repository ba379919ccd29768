// The OpenAPI 3 document of every route, derived from the method table.
#pragma once

#include <nlohmann/json.hpp>

namespace datamesh::server {

nlohmann::json openapi_document();

}  // namespace datamesh::server
