#include "store/aws/attribute_value.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "absl/strings/escaping.h"
#include "base/text.h"

namespace datamesh::store::aws {

using base::cat;
using nlohmann::json;

json string_value(std::string_view text) { return {{"S", std::string(text)}}; }

json binary_value(std::string_view bytes) {
  return {{"B", absl::Base64Escape(absl::string_view(bytes.data(), bytes.size()))}};
}

json number_value(int64_t number) { return {{"N", std::to_string(number)}}; }

json bool_value(bool value) { return {{"BOOL", value}}; }

json null_value() { return {{"NULL", true}}; }

json string_list_value(const std::vector<std::string>& list) {
  json values = json::array();
  for (const std::string& text : list) values.push_back(string_value(text));
  return {{"L", std::move(values)}};
}

json string_set_value(const std::vector<std::string>& strings) {
  const std::set<std::string> distinct(strings.begin(), strings.end());
  return {{"SS", json(std::vector<std::string>(distinct.begin(), distinct.end()))}};
}

std::string describe_type(const json& value) {
  if (!value.is_object()) return cat("a JSON ", value.type_name(), " instead of an AttributeValue");
  if (value.size() != 1) return "an AttributeValue without exactly one type";
  return value.begin().key();
}

bool ItemReader::has(std::string_view name) const { return find(name) != nullptr; }

const json* ItemReader::find(std::string_view name) const {
  if (!item_.is_object()) return nullptr;
  auto found = item_.find(std::string(name));
  if (found == item_.end()) return nullptr;
  if (found->is_object() && found->size() == 1 && found->contains("NULL")) return nullptr;
  return &*found;
}

absl::Status ItemReader::type_error(std::string_view name, std::string_view expected) const {
  auto found = item_.is_object() ? item_.find(std::string(name)) : item_.end();
  const std::string actual = found == item_.end() ? std::string("missing") : describe_type(*found);
  return absl::InvalidArgumentError(
      cat(what_, ": attribute ", name, " must be ", expected, ", not ", actual));
}

absl::StatusOr<std::string> ItemReader::string_of(std::string_view name, const json& value,
                                                  std::string_view expected) const {
  auto text = value.is_object() && value.size() == 1 ? value.find("S") : value.end();
  if (text == value.end() || !text->is_string()) return type_error(name, expected);
  return text->get<std::string>();
}

absl::StatusOr<std::string> ItemReader::required_string(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return type_error(name, "S");
  return string_of(name, *value, "S");
}

absl::StatusOr<std::string> ItemReader::optional_string(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::string();
  return string_of(name, *value, "S");
}

absl::StatusOr<std::string> ItemReader::required_binary(std::string_view name) const {
  const json* value = find(name);
  const bool is_binary = value != nullptr && value->is_object() && value->size() == 1 &&
                         value->contains("B") && (*value)["B"].is_string();
  std::string bytes;
  if (!is_binary || !absl::Base64Unescape((*value)["B"].get_ref<const std::string&>(), &bytes)) {
    return type_error(name, "B");
  }
  return bytes;
}

absl::StatusOr<int64_t> ItemReader::required_number(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return type_error(name, "N");
  auto number = value->size() == 1 ? value->find("N") : value->end();
  if (number == value->end() || !number->is_string()) return type_error(name, "N");
  const std::string& text = number->get_ref<const std::string&>();
  int64_t parsed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (error != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(
        cat(what_, ": attribute ", name, " must be a whole number, not \"", text, "\""));
  }
  return parsed;
}

absl::StatusOr<int64_t> ItemReader::optional_number(std::string_view name) const {
  if (find(name) == nullptr) return int64_t{0};
  return required_number(name);
}

absl::StatusOr<bool> ItemReader::optional_bool(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return false;
  auto flag = value->size() == 1 ? value->find("BOOL") : value->end();
  if (flag == value->end() || !flag->is_boolean()) return type_error(name, "BOOL");
  return flag->get<bool>();
}

absl::StatusOr<std::vector<std::string>> ItemReader::optional_string_list(
    std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::vector<std::string>();
  auto list = value->size() == 1 ? value->find("L") : value->end();
  if (list == value->end() || !list->is_array()) return type_error(name, "L of S");
  std::vector<std::string> out;
  for (const json& element : *list) {
    auto text = element.is_object() && element.size() == 1 ? element.find("S") : element.end();
    if (text == element.end() || !text->is_string()) {
      return absl::InvalidArgumentError(cat(what_, ": attribute ", name, " must be L of S, but ",
                                            "element ", out.size(), " is ",
                                            describe_type(element)));
    }
    out.push_back(text->get<std::string>());
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ItemReader::optional_string_set(
    std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::vector<std::string>();
  auto set = value->size() == 1 ? value->find("SS") : value->end();
  if (set == value->end() || !set->is_array() ||
      !std::all_of(set->begin(), set->end(), [](const json& s) { return s.is_string(); })) {
    return type_error(name, "SS");
  }
  return set->get<std::vector<std::string>>();
}

absl::StatusOr<std::map<std::string, Item>> ItemReader::optional_map(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::map<std::string, Item>();
  auto map = value->size() == 1 ? value->find("M") : value->end();
  if (map == value->end() || !map->is_object()) return type_error(name, "M");
  std::map<std::string, Item> out;
  for (auto entry = map->begin(); entry != map->end(); ++entry) out[entry.key()] = entry.value();
  return out;
}

}  // namespace datamesh::store::aws
