// The method table as the web console's API client reads it (console/src/api.js): one entry per
// route of api/routes.h with its group, name, HTTP path, summary, whether it writes (and so
// takes a client_token) and its fields. The build writes it to JSON with
// datamesh_console_methods and bundles it into the console, so the console's client is derived
// from the method declarations like the CLI and the OpenAPI document, not written per method.
#pragma once

#include <nlohmann/json.hpp>

namespace datamesh::server {

nlohmann::json console_methods();

}  // namespace datamesh::server
