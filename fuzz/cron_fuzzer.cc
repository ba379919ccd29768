// Fuzz target: sync schedules (create_data_products' sync_mesh_catalog_schedule), parsed by
// core::validate_glue_cron. The input is the schedule text.
//
// Properties: the validator neither crashes nor reads out of bounds (ASan, UBSan); it answers
// OK or InvalidArgument, and its message names the parameter and quotes the schedule.
#include <string>

#include "core/cron.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view schedule = datamesh::fuzz::as_text(data, size);
  const absl::Status status =
      datamesh::core::validate_glue_cron("sync_mesh_catalog_schedule", schedule);
  if (status.ok()) return 0;
  DATAMESH_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
                      datamesh::fuzz::describe(status));
  DATAMESH_FUZZ_CHECK(datamesh::fuzz::message(status).starts_with("invalid sync_mesh_catalog_schedule "),
                      datamesh::fuzz::describe(status));
  return 0;
}
