// The canary secret the credentials fuzzers plant in their inputs, and where an error message
// may legitimately quote it: a parser may name a key it refuses, and a key is the user's text,
// but it must never quote a value. Shared by credentials_fuzzer (datamesh's credentials files)
// and aws_credentials_fuzzer (the AWS shared files and the original's JSON file).
#pragma once

#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace datamesh::fuzz {

inline constexpr std::string_view kSecretCanary = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYCANARYKEY";

inline bool has_canary(std::string_view text) {
  return text.find(kSecretCanary) != std::string_view::npos;
}

// True when a key of any object in `document` holds the canary. Iterative: the document may
// nest deeper than a stack allows.
inline bool canary_in_a_json_key(const nlohmann::json& document) {
  std::vector<const nlohmann::json*> todo = {&document};
  while (!todo.empty()) {
    const nlohmann::json* value = todo.back();
    todo.pop_back();
    if (value->is_object()) {
      for (const auto& [key, item] : value->items()) {
        if (has_canary(key)) return true;
        todo.push_back(&item);
      }
    } else if (value->is_array()) {
      for (const auto& item : *value) todo.push_back(&item);
    }
  }
  return false;
}

}  // namespace datamesh::fuzz
