#include "datamesh/consumer.h"

#include "client/client.h"

namespace datamesh {

namespace m = api::methods;

// The constructors, destructor and moves are generated with the request-type members
// (client_methods_main.cc).

absl::StatusOr<AccessRequest> DataMeshConsumer::request_access_to_product(
    std::string_view owner_account_id, std::string_view database_name,
    const std::vector<std::string>& request_permissions,
    std::optional<std::vector<std::string>> tables) {
  return client_->call(m::kRequestAccessToProduct,
                       RequestAccessToProductRequest{
                           .owner_account_id = std::string(owner_account_id),
                           .database_name = std::string(database_name),
                           .request_permissions = request_permissions,
                           .tables = std::move(tables)});
}

absl::Status DataMeshConsumer::finalize_subscription(std::string_view subscription_id) {
  return client_
      ->call(m::kFinalizeSubscription, SubscriptionIdRequest{std::string(subscription_id)})
      .status();
}

absl::StatusOr<Subscription> DataMeshConsumer::get_subscription(std::string_view request_id) {
  return client_->call(m::ConsumerSide::kGetSubscription,
                       GetSubscriptionRequest{std::string(request_id)});
}

absl::StatusOr<Table> DataMeshConsumer::get_table_info(std::string_view database_name,
                                                       std::string_view table_name) {
  return client_->call(m::kGetTableInfo,
                       GetTableInfoRequest{std::string(database_name), std::string(table_name)});
}

absl::StatusOr<SubscriptionPage> DataMeshConsumer::list_product_access(const PageRequest& page) {
  return client_->call(m::kListProductAccess, ListProductAccessRequest{.page = page});
}

absl::Status DataMeshConsumer::delete_subscription(std::string_view subscription_id,
                                                   std::string_view reason) {
  return client_
      ->call(m::ConsumerSide::kDeleteSubscription,
             DeleteSubscriptionRequest{std::string(subscription_id), std::string(reason)})
      .status();
}

absl::StatusOr<std::vector<EffectiveGrant>> DataMeshConsumer::get_subscription_grants(
    std::string_view subscription_id) {
  return client_->call(m::ConsumerSide::kGetSubscriptionGrants,
                       SubscriptionIdRequest{std::string(subscription_id)});
}

absl::StatusOr<AuditPage> DataMeshConsumer::get_subscription_history(
    std::string_view subscription_id, const PageRequest& page) {
  return client_->call(m::ConsumerSide::kGetSubscriptionHistory,
                       GetSubscriptionHistoryRequest{std::string(subscription_id), page});
}

absl::StatusOr<Table> DataMeshConsumer::get_published_table(std::string_view database_name,
                                                            std::string_view table_name) {
  return client_->call(m::kGetPublishedTable, PublishedTableRequest{std::string(database_name),
                                                                    std::string(table_name)});
}

absl::StatusOr<PermissionCheck> DataMeshConsumer::check_permission(std::string_view database_name,
                                                                   std::string_view table_name,
                                                                   std::string_view permission) {
  return client_->call(m::kCheckPermission,
                       CheckPermissionRequest{std::string(database_name), std::string(table_name),
                                              std::string(permission)});
}

}  // namespace datamesh
