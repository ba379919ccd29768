// DynamoDB items in the wire's AttributeValue JSON form ({"S": "text"}, {"B": "base64"},
// {"L": [...]}, {"SS": [...]}, {"M": {...}}, {"N": "12"}, {"BOOL": true}, {"NULL": true}), as the
// DynamoDB JSON protocol sends and receives them: building values, and reading attributes of an
// item with errors that name the attribute and the type that was expected.
//
// The readers take the item's name (e.g. "tracker item GUxw…") for their messages. Every reader
// of an optional attribute accepts it missing and {"NULL": true} alike: the original library
// writes NULL where it clears a value. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace datamesh::store::aws {

using Item = nlohmann::json;  // an object: attribute name -> AttributeValue

// Values.
nlohmann::json string_value(std::string_view text);                      // {"S": text}
nlohmann::json binary_value(std::string_view bytes);             // {"B": base64 of bytes}
nlohmann::json number_value(int64_t number);                             // {"N": "number"}
nlohmann::json bool_value(bool value);                                   // {"BOOL": value}
nlohmann::json null_value();                                             // {"NULL": true}
nlohmann::json string_list_value(const std::vector<std::string>& list);  // {"L": [{"S"}...]}
// {"SS": [...]}: the distinct strings, sorted (DynamoDB keeps a set; sorting makes the JSON
// we send reproducible). DynamoDB refuses an empty set: callers leave the attribute out.
nlohmann::json string_set_value(const std::vector<std::string>& strings);

// Readers of one attribute of `item`; `what` names the item in error messages. A value of
// another type than expected is InvalidArgument: `<what>: attribute <name> must be <type>, not
// <what it is>`.
class ItemReader {
 public:
  ItemReader(const Item& item, std::string what) : item_(item), what_(std::move(what)) {}

  bool has(std::string_view name) const;  // present and not NULL

  absl::StatusOr<std::string> required_string(std::string_view name) const;
  // "" when missing or NULL.
  absl::StatusOr<std::string> optional_string(std::string_view name) const;
  // The bytes of a B.
  absl::StatusOr<std::string> required_binary(std::string_view name) const;
  // 0 when missing; the N must be a whole number that fits in 64 bits.
  absl::StatusOr<int64_t> optional_number(std::string_view name) const;
  absl::StatusOr<int64_t> required_number(std::string_view name) const;
  // false when missing or NULL.
  absl::StatusOr<bool> optional_bool(std::string_view name) const;
  // L of S; empty when missing or NULL.
  absl::StatusOr<std::vector<std::string>> optional_string_list(std::string_view name) const;
  // SS; empty when missing or NULL; in the order stored.
  absl::StatusOr<std::vector<std::string>> optional_string_set(std::string_view name) const;
  // M: the map's entries, by key; empty when missing or NULL.
  absl::StatusOr<std::map<std::string, Item>> optional_map(std::string_view name) const;

  absl::Status type_error(std::string_view name, std::string_view expected) const;
  const std::string& what() const { return what_; }

 private:
  // The attribute's AttributeValue, or nullptr when missing or NULL.
  const nlohmann::json* find(std::string_view name) const;
  absl::StatusOr<std::string> string_of(std::string_view name, const nlohmann::json& value,
                                        std::string_view expected) const;

  const Item& item_;
  std::string what_;
};

// What an AttributeValue is, for messages: "S", "L", "an object with no type", ...
std::string describe_type(const nlohmann::json& value);

}  // namespace datamesh::store::aws
