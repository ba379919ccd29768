#include "store/sql/row.h"

namespace datamesh::store::sql {

Values& Values::text(std::string_view value) {
  values_.push_back({.type = Value::Type::kText, .data = std::string(value)});
  return *this;
}

Values& Values::optional_text(const std::string* value) {
  if (value != nullptr) return text(*value);
  values_.push_back({.type = Value::Type::kNull});
  return *this;
}

Values& Values::bytes(std::string_view value) {
  values_.push_back({.type = Value::Type::kBytes, .data = std::string(value)});
  return *this;
}

Values& Values::integer(int64_t value) {
  values_.push_back({.type = Value::Type::kInteger, .integer = value});
  return *this;
}

Values& Values::boolean(bool value) {
  values_.push_back({.type = Value::Type::kBoolean, .integer = value ? 1 : 0});
  return *this;
}

}  // namespace datamesh::store::sql
