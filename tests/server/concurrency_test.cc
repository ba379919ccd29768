// 64 clients race on shared subscriptions of one `datamesh serve` process for 10 seconds.
//
// One producer P publishes six tables; four consumers request a few fixed shapes of access, and
// 64 client threads (half acting as P, half as the consumers) make random calls until a
// wall-clock deadline (a duration of load, never an assertion). Afterwards the mesh must tell
// the same story as the answers: mixed_load.h lists every check. Here, also: the losers of
// races got FailedPrecondition / Aborted / NotFound, never Internal or Unavailable, no client
// waited the whole load for a worker, and the datamesh_subscriptions gauge counts the
// subscriptions. tests/server/postgres_replicas_test.cc runs the same load through two replicas
// on PostgreSQL.
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/text.h"
#include "datamesh/admin.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "server/ledger.h"
#include "server/mixed_load.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

constexpr int kThreads = 64;
constexpr auto kLoadDuration = std::chrono::seconds(10);
const std::vector<std::string> kConsumers = {kConsumerAccount, kConsumer2Account, "666666666666",
                                             "777777777777"};
const std::vector<std::string> kTables = {"t0", "t1", "t2", "t3", "t4", "t5"};

class ServerConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto process = start_server_process(scratch_.path() / "mesh.db", scratch_.path() / "serve.err");
    ASSERT_OK(process);
    server_ = std::move(*process);
    std::vector<AccountSpec> accounts = {{kProducerAccount, "producer", Role::kProducer}};
    for (const std::string& consumer : kConsumers) {
      accounts.push_back({consumer, cat("consumer ", consumer), Role::kConsumer});
    }
    auto keys = set_up_mesh(server_->endpoint(), accounts);
    ASSERT_OK(keys);
    keys_ = std::move(*keys);
    auto product = publish_tables(server_->endpoint(), keys_[kProducerAccount], "sales", kTables);
    ASSERT_OK(product);
    product_ = *product;
  }

  void TearDown() override {
    if (server_) {
      const absl::StatusOr<int> status = server_->terminate(std::chrono::seconds(30));
      EXPECT_OK(status);
      if (status.ok()) {
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
            << "the server ended with wait status " << *status;
      }
      if (HasFailure()) std::cerr << "server stderr:\n" << read_file(scratch_.path() / "serve.err");
    }
  }

  static std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  ClientOptions as(const std::string& account) {
    return client_options(server_->endpoint(), keys_[account]);
  }

  ScratchDir scratch_;
  std::unique_ptr<ServerProcess> server_;
  std::map<std::string, Credentials> keys_;
  std::string product_;
};

TEST_F(ServerConcurrencyTest, SixtyFourClientsRacingLeaveOneAuditEventPerAcknowledgedChange) {
  int64_t baseline = 0;
  {
    // Closed before the load, so that the clients get every worker of the server.
    DataMeshAdmin admin(as(kMeshAccount));
    ASSERT_OK_AND_ASSIGN(const auto setup_events, all_audit_events(admin));
    ASSERT_FALSE(setup_events.empty());
    baseline = setup_events.back().sequence;
  }

  // Each client thread has its own client object, so one keep-alive connection: the server's
  // default 64 workers serve 64 connections at once (see docs/SERVER.md).
  MixedLoad load(LoadPlan{.endpoints = {server_->endpoint()},
                          .keys = keys_,
                          .producer = kProducerAccount,
                          .consumers = kConsumers,
                          .product = product_,
                          .tables = kTables,
                          .threads = kThreads});
  load.run(std::chrono::steady_clock::now() + kLoadDuration);

  DataMeshAdmin admin(as(kMeshAccount));
  ASSERT_OK_AND_ASSIGN(const auto all_events, all_audit_events(admin, 250));
  std::vector<AuditEvent> events;
  for (const AuditEvent& event : all_events) {
    if (event.sequence > baseline) events.push_back(event);
  }
  DataMeshProducer owner(as(kProducerAccount));
  const LoadVerdict verdict = load.check(events, owner, /*outage_allowed=*/false);
  std::cout << "load summary:\n" << verdict.summary;
  EXPECT_TRUE(verdict.problems.empty()) << base::join(verdict.problems, "\n") << "\n"
                                        << verdict.summary;

  // The gauge agrees with the subscriptions.
  std::map<SubscriptionStatus, int> by_status = MixedLoad::replayed_statuses(events);
  const HttpAnswer metrics = http_get(server_->port(), "/metrics");
  ASSERT_EQ(metrics.status, 200);
  for (SubscriptionStatus status : {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
                                    SubscriptionStatus::kDenied, SubscriptionStatus::kDeleted}) {
    EXPECT_EQ(metric_value(metrics.body,
                           cat("datamesh_subscriptions{status=\"", status_text(status), "\"}")),
              static_cast<double>(by_status[status]))
        << status_text(status);
  }
}

}  // namespace
}  // namespace datamesh::server_test
