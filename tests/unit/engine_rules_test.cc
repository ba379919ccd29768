// core::Engine's rules, called directly (no API, no JSON) on an in-memory SQLite store with a
// ManualClock: the subscription state machine of docs/CONCEPTS.md (every method from every
// status), grant arithmetic on approval, table-pattern resolution of a request, and the dates
// the engine writes, asserted exactly because the test owns the clock.
#include "core/engine.h"

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/subscription_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/engine_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

using ::testing::ElementsAre;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using Strings = std::vector<std::string>;

constexpr char kProducer[] = "111111111111";
constexpr char kProduct[] = "sales-111111111111";

// 2026-01-02 03:04:05 UTC.
std::chrono::system_clock::time_point start_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / January / 2} + hours{3} + minutes{4} + seconds{5};
}

// A mesh with producer P (source database "sales": orders, order_items, refunds, published as
// sales-111111111111) and consumer C, made through the engine at start_time().
class EngineRulesTest : public test_support::EngineMeshTest {
 protected:
  EngineRulesTest() : EngineMeshTest(start_time(), {"orders", "order_items", "refunds"}) {}

  absl::StatusOr<AccessRequest> request(const Strings& permissions,
                                        std::optional<Strings> tables) const {
    return engine_->request_access_to_product(
        consumer_, {.owner_account_id = kProducer,
                    .database_name = kProduct,
                    .request_permissions = permissions,
                    .tables = std::move(tables)});
  }

  absl::StatusOr<Subscription> subscription(const std::string& id) const {
    return engine_->get_subscription(producer_, Persona::kProducer, {id});
  }

};

// --- dates come from the injected clock -----------------------------------------------------

TEST_F(EngineRulesTest, DatesOfASubscriptionAndItsHistoryAreTheClocksAtEachChange) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, request({"SELECT"}, Strings{"orders"}));
  clock_.advance(seconds{90});
  ASSERT_OK(engine_->approve_access_request(producer_, {.request_id = made.subscription_id}));
  clock_.advance(hours{24});
  ASSERT_OK(engine_->finalize_subscription(consumer_, {made.subscription_id}));

  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(made.subscription_id));
  EXPECT_EQ(sub.creation_date, "2026-01-02 03:04:05");
  EXPECT_EQ(sub.updated_date, "2026-01-03 03:05:35");

  ASSERT_OK_AND_ASSIGN(AuditPage history,
                       engine_->get_subscription_history(producer_, Persona::kProducer,
                                                         {made.subscription_id}));
  ASSERT_EQ(history.events.size(), 3u);
  EXPECT_EQ(history.events[0].action, "request_access_to_product");
  EXPECT_EQ(history.events[0].event_date, "2026-01-02 03:04:05");
  EXPECT_EQ(history.events[1].action, "approve_access_request");
  EXPECT_EQ(history.events[1].event_date, "2026-01-02 03:05:35");
  EXPECT_EQ(history.events[2].action, "finalize_subscription");
  EXPECT_EQ(history.events[2].event_date, "2026-01-03 03:05:35");
}

TEST_F(EngineRulesTest, AccountsAreDatedWhenCreated) {
  clock_.advance(minutes{1});
  ASSERT_OK(engine_->create_account(admin_, {"later", "333333333333"}));
  ASSERT_OK_AND_ASSIGN(Account later, engine_->describe_account(admin_, {"333333333333"}));
  EXPECT_EQ(later.creation_date, "2026-01-02 03:05:05");
  ASSERT_OK_AND_ASSIGN(Account first, engine_->describe_account(admin_, {kProducer}));
  EXPECT_EQ(first.creation_date, "2026-01-02 03:04:05");
}

// --- grant arithmetic on approval -----------------------------------------------------------

TEST_F(EngineRulesTest, ApprovalGrantsWhatWasRequestedPlusDescribe) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, request({"INSERT", "SELECT"}, Strings{"orders"}));
  ASSERT_OK(engine_->approve_access_request(producer_, {.request_id = made.subscription_id}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(made.subscription_id));
  EXPECT_THAT(sub.permitted_grants, ElementsAre("SELECT", "INSERT", "DESCRIBE"));
  // Without grantable_permissions, everything granted is grantable.
  EXPECT_THAT(sub.grantable_grants, ElementsAre("SELECT", "INSERT", "DESCRIBE"));
}

TEST_F(EngineRulesTest, AProducerMayGrantLessThanRequestedButNotMore) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, request({"INSERT", "SELECT"}, Strings{"orders"}));
  EXPECT_STATUS(engine_->approve_access_request(
                    producer_, {.request_id = made.subscription_id,
                                .options = {.grant_permissions = Strings{"SELECT", "DELETE"}}}),
                absl::StatusCode::kInvalidArgument,
                "grant_permissions DELETE of subscription " + made.subscription_id +
                    " were not requested");
  ASSERT_OK(engine_->approve_access_request(producer_,
                                            {.request_id = made.subscription_id,
                                             .options = {.grant_permissions = Strings{"SELECT"},
                                                         .grantable_permissions = Strings{}}}));
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(made.subscription_id));
  EXPECT_THAT(sub.permitted_grants, ElementsAre("SELECT", "DESCRIBE"));
  EXPECT_TRUE(sub.grantable_grants.empty());

  ASSERT_OK_AND_ASSIGN(PermissionCheck select,
                       engine_->check_permission(consumer_, {kProduct, "orders", "SELECT"}));
  EXPECT_TRUE(select.allowed);
  EXPECT_FALSE(select.grantable);
  ASSERT_OK_AND_ASSIGN(PermissionCheck insert,
                       engine_->check_permission(consumer_, {kProduct, "orders", "INSERT"}));
  EXPECT_FALSE(insert.allowed);
  ASSERT_OK_AND_ASSIGN(PermissionCheck other_table,
                       engine_->check_permission(consumer_, {kProduct, "refunds", "SELECT"}));
  EXPECT_FALSE(other_table.allowed);
}

TEST_F(EngineRulesTest, GrantablePermissionsMustBeGranted) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, request({"SELECT", "INSERT"}, Strings{"orders"}));
  EXPECT_STATUS(engine_->approve_access_request(
                    producer_, {.request_id = made.subscription_id,
                                .options = {.grant_permissions = Strings{"SELECT"},
                                            .grantable_permissions = Strings{"INSERT"}}}),
                absl::StatusCode::kInvalidArgument,
                "grantable_permissions INSERT are not granted (granted: SELECT, DESCRIBE)");
}

// ALL covers SELECT when access is checked, but a grant option is per permission listed: SELECT
// grantable under ALL would be recorded and never granted.
TEST_F(EngineRulesTest, GrantablePermissionsUnderAllMustBeGrantedThemselves) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, request({"ALL"}, Strings{"orders"}));
  EXPECT_STATUS(engine_->approve_access_request(
                    producer_, {.request_id = made.subscription_id,
                                .options = {.grant_permissions = Strings{"ALL"},
                                            .grantable_permissions = Strings{"SELECT"}}}),
                absl::StatusCode::kInvalidArgument,
                "grantable_permissions SELECT are not granted (granted: ALL, DESCRIBE): ALL is "
                "granted as a permission of its own, and only ALL itself can be made grantable; "
                "to let the consumer pass on SELECT, grant it too (grant_permissions ALL, "
                "SELECT)");
  ASSERT_OK(engine_->approve_access_request(
      producer_, {.request_id = made.subscription_id,
                  .options = {.grant_permissions = Strings{"ALL", "SELECT"},
                              .grantable_permissions = Strings{"SELECT"}}}));
  ASSERT_OK_AND_ASSIGN(PermissionCheck select,
                       engine_->check_permission(consumer_, {kProduct, "orders", "SELECT"}));
  EXPECT_TRUE(select.allowed);
  EXPECT_TRUE(select.grantable);
}

TEST_F(EngineRulesTest, DeletionRevokesEveryGrant) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, request({"SELECT"}, std::nullopt));
  ASSERT_OK(engine_->approve_access_request(producer_, {.request_id = made.subscription_id}));
  ASSERT_OK_AND_ASSIGN(PermissionCheck before,
                       engine_->check_permission(consumer_, {kProduct, "refunds", "SELECT"}));
  EXPECT_TRUE(before.allowed);  // a database subscription covers every table
  ASSERT_OK(engine_->delete_subscription(consumer_, Persona::kConsumer,
                                         {made.subscription_id, "done"}));
  ASSERT_OK_AND_ASSIGN(PermissionCheck after,
                       engine_->check_permission(consumer_, {kProduct, "refunds", "SELECT"}));
  EXPECT_FALSE(after.allowed);
  ASSERT_OK_AND_ASSIGN(auto grants, engine_->get_subscription_grants(
                                        consumer_, Persona::kConsumer, {made.subscription_id}));
  EXPECT_TRUE(grants.empty());
}

// --- pattern resolution of a request --------------------------------------------------------

TEST_F(EngineRulesTest, RequestedPatternsResolveToTheMatchingTablesInNameOrder) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made, request({"SELECT"}, Strings{"order.*"}));
  EXPECT_EQ(made.type, "TABLE");
  EXPECT_THAT(made.tables, ElementsAre("order_items", "orders"));
}

TEST_F(EngineRulesTest, NamesAndPatternsResolveToTheirUnionWithoutDuplicates) {
  ASSERT_OK_AND_ASSIGN(AccessRequest made,
                       request({"SELECT"}, Strings{"refunds", "orders", "order.*"}));
  EXPECT_THAT(made.tables, ElementsAre("order_items", "orders", "refunds"));
}

TEST_F(EngineRulesTest, APatternMustMatchAWholeName) {
  // "order" is a prefix of two names but the whole of none.
  EXPECT_STATUS(request({"SELECT"}, Strings{"order"}), absl::StatusCode::kNotFound,
                "order");
  EXPECT_STATUS(request({"SELECT"}, Strings{"ref.nd"}), absl::StatusCode::kNotFound,
                "no table of mesh database sales-111111111111 matches \"ref.nd\"");
}

// --- the state machine ----------------------------------------------------------------------

enum class Step { kApprove, kDeny, kUpdate, kFinalize, kProducerDelete, kConsumerDelete };

struct Transition {
  SubscriptionStatus from;
  Step step;
  absl::StatusCode code;                 // kOk: the change happens
  SubscriptionStatus to;                 // the status afterwards (== from when refused)
  const char* message;                   // a part of the refusal's message
};

std::string step_name(Step step) {
  switch (step) {
    case Step::kApprove: return "approve";
    case Step::kDeny: return "deny";
    case Step::kUpdate: return "update";
    case Step::kFinalize: return "finalize";
    case Step::kProducerDelete: return "producer_delete";
    case Step::kConsumerDelete: return "consumer_delete";
  }
  return "?";
}

void PrintTo(const Transition& t, std::ostream* out) {
  *out << status_name(t.from) << " + " << step_name(t.step);
}

class StateMachineTest : public EngineRulesTest,
                         public ::testing::WithParamInterface<Transition> {
 protected:
  // A subscription of SELECT and INSERT on orders, brought to `status`.
  absl::StatusOr<std::string> subscription_in(SubscriptionStatus status) {
    auto made = request({"SELECT", "INSERT"}, Strings{"orders"});
    if (!made.ok()) return made.status();
    const std::string id = made->subscription_id;
    absl::Status moved = absl::OkStatus();
    switch (status) {
      case SubscriptionStatus::kPending: break;
      case SubscriptionStatus::kActive:
        moved = engine_->approve_access_request(producer_, {.request_id = id});
        break;
      case SubscriptionStatus::kDenied:
        moved = engine_->deny_access_request(producer_, {id, "no"});
        break;
      case SubscriptionStatus::kDeleted:
        moved = engine_->delete_subscription(consumer_, Persona::kConsumer, {id, "gone"});
        break;
    }
    if (!moved.ok()) return moved;
    return id;
  }

  absl::Status take(Step step, const std::string& id) {
    switch (step) {
      case Step::kApprove:
        return engine_->approve_access_request(producer_, {.request_id = id});
      case Step::kDeny:
        return engine_->deny_access_request(producer_, {id, "no"});
      case Step::kUpdate:
        return engine_->update_subscription_permissions(
            producer_, {.subscription_id = id, .grant_permissions = {"SELECT"}});
      case Step::kFinalize:
        return engine_->finalize_subscription(consumer_, {id});
      case Step::kProducerDelete:
        return engine_->delete_subscription(producer_, Persona::kProducer, {id, "bye"});
      case Step::kConsumerDelete:
        return engine_->delete_subscription(consumer_, Persona::kConsumer, {id, "bye"});
    }
    return absl::InternalError("unknown step");
  }
};

TEST_P(StateMachineTest, TakesTheTransitionOrRefusesItChangingNothing) {
  const Transition& t = GetParam();
  ASSERT_OK_AND_ASSIGN(const std::string id, subscription_in(t.from));
  ASSERT_OK_AND_ASSIGN(const Subscription before, subscription(id));
  clock_.advance(minutes{5});

  const absl::Status result = take(t.step, id);
  ASSERT_OK_AND_ASSIGN(const Subscription after, subscription(id));
  EXPECT_EQ(after.status, t.to);
  if (t.code == absl::StatusCode::kOk) {
    EXPECT_OK(result);
    EXPECT_EQ(after.version, before.version + 1);
    EXPECT_EQ(after.updated_date, "2026-01-02 03:09:05");
  } else {
    EXPECT_STATUS(result, t.code, t.message);
    EXPECT_EQ(after.version, before.version);
    EXPECT_EQ(after.updated_date, before.updated_date);
  }
}

using S = SubscriptionStatus;
constexpr absl::StatusCode kOk = absl::StatusCode::kOk;
constexpr absl::StatusCode kRefused = absl::StatusCode::kFailedPrecondition;

// docs/CONCEPTS.md, "The state machine": every method from every status.
INSTANTIATE_TEST_SUITE_P(
    EveryMethodFromEveryStatus, StateMachineTest,
    ::testing::Values(
        Transition{S::kPending, Step::kApprove, kOk, S::kActive, ""},
        Transition{S::kDenied, Step::kApprove, kOk, S::kActive, ""},
        Transition{S::kActive, Step::kApprove, kRefused, S::kActive, "is already Active"},
        Transition{S::kDeleted, Step::kApprove, absl::StatusCode::kNotFound, S::kDeleted,
                   "was deleted; the consumer must request again"},

        Transition{S::kPending, Step::kDeny, kOk, S::kDenied, ""},
        Transition{S::kActive, Step::kDeny, kRefused, S::kActive,
                   "is Active; only Pending subscriptions can be denied"},
        Transition{S::kDenied, Step::kDeny, kRefused, S::kDenied,
                   "is Denied; only Pending subscriptions can be denied"},
        Transition{S::kDeleted, Step::kDeny, kRefused, S::kDeleted,
                   "is Deleted; it cannot be denied"},

        Transition{S::kActive, Step::kUpdate, kOk, S::kActive, ""},
        Transition{S::kPending, Step::kUpdate, kRefused, S::kPending,
                   "is Pending; only Active subscriptions can be updated"},
        Transition{S::kDenied, Step::kUpdate, kRefused, S::kDenied,
                   "is Denied; only Active subscriptions can be updated"},
        Transition{S::kDeleted, Step::kUpdate, kRefused, S::kDeleted,
                   "is Deleted; it cannot be updated"},

        Transition{S::kActive, Step::kFinalize, kOk, S::kActive, ""},
        Transition{S::kPending, Step::kFinalize, kRefused, S::kPending,
                   "is Pending; only Active subscriptions can be finalized"},
        Transition{S::kDenied, Step::kFinalize, kRefused, S::kDenied,
                   "is Denied; only Active subscriptions can be finalized"},
        Transition{S::kDeleted, Step::kFinalize, kRefused, S::kDeleted,
                   "is Deleted; it cannot be finalized"},

        Transition{S::kPending, Step::kProducerDelete, kOk, S::kDeleted, ""},
        Transition{S::kActive, Step::kProducerDelete, kOk, S::kDeleted, ""},
        Transition{S::kDenied, Step::kProducerDelete, kRefused, S::kDenied,
                   "only Pending or Active subscriptions can be deleted"},
        Transition{S::kDeleted, Step::kProducerDelete, kRefused, S::kDeleted,
                   "is Deleted; it cannot be deleted"},
        Transition{S::kPending, Step::kConsumerDelete, kOk, S::kDeleted, ""},
        Transition{S::kActive, Step::kConsumerDelete, kOk, S::kDeleted, ""},
        Transition{S::kDenied, Step::kConsumerDelete, kRefused, S::kDenied,
                   "only Pending or Active subscriptions can be deleted"},
        Transition{S::kDeleted, Step::kConsumerDelete, kRefused, S::kDeleted,
                   "is Deleted; it cannot be deleted"}),
    [](const ::testing::TestParamInfo<Transition>& info) {
      return std::string(status_name(info.param.from)) + "_" + step_name(info.param.step);
    });

}  // namespace
}  // namespace datamesh::core
