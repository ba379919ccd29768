// Fixtures of the end-to-end suites: a new mesh for every test, reached through the public API.
//
// Where the mesh runs
//   Every test gets a new, empty mesh whose endpoint comes from fresh_endpoint():
//   * by default the embedded store in the test's own new temporary directory,
//       sqlite://<scratch dir>/mesh.db
//   * when the environment variable DATAMESH_TEST_ENDPOINT_FACTORY names an executable, that
//     executable is run once per test with the test's scratch directory as its only argument.
//     It must start (or pick) a new, empty mesh, print its endpoint on the first line of
//     stdout (e.g. "http://127.0.0.1:40123"), and exit with status 0 once the endpoint answers.
//     Whatever it started is its own to stop; it may use the scratch directory, which the
//     fixture deletes after the test.
//     Further lines NAME=value are set in the test process's environment before the first
//     client is made; a first line "skip <reason>" reports the test skipped with that reason
//     (the backend the factory serves is not available on this machine).
//   So the same tests run unchanged against `datamesh serve` or any other backend.
//
// AWS mode (an endpoint aws://REGION, support/aws_endpoint.sh: a moto server of the test's own)
//   Accounts are AWS accounts: every account id already names one, so MeshFixture creates none
//   (create_account), and every client acts with the credentials of its account's admin on moto
//   (aws_admin_credentials) instead of datamesh access keys.
//   The cases where AWS behaves otherwise are left out of the aws:* copies by the table in
//   tests/CMakeLists.txt, which says why.
//
// What MeshFixture sets up (through DataMeshAdmin, as a user would)
//   the mesh account kMeshAccount, initialized with initialize_mesh_account;
//   producers P = kProducerAccount and P2 = kProducer2Account, consumers C = kConsumerAccount
//   and C2 = kConsumer2Account (each enabled by the mesh admin and initialized by itself), and
//   kNoRoleAccount, an account with no role. Clients for any of them come from admin_as(),
//   producer(), consumer() and catalog(); they are made on first use and kept for the test.
//
// Clients share a backend per process (see src/api/backend.h): call drop_clients() before
// fork() so that a child never inherits the parent's store connections.
//
// Helpers return Status / StatusOr so that tests can ASSERT_OK them (status_matchers.h).
// Not thread-safe: one fixture per test, as GoogleTest runs them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datamesh/admin.h"
#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "datamesh/types.h"
#include "gtest/gtest.h"
#include "testkit/scratch_dir.h"

namespace datamesh::test_support {

inline constexpr char kMeshAccount[] = "999999999999";
inline constexpr char kProducerAccount[] = "111111111111";   // P
inline constexpr char kConsumerAccount[] = "222222222222";   // C
inline constexpr char kProducer2Account[] = "333333333333";  // P2
inline constexpr char kConsumer2Account[] = "444444444444";  // C2
inline constexpr char kNoRoleAccount[] = "555555555555";     // neither producer nor consumer

// The source database publish_sales() creates and the product it publishes from it.
inline constexpr char kSalesDatabase[] = "sales";
inline constexpr char kSalesProduct[] = "sales-111111111111";

// The endpoint of a new, empty mesh (see the top of this file). scratch_dir must exist.
// Errors: Internal when the factory cannot be run, fails, or prints no endpoint.
absl::StatusOr<std::string> fresh_endpoint(const std::filesystem::path& scratch_dir);

// Whether `endpoint` is AWS mode's aws://REGION.
bool is_aws_endpoint(const std::string& endpoint);

// The credentials of `account`'s admin on the moto server AWS_ENDPOINT_URL names: an AssumeRole
// into arn:aws:iam::<account>:role/Admin (moto gives every 12-digit account resources of its own
// and needs no such role).
absl::StatusOr<Credentials> aws_admin_credentials(const std::string& account);

// A realistic Glue table of the sales database: columns, partition key, Parquet storage at
// sales_location(name).
TableInput sales_table(const std::string& name);
std::string sales_location(const std::string& table_name);

// "YYYY-MM-DD HH:MM:SS".
bool is_utc_date(const std::string& text);

// A test with a scratch directory and the endpoint of a new, uninitialized mesh.
class FreshMeshTest : public ::testing::Test {
 protected:
  void SetUp() override;

  const std::filesystem::path& scratch_dir() const { return scratch_dir_.path(); }
  const std::string& endpoint() const { return endpoint_; }
  bool aws_mode() const { return is_aws_endpoint(endpoint_); }

  // Options reaching this test's mesh as `credentials` (nullopt: none, for
  // initialize_mesh_account) with the given data_mesh_account_id.
  ClientOptions options(std::optional<Credentials> credentials,
                        const std::string& data_mesh_account_id = kMeshAccount) const;

 private:
  testkit::ScratchDir scratch_dir_{"e2e"};
  std::string endpoint_;
};

// A test with the initialized mesh and the accounts described at the top of this file.
class MeshFixture : public FreshMeshTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The credentials each account was created with (updated by replace_credentials).
  const Credentials& credentials(const std::string& account) const;
  void replace_credentials(const std::string& account, const Credentials& credentials);

  // Clients acting as `account` with its current credentials, kept until drop_clients().
  DataMeshAdmin& admin();  // the mesh admin
  DataMeshAdmin& admin_as(const std::string& account);
  DataMeshProducer& producer(const std::string& account = kProducerAccount);
  DataMeshConsumer& consumer(const std::string& account = kConsumerAccount);
  DataMeshCatalog& catalog(const std::string& account);
  // Destroys every client this fixture holds (before fork(), or after changing credentials).
  void drop_clients();

  // Makes an existing account a producer / consumer: the admin enables it, it initializes.
  absl::Status make_producer(const std::string& account);
  absl::Status make_consumer(const std::string& account);

  // Creates database `sales` with tables orders, order_items and refunds in the catalog of
  // `account`.
  absl::Status create_sales_database(const std::string& account = kProducerAccount);
  // Creates the sales database when missing and publishes it as P with `options` (by default
  // the tables matching order.* as product sales-111111111111).
  absl::StatusOr<DataProduct> publish_sales(const CreateDataProductsOptions& options = {
                                                .table_name_regex = "order.*"});

  // C (or `consumer_account`) requests `permissions` on `tables` (nullopt: the whole
  // database) of sales-111111111111; returns the subscription id.
  absl::StatusOr<std::string> request(
      const std::vector<std::string>& permissions = {"SELECT"},
      const std::optional<std::vector<std::string>>& tables = std::vector<std::string>{"orders"},
      const std::string& consumer_account = kConsumerAccount);
  // request() and P approves it with `approve`.
  absl::StatusOr<std::string> active_subscription(
      const std::vector<std::string>& permissions = {"SELECT"},
      const std::optional<std::vector<std::string>>& tables = std::vector<std::string>{"orders"},
      const ApproveOptions& approve = {});

  // The subscription as its owner P sees it.
  absl::StatusOr<Subscription> subscription(const std::string& id);
  // The whole audit log (or one subscription's), oldest first, paged to the end by the admin.
  absl::StatusOr<std::vector<AuditEvent>> audit_events(const std::string& subscription_id = "",
                                                       int page_size = 1000);
  absl::StatusOr<std::size_t> audit_count();
  // Actions of audit_events(subscription_id), in order.
  absl::StatusOr<std::vector<std::string>> audit_actions(const std::string& subscription_id);
  // Everything a call on subscription `id` could change, as text: the subscription and its
  // grants as the owner sees them, and the audit log's length.
  absl::StatusOr<std::string> snapshot(const std::string& id,
                                       const std::string& owner = kProducerAccount);

 private:
  std::map<std::string, Credentials> credentials_;
  std::map<std::string, std::unique_ptr<DataMeshAdmin>> admins_;
  std::map<std::string, std::unique_ptr<DataMeshProducer>> producers_;
  std::map<std::string, std::unique_ptr<DataMeshConsumer>> consumers_;
  std::map<std::string, std::unique_ptr<DataMeshCatalog>> catalogs_;
};

// "principal|catalog|database|table|permissions|grantable|subscription" per grant, sorted.
std::vector<std::string> describe_grants(const std::vector<EffectiveGrant>& grants);

// The grant of `grants` on table_name ("" = the database itself), or nullptr.
const EffectiveGrant* find_grant(const std::vector<EffectiveGrant>& grants,
                                 const std::string& table_name);

}  // namespace datamesh::test_support
