#include "api/client.h"

#include "api/credentials.h"
#include "api/json_codec.h"
#include "api/logging.h"

namespace datamesh::api {

Client::Client(ClientOptions options, std::string_view block)
    : options_(std::move(options)),
      credentials_(resolve_credentials(CredentialSources{
          .explicit_credentials = options_.use_credentials, .blocks = {std::string(block)}})) {
  log_level_ = set_log_level(options_.log_level);
}

absl::StatusOr<nlohmann::json> Client::call(std::string_view group, std::string_view method,
                                            const nlohmann::json& params) {
  if (!log_level_.ok()) return log_level_;
  if (!credentials_.ok()) return credentials_.status();
  if (options_.region_name.empty()) {
    return absl::InvalidArgumentError("cannot reach a data mesh without a region: region_name "
                                      "is empty");
  }
  if (!backend_) {
    // Only initialize_mesh_account creates a mesh file; every other call needs one.
    auto opened = open_backend(options_, method == "initialize_mesh_account");
    if (!opened.ok()) return opened.status();
    backend_ = std::move(*opened);
  }
  return backend_->call(group, method, params, *credentials_, options_.data_mesh_account_id);
}

absl::Status Client::call_void(std::string_view group, std::string_view method,
                               const nlohmann::json& params) {
  return call(group, method, params).status();
}

}  // namespace datamesh::api

namespace datamesh::api {

absl::StatusOr<Subscription> single_subscription_from_json(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("Subscriptions") || !json["Subscriptions"].is_array() ||
      json["Subscriptions"].size() != 1) {
    return absl::InternalError("get_subscription answered without exactly one subscription");
  }
  return subscription_from_json(json["Subscriptions"][0]);
}

absl::StatusOr<std::vector<EffectiveGrant>> grants_from_json(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("Grants")) {
    return absl::InternalError("the grants answer has no Grants list");
  }
  return list_from_json<EffectiveGrant>(json["Grants"], effective_grant_from_json);
}

}  // namespace datamesh::api
