// DataMeshConsumer: requests access to data products, imports and leaves them.
//
// Method names and parameters are those of the Consumer document. Same error policy, request
// and write forms, and threading rules as DataMeshProducer (see producer.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/client_options.h"
#include "datamesh/requests.h"
#include "datamesh/types.h"

namespace datamesh {

namespace client {
class Client;
}  // namespace client

class DataMeshConsumer {
 public:
  explicit DataMeshConsumer(ClientOptions options);
  DataMeshConsumer(std::string data_mesh_account_id, std::string region_name = "us-east-1",
                   std::string log_level = "INFO",
                   std::optional<Credentials> use_credentials = std::nullopt,
                   std::string endpoint = "");
  ~DataMeshConsumer();
  // A moved-from instance may only be destroyed or assigned to.
  DataMeshConsumer(DataMeshConsumer&&) noexcept;
  DataMeshConsumer& operator=(DataMeshConsumer&&) noexcept;

  // Requests request_permissions on the product database of owner_account_id. tables: nullopt =
  // the whole database; otherwise each entry is a table name or a full-match regular
  // expression, resolved now (an unknown name or a pattern matching nothing = NotFound; an
  // empty list or a malformed pattern = InvalidArgument). An identical live request (Pending or
  // Active, same tables and permissions) returns the existing subscription.
  absl::StatusOr<AccessRequest> request_access_to_product(
      std::string_view owner_account_id, std::string_view database_name,
      const std::vector<std::string>& request_permissions,
      std::optional<std::vector<std::string>> tables = std::nullopt);

  // Active only: accepts the shares and creates the resource-link database and tables in the
  // consumer's catalog. Running it again refreshes the links.
  absl::Status finalize_subscription(std::string_view subscription_id);

  absl::StatusOr<Subscription> get_subscription(std::string_view request_id);

  // Glue GetTable through the consumer's resource links (after finalize).
  absl::StatusOr<Table> get_table_info(std::string_view database_name,
                                       std::string_view table_name);

  // The caller's subscriptions that are not Deleted, oldest first.
  absl::StatusOr<SubscriptionPage> list_product_access(const PageRequest& page = {});

  // Leaves (Active) or withdraws (Pending): grants revoked, links removed, Status Deleted.
  absl::Status delete_subscription(std::string_view subscription_id, std::string_view reason);

  absl::StatusOr<std::vector<EffectiveGrant>> get_subscription_grants(
      std::string_view subscription_id);
  absl::StatusOr<AuditPage> get_subscription_history(std::string_view subscription_id,
                                                     const PageRequest& page = {});

  // The definition (columns, partitions) of a table of a published product that publishes
  // public metadata, as Glue GetTable answers it.
  absl::StatusOr<Table> get_published_table(std::string_view database_name,
                                            std::string_view table_name);

  // May the caller's account use `permission` on database.table of the mesh, and why.
  absl::StatusOr<PermissionCheck> check_permission(std::string_view database_name,
                                                   std::string_view table_name,
                                                   std::string_view permission);

  // Every consumer method, taking all its parameters as its request type (datamesh/requests.h);
  // generated from the method declarations, one per method (src/api/methods.h).
#include "datamesh/generated/consumer_methods.inc"

 private:
  std::unique_ptr<client::Client> client_;
};

}  // namespace datamesh
