// DataMeshProducer: publishes data products and decides on access requests.
//
// Method names and parameters are those of the Producer document; optional parameters are
// options structs meant for designated initialisers:
//   producer.approve_access_request(id, {.grant_permissions = {{"SELECT"}}});
// Every method also takes its request struct (datamesh/requests.h), and every write that
// struct and WriteOptions, whose client token makes the write act once when sent again.
// Every method is one transaction: it happens completely, with its audit event, or not at all.
// Errors (absl canonical codes): InvalidArgument for bad input, NotFound, PermissionDenied when
// the caller does not own the product or subscription, FailedPrecondition when the
// subscription's status does not allow the action (the message names the status), Aborted when
// a concurrent change won, Unauthenticated for bad credentials. Not thread-safe: one instance per
// thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/client_options.h"
#include "datamesh/each.h"
#include "datamesh/requests.h"
#include "datamesh/types.h"

namespace datamesh {

namespace client {
class Client;
}  // namespace client

// CreateDataProductsOptions and ApproveOptions are in datamesh/requests.h, with the requests
// that hold them.

class DataMeshProducer {
 public:
  explicit DataMeshProducer(ClientOptions options);
  DataMeshProducer(std::string data_mesh_account_id, std::string region_name = "us-east-1",
                   std::string log_level = "INFO",
                   std::optional<Credentials> use_credentials = std::nullopt,
                   std::string endpoint = "");
  ~DataMeshProducer();
  // A moved-from instance may only be destroyed or assigned to.
  DataMeshProducer(DataMeshProducer&&) noexcept;
  DataMeshProducer& operator=(DataMeshProducer&&) noexcept;

  // Publishes the tables of source_database_name matching table_name_regex (a full-match
  // regular expression, or a literal name) into the mesh database, and links them back into the
  // producer's catalog as <table><suffix>. Re-running refreshes changed definitions.
  absl::StatusOr<DataProduct> create_data_products(std::string_view source_database_name,
                                                   const CreateDataProductsOptions& options = {});

  // Pending requests for the caller's products, oldest first.
  absl::StatusOr<SubscriptionPage> list_pending_access_requests(const PageRequest& page = {});

  // Pending or Denied -> Active, granting as decided (DESCRIBE always included).
  absl::Status approve_access_request(std::string_view request_id,
                                      const ApproveOptions& options = {});

  // Pending -> Denied.
  absl::Status deny_access_request(std::string_view request_id,
                                   std::string_view decision_notes = "");

  // Active only: the grants become exactly grant_permissions (+ DESCRIBE). grantable nullopt =
  // keep the currently grantable permissions that are still granted.
  absl::Status update_subscription_permissions(
      std::string_view subscription_id, const std::vector<std::string>& grant_permissions,
      std::string_view notes = "",
      std::optional<std::vector<std::string>> grantable_permissions = std::nullopt);

  // Pending or Active -> Deleted; every grant of the subscription is revoked, the record kept.
  absl::Status delete_subscription(std::string_view subscription_id, std::string_view reason);

  // Tables of one of the caller's mesh databases (or of "<database_name>-<account>") matching
  // the regular expression.
  absl::StatusOr<std::vector<DataProductTable>> get_data_product(
      std::string_view database_name, std::string_view table_name_regex = ".*");
  // The same tables handed to `each` one at a time, in table-name order, as they are read
  // (embedded) or as the server's answer arrives (remote): memory stays flat however many
  // tables match (datamesh/each.h). The errors of the list form come before the first entry.
  // each's first error stops the answer and is returned. After the first entry: an answer the
  // server could not finish, or whose connection was lost, is an error (Unavailable or
  // DataLoss, never a shorter list), and the entries given so far are incomplete.
  absl::Status get_data_product(std::string_view database_name,
                                std::string_view table_name_regex,
                                const Each<DataProductTable>& each);

  absl::StatusOr<Subscription> get_subscription(std::string_view request_id);
  absl::StatusOr<std::vector<EffectiveGrant>> get_subscription_grants(
      std::string_view subscription_id);
  absl::StatusOr<AuditPage> get_subscription_history(std::string_view subscription_id,
                                                     const PageRequest& page = {});

  // Every producer method, taking all its parameters as its request type (datamesh/requests.h);
  // generated from the method declarations, one per method (src/api/methods.h).
#include "datamesh/generated/producer_methods.inc"

 private:
  std::unique_ptr<client::Client> client_;
};

}  // namespace datamesh
