#include "datamesh/consumer.h"

#include "api/client.h"
#include "api/json_codec.h"

namespace datamesh {

using api::parse_answer;

DataMeshConsumer::DataMeshConsumer(ClientOptions options)
    : client_(std::make_unique<api::Client>(std::move(options), "Consumer")) {}
DataMeshConsumer::DataMeshConsumer(std::string data_mesh_account_id, std::string region_name,
                                   std::string log_level,
                                   std::optional<Credentials> use_credentials,
                                   std::string endpoint)
    : DataMeshConsumer(ClientOptions{.data_mesh_account_id = std::move(data_mesh_account_id),
                                     .region_name = std::move(region_name),
                                     .log_level = std::move(log_level),
                                     .use_credentials = std::move(use_credentials),
                                     .endpoint = std::move(endpoint)}) {}
DataMeshConsumer::~DataMeshConsumer() = default;
DataMeshConsumer::DataMeshConsumer(DataMeshConsumer&&) noexcept = default;
DataMeshConsumer& DataMeshConsumer::operator=(DataMeshConsumer&&) noexcept = default;

absl::StatusOr<AccessRequest> DataMeshConsumer::request_access_to_product(
    std::string_view owner_account_id, std::string_view database_name,
    const std::vector<std::string>& request_permissions,
    std::optional<std::vector<std::string>> tables) {
  nlohmann::json params{{"owner_account_id", std::string(owner_account_id)},
                        {"database_name", std::string(database_name)},
                        {"request_permissions", request_permissions}};
  api::put_optional(params, "tables", tables);
  return parse_answer(client_->call("consumer", "request_access_to_product", params),
                      api::access_request_from_json);
}

absl::Status DataMeshConsumer::finalize_subscription(std::string_view subscription_id) {
  return client_->call_void("consumer", "finalize_subscription",
                            {{"subscription_id", std::string(subscription_id)}});
}

absl::StatusOr<Subscription> DataMeshConsumer::get_subscription(std::string_view request_id) {
  return parse_answer(
      client_->call("consumer", "get_subscription", {{"request_id", std::string(request_id)}}),
      api::single_subscription_from_json);
}

absl::StatusOr<Table> DataMeshConsumer::get_table_info(std::string_view database_name,
                                                       std::string_view table_name) {
  return parse_answer(client_->call("consumer", "get_table_info",
                                    {{"database_name", std::string(database_name)},
                                     {"table_name", std::string(table_name)}}),
                      api::table_from_json);
}

absl::StatusOr<SubscriptionPage> DataMeshConsumer::list_product_access(const PageRequest& page) {
  nlohmann::json params = nlohmann::json::object();
  api::put_page(params, page);
  return parse_answer(client_->call("consumer", "list_product_access", params),
                      api::subscription_page_from_json);
}

absl::Status DataMeshConsumer::delete_subscription(std::string_view subscription_id,
                                                   std::string_view reason) {
  return client_->call_void("consumer", "delete_subscription",
                            {{"subscription_id", std::string(subscription_id)},
                             {"reason", std::string(reason)}});
}

absl::StatusOr<std::vector<EffectiveGrant>> DataMeshConsumer::get_subscription_grants(
    std::string_view subscription_id) {
  return parse_answer(client_->call("consumer", "get_subscription_grants",
                                    {{"subscription_id", std::string(subscription_id)}}),
                      api::grants_from_json);
}

absl::StatusOr<AuditPage> DataMeshConsumer::get_subscription_history(
    std::string_view subscription_id, const PageRequest& page) {
  nlohmann::json params{{"subscription_id", std::string(subscription_id)}};
  api::put_page(params, page);
  return parse_answer(client_->call("consumer", "get_subscription_history", params),
                      api::audit_page_from_json);
}

absl::StatusOr<PermissionCheck> DataMeshConsumer::check_permission(std::string_view database_name,
                                                                   std::string_view table_name,
                                                                   std::string_view permission) {
  nlohmann::json params{{"database_name", std::string(database_name)},
                        {"permission", std::string(permission)}};
  if (!table_name.empty()) params["table_name"] = std::string(table_name);
  return parse_answer(client_->call("consumer", "check_permission", params),
                      api::permission_check_from_json);
}

}  // namespace datamesh
