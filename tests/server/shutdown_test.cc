// SIGTERM while 16 clients change subscriptions on a `datamesh serve` process.
//
// Each client thread owns one request shape (a consumer and a table nobody else requests) and
// cycles request -> approve -> update -> delete on it, recording every answer. Once enough
// changes have been acknowledged (counted, not timed) the server gets SIGTERM. It must exit
// with status 0; every call must have succeeded or failed cleanly (a call the shutdown cut off
// fails with Unavailable: the client could not reach the server). A second server on the same
// mesh file must then show every acknowledged change, exactly one audit event per acknowledged
// change, events for cut-off calls only where such a call was made (their outcome is unknown,
// so they may or may not be applied), and no subscription half-changed: each one's events
// follow its lifecycle, its status is where they lead, and it has grants exactly when Active.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/text.h"
#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "server/ledger.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"
#include "support/files.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

constexpr int kThreads = 16;
constexpr int kAcknowledgedBeforeSignal = 150;
const std::vector<std::string> kConsumers = {kConsumerAccount, kConsumer2Account};

std::string first_lines(const std::vector<std::string>& lines, size_t count = 20) {
  return base::join(
      std::vector<std::string>(lines.begin(), lines.begin() + std::min(count, lines.size())), "\n");
}

// Counts acknowledged changes and lets the main thread wait for a number of them.
class Progress {
 public:
  void acknowledge() {
    std::lock_guard lock(mutex_);
    ++acknowledged_;
    changed_.notify_all();
  }
  // True once `count` changes are acknowledged; false if `deadline` passes first.
  bool wait_for(int count, std::chrono::seconds deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] { return acknowledged_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int acknowledged_ = 0;
};

class ServerShutdownTest : public ::testing::Test {
 protected:
  std::filesystem::path store() const { return scratch_.path() / "mesh.db"; }
  std::filesystem::path errors() const { return scratch_.path() / "serve.err"; }

  ScratchDir scratch_;
};

TEST_F(ServerShutdownTest, SigtermDuringLoadExitsZeroAndKeepsEveryAcknowledgedChange) {
  ASSERT_OK_AND_ASSIGN(auto first, start_server_process(store(), errors()));
  std::vector<AccountSpec> accounts = {{kProducerAccount, "producer", Role::kProducer}};
  for (const std::string& consumer : kConsumers) {
    accounts.push_back({consumer, cat("consumer ", consumer), Role::kConsumer});
  }
  ASSERT_OK_AND_ASSIGN(auto keys, set_up_mesh(first->endpoint(), accounts));
  std::vector<std::string> tables;
  for (int i = 0; i < kThreads / 2; ++i) tables.push_back(cat("t", i));
  ASSERT_OK_AND_ASSIGN(const std::string product,
                       publish_tables(first->endpoint(), keys[kProducerAccount], "sales", tables));
  int64_t baseline = 0;
  {
    DataMeshAdmin admin(client_options(first->endpoint(), keys[kMeshAccount]));
    ASSERT_OK_AND_ASSIGN(const auto setup_events, all_audit_events(admin));
    ASSERT_FALSE(setup_events.empty());
    baseline = setup_events.back().sequence;
  }

  Progress progress;
  std::atomic<bool> signalled{false};
  std::vector<std::vector<Call>> logs(kThreads);
  const std::string endpoint = first->endpoint();
  auto client = [&](int index) {
    std::vector<Call>& log = logs[index];
    const std::string& me = kConsumers[index % kConsumers.size()];
    const std::vector<std::string> table = {tables[index / kConsumers.size()]};
    DataMeshProducer producer(client_options(endpoint, keys[kProducerAccount]));
    DataMeshConsumer consumer(client_options(endpoint, keys[me]));
    std::string id;
    int step = 0;
    // Until the first call the shutdown cut off: after it, the server is going away.
    while (true) {
      Call call;
      switch (step) {
        case 0: {
          auto requested =
              consumer.request_access_to_product(kProducerAccount, product, {"SELECT"}, table);
          call = {.action = kRequest, .actor = me, .status = requested.status()};
          if (requested.ok()) call.subscription_id = id = requested->subscription_id;
          break;
        }
        case 1:
          call = {kApprove, id, kProducerAccount, producer.approve_access_request(id)};
          break;
        case 2:
          call = {kUpdate, id, kProducerAccount,
                  producer.update_subscription_permissions(id, {"DESCRIBE"}, "narrowed")};
          break;
        default:
          call = index % 2 == 0 ? Call{kDelete, id, me, consumer.delete_subscription(id, "leaving")}
                                : Call{kDelete, id, kProducerAccount,
                                       producer.delete_subscription(id, "torn down")};
          break;
      }
      call.after_signal = signalled.load();
      const bool ok = call.status.ok();
      const bool unavailable = absl::IsUnavailable(call.status);
      log.push_back(std::move(call));
      if (unavailable) return;
      if (ok) {
        progress.acknowledge();
        step = (step + 1) % 4;
      } else {
        step = 0;  // start again with a new request
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back(client, i);

  const bool loaded = progress.wait_for(kAcknowledgedBeforeSignal, std::chrono::seconds(60));
  signalled = true;
  const absl::StatusOr<int> exit_status = first->terminate(std::chrono::seconds(30));
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(loaded) << "fewer than " << kAcknowledgedBeforeSignal
                      << " changes were acknowledged before the deadline";
  ASSERT_OK(exit_status);
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
      << "the server ended with wait status " << *exit_status << "; its stderr:\n"
      << read_file(errors());

  // What the clients were told.
  std::map<ChangeKey, int> acknowledged, unknown;
  std::map<std::string, std::string> created_by;  // acknowledged request -> consumer
  std::map<std::string, int> unknown_requests;    // consumer -> requests cut off
  std::vector<std::string> unclean;
  int acknowledged_total = 0, cut_off = 0, lost_races = 0;
  for (const auto& log : logs) {
    for (const Call& call : log) {
      const Outcome outcome = classify(call, /*connection_loss_allowed=*/call.after_signal);
      const bool is_request = call.action == std::string(kRequest);
      switch (outcome) {
        case Outcome::kAcknowledged:
          ++acknowledged_total;
          if (is_request) {
            created_by[call.subscription_id] = call.actor;
          } else {
            ++acknowledged[{call.action, call.subscription_id, call.actor}];
          }
          break;
        case Outcome::kUnknown:
          ++cut_off;
          if (is_request) {
            ++unknown_requests[call.actor];
          } else {
            ++unknown[{call.action, call.subscription_id, call.actor}];
          }
          break;
        case Outcome::kLostRace:
          ++lost_races;
          break;
        case Outcome::kUnclean:
          unclean.push_back(cat(call.action, " ", call.subscription_id, " by ", call.actor,
                                call.after_signal ? " (after SIGTERM): " : ": ",
                                call.status.ToString()));
          break;
      }
    }
  }
  std::cout << "acknowledged " << acknowledged_total << ", cut off by the shutdown " << cut_off
            << ", refused " << lost_races << ", unclean " << unclean.size() << "\n";
  EXPECT_TRUE(unclean.empty()) << first_lines(unclean);
  EXPECT_GE(acknowledged_total, kAcknowledgedBeforeSignal);
  // Every thread ran until the shutdown cut it off.
  int threads_cut_off = 0;
  for (const auto& log : logs) {
    if (!log.empty() && classify(log.back(), true) == Outcome::kUnknown) ++threads_cut_off;
  }
  EXPECT_EQ(threads_cut_off, kThreads);

  // A new server on the same file.
  ASSERT_OK_AND_ASSIGN(auto second, start_server_process(store(), errors()));
  auto admin =
      std::make_unique<DataMeshAdmin>(client_options(second->endpoint(), keys[kMeshAccount]));
  auto owner = std::make_unique<DataMeshProducer>(
      client_options(second->endpoint(), keys[kProducerAccount]));
  for (const auto& [id, consumer] : created_by) {
    EXPECT_OK(owner->get_subscription(id)) << "acknowledged subscription " << id << " is gone";
  }
  ASSERT_OK_AND_ASSIGN(const auto all_events, all_audit_events(*admin, 200));
  std::vector<AuditEvent> events;
  for (const AuditEvent& event : all_events) {
    if (event.sequence > baseline) events.push_back(event);
  }

  // One event per acknowledged change; events of cut-off calls at most once per such call.
  std::vector<std::string> mismatches;
  std::map<std::string, int> unacknowledged_creations;  // consumer -> subscriptions
  std::map<std::string, int> requests_of;
  int applied_cut_off = 0;  // cut-off calls whose change is in the mesh
  for (const auto& [key, count] : count_events(events)) {
    const auto& [action, id, actor] = key;
    if (action == std::string(kRequest)) {
      requests_of[id] += count;
      if (!created_by.contains(id)) unacknowledged_creations[actor] += count;
      continue;
    }
    const int want = acknowledged.contains(key) ? acknowledged.at(key) : 0;
    const int maybe = unknown.contains(key) ? unknown.at(key) : 0;
    if (count > want) applied_cut_off += count - want;
    if (!audit_count_agrees(action, want, maybe, count)) {
      mismatches.push_back(cat(action, " ", id, " by ", actor, ": acknowledged ", want,
                               ", cut off ", maybe, ", audited ", count));
    }
  }
  for (const auto& [key, want] : acknowledged) {
    if (!count_events(events).contains(key)) {
      mismatches.push_back(cat(std::get<0>(key), " ", std::get<1>(key), " by ", std::get<2>(key),
                               ": acknowledged ", want, ", audited 0"));
    }
  }
  for (const auto& [id, consumer] : created_by) {
    if (requests_of[id] != 1) {
      mismatches.push_back(
          cat("acknowledged request ", id, " has ", requests_of[id], " request events"));
    }
  }
  for (const auto& [consumer, count] : unacknowledged_creations) {
    if (count > unknown_requests[consumer]) {
      mismatches.push_back(cat(count, " subscriptions of ", consumer,
                               " were created by no acknowledged request, but only ",
                               unknown_requests[consumer], " requests were cut off"));
    }
  }
  for (const auto& [consumer, count] : unacknowledged_creations) applied_cut_off += count;
  std::cout << "cut-off calls applied anyway: " << applied_cut_off << " of " << cut_off << "\n";
  EXPECT_TRUE(mismatches.empty()) << first_lines(mismatches);

  // Nothing half-applied.
  const Replay lifecycle = replay(events);
  EXPECT_TRUE(lifecycle.violations.empty()) << first_lines(lifecycle.violations);
  const std::vector<std::string> problems = check_subscriptions(*owner, lifecycle);
  EXPECT_TRUE(problems.empty()) << first_lines(problems);
  for (const auto& [id, history] : lifecycle.history) {
    if (created_by.contains(id)) continue;
    // Nobody was told its id, so nothing but its request can have happened to it.
    EXPECT_EQ(history.size(), 1u) << "unacknowledged subscription " << id << " changed later";
  }

  // Idle keep-alive connections would hold the second server's workers: close them first.
  admin.reset();
  owner.reset();
  ASSERT_OK_AND_ASSIGN(const int second_exit, second->terminate(std::chrono::seconds(30)));
  EXPECT_TRUE(WIFEXITED(second_exit) && WEXITSTATUS(second_exit) == 0) << second_exit;
}

}  // namespace
}  // namespace datamesh::server_test
