// The one place where error codes become HTTP statuses, and back.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace datamesh::server {

// 400 invalid, 401 unauthenticated, 403 denied, 404 missing, 409 state conflict or lost race,
// 413 too large, 429 exhausted, 503 unavailable, 500 otherwise.
int http_status(absl::StatusCode code);

// {"Error": {"Code": "NotFound", "Message": "..."}}
nlohmann::json error_body(const absl::Status& status);

}  // namespace datamesh::server
