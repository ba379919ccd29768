#include "server/console_methods.h"

#include "api/routes.h"
#include "base/text.h"

namespace datamesh::server {
namespace {

std::string_view type_name(api::ParamType type) {
  switch (type) {
    case api::ParamType::kString: return "string";
    case api::ParamType::kBool: return "bool";
    case api::ParamType::kInt: return "int";
    case api::ParamType::kStringList: return "string_list";
    case api::ParamType::kPermissionList: return "permission_list";
    case api::ParamType::kJson: return "json";
  }
  return "string";
}

}  // namespace

nlohmann::json console_methods() {
  nlohmann::json methods = nlohmann::json::array();
  for (const api::Route& route : api::routes()) {
    nlohmann::json fields = nlohmann::json::array();
    for (const api::ParamSpec& spec : route.params) {
      nlohmann::json field = {{"Name", std::string(spec.name)},
                              {"Type", std::string(type_name(spec.type))},
                              {"Required", spec.required},
                              {"Help", std::string(spec.help)}};
      if (!spec.alias.empty()) field["Alias"] = std::string(spec.alias);
      fields.push_back(std::move(field));
    }
    methods.push_back({{"Group", std::string(route.group)},
                       {"Name", std::string(route.method)},
                       {"Path", base::cat("/v1/", route.group, "/", api::dashed(route.method))},
                       {"Summary", std::string(route.summary)},
                       {"Authenticated", route.authenticated},
                       {"TakesClientToken", route.takes_client_token},
                       {"Fields", std::move(fields)}});
  }
  return {{"Methods", std::move(methods)}};
}

}  // namespace datamesh::server
