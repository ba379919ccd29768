#include "server/served_mesh.h"

#include "api/logging.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {

using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kNoRoleAccount;
using test_support::kProducer2Account;
using test_support::kProducerAccount;

server::ServerConfig ServedMeshTest::default_config() {
  server::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.region = kRegion;
  config.allow_initialize = true;
  config.keep_alive_seconds = 1;
  return config;
}

void ServedMeshTest::SetUp() {
  // The sinks change while no server thread runs; they are restored in TearDown.
  spdlog::logger& logger = api::logger();
  saved_sinks_ = logger.sinks();
  logger.sinks() = {sink_};
  sinks_swapped_ = true;
  ASSERT_OK(api::set_log_level("INFO"));

  ASSERT_OK(server_.start(default_config(), scratch_.path() / "mesh.db"));
  auto keys = set_up_mesh(endpoint(),
                          {{kProducerAccount, "producer one", Role::kProducer},
                           {kConsumerAccount, "consumer one", Role::kConsumer},
                           {kProducer2Account, "producer two", Role::kProducer},
                           {kConsumer2Account, "consumer two", Role::kConsumer},
                           {kNoRoleAccount, "no role", Role::kNone}},
                          "INFO");
  ASSERT_OK(keys);
  keys_ = std::move(*keys);
  auto product = publish_tables(endpoint(), keys_[kProducerAccount], "sales",
                                {"orders", "order_items", "refunds"}, "INFO");
  ASSERT_OK(product);
  ASSERT_EQ(*product, kProduct);
}

void ServedMeshTest::TearDown() {
  // Clients first: their keep-alive connections hold server workers until they close.
  drop_clients();
  EXPECT_OK(server_.stop());
  if (sinks_swapped_) {
    api::logger().sinks() = saved_sinks_;
    sinks_swapped_ = false;
  }
}

const Credentials& ServedMeshTest::key(const std::string& account) const {
  auto it = keys_.find(account);
  if (it == keys_.end()) {
    ADD_FAILURE() << "no credentials for account " << account;
    static const Credentials kNone;
    return kNone;
  }
  return it->second;
}

std::vector<std::string> ServedMeshTest::secrets() const {
  std::vector<std::string> all = extra_secrets_;
  for (const auto& [account, credentials] : keys_) all.push_back(credentials.secret_access_key);
  return all;
}

DataMeshAdmin& ServedMeshTest::admin() {
  auto& client = admins_[kMeshAccount];
  if (!client) {
    client = std::make_unique<DataMeshAdmin>(client_options(endpoint(), key(kMeshAccount), "INFO"));
  }
  return *client;
}

DataMeshProducer& ServedMeshTest::producer(const std::string& account) {
  auto& client = producers_[account];
  if (!client) {
    client = std::make_unique<DataMeshProducer>(client_options(endpoint(), key(account), "INFO"));
  }
  return *client;
}

DataMeshConsumer& ServedMeshTest::consumer(const std::string& account) {
  auto& client = consumers_[account];
  if (!client) {
    client = std::make_unique<DataMeshConsumer>(client_options(endpoint(), key(account), "INFO"));
  }
  return *client;
}

void ServedMeshTest::drop_clients() {
  admins_.clear();
  producers_.clear();
  consumers_.clear();
}

absl::StatusOr<size_t> ServedMeshTest::audit_count() {
  auto events = all_audit_events(admin());
  if (!events.ok()) return events.status();
  return events->size();
}

absl::StatusOr<std::string> ServedMeshTest::request_orders(const std::string& consumer_account,
                                                           const std::vector<std::string>& tables) {
  auto requested = consumer(consumer_account)
                       .request_access_to_product(kProducerAccount, kProduct, {"SELECT"}, tables);
  if (!requested.ok()) return requested.status();
  return requested->subscription_id;
}

std::string ServedMeshTest::request_body(const std::string& table) {
  return nlohmann::json{{"owner_account_id", kProducerAccount},
                        {"database_name", kProduct},
                        {"request_permissions", {"SELECT"}},
                        {"tables", {table}}}
      .dump();
}

}  // namespace datamesh::server_test
