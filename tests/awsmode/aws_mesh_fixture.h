// A mesh in AWS mode on the moto server of the ctest fixture "moto": a mesh account and a
// producer and a consumer account of the test's own (moto keeps AssumeRole'd accounts apart),
// the credentials of each account's admin, and calls by name through the AWS backend exactly as
// the CLI and the client classes make them (client/aws_backend.h).
//
//   class MyTest : public AwsMeshTest {};
//   TEST_F(MyTest, X) {
//     set_up_mesh();                                  // mesh, producer and consumer ready
//     ASSERT_OK(call(producer(), "catalog", "create_database", {...}));
//   }
#pragma once

#include <stdlib.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/sts_client.h"
#include "awsmode/moto_fixture.h"
#include "client/aws_backend.h"
#include "datamesh/types.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws::testing {

class AwsMeshTest : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    producer_ = unique_account();
    consumer_ = unique_account();
  }

  // Moves the test to a mesh, producer and consumer of new accounts, with a new backend (the
  // same transport): a test that needs a fresh mesh more than once.
  void use_new_accounts() {
    mesh_ = unique_account();
    producer_ = unique_account();
    consumer_ = unique_account();
    credentials_.clear();
    backend_.reset();
  }

  const std::string& mesh() const { return mesh_; }
  const std::string& producer() const { return producer_; }
  const std::string& consumer() const { return consumer_; }

  // The credentials of `account`'s admin (an AssumeRole on moto, which needs no such role).
  Credentials admin_credentials(const std::string& account) {
    auto& known = credentials_[account];
    if (!known.access_key_id.empty()) return known;
    absl::StatusOr<StsCalls> sts = sts_calls(moto_options());
    EXPECT_TRUE(sts.ok()) << sts.status();
    if (!sts.ok()) return {};
    absl::StatusOr<AssumedCredentials> assumed = sts->assume_role(
        SigningKey{"AKIDMOTOTESTING", "moto-testing-secret", ""},
        "arn:aws:iam::" + account + ":role/Admin", "datamesh-test-admin");
    EXPECT_TRUE(assumed.ok()) << assumed.status();
    if (!assumed.ok()) return {};
    known = Credentials{.account_id = account,
                        .access_key_id = assumed->key.access_key_id,
                        .secret_access_key = assumed->key.secret_access_key,
                        .session_token = assumed->key.session_token};
    return known;
  }

  // The backend the calls go through: one per test, as a process has one; `transport` lets a
  // test step in between the AWS calls (count them, fail one). Made on first use.
  client::AwsBackend& backend() {
    if (!backend_) {
      client::AwsBackend::Options options;
      options.environment = moto_environment();
      options.transport = transport_;
      options.sleep = [](std::chrono::nanoseconds) {};
      options.store = store_options_;
      backend_ = std::make_shared<client::AwsBackend>("us-east-1", std::move(options));
    }
    return *backend_;
  }
  // Sets the transport of the backend made next (call before the first call()).
  void use_transport(std::shared_ptr<HttpTransport> transport) {
    transport_ = std::move(transport);
    backend_.reset();
  }

  // Sets the store options (writer lock, retries) of the backend made next.
  void use_store_options(store::aws::AwsStore::Options options) {
    store_options_ = std::move(options);
    backend_.reset();
  }

  // group/method with `params`, as `account`'s admin (whose keys each persona's role chain
  // starts from).
  absl::StatusOr<nlohmann::json> call(const std::string& account, std::string_view group,
                                      std::string_view method,
                                      const nlohmann::json& params = nlohmann::json::object()) {
    return backend().call(group, method, params, admin_credentials(account), mesh_);
  }

  // The consumer's request for `permissions` on `tables` of the producer's mesh database
  // `database`; its answer (SubscriptionId, ...).
  absl::StatusOr<nlohmann::json> request_access(
      const std::string& database, const nlohmann::json& tables = nlohmann::json::array({"orders"}),
      const nlohmann::json& permissions = nlohmann::json::array({"SELECT"})) {
    return call(consumer_, "consumer", "request_access_to_product",
                {{"owner_account_id", producer_},
                 {"database_name", database},
                 {"tables", tables},
                 {"request_permissions", permissions}});
  }

  // The producer's database `database` with `tables` (no columns), published whole as the
  // product <database>-<producer>.
  void publish(const std::string& database, const std::vector<std::string>& tables) {
    ASSERT_TRUE(
        call(producer_, "catalog", "create_database", {{"database_input", {{"Name", database}}}})
            .ok());
    for (const std::string& table : tables) {
      ASSERT_TRUE(call(producer_, "catalog", "create_table",
                       {{"database_name", database}, {"table_input", {{"Name", table}}}})
                      .ok());
    }
    ASSERT_TRUE(call(producer_, "producer", "create_data_products",
                     {{"source_database_name", database}, {"table_name_regex", ".*"}})
                    .ok());
  }

  // The mesh initialized, the producer and the consumer initialized and enabled.
  void set_up_mesh() {
    ASSERT_TRUE(call(mesh_, "admin", "initialize_mesh_account").ok());
    ASSERT_TRUE(call(producer_, "admin", "initialize_producer_account").ok());
    ASSERT_TRUE(call(consumer_, "admin", "initialize_consumer_account").ok());
    ASSERT_TRUE(call(mesh_, "admin", "enable_account_as_producer", {{"account_id", producer_}}).ok());
    ASSERT_TRUE(call(mesh_, "admin", "enable_account_as_consumer", {{"account_id", consumer_}}).ok());
  }

 private:
  std::string mesh_, producer_, consumer_;
  std::map<std::string, Credentials> credentials_;
  std::shared_ptr<HttpTransport> transport_;
  store::aws::AwsStore::Options store_options_;
  std::shared_ptr<client::AwsBackend> backend_;
};

}  // namespace datamesh::aws::testing
