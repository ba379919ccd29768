// Engine::reconcile on an in-memory SQLite store whose grants table the test changes behind the
// engine's back, as a hand-made change would: each Missing and Stray grant found and named, a
// dry run that changes nothing, the repairs with their audit events, and the grants reconcile
// never touches (the producer's own, anyone who never subscribed).
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/engine_mesh.h"
#include "support/fault_store.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

using absl::StatusCode;
using ::testing::IsEmpty;
using Strings = std::vector<std::string>;

constexpr char kMesh[] = "999999999999";
constexpr char kProducer[] = "111111111111";
constexpr char kConsumer[] = "222222222222";
constexpr char kProduct[] = "sales-111111111111";
constexpr char kOutsider[] = "arn:aws:iam::999999999999:role/AwsDataMesh/DataMeshReadOnly";

// Mesh M, producer P publishing sales (orders, refunds) as sales-111111111111, consumer C with
// an Active subscription to SELECT on orders.
class ReconcileTest : public test_support::EngineMeshTest {
 protected:
  ReconcileTest()
      : EngineMeshTest(std::chrono::system_clock::time_point{}, {"orders", "refunds"}) {}

  void SetUp() override {
    EngineMeshTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(subscription_id_, active_subscription({"SELECT"}));
  }

  absl::StatusOr<std::string> active_subscription(const Strings& permissions) {
    DATAMESH_ASSIGN_OR_RETURN(
        AccessRequest made,
        engine_->request_access_to_product(consumer_, {.owner_account_id = kProducer,
                                                       .database_name = kProduct,
                                                       .request_permissions = permissions,
                                                       .tables = Strings{"orders"}}));
    DATAMESH_RETURN_IF_ERROR(
        engine_->approve_access_request(producer_, {.request_id = made.subscription_id}));
    return made.subscription_id;
  }

  store::GrantRow grant(const std::string& principal, const std::string& table,
                        const std::string& permission, const std::string& subscription_id) {
    return store::GrantRow{.principal = principal,
                           .catalog_id = kMesh,
                           .database_name = kProduct,
                           .table_name = table,
                           .permission = permission,
                           .subscription_id = subscription_id};
  }

  // Changes the grants table behind the engine's back.
  absl::Status by_hand(const std::function<absl::Status(store::Transaction&)>& change) {
    return store_->run(store::TxMode::kWrite, change);
  }

  absl::StatusOr<std::vector<store::GrantRow>> held() {
    return store_->run(store::TxMode::kRead, [](store::Transaction& tx) {
      return tx.list_database_grants(kMesh, kProduct);
    });
  }

  bool allowed(const std::string& table, const std::string& permission) {
    absl::StatusOr<PermissionCheck> check =
        engine_->check_permission(consumer_, {kProduct, table, permission});
    EXPECT_TRUE(check.ok()) << check.status();
    return check.ok() && check->allowed;
  }

  absl::StatusOr<std::vector<AuditEvent>> reconcile_events() {
    DATAMESH_ASSIGN_OR_RETURN(AuditPage page, engine_->list_audit_events(admin_, {}));
    std::vector<AuditEvent> events;
    for (AuditEvent& event : page.events) {
      if (event.action == "reconcile") events.push_back(std::move(event));
    }
    return events;
  }

  // reconcile --apply by an engine on a store that answers the writes of `method` done and
  // drops them: a repair that does not take, as Lake Formation answers a revoke of a grant
  // held in another form than the one revoked.
  absl::StatusOr<ReconcileReport> apply_where_writes_of_are_dropped(const std::string& method) {
    test_support::FaultStore lossy(*store_);
    lossy.drop_writes_of(method);
    Engine engine(lossy, clock_, *sealer_);
    return engine.reconcile(admin_, {.apply = true});
  }

  std::string subscription_id_;
};

TEST_F(ReconcileTest, AConsistentMeshHasNoDrift) {
  ASSERT_OK_AND_ASSIGN(ReconcileReport report, engine_->reconcile(admin_, {}));
  EXPECT_TRUE(report.dry_run);
  EXPECT_TRUE(report.consistent);
  EXPECT_EQ(report.databases_checked, 1);
  EXPECT_GT(report.grants_checked, 0);
  EXPECT_THAT(report.drift, IsEmpty());
}

TEST_F(ReconcileTest, AMissingGrantIsReportedByADryRunAndRestoredByApply) {
  ASSERT_OK(by_hand([&](store::Transaction& tx) {
    return tx.delete_grant(grant(kConsumer, "orders", "SELECT", subscription_id_));
  }));
  ASSERT_FALSE(allowed("orders", "SELECT"));

  ASSERT_OK_AND_ASSIGN(ReconcileReport dry, engine_->reconcile(admin_, {}));
  EXPECT_TRUE(dry.dry_run);
  EXPECT_FALSE(dry.consistent);
  ASSERT_EQ(dry.drift.size(), 1u);
  EXPECT_EQ(dry.drift[0].drift, "Missing");
  EXPECT_EQ(dry.drift[0].principal, kConsumer);
  EXPECT_EQ(dry.drift[0].database_name, kProduct);
  EXPECT_EQ(dry.drift[0].table_name, "orders");
  EXPECT_EQ(dry.drift[0].permission, "SELECT");
  EXPECT_EQ(dry.drift[0].subscription_id, subscription_id_);
  EXPECT_FALSE(dry.drift[0].repaired);
  EXPECT_FALSE(allowed("orders", "SELECT"));  // a dry run changes nothing
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> none, reconcile_events());
  EXPECT_THAT(none, IsEmpty());

  ASSERT_OK_AND_ASSIGN(ReconcileReport applied, engine_->reconcile(admin_, {.apply = true}));
  EXPECT_FALSE(applied.dry_run);
  EXPECT_TRUE(applied.consistent);
  ASSERT_EQ(applied.drift.size(), 1u);
  EXPECT_TRUE(applied.drift[0].repaired);
  EXPECT_TRUE(allowed("orders", "SELECT"));
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, reconcile_events());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].subscription_id, subscription_id_);
  const nlohmann::json details = nlohmann::json::parse(events[0].details_json);
  EXPECT_EQ(details["Drift"], "Missing");
  EXPECT_EQ(details["Repair"], "granted");
  EXPECT_EQ(details["Permission"], "SELECT");
  EXPECT_EQ(details["TableName"], "orders");

  ASSERT_OK_AND_ASSIGN(ReconcileReport after, engine_->reconcile(admin_, {}));
  EXPECT_TRUE(after.consistent);
  EXPECT_THAT(after.drift, IsEmpty());
}

TEST_F(ReconcileTest, ARetryWithTheClientTokenAnswersTheFirstCallsRepairs) {
  ASSERT_OK(by_hand([&](store::Transaction& tx) {
    return tx.delete_grant(grant(kConsumer, "orders", "SELECT", subscription_id_));
  }));
  const Engine once = engine_->with_client_token({.account_id = kMesh,
                                                  .token = "reconcile-1",
                                                  .method = "admin/reconcile",
                                                  .request_hash = "h"});
  ASSERT_OK_AND_ASSIGN(ReconcileReport first, once.reconcile(admin_, {.apply = true}));
  ASSERT_EQ(first.drift.size(), 1u);
  EXPECT_TRUE(first.drift[0].repaired);
  ASSERT_OK_AND_ASSIGN(ReconcileReport retried, once.reconcile(admin_, {.apply = true}));
  ASSERT_EQ(retried.drift.size(), 1u);  // the first call's answer, not a new (empty) one
  EXPECT_TRUE(retried.drift[0].repaired);
  EXPECT_EQ(retried.drift[0].permission, "SELECT");
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, reconcile_events());
  EXPECT_EQ(events.size(), 1u);  // repaired once
}

TEST_F(ReconcileTest, ALostGrantOptionIsMissing) {
  ASSERT_OK(by_hand([&](store::Transaction& tx) {
    store::GrantRow row = grant(kConsumer, "orders", "SELECT", subscription_id_);
    return tx.put_grant(row);  // grantable = false: approve made it grantable
  }));
  ASSERT_OK_AND_ASSIGN(ReconcileReport dry, engine_->reconcile(admin_, {}));
  ASSERT_EQ(dry.drift.size(), 1u);
  EXPECT_EQ(dry.drift[0].drift, "Missing");
  EXPECT_TRUE(dry.drift[0].grantable);
  ASSERT_OK(engine_->reconcile(admin_, {.apply = true}).status());
  ASSERT_OK_AND_ASSIGN(PermissionCheck check,
                       engine_->check_permission(consumer_, {kProduct, "orders", "SELECT"}));
  EXPECT_TRUE(check.grantable);
}

TEST_F(ReconcileTest, StrayGrantsToSubscribersAreRevokedAndNoOneElsesAreTouched) {
  ASSERT_OK_AND_ASSIGN(std::string deleted, active_subscription({"INSERT"}));
  ASSERT_OK(engine_->delete_subscription(producer_, Persona::kProducer,
                                         {.subscription_id = deleted, .reason = "gone"}));
  ASSERT_OK_AND_ASSIGN(const std::vector<store::GrantRow> before, held());
  const store::GrantRow by_hand_row = grant(kConsumer, "refunds", "INSERT", "");
  const store::GrantRow left_over = grant(kConsumer, "orders", "INSERT", deleted);
  const store::GrantRow outsider = grant(kOutsider, "refunds", "SELECT", "");
  const store::GrantRow producers = grant(kProducer, "refunds", "SELECT", "");
  ASSERT_OK(by_hand([&](store::Transaction& tx) -> absl::Status {
    for (const store::GrantRow& row : {by_hand_row, left_over, outsider, producers}) {
      DATAMESH_RETURN_IF_ERROR(tx.put_grant(row));
    }
    return absl::OkStatus();
  }));
  ASSERT_TRUE(allowed("refunds", "INSERT"));

  ASSERT_OK_AND_ASSIGN(ReconcileReport applied, engine_->reconcile(admin_, {.apply = true}));
  ASSERT_EQ(applied.drift.size(), 2u);
  for (const GrantDrift& drift : applied.drift) {
    EXPECT_EQ(drift.drift, "Stray");
    EXPECT_EQ(drift.principal, kConsumer);
    EXPECT_EQ(drift.permission, "INSERT");
    EXPECT_TRUE(drift.repaired);
  }
  EXPECT_EQ(applied.drift[0].table_name, "orders");
  EXPECT_EQ(applied.drift[0].subscription_id, deleted);
  EXPECT_EQ(applied.drift[1].table_name, "refunds");
  EXPECT_EQ(applied.drift[1].subscription_id, "");
  EXPECT_FALSE(allowed("refunds", "INSERT"));
  EXPECT_FALSE(allowed("orders", "INSERT"));
  EXPECT_TRUE(allowed("orders", "SELECT"));

  // What is left is what was there before, and the two grants reconcile does not own.
  std::vector<store::GrantRow> expected = before;
  expected.push_back(outsider);
  expected.push_back(producers);
  ASSERT_OK_AND_ASSIGN(const std::vector<store::GrantRow> after, held());
  EXPECT_EQ(after.size(), expected.size());
  for (const store::GrantRow& row : expected) {
    EXPECT_TRUE(std::any_of(after.begin(), after.end(), [&](const store::GrantRow& kept) {
      return kept.principal == row.principal && kept.table_name == row.table_name &&
             kept.permission == row.permission && kept.subscription_id == row.subscription_id;
    })) << row.principal << " " << row.table_name << " " << row.permission;
  }
  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, reconcile_events());
  EXPECT_EQ(events.size(), 2u);
  ASSERT_OK_AND_ASSIGN(AuditVerification audit, engine_->verify_audit(admin_, {}));
  EXPECT_TRUE(audit.intact);
}

TEST_F(ReconcileTest, ARevokeThatDoesNotTakeIsReportedAsDriftStillAndAudited) {
  const store::GrantRow stray = grant(kConsumer, "refunds", "INSERT", "");
  ASSERT_OK(by_hand([&](store::Transaction& tx) { return tx.put_grant(stray); }));
  ASSERT_OK_AND_ASSIGN(const ReconcileReport applied,
                       apply_where_writes_of_are_dropped("delete_grant"));
  EXPECT_FALSE(applied.consistent);
  ASSERT_EQ(applied.drift.size(), 1u);
  EXPECT_EQ(applied.drift[0].drift, "Stray");
  EXPECT_EQ(applied.drift[0].table_name, "refunds");
  EXPECT_FALSE(applied.drift[0].repaired);
  EXPECT_TRUE(allowed("refunds", "INSERT"));

  // The attempt and what came of it, in that order.
  ASSERT_OK_AND_ASSIGN(const std::vector<AuditEvent> events, reconcile_events());
  ASSERT_EQ(events.size(), 2u);
  const nlohmann::json attempt = nlohmann::json::parse(events[0].details_json);
  const nlohmann::json outcome = nlohmann::json::parse(events[1].details_json);
  EXPECT_EQ(attempt["Repair"], "revoked");
  EXPECT_EQ(outcome["Repair"], "made, but the grant is still held");
  EXPECT_EQ(outcome["TableName"], "refunds");

  // The same store, whose revokes take: repaired, and consistent.
  ASSERT_OK_AND_ASSIGN(const ReconcileReport again, engine_->reconcile(admin_, {.apply = true}));
  EXPECT_TRUE(again.consistent);
  ASSERT_EQ(again.drift.size(), 1u);
  EXPECT_TRUE(again.drift[0].repaired);
  EXPECT_FALSE(allowed("refunds", "INSERT"));
}

TEST_F(ReconcileTest, AGrantThatIsNotMadeIsReportedMissingStill) {
  ASSERT_OK(by_hand([&](store::Transaction& tx) {
    return tx.delete_grant(grant(kConsumer, "orders", "SELECT", subscription_id_));
  }));
  ASSERT_OK_AND_ASSIGN(const ReconcileReport applied,
                       apply_where_writes_of_are_dropped("put_grant"));
  EXPECT_FALSE(applied.consistent);
  ASSERT_EQ(applied.drift.size(), 1u);
  EXPECT_EQ(applied.drift[0].drift, "Missing");
  EXPECT_FALSE(applied.drift[0].repaired);
  ASSERT_OK_AND_ASSIGN(const std::vector<AuditEvent> events, reconcile_events());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(events[0].details_json)["Repair"], "granted");
  EXPECT_EQ(nlohmann::json::parse(events[1].details_json)["Repair"],
            "made, but the grant is still missing");
  EXPECT_FALSE(allowed("orders", "SELECT"));
}

TEST_F(ReconcileTest, OnlyTheMeshAdminMayReconcile) {
  for (const Caller* caller : {&producer_, &consumer_}) {
    EXPECT_STATUS(engine_->reconcile(*caller, {}), StatusCode::kPermissionDenied, "reconcile");
    EXPECT_STATUS_CODE(engine_->reconcile(*caller, {.apply = true}),
                       StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace datamesh::core
