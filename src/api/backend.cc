#include "api/backend.h"

#include "api/routes.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh {

absl::Status Backend::stream(std::string_view group, std::string_view method,
                             const nlohmann::json& params,
                             const std::optional<Credentials>& credentials,
                             std::string_view data_mesh_account_id,
                             const Each<nlohmann::json>& each) {
  DATAMESH_ASSIGN_OR_RETURN(const api::Route* route, api::find_streamed_route(group, method));
  DATAMESH_ASSIGN_OR_RETURN(const nlohmann::json answer,
                            call(group, method, params, credentials, data_mesh_account_id));
  const nlohmann::json& list = route->wrap.kind == api::Wrap::kUnderKey
                                   ? answer.at(std::string(route->wrap.key))
                                   : answer;
  for (const nlohmann::json& entry : list) DATAMESH_RETURN_IF_ERROR(each(entry));
  return absl::OkStatus();
}

}  // namespace datamesh
