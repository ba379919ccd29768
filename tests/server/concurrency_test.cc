// 64 clients race on shared subscriptions of one `datamesh serve` process for 10 seconds.
//
// One producer P publishes six tables; four consumers each request a few fixed shapes of access
// (so identical requests race, and each shape comes back after a deletion or a denial). Each
// client thread has its own client object on the server's http endpoint: half are
// DataMeshProducers acting as P (approve, deny, delete, update, read any subscription), half
// DataMeshConsumers acting as one of the consumers (request, leave, read their own). Until a
// wall-clock deadline (a duration of load, never an assertion) each makes random calls on the
// subscriptions that any thread created, recording every answer.
//
// Afterwards the mesh must tell the same story as the answers:
//  - each acknowledged approve / deny / delete / update has exactly one audit event (same
//    action, subscription and caller), and there is no other event;
//  - each subscription a request returned was created by exactly one request event, by the
//    consumer that asked;
//  - replayed in sequence order, every subscription's events follow its lifecycle, and an
//    identical request never created a second subscription while the first was Pending or
//    Active;
//  - every subscription is in the replayed state, with grants exactly when Active, and the
//    datamesh_subscriptions gauge counts them;
//  - the losers of races got FailedPrecondition / Aborted / NotFound, never Internal or
//    Unavailable.
#include <sys/wait.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/text.h"
#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "server/ledger.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using core::cat;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

constexpr int kThreads = 64;
constexpr auto kLoadDuration = std::chrono::seconds(10);
const std::vector<std::string> kConsumers = {kConsumerAccount, kConsumer2Account, "666666666666",
                                             "777777777777"};
const std::vector<std::string> kTables = {"t0", "t1", "t2", "t3", "t4", "t5"};
// The shapes of request each consumer makes: nullopt is the whole database.
const std::vector<std::optional<std::vector<std::string>>> kShapes = {
    std::vector<std::string>{"t0"}, std::vector<std::string>{"t1"},
    std::vector<std::string>{"t2", "t3"}, std::nullopt};

// Subscriptions created so far, shared by the threads. Thread-safe.
class SharedSubscriptions {
 public:
  struct Entry {
    std::string id;
    std::string consumer;
  };

  void add(const std::string& id, const std::string& consumer) {
    std::lock_guard lock(mutex_);
    if (!known_.insert(id).second) return;
    entries_.push_back({id, consumer});
  }

  // One of the most recent entries (of `consumer` when not empty); nullopt when none.
  std::optional<Entry> pick(std::mt19937& rng, const std::string& consumer = "") {
    std::lock_guard lock(mutex_);
    std::vector<const Entry*> recent;
    for (auto it = entries_.rbegin(); it != entries_.rend() && recent.size() < 24; ++it) {
      if (consumer.empty() || it->consumer == consumer) recent.push_back(&*it);
    }
    if (recent.empty()) return std::nullopt;
    return *recent[rng() % recent.size()];
  }

 private:
  std::mutex mutex_;
  std::set<std::string> known_;
  std::vector<Entry> entries_;
};

struct ThreadLog {
  std::vector<Call> calls;
  std::vector<int> request_shapes;  // the shape of each request call, in order
  int calls_before_deadline = 0;    // calls that returned before the load's deadline
};

class ServerConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty());
    auto process = ServerProcess::start(scratch_.path() / "mesh.db", scratch_.path() / "serve.err");
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

  // One client thread, until `deadline`: even threads act as the producer P (approve, deny,
  // delete, update, read any subscription), odd ones as one of the consumers (request, leave,
  // read its own subscriptions). Each thread has its own client object, so one keep-alive
  // connection: the server's default 64 workers serve 64 connections at once (see
  // docs/SERVER.md), and a thread holding two would leave others waiting for a worker.
  ThreadLog run_client(int index, std::chrono::steady_clock::time_point deadline,
                       SharedSubscriptions& shared) {
    ThreadLog log;
    std::mt19937 rng(static_cast<unsigned>(index) * 7919u + 17u);
    const bool is_producer = index % 2 == 0;
    const std::string me =
        is_producer ? kProducerAccount : kConsumers[(index / 2) % kConsumers.size()];
    auto record = [&](const char* action, const std::string& id, absl::Status status) {
      log.calls.push_back(
          Call{.action = action, .subscription_id = id, .actor = me, .status = std::move(status)});
      if (std::chrono::steady_clock::now() < deadline) ++log.calls_before_deadline;
    };
    if (is_producer) {
      DataMeshProducer producer(as(me));
      while (std::chrono::steady_clock::now() < deadline) {
        const unsigned roll = rng() % 100;
        auto picked = shared.pick(rng);
        if (!picked) {
          // Nothing requested yet: look at the queue instead, which is a call too.
          record(kRead, "", producer.list_pending_access_requests().status());
          continue;
        }
        const std::string& id = picked->id;
        if (roll < 30) {
          record(kApprove, id, producer.approve_access_request(id));
        } else if (roll < 50) {
          record(kDeny, id, producer.deny_access_request(id, "not now"));
        } else if (roll < 70) {
          record(kDelete, id, producer.delete_subscription(id, "torn down"));
        } else if (roll < 85) {
          const std::vector<std::string> permissions = rng() % 2 == 0
                                                           ? std::vector<std::string>{"SELECT"}
                                                           : std::vector<std::string>{"DESCRIBE"};
          record(kUpdate, id,
                 producer.update_subscription_permissions(id, permissions, "adjusted"));
        } else {
          record(kRead, id, read_back(producer.get_subscription(id), id));
        }
      }
      return log;
    }
    DataMeshConsumer consumer(as(me));
    while (std::chrono::steady_clock::now() < deadline) {
      const unsigned roll = rng() % 100;
      auto picked = roll < 55 ? std::nullopt : shared.pick(rng, me);
      if (!picked) {
        const int shape = static_cast<int>(rng() % kShapes.size());
        auto requested = consumer.request_access_to_product(kProducerAccount, product_, {"SELECT"},
                                                            kShapes[shape]);
        record(kRequest, requested.ok() ? requested->subscription_id : "", requested.status());
        log.request_shapes.push_back(shape);
        if (requested.ok()) shared.add(requested->subscription_id, me);
      } else if (roll < 75) {
        record(kDelete, picked->id, consumer.delete_subscription(picked->id, "leaving"));
      } else {
        record(kRead, picked->id, read_back(consumer.get_subscription(picked->id), picked->id));
      }
    }
    return log;
  }

  // The status of a get_subscription answer, Internal if it names another subscription.
  static absl::Status read_back(const absl::StatusOr<Subscription>& read, const std::string& id) {
    if (read.ok() && read->subscription_id != id) {
      return absl::InternalError(cat("get_subscription ", id, " answered ", read->subscription_id));
    }
    return read.status();
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

  SharedSubscriptions shared;
  std::vector<ThreadLog> logs(kThreads);
  const auto deadline = std::chrono::steady_clock::now() + kLoadDuration;
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] { logs[i] = run_client(i, deadline, shared); });
    }
    for (std::thread& thread : threads) thread.join();
  }

  // What the clients were told.
  std::map<ChangeKey, int> acknowledged;           // non-request changes
  std::map<std::string, std::string> created_by;   // request answers: id -> consumer
  std::map<std::string, std::set<int>> shapes_of;  // id -> request shapes that returned it
  std::map<std::string, int> outcomes;
  std::vector<std::string> unclean;
  int min_calls = INT_MAX, max_calls = 0, starved = 0;
  for (const ThreadLog& log : logs) {
    min_calls = std::min(min_calls, log.calls_before_deadline);
    max_calls = std::max(max_calls, log.calls_before_deadline);
    if (log.calls_before_deadline == 0) ++starved;
    size_t request_index = 0;
    for (const Call& call : log.calls) {
      const Outcome outcome = classify(call, /*connection_loss_allowed=*/false);
      const bool is_request = call.action == std::string(kRequest);
      const int shape = is_request ? log.request_shapes[request_index++] : -1;
      ++outcomes[cat(call.action, outcome == Outcome::kAcknowledged ? " ok"
                                  : outcome == Outcome::kLostRace   ? " lost race"
                                                                    : " UNCLEAN")];
      if (outcome == Outcome::kUnclean) {
        unclean.push_back(cat(call.action, " ", call.subscription_id, " by ", call.actor, ": ",
                              call.status.ToString()));
        continue;
      }
      if (outcome != Outcome::kAcknowledged || call.action == std::string(kRead)) continue;
      if (is_request) {
        created_by.emplace(call.subscription_id, call.actor);
        if (created_by[call.subscription_id] != call.actor) {
          unclean.push_back(cat("request by ", call.actor, " returned ", call.subscription_id,
                                " of ", created_by[call.subscription_id]));
        }
        shapes_of[call.subscription_id].insert(shape);
      } else {
        ++acknowledged[{call.action, call.subscription_id, call.actor}];
      }
    }
  }
  std::ostringstream summary;
  for (const auto& [what, count] : outcomes) summary << "  " << what << ": " << count << "\n";
  summary << "  calls per thread before the deadline: " << min_calls << " to " << max_calls << "\n";
  std::cout << "load summary:\n" << summary.str();
  // The load was 64-way: no client waited the whole load for the server to take its call.
  EXPECT_EQ(starved, 0) << starved << " client threads got no answer before the deadline\n"
                        << summary.str();

  EXPECT_TRUE(unclean.empty()) << unclean.size() << " calls failed uncleanly, e.g.:\n"
                               << core::join(
                                      std::vector<std::string>(
                                          unclean.begin(),
                                          unclean.begin() + std::min<size_t>(20, unclean.size())),
                                      "\n");
  // The load did what it is for: every kind of change got through, and races were lost.
  for (const char* action : {kRequest, kApprove, kDeny, kDelete, kUpdate, kRead}) {
    EXPECT_GT(outcomes[cat(action, " ok")], 0) << "no " << action << " succeeded\n"
                                               << summary.str();
  }
  int lost = 0;
  for (const auto& [what, count] : outcomes) {
    if (what.ends_with("lost race")) lost += count;
  }
  EXPECT_GT(lost, 0) << "no call lost a race; the test did not race\n" << summary.str();
  for (const auto& [id, shapes] : shapes_of) {
    EXPECT_EQ(shapes.size(), 1u) << "requests of different shapes returned subscription " << id;
  }

  // What the mesh says.
  DataMeshAdmin admin(as(kMeshAccount));
  ASSERT_OK_AND_ASSIGN(const auto all_events, all_audit_events(admin, 250));
  std::vector<AuditEvent> events;
  for (const AuditEvent& event : all_events) {
    if (event.sequence > baseline) events.push_back(event);
  }
  std::map<ChangeKey, int> audited = count_events(events);
  std::map<ChangeKey, int> audited_changes;
  std::map<std::string, int> request_events;
  for (const auto& [key, count] : audited) {
    if (std::get<0>(key) == std::string(kRequest)) {
      request_events[std::get<1>(key)] += count;
      auto who = created_by.find(std::get<1>(key));
      EXPECT_TRUE(who != created_by.end() && who->second == std::get<2>(key))
          << "subscription " << std::get<1>(key) << " was created by " << std::get<2>(key)
          << " but no request of that consumer returned it";
    } else {
      audited_changes[key] = count;
    }
  }
  const std::vector<std::string> differences = count_differences(acknowledged, audited_changes);
  EXPECT_TRUE(differences.empty())
      << differences.size() << " mismatches, e.g.:\n"
      << core::join(std::vector<std::string>(
                        differences.begin(),
                        differences.begin() + std::min<size_t>(20, differences.size())),
                    "\n");
  for (const auto& [id, consumer] : created_by) {
    EXPECT_EQ(request_events[id], 1) << "subscription " << id << " returned to " << consumer
                                     << " has " << request_events[id] << " request events";
  }
  EXPECT_EQ(request_events.size(), created_by.size());

  const Replay lifecycle = replay(events);
  EXPECT_TRUE(lifecycle.violations.empty())
      << core::join(std::vector<std::string>(lifecycle.violations.begin(),
                                             lifecycle.violations.begin() +
                                                 std::min<size_t>(20, lifecycle.violations.size())),
                    "\n");
  // An identical request never made a second subscription while one was Pending or Active.
  std::map<std::pair<std::string, int>, std::vector<std::pair<int64_t, std::string>>> by_shape;
  for (const AuditEvent& event : events) {
    if (event.action != std::string(kRequest)) continue;
    auto shapes = shapes_of.find(event.subscription_id);
    if (shapes == shapes_of.end() || shapes->second.size() != 1) continue;
    by_shape[{event.actor_account, *shapes->second.begin()}].emplace_back(event.sequence,
                                                                          event.subscription_id);
  }
  for (const auto& [shape, creations] : by_shape) {
    for (size_t later = 1; later < creations.size(); ++later) {
      for (size_t earlier = 0; earlier < later; ++earlier) {
        const auto status =
            lifecycle.status_before(creations[earlier].second, creations[later].first);
        EXPECT_TRUE(status == SubscriptionStatus::kDenied || status == SubscriptionStatus::kDeleted)
            << "subscription " << creations[later].second << " of " << shape.first
            << " was created while the identical " << creations[earlier].second << " was "
            << (status ? status_text(*status) : std::string("unknown"));
      }
    }
  }

  DataMeshProducer owner(as(kProducerAccount));
  const std::vector<std::string> problems = check_subscriptions(owner, lifecycle);
  EXPECT_TRUE(problems.empty()) << core::join(
      std::vector<std::string>(problems.begin(),
                               problems.begin() + std::min<size_t>(20, problems.size())),
      "\n");

  // The gauge agrees with the subscriptions.
  std::map<SubscriptionStatus, int> by_status;
  for (const auto& [id, history] : lifecycle.history) ++by_status[history.back().second];
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
