#include "datamesh/producer.h"

#include "client/client.h"

namespace datamesh {

namespace m = api::methods;

// The constructors, destructor and moves are generated with the request-type members
// (client_methods_main.cc).

absl::StatusOr<DataProduct> DataMeshProducer::create_data_products(
    std::string_view source_database_name, const CreateDataProductsOptions& options) {
  return create_data_products(
      CreateDataProductsRequest{std::string(source_database_name), options});
}

absl::StatusOr<SubscriptionPage> DataMeshProducer::list_pending_access_requests(
    const PageRequest& page) {
  return client_->call(m::kListPendingAccessRequests, PagedRequest{page});
}

absl::Status DataMeshProducer::approve_access_request(std::string_view request_id,
                                                      const ApproveOptions& options) {
  return client_
      ->call(m::kApproveAccessRequest,
             ApproveAccessRequestRequest{std::string(request_id), options})
      .status();
}

absl::Status DataMeshProducer::deny_access_request(std::string_view request_id,
                                                   std::string_view decision_notes) {
  return client_
      ->call(m::kDenyAccessRequest, DenyAccessRequestRequest{std::string(request_id),
                                                             std::string(decision_notes)})
      .status();
}

absl::Status DataMeshProducer::update_subscription_permissions(
    std::string_view subscription_id, const std::vector<std::string>& grant_permissions,
    std::string_view notes, std::optional<std::vector<std::string>> grantable_permissions) {
  return client_
      ->call(m::kUpdateSubscriptionPermissions,
             UpdateSubscriptionPermissionsRequest{
                 .subscription_id = std::string(subscription_id),
                 .grant_permissions = grant_permissions,
                 .grantable_permissions = std::move(grantable_permissions),
                 .notes = std::string(notes)})
      .status();
}

absl::Status DataMeshProducer::delete_subscription(std::string_view subscription_id,
                                                   std::string_view reason) {
  return client_
      ->call(m::ProducerSide::kDeleteSubscription,
             DeleteSubscriptionRequest{std::string(subscription_id), std::string(reason)})
      .status();
}

absl::StatusOr<std::vector<DataProductTable>> DataMeshProducer::get_data_product(
    std::string_view database_name, std::string_view table_name_regex) {
  return client_->call(m::kGetDataProduct, GetDataProductRequest{std::string(database_name),
                                                                 std::string(table_name_regex)});
}

absl::Status DataMeshProducer::get_data_product(std::string_view database_name,
                                                std::string_view table_name_regex,
                                                const Each<DataProductTable>& each) {
  return client_->stream(
      m::kGetDataProduct,
      GetDataProductRequest{std::string(database_name), std::string(table_name_regex)}, each);
}

absl::StatusOr<Subscription> DataMeshProducer::get_subscription(std::string_view request_id) {
  return client_->call(m::ProducerSide::kGetSubscription,
                       GetSubscriptionRequest{std::string(request_id)});
}

absl::StatusOr<std::vector<EffectiveGrant>> DataMeshProducer::get_subscription_grants(
    std::string_view subscription_id) {
  return client_->call(m::ProducerSide::kGetSubscriptionGrants,
                       SubscriptionIdRequest{std::string(subscription_id)});
}

absl::StatusOr<AuditPage> DataMeshProducer::get_subscription_history(
    std::string_view subscription_id, const PageRequest& page) {
  return client_->call(m::ProducerSide::kGetSubscriptionHistory,
                       GetSubscriptionHistoryRequest{std::string(subscription_id), page});
}

}  // namespace datamesh
