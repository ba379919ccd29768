#include "aws/http_types.h"

#include "absl/strings/match.h"

namespace datamesh::aws {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) return value;
  }
  return "";
}

}  // namespace datamesh::aws
