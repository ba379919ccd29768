// Several processes race to decide on the same subscriptions through the public API.
//
// The parent sets up one product, one consumer and 40 distinct Pending requests, then forks 8
// children. Each child builds its own clients (backends are per process), waits at a common
// start line, and calls approve (even children) or deny (odd children) on every subscription,
// each child in its own order; two children also delete some subscriptions, one as the
// producer and one as the consumer. Each child writes the outcome of every call to a file of
// its own and leaves with _exit. The parent then checks that the results, the subscriptions,
// their grants and the audit log all tell the same story.
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/json.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

constexpr int kSubscriptions = 40;
constexpr int kChildren = 8;

enum class Action { kApprove, kDeny, kProducerDelete, kConsumerDelete };

const char* action_name(Action action) {
  switch (action) {
    case Action::kApprove: return "approve";
    case Action::kDeny: return "deny";
    case Action::kProducerDelete: return "producer_delete";
    case Action::kConsumerDelete: return "consumer_delete";
  }
  return "?";
}

struct Call {
  int subscription;  // index into the parent's list
  Action action;
};

// What child `child` does, in order: approve (even) or deny (odd) every subscription, starting
// at a different place and going forwards (even) or backwards (odd); child 3 also deletes every
// third subscription as the producer, child 6 every fifth (offset 1) as the consumer.
std::vector<Call> plan_of(int child) {
  std::vector<Call> calls;
  const int start = (child * 5) % kSubscriptions;
  const int step = child % 2 == 0 ? 1 : kSubscriptions - 1;
  for (int k = 0; k < kSubscriptions; ++k) {
    const int s = (start + k * step) % kSubscriptions;
    calls.push_back({s, child % 2 == 0 ? Action::kApprove : Action::kDeny});
    if (child == 3 && s % 3 == 0) calls.push_back({s, Action::kProducerDelete});
    if (child == 6 && s % 5 == 1) calls.push_back({s, Action::kConsumerDelete});
  }
  return calls;
}

struct Outcome {
  int child = 0;
  int subscription = 0;
  std::string action;
  int code = 0;
};

// The body of a child process; never returns.
[[noreturn]] void run_child(int child, int start_fd, const ClientOptions& producer_options,
                            const ClientOptions& consumer_options, const Strings& ids,
                            const std::string& results_path) {
  int exit_code = 0;
  try {
    char byte;
    ssize_t got;
    do {
      got = ::read(start_fd, &byte, 1);  // returns 0 once the parent closes the pipe
    } while (got < 0 && errno == EINTR);
    ::close(start_fd);

    DataMeshProducer producer(producer_options);
    DataMeshConsumer consumer(consumer_options);
    FILE* out = std::fopen(results_path.c_str(), "w");
    if (out == nullptr) ::_exit(2);
    for (const Call& call : plan_of(child)) {
      const std::string& id = ids[call.subscription];
      absl::Status status;
      switch (call.action) {
        case Action::kApprove:
          status = producer.approve_access_request(id, {.decision_notes = "approved"});
          break;
        case Action::kDeny: status = producer.deny_access_request(id, "denied"); break;
        case Action::kProducerDelete:
          status = producer.delete_subscription(id, "deleted by producer");
          break;
        case Action::kConsumerDelete:
          status = consumer.delete_subscription(id, "deleted by consumer");
          break;
      }
      std::fprintf(out, "%d %s %d\n", call.subscription, action_name(call.action),
                   static_cast<int>(status.code()));
    }
    if (std::fclose(out) != 0) exit_code = 2;
  } catch (...) {
    exit_code = 3;
  }
  ::_exit(exit_code);
}

bool is_success(const Outcome& outcome) { return outcome.code == 0; }

// Replays a subscription's audit events from Pending; returns the final status, or an error
// naming the first event that was not a legal transition.
absl::StatusOr<std::string> replay(const std::vector<AuditEvent>& events, int* decisions) {
  std::string state;
  *decisions = 0;
  for (const AuditEvent& event : events) {
    const std::string& action = event.action;
    const std::string before = state;
    if (action == "request_access_to_product" && state.empty()) {
      state = "Pending";
    } else if (action == "approve_access_request" && (state == "Pending" || state == "Denied")) {
      state = "Active";
    } else if (action == "deny_access_request" && state == "Pending") {
      state = "Denied";
    } else if (action == "delete_subscription" && (state == "Pending" || state == "Active")) {
      state = "Deleted";
    } else {
      return absl::InternalError("event " + std::to_string(event.sequence) + " " + action +
                                 " is not allowed in state \"" + state + "\"");
    }
    if (before == "Pending" &&
        (action == "approve_access_request" || action == "deny_access_request")) {
      ++*decisions;
    }
  }
  return state;
}

using MultiprocessTest = MeshFixture;

TEST_F(MultiprocessTest, RacingDecisionsFromManyProcessesLeaveConsistentState) {
  // --- setup: one product, one consumer, 40 distinct Pending requests -------------------------
  ASSERT_OK(publish_sales());  // order_items and orders
  const std::optional<Strings> table_sets[] = {
      std::nullopt, Strings{"orders"}, Strings{"order_items"}, Strings{"orders", "order_items"}};
  const std::string permission_sets[] = {"SELECT", "INSERT", "DELETE", "ALTER", "DROP"};
  Strings ids;
  for (int i = 0; i < kSubscriptions; ++i) {
    Strings permissions = {permission_sets[(i / 4) % 5]};
    if (i >= 20) permissions.push_back("DESCRIBE");
    ASSERT_OK_AND_ASSIGN(std::string id, request(permissions, table_sets[i % 4]));
    ids.push_back(id);
  }
  ASSERT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(),
            static_cast<size_t>(kSubscriptions));
  ASSERT_OK_AND_ASSIGN(SubscriptionPage pending,
                       producer().list_pending_access_requests({.max_results = 1000}));
  ASSERT_EQ(pending.subscriptions.size(), static_cast<size_t>(kSubscriptions));
  ASSERT_OK_AND_ASSIGN(std::size_t audit_before, audit_count());

  // --- the race --------------------------------------------------------------------------------
  const ClientOptions producer_options = options(credentials(kProducerAccount));
  const ClientOptions consumer_options = options(credentials(kConsumerAccount));
  drop_clients();  // no store connection of this process may leak into the children
  int start[2];
  ASSERT_EQ(::pipe(start), 0);
  std::vector<pid_t> children;
  std::vector<std::string> result_paths;
  for (int child = 0; child < kChildren; ++child) {
    result_paths.push_back((scratch_dir() / ("child-" + std::to_string(child) + ".txt")).string());
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(start[1]);
      run_child(child, start[0], producer_options, consumer_options, ids, result_paths.back());
    }
    if (pid < 0) {
      ::close(start[1]);  // release the children already started
      for (pid_t started : children) ::waitpid(started, nullptr, 0);
      FAIL() << "fork failed: errno " << errno;
    }
    children.push_back(pid);
  }
  ::close(start[0]);
  ::close(start[1]);  // the start line: every child's read() returns now
  for (int child = 0; child < kChildren; ++child) {
    int status = 0;
    ASSERT_EQ(::waitpid(children[child], &status, 0), children[child]);
    ASSERT_TRUE(WIFEXITED(status)) << "child " << child << " died, wait status " << status;
    ASSERT_EQ(WEXITSTATUS(status), 0) << "child " << child;
  }

  // --- what the children saw -------------------------------------------------------------------
  std::vector<Outcome> outcomes;
  for (int child = 0; child < kChildren; ++child) {
    std::ifstream in(result_paths[child]);
    ASSERT_TRUE(in) << result_paths[child];
    Outcome outcome{.child = child};
    size_t lines = 0;
    while (in >> outcome.subscription >> outcome.action >> outcome.code) {
      ASSERT_GE(outcome.subscription, 0);
      ASSERT_LT(outcome.subscription, kSubscriptions);
      outcomes.push_back(outcome);
      ++lines;
    }
    EXPECT_EQ(lines, plan_of(child).size()) << "child " << child << " recorded every call";
  }

  struct Tally {
    int approved = 0, denied = 0, deleted = 0, consumer_deleted = 0;
    std::vector<const Outcome*> calls;
  };
  std::vector<Tally> tally(kSubscriptions);
  for (const Outcome& outcome : outcomes) {
    Tally& t = tally[outcome.subscription];
    t.calls.push_back(&outcome);
    if (!is_success(outcome)) continue;
    if (outcome.action == "approve") ++t.approved;
    if (outcome.action == "deny") ++t.denied;
    if (outcome.action == "producer_delete" || outcome.action == "consumer_delete") ++t.deleted;
    if (outcome.action == "consumer_delete") ++t.consumer_deleted;
  }

  // --- every subscription in exactly one valid, consistent state -------------------------------
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> log, audit_events("", 37));
  ASSERT_GE(log.size(), audit_before);
  std::map<std::string, std::vector<AuditEvent>> by_subscription;
  for (size_t i = audit_before; i < log.size(); ++i) {
    EXPECT_NE(log[i].subscription_id, "") << "event " << log[i].sequence << " " << log[i].action;
    by_subscription[log[i].subscription_id].push_back(log[i]);
  }
  size_t successes = 0;
  int active = 0, denied = 0, deleted = 0;
  for (int s = 0; s < kSubscriptions; ++s) {
    const std::string& id = ids[s];
    const Tally& t = tally[s];
    SCOPED_TRACE("subscription " + std::to_string(s) + " " + id);

    // Losers of the race get FailedPrecondition, Aborted or Unavailable; an approve after a
    // delete gets NotFound. Never anything else.
    for (const Outcome* call : t.calls) {
      const auto code = static_cast<StatusCode>(call->code);
      const bool allowed =
          code == StatusCode::kOk || code == StatusCode::kFailedPrecondition ||
          code == StatusCode::kAborted || code == StatusCode::kUnavailable ||
          (code == StatusCode::kNotFound && call->action == "approve" && t.deleted == 1);
      EXPECT_TRUE(allowed) << "child " << call->child << " " << call->action << " got "
                           << code_name(code);
    }
    EXPECT_LE(t.approved, 1);
    EXPECT_LE(t.denied, 1);
    EXPECT_LE(t.deleted, 1);
    successes += t.approved + t.denied + t.deleted;

    const std::string expected = t.deleted == 1    ? "Deleted"
                                 : t.approved == 1 ? "Active"
                                 : t.denied == 1   ? "Denied"
                                                   : "Pending";
    ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(id));
    EXPECT_EQ(to_string(sub.status), expected);
    active += sub.status == SubscriptionStatus::kActive;
    denied += sub.status == SubscriptionStatus::kDenied;
    deleted += sub.status == SubscriptionStatus::kDeleted;
    if (expected == "Pending") {
      // Nobody decided: then every attempt must have lost to the store, not to a decision.
      for (const Outcome* call : t.calls) {
        EXPECT_NE(static_cast<StatusCode>(call->code), StatusCode::kFailedPrecondition)
            << "child " << call->child << " " << call->action;
      }
    }

    // Grants exist iff Active, and are what was permitted.
    ASSERT_OK_AND_ASSIGN(std::vector<EffectiveGrant> grants,
                         producer().get_subscription_grants(id));
    if (sub.status == SubscriptionStatus::kActive) {
      EXPECT_FALSE(grants.empty());
      EXPECT_FALSE(sub.permitted_grants.empty());
      for (const EffectiveGrant& grant : grants) {
        EXPECT_EQ(grant.principal, kConsumerAccount);
        EXPECT_EQ(grant.subscription_id, id);
        if (!grant.table_name.empty()) {
          EXPECT_EQ(grant.permissions, sub.permitted_grants);
        }
      }
    } else {
      EXPECT_TRUE(grants.empty()) << ::testing::PrintToString(describe_grants(grants));
    }

    // The audit log: one event per successful call, in an order that replays to the state.
    const std::vector<AuditEvent>& events = by_subscription[id];
    std::map<std::string, int> per_action;
    int deletes_by_consumer = 0;
    for (const AuditEvent& event : events) {
      ++per_action[event.action];
      if (event.action == "delete_subscription" && event.actor_account == kConsumerAccount) {
        ++deletes_by_consumer;
      }
    }
    EXPECT_EQ(per_action["approve_access_request"], t.approved);
    EXPECT_EQ(per_action["deny_access_request"], t.denied);
    EXPECT_EQ(per_action["delete_subscription"], t.deleted);
    EXPECT_EQ(deletes_by_consumer, t.consumer_deleted);
    EXPECT_EQ(events.size(), static_cast<size_t>(t.approved + t.denied + t.deleted));

    ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> own, audit_events(id, 3));
    int decisions_from_pending = 0;
    ASSERT_OK_AND_ASSIGN(std::string replayed, replay(own, &decisions_from_pending));
    EXPECT_EQ(replayed, expected);
    EXPECT_LE(decisions_from_pending, 1);
    ASSERT_EQ(own.size(), events.size() + 1);  // plus the request made before the race
    EXPECT_EQ(own.front().action, "request_access_to_product");
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(own[i + 1].sequence, events[i].sequence);
    }
  }
  EXPECT_EQ(log.size() - audit_before, successes);
  EXPECT_EQ(active + denied + deleted,
            kSubscriptions -
                static_cast<int>(std::count_if(tally.begin(), tally.end(), [](const Tally& t) {
                  return t.approved + t.denied + t.deleted == 0;
                })));
  ASSERT_OK_AND_ASSIGN(SubscriptionPage still_pending,
                       producer().list_pending_access_requests({.max_results = 1000}));
  EXPECT_EQ(static_cast<int>(still_pending.subscriptions.size()),
            kSubscriptions - active - denied - deleted);
}

}  // namespace
}  // namespace datamesh::test_support
