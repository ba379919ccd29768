#include "server/console_methods.h"

#include "api/routes.h"
#include "base/text.h"

namespace datamesh::server {

nlohmann::json console_methods() {
  nlohmann::json methods = nlohmann::json::array();
  for (const api::Route& route : api::routes()) {
    nlohmann::json fields = nlohmann::json::array();
    for (const api::ParamSpec& spec : route.params) {
      nlohmann::json field = {{"Name", std::string(spec.name)},
                              {"Type", std::string(api::param_type_name(spec.type))},
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
