// The fixture of the in-process server suites: a server::Server on a new mesh file, set up
// over HTTP through the public API as a user would.
//
// Each test gets a new mesh with the accounts of test_support (mesh admin M, producers P and
// P2, consumers C and C2, kNoRoleAccount) and P's product sales-111111111111 (tables orders,
// order_items and refunds). During the test the "datamesh" logger writes only to access_log(),
// at INFO, so tests can read the access log; it gets its sinks back afterwards.
// Not thread-safe: one fixture per test.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "server/server_harness.h"
#include "spdlog/sinks/sink.h"

namespace datamesh::server_test {

inline constexpr char kProduct[] = "sales-111111111111";

class ServedMeshTest : public ::testing::Test {
 public:
  // The configuration the test's server starts with: port 0, initialize allowed, keep-alive
  // 1 s (teardown waits for idle connections at most that long).
  static server::ServerConfig default_config();

 protected:
  void SetUp() override;
  void TearDown() override;

  int port() const { return server_.port(); }
  std::string endpoint() const { return server_.endpoint(); }
  InProcessServer& server() { return server_; }
  const Credentials& key(const std::string& account) const;
  // Every secret access key this test has seen (the accounts', and any added by the test).
  std::vector<std::string> secrets() const;
  void remember_secret(const std::string& secret) { extra_secrets_.push_back(secret); }

  // Public API clients on the server, kept until drop_clients() (log level INFO).
  DataMeshAdmin& admin();
  DataMeshProducer& producer(const std::string& account);
  DataMeshConsumer& consumer(const std::string& account);
  void drop_clients();

  // The length of the audit log as the mesh admin reads it over HTTP.
  absl::StatusOr<size_t> audit_count();
  // `consumer_account` requests SELECT on `tables` of sales-111111111111 through the
  // public API; the subscription id.
  absl::StatusOr<std::string> request_orders(const std::string& consumer_account,
                                             const std::vector<std::string>& tables = {"orders"});
  // The JSON body of request_access_to_product for SELECT on `table` of sales-111111111111.
  static std::string request_body(const std::string& table = "orders");

  // Everything the "datamesh" logger wrote during the test.
  std::string access_log() { return sink_->contents(); }

 private:
  ScratchDir scratch_;
  InProcessServer server_;
  std::map<std::string, Credentials> keys_;
  std::vector<std::string> extra_secrets_;
  std::map<std::string, std::unique_ptr<DataMeshAdmin>> admins_;
  std::map<std::string, std::unique_ptr<DataMeshProducer>> producers_;
  std::map<std::string, std::unique_ptr<DataMeshConsumer>> consumers_;
  std::shared_ptr<CapturingSink> sink_ = std::make_shared<CapturingSink>();
  std::vector<spdlog::sink_ptr> saved_sinks_;
  bool sinks_swapped_ = false;
};

}  // namespace datamesh::server_test
