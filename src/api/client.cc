#include "api/client.h"

#include "api/credentials.h"
#include "api/json_codec.h"
#include "spdlog/spdlog.h"

namespace datamesh::api {
namespace {

// The documents' log levels are Python's names (DEBUG, INFO, WARNING, ERROR, CRITICAL).
absl::Status apply_log_level(const std::string& level) {
  static const std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"DEBUG", spdlog::level::debug},     {"INFO", spdlog::level::info},
      {"WARNING", spdlog::level::warn},    {"WARN", spdlog::level::warn},
      {"ERROR", spdlog::level::err},       {"CRITICAL", spdlog::level::critical}};
  std::string upper(level);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& [name, value] : kLevels) {
    if (name == upper) {
      spdlog::set_level(value);
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("log_level \"" + level +
                                    "\" is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
}

}  // namespace

Client::Client(ClientOptions options, std::string_view block)
    : options_(std::move(options)),
      backend_(open_backend(options_)),
      credentials_(resolve_credentials(CredentialSources{
          .explicit_credentials = options_.use_credentials, .block = std::string(block)})) {
  log_level_ = apply_log_level(options_.log_level);
}

absl::StatusOr<nlohmann::json> Client::call(std::string_view group, std::string_view method,
                                            const nlohmann::json& params) {
  if (!log_level_.ok()) return log_level_;
  if (!backend_.ok()) return backend_.status();
  if (!credentials_.ok()) return credentials_.status();
  if (options_.region_name.empty()) {
    return absl::InvalidArgumentError("cannot reach a data mesh without a region: region_name "
                                      "is empty");
  }
  return (*backend_)->call(group, method, params, *credentials_, options_.data_mesh_account_id);
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
