// The reads of the Store port straight from AWS, through the store's parts (aws_parts.h). A
// write transaction's body never writes here: it runs on a BufferedTransaction over this one,
// and the commit writes (aws_commit.h); a write method called here is Internal.
//
// Point reads (an account, a subscription, a database, a table, a product) are kept for the
// transaction's life: a body and its commit read the same rows again (the engine checks a row
// it then changes; the commit's plan reads each changed row's "before"), and each repeat is an
// AWS call. A write transaction holds the mesh's writer lock, so no datamesh writer changes the
// rows meanwhile; a read transaction sees each row once, as of its first read.
#pragma once

#include <map>
#include <string>

#include "core/store.h"
#include "store/aws/aws_parts.h"

namespace datamesh::store::aws {

class AwsReadTransaction final : public Transaction {
 public:
  explicit AwsReadTransaction(const AwsParts& parts) : parts_(parts) {}

#define DATAMESH_TRANSACTION_METHOD(answer, name, parameters) answer name parameters override;
#include "core/transaction_methods.inc"
  absl::StatusOr<std::vector<std::string>> list_table_names_page(
      std::string_view catalog_id, std::string_view database_name, const Page& page) override;
  // The tracker table's ARN and its stream's, from DynamoDB's DescribeTable in the mesh.
  absl::StatusOr<TrackerEndpoints> tracker_endpoints() override;
  bool keeps_revoked_grants() override { return !parts_.sessions.revokes_grants(); }

 private:
  // Whether this process holds a session for the mesh account (an account's admin setting up
  // its own account does not).
  bool reaches_mesh() const { return parts_.sessions.has(parts_.sessions.mesh_account()); }
  // The account row of an account this process reaches but whose mesh it does not: what its
  // own IAM says (its DataMeshProducer and DataMeshConsumer roles).
  absl::StatusOr<Account> own_account(std::string_view account_id);
  // get_account's read, before it is kept.
  absl::StatusOr<std::optional<Account>> read_account(std::string_view account_id);

  // The value `read` gives, read once per key (errors are not kept).
  template <typename T, typename Read>
  absl::StatusOr<T> once(std::map<std::string, T>& kept, std::string key, Read read) {
    if (auto found = kept.find(key); found != kept.end()) return found->second;
    absl::StatusOr<T> value = read();
    if (value.ok()) kept.emplace(std::move(key), *value);
    return value;
  }

  const AwsParts& parts_;
  std::map<std::string, std::optional<Account>> accounts_;
  std::map<std::string, std::optional<Subscription>> subscriptions_;
  std::map<std::string, std::optional<Database>> databases_;
  std::map<std::string, std::optional<Table>> tables_;
  std::map<std::string, std::optional<ProductRow>> products_;
};

}  // namespace datamesh::store::aws
