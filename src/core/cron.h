// Validation of sync schedules in the AWS Glue cron form: "cron(Minutes Hours Day-of-month
// Month Day-of-week Year)", e.g. "cron(0 */4 * * ? *)". One of day-of-month and day-of-week
// must be '?'. Supports lists, ranges, steps, names (JAN-DEC, SUN-SAT), L, W and #.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace datamesh::core {

// InvalidArgument naming the field that is wrong and what it allows.
absl::Status validate_glue_cron(std::string_view parameter, std::string_view expression);

}  // namespace datamesh::core
