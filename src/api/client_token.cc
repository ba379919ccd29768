#include "api/client_token.h"

#include <cstdint>
#include <random>

#include "absl/strings/escaping.h"
#include "api/routes.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::api {

ParamSpec client_token_spec() {
  return ParamSpec{
      .name = kClientTokenParam,
      .type = ParamType::kString,
      .required = false,
      .help = "makes the write act once: a retry with the same token within 24 h answers the "
              "first call's result and changes nothing (1-64 printable ASCII characters; the "
              "remote client makes one per call)"};
}

std::string new_client_token() {
  // std::random_device reads the system's entropy (getrandom on Linux).
  std::random_device entropy;
  std::string bytes;
  for (int i = 0; i < 4; ++i) {
    const uint32_t word = entropy();
    bytes.append(reinterpret_cast<const char*>(&word), sizeof word);
  }
  return absl::BytesToHexString(bytes);
}

absl::StatusOr<std::optional<core::ClientToken>> client_token_of(const Route& route,
                                                                 const nlohmann::json& params,
                                                                 const core::Caller& caller) {
  auto it = params.find(kClientTokenParam);
  if (!route.takes_client_token || it == params.end() || it->is_null()) return std::nullopt;
  const std::string token = it->get<std::string>();
  DATAMESH_RETURN_IF_ERROR(core::check_client_token(token));
  nlohmann::json request = params;
  request.erase(std::string(kClientTokenParam));
  request.erase("data_mesh_account_id");
  return core::ClientToken{
      .account_id = caller.account.account_id,
      .token = token,
      .method = base::cat(route.group, "/", route.method),
      // nlohmann's objects keep their keys sorted: equal requests dump the same text.
      .request_hash = core::request_hash(request.dump())};
}

}  // namespace datamesh::api
