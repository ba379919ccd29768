#include "datamesh/producer.h"

#include "api/client.h"
#include "api/json_codec.h"
#include "api/progress_scope.h"

namespace datamesh {

using api::parse_answer;

DataMeshProducer::DataMeshProducer(ClientOptions options)
    : client_(std::make_unique<api::Client>(std::move(options), "Producer")) {}
DataMeshProducer::DataMeshProducer(std::string data_mesh_account_id, std::string region_name,
                                   std::string log_level,
                                   std::optional<Credentials> use_credentials,
                                   std::string endpoint)
    : DataMeshProducer(ClientOptions{.data_mesh_account_id = std::move(data_mesh_account_id),
                                     .region_name = std::move(region_name),
                                     .log_level = std::move(log_level),
                                     .use_credentials = std::move(use_credentials),
                                     .endpoint = std::move(endpoint)}) {}
DataMeshProducer::~DataMeshProducer() = default;
DataMeshProducer::DataMeshProducer(DataMeshProducer&&) noexcept = default;
DataMeshProducer& DataMeshProducer::operator=(DataMeshProducer&&) noexcept = default;

absl::StatusOr<DataProduct> DataMeshProducer::create_data_products(
    std::string_view source_database_name, const CreateDataProductsOptions& options) {
  nlohmann::json params{
      {"source_database_name", std::string(source_database_name)},
      {"create_public_metadata", options.create_public_metadata},
      {"expose_table_references_with_suffix", options.expose_table_references_with_suffix}};
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) params[name] = value;
  };
  put("table_name_regex", options.table_name_regex);
  put("domain", options.domain);
  put("data_product_name", options.data_product_name);
  put("sync_mesh_catalog_schedule", options.sync_mesh_catalog_schedule);
  put("sync_mesh_crawler_role_arn", options.sync_mesh_crawler_role_arn);
  put("expose_data_mesh_db_name", options.expose_data_mesh_db_name);
  api::ProgressScope progress(options.on_progress);
  return parse_answer(client_->call("producer", "create_data_products", params),
                      api::data_product_from_json);
}

absl::StatusOr<SubscriptionPage> DataMeshProducer::list_pending_access_requests(
    const PageRequest& page) {
  nlohmann::json params = nlohmann::json::object();
  api::put_page(params, page);
  return parse_answer(client_->call("producer", "list_pending_access_requests", params),
                      api::subscription_page_from_json);
}

absl::Status DataMeshProducer::approve_access_request(std::string_view request_id,
                                                      const ApproveOptions& options) {
  nlohmann::json params{{"request_id", std::string(request_id)}};
  api::put_optional(params, "grant_permissions", options.grant_permissions);
  api::put_optional(params, "grantable_permissions", options.grantable_permissions);
  if (!options.decision_notes.empty()) params["decision_notes"] = options.decision_notes;
  return client_->call_void("producer", "approve_access_request", params);
}

absl::Status DataMeshProducer::deny_access_request(std::string_view request_id,
                                                   std::string_view decision_notes) {
  return client_->call_void("producer", "deny_access_request",
                            {{"request_id", std::string(request_id)},
                             {"decision_notes", std::string(decision_notes)}});
}

absl::Status DataMeshProducer::update_subscription_permissions(
    std::string_view subscription_id, const std::vector<std::string>& grant_permissions,
    std::string_view notes, std::optional<std::vector<std::string>> grantable_permissions) {
  nlohmann::json params{{"subscription_id", std::string(subscription_id)},
                        {"grant_permissions", grant_permissions},
                        {"notes", std::string(notes)}};
  api::put_optional(params, "grantable_permissions", grantable_permissions);
  return client_->call_void("producer", "update_subscription_permissions", params);
}

absl::Status DataMeshProducer::delete_subscription(std::string_view subscription_id,
                                                   std::string_view reason) {
  return client_->call_void("producer", "delete_subscription",
                            {{"subscription_id", std::string(subscription_id)},
                             {"reason", std::string(reason)}});
}

absl::StatusOr<std::vector<DataProductTable>> DataMeshProducer::get_data_product(
    std::string_view database_name, std::string_view table_name_regex) {
  return parse_answer(client_->call("producer", "get_data_product",
                                    {{"database_name", std::string(database_name)},
                                     {"table_name_regex", std::string(table_name_regex)}}),
                      [](const nlohmann::json& json) {
                        return api::list_from_json<DataProductTable>(
                            json, api::data_product_table_from_json);
                      });
}

absl::StatusOr<Subscription> DataMeshProducer::get_subscription(std::string_view request_id) {
  return parse_answer(
      client_->call("producer", "get_subscription", {{"request_id", std::string(request_id)}}),
      api::single_subscription_from_json);
}

absl::StatusOr<std::vector<EffectiveGrant>> DataMeshProducer::get_subscription_grants(
    std::string_view subscription_id) {
  return parse_answer(client_->call("producer", "get_subscription_grants",
                                    {{"subscription_id", std::string(subscription_id)}}),
                      api::grants_from_json);
}

absl::StatusOr<AuditPage> DataMeshProducer::get_subscription_history(
    std::string_view subscription_id, const PageRequest& page) {
  nlohmann::json params{{"subscription_id", std::string(subscription_id)}};
  api::put_page(params, page);
  return parse_answer(client_->call("producer", "get_subscription_history", params),
                      api::audit_page_from_json);
}

}  // namespace datamesh
