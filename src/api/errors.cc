#include "api/errors.h"

#include <utility>

namespace datamesh::api {
namespace {

constexpr std::pair<absl::StatusCode, std::string_view> kNames[] = {
    {absl::StatusCode::kInvalidArgument, "InvalidArgument"},
    {absl::StatusCode::kNotFound, "NotFound"},
    {absl::StatusCode::kAlreadyExists, "AlreadyExists"},
    {absl::StatusCode::kPermissionDenied, "PermissionDenied"},
    {absl::StatusCode::kUnauthenticated, "Unauthenticated"},
    {absl::StatusCode::kFailedPrecondition, "FailedPrecondition"},
    {absl::StatusCode::kAborted, "Aborted"},
    {absl::StatusCode::kUnavailable, "Unavailable"},
    {absl::StatusCode::kDataLoss, "DataLoss"},
    {absl::StatusCode::kDeadlineExceeded, "DeadlineExceeded"},
    {absl::StatusCode::kResourceExhausted, "ResourceExhausted"},
    {absl::StatusCode::kUnimplemented, "Unimplemented"},
    {absl::StatusCode::kInternal, "Internal"},
};

}  // namespace

std::string_view error_code_name(absl::StatusCode code) {
  for (const auto& [known, name] : kNames) {
    if (known == code) return name;
  }
  return "Internal";
}

absl::StatusCode error_code_from_name(std::string_view name) {
  for (const auto& [code, known] : kNames) {
    if (known == name) return code;
  }
  return absl::StatusCode::kInternal;
}

}  // namespace datamesh::api
