// Several `datamesh serve` replicas on one PostgreSQL database, as docs/DEPLOYMENT.md deploys
// them: the mixed load of mixed_load.h through two replicas, and the database stopped and
// restarted in the middle of that load.
//
// Each test starts its two replicas as child processes (the `datamesh` binary) sharing one
// master key (DATAMESH_MASTER_KEY, inherited). PostgresReplicasTest uses a new schema of the
// tests' shared PostgreSQL (ctest fixture "postgres"); PostgresOutageTest kills and restarts a
// database, so it starts a server of its own.
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/text.h"
#include "datamesh/admin.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "server/ledger.h"
#include "server/mixed_load.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"
#include "support/postgres_test_db.h"
#include "support/status_matchers.h"
#include "support/files.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

const std::vector<std::string> kReplicaConsumers = {kConsumerAccount, kConsumer2Account, "666666666666",
                                             "777777777777"};
const std::vector<std::string> kTables = {"t0", "t1", "t2", "t3", "t4", "t5"};
constexpr char kReplicasMasterKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// Two replicas on the database at `store_url`, the mesh set up through the first and the
// product published through the second.
class ReplicasFixture : public ::testing::Test {
 protected:
  void start_replicas(const std::string& store_url) {
    ::setenv("DATAMESH_MASTER_KEY", kReplicasMasterKey, 1);
    for (int i = 0; i < 2; ++i) {
      auto process = start_server_process(store_url, stderr_of(i));
      ASSERT_OK(process) << "replica " << i << " stderr:\n" << read_file(stderr_of(i));
      replicas_.push_back(std::move(*process));
    }
    std::vector<AccountSpec> accounts = {{kProducerAccount, "producer", Role::kProducer}};
    for (const std::string& consumer : kReplicaConsumers) {
      accounts.push_back({consumer, cat("consumer ", consumer), Role::kConsumer});
    }
    auto keys = set_up_mesh(replicas_[0]->endpoint(), accounts);
    ASSERT_OK(keys);
    keys_ = std::move(*keys);
    auto product = publish_tables(replicas_[1]->endpoint(), keys_[kProducerAccount], "sales",
                                  kTables);
    ASSERT_OK(product);
    product_ = *product;
    DataMeshAdmin admin(as(kMeshAccount, 0));
    ASSERT_OK_AND_ASSIGN(const auto setup_events, all_audit_events(admin));
    ASSERT_FALSE(setup_events.empty());
    baseline_ = setup_events.back().sequence;
  }

  void TearDown() override {
    for (size_t i = 0; i < replicas_.size(); ++i) {
      const absl::StatusOr<int> status = replicas_[i]->terminate(std::chrono::seconds(30));
      EXPECT_OK(status);
      if (status.ok()) {
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
            << "replica " << i << " ended with wait status " << *status;
      }
      if (HasFailure()) std::cerr << "replica " << i << " stderr:\n" << read_file(stderr_of(i));
    }
    ::unsetenv("DATAMESH_MASTER_KEY");
  }

  std::filesystem::path stderr_of(int replica) const {
    return scratch_.path() / cat("replica", replica, ".err");
  }

  ClientOptions as(const std::string& account, int replica) {
    return client_options(replicas_[replica]->endpoint(), keys_[account]);
  }

  LoadPlan plan(int threads) {
    return LoadPlan{.endpoints = {replicas_[0]->endpoint(), replicas_[1]->endpoint()},
                    .keys = keys_,
                    .producer = kProducerAccount,
                    .consumers = kReplicaConsumers,
                    .product = product_,
                    .tables = kTables,
                    .threads = threads};
  }

  // The audit events after the set-up, read through replica `replica`.
  std::vector<AuditEvent> events_after_setup(int replica) {
    DataMeshAdmin admin(as(kMeshAccount, replica));
    auto all = all_audit_events(admin, 250);
    EXPECT_OK(all);
    std::vector<AuditEvent> events;
    if (!all.ok()) return events;
    for (const AuditEvent& event : *all) {
      if (event.sequence > baseline_) events.push_back(event);
    }
    return events;
  }

  void expect_mesh_agrees(MixedLoad& load, bool outage_allowed) {
    const std::vector<AuditEvent> events = events_after_setup(1);
    for (size_t i = 1; i < events.size(); ++i) {
      ASSERT_EQ(events[i].sequence, events[i - 1].sequence + 1) << "a gap in the audit log";
    }
    DataMeshProducer owner(as(kProducerAccount, 0));
    const LoadVerdict verdict = load.check(events, owner, outage_allowed);
    std::cout << "load summary:\n" << verdict.summary;
    EXPECT_TRUE(verdict.problems.empty()) << base::join(verdict.problems, "\n") << "\n"
                                          << verdict.summary;
    // Both replicas count the same subscriptions: they read one database.
    const std::map<SubscriptionStatus, int> by_status = MixedLoad::replayed_statuses(events);
    for (const auto& replica : replicas_) {
      const HttpAnswer metrics = http_get(replica->port(), "/metrics");
      ASSERT_EQ(metrics.status, 200);
      for (const auto& [status, count] : by_status) {
        EXPECT_EQ(metric_value(metrics.body, cat("datamesh_subscriptions{status=\"",
                                                 status_text(status), "\"}")),
                  static_cast<double>(count))
            << status_text(status) << " on replica port " << replica->port();
      }
    }
  }

  ScratchDir scratch_;
  std::vector<std::unique_ptr<ServerProcess>> replicas_;
  std::map<std::string, Credentials> keys_;
  std::string product_;
  int64_t baseline_ = 0;
};

class PostgresReplicasTest : public ReplicasFixture {
 protected:
  void SetUp() override {
    auto schema = test_support::ScratchSchema::create();
    ASSERT_OK(schema);
    schema_ = std::move(*schema);
    start_replicas(schema_->url());
  }
  void TearDown() override {
    ReplicasFixture::TearDown();
    replicas_.clear();  // before the schema is dropped
  }

  std::unique_ptr<test_support::ScratchSchema> schema_;
};

TEST_F(PostgresReplicasTest, ThirtyTwoClientsOnTwoReplicasForTenSecondsKeepEveryInvariant) {
  MixedLoad load(plan(32));
  load.run(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  expect_mesh_agrees(load, /*outage_allowed=*/false);
}

class PostgresOutageTest : public ReplicasFixture {
 protected:
  void SetUp() override {
    auto database = test_support::PrivatePostgres::start((scratch_.path() / "pg").string());
    ASSERT_OK(database);
    database_ = std::move(*database);
    start_replicas(database_->url());
  }
  void TearDown() override {
    ReplicasFixture::TearDown();
    replicas_.clear();
    database_.reset();
  }

  std::unique_ptr<test_support::PrivatePostgres> database_;
};

TEST_F(PostgresOutageTest, DatabaseKilledMidLoadLosesNoChangeAndTheReplicasRecoverByThemselves) {
  constexpr auto kGuard = std::chrono::seconds(90);  // against a hung load, not a measurement
  MixedLoad load(plan(16));
  std::thread runner([&] { load.run(std::chrono::steady_clock::now() + 2 * kGuard); });

  // Mid-load: the clients have been acknowledged a good number of changes and reads.
  const LoadProgress before =
      load.wait_until([](const LoadProgress& p) { return p.acknowledged >= 300; }, kGuard);
  ASSERT_OK(database_->kill());
  // While it is down, calls keep coming back: 503s from the replicas, which stay up.
  const LoadProgress down = load.wait_until(
      [&](const LoadProgress& p) { return p.unavailable >= before.unavailable + 50; }, kGuard);
  ASSERT_OK(database_->restart());
  // The replicas recover without being restarted.
  const LoadProgress after = load.wait_until(
      [&](const LoadProgress& p) { return p.acknowledged >= down.acknowledged + 300; }, kGuard);
  load.stop();
  runner.join();

  EXPECT_GE(before.acknowledged, 300);
  EXPECT_GE(down.unavailable, before.unavailable + 50) << "no 503 while the database was down";
  EXPECT_GE(after.acknowledged, down.acknowledged + 300) << "the replicas did not recover";
  for (const auto& replica : replicas_) {
    EXPECT_EQ(http_get(replica->port(), "/healthz").status, 200);
  }
  expect_mesh_agrees(load, /*outage_allowed=*/true);
}

}  // namespace
}  // namespace datamesh::server_test
