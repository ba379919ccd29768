// Reading members of the JSON answers of AWS services, where a missing member and one of
// another type mean the same: "not given".
#pragma once

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace datamesh::store::aws {

// The string member `key` of `object`, or "" when it is missing or not a string.
inline std::string string_member(const nlohmann::json& object, std::string_view key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return "";
  return found->get<std::string>();
}

}  // namespace datamesh::store::aws
