#include "datamesh/admin.h"

#include "api/client.h"
#include "api/json_codec.h"

namespace datamesh {

using api::parse_answer;

DataMeshAdmin::DataMeshAdmin(ClientOptions options)
    : client_(std::make_unique<api::Client>(std::move(options), "Mesh")) {}
DataMeshAdmin::DataMeshAdmin(std::string data_mesh_account_id, std::string region_name,
                             std::string log_level, std::optional<Credentials> use_credentials,
                             std::string endpoint)
    : DataMeshAdmin(ClientOptions{.data_mesh_account_id = std::move(data_mesh_account_id),
                                  .region_name = std::move(region_name),
                                  .log_level = std::move(log_level),
                                  .use_credentials = std::move(use_credentials),
                                  .endpoint = std::move(endpoint)}) {}
DataMeshAdmin::~DataMeshAdmin() = default;
DataMeshAdmin::DataMeshAdmin(DataMeshAdmin&&) noexcept = default;
DataMeshAdmin& DataMeshAdmin::operator=(DataMeshAdmin&&) noexcept = default;

absl::StatusOr<AccountCredentials> DataMeshAdmin::initialize_mesh_account(
    std::string_view mesh_name) {
  return parse_answer(client_->call("admin", "initialize_mesh_account",
                                    {{"mesh_name", std::string(mesh_name)}}),
                      api::account_credentials_from_json);
}

absl::StatusOr<AccountCredentials> DataMeshAdmin::create_account(std::string_view account_name,
                                                                 std::string_view account_id) {
  nlohmann::json params{{"account_name", std::string(account_name)}};
  if (!account_id.empty()) params["account_id"] = std::string(account_id);
  return parse_answer(client_->call("admin", "create_account", params),
                      api::account_credentials_from_json);
}

absl::StatusOr<AccountRole> DataMeshAdmin::initialize_producer_account() {
  return parse_answer(client_->call("admin", "initialize_producer_account"),
                      api::account_role_from_json);
}

absl::StatusOr<AccountRole> DataMeshAdmin::initialize_consumer_account() {
  return parse_answer(client_->call("admin", "initialize_consumer_account"),
                      api::account_role_from_json);
}

absl::Status DataMeshAdmin::enable_account_as_producer(std::string_view account_id) {
  return client_->call_void("admin", "enable_account_as_producer",
                            {{"account_id", std::string(account_id)}});
}

absl::Status DataMeshAdmin::enable_account_as_consumer(std::string_view account_id) {
  return client_->call_void("admin", "enable_account_as_consumer",
                            {{"account_id", std::string(account_id)}});
}

absl::StatusOr<std::vector<Account>> DataMeshAdmin::list_accounts() {
  return parse_answer(client_->call("admin", "list_accounts"),
                      [](const nlohmann::json& json) {
                        return api::list_from_json<Account>(json, api::account_from_json);
                      });
}

absl::StatusOr<Account> DataMeshAdmin::describe_account(std::string_view account_id) {
  return parse_answer(
      client_->call("admin", "describe_account", {{"account_id", std::string(account_id)}}),
      api::account_from_json);
}

absl::StatusOr<AccountCredentials> DataMeshAdmin::create_access_key(std::string_view account_id) {
  return parse_answer(
      client_->call("admin", "create_access_key", {{"account_id", std::string(account_id)}}),
      api::account_credentials_from_json);
}

absl::StatusOr<AccountCredentials> DataMeshAdmin::rotate_access_key(
    std::string_view access_key_id) {
  return parse_answer(client_->call("admin", "rotate_access_key",
                                    {{"key_id", std::string(access_key_id)}}),
                      api::account_credentials_from_json);
}

absl::Status DataMeshAdmin::revoke_access_key(std::string_view access_key_id) {
  return client_->call_void("admin", "revoke_access_key",
                            {{"key_id", std::string(access_key_id)}});
}

absl::StatusOr<std::vector<AccessKey>> DataMeshAdmin::list_access_keys(
    std::string_view account_id) {
  return parse_answer(
      client_->call("admin", "list_access_keys", {{"account_id", std::string(account_id)}}),
      [](const nlohmann::json& json) {
        return api::list_from_json<AccessKey>(json, api::access_key_from_json);
      });
}

absl::StatusOr<AuditPage> DataMeshAdmin::list_audit_events(std::string_view subscription_id,
                                                           const PageRequest& page) {
  nlohmann::json params = nlohmann::json::object();
  if (!subscription_id.empty()) params["subscription_id"] = std::string(subscription_id);
  api::put_page(params, page);
  return parse_answer(client_->call("admin", "list_audit_events", params),
                      api::audit_page_from_json);
}

absl::StatusOr<AuditVerification> DataMeshAdmin::verify_audit() {
  return parse_answer(client_->call("admin", "verify_audit", nlohmann::json::object()),
                      api::audit_verification_from_json);
}

}  // namespace datamesh
