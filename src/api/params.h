// The parameters of one call as they travel: a JSON object with the documents' snake_case keys,
// each described by a ParamSpec (name, type, required, help) taken from a request type's field
// list (api/request_fields.h). Front ends show the specs as CLI options and OpenAPI schemas.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace datamesh::api {

// kPermissionList is a kStringList whose command-line form may also be comma-separated
// ("SELECT,INSERT"); table lists are not split, since patterns may hold commas (x{1,3}).
enum class ParamType { kString, kBool, kInt, kStringList, kPermissionList, kJson };

// The type's name in the method tables other front ends read (the console's methods.json, the
// Python binding's route table): "string", "bool", "int", "string_list", "permission_list",
// "json".
std::string_view param_type_name(ParamType type);

struct ParamSpec {
  std::string_view name;
  ParamType type;
  bool required;
  std::string_view help;
  // A second spelling accepted for the parameter (the documents' other name for it), or empty.
  std::string_view alias = {};
};

// Typed accessors of parameters already checked against their specs (check_params). A key
// holding null counts as absent.
class Params {
 public:
  explicit Params(const nlohmann::json& json) : json_(json) {}
  bool has(std::string_view name) const;
  std::string string(std::string_view name, std::string_view fallback = "") const;
  bool boolean(std::string_view name, bool fallback) const;
  int integer(std::string_view name) const;
  std::vector<std::string> list(std::string_view name) const;
  std::optional<std::vector<std::string>> optional_list(std::string_view name) const;
  const nlohmann::json& json(std::string_view name) const;

 private:
  const nlohmann::json& json_;
};

}  // namespace datamesh::api
