// A write that fails half-way through its commit leaves its plan in the mesh's writer lock, and
// the next writer finishes it first (docs/AWS.md, "The writer lock and the mesh tables"). Its
// steps in an account that writer holds no session for wait for that account's next write.
#include <chrono>
#include <memory>
#include <string>

#include "awsmode/aws_mesh_fixture.h"
#include "awsmode/failing_transport.h"
#include "gmock/gmock.h"

namespace datamesh::aws::testing {
namespace {

using ::testing::HasSubstr;

class LeftPlanTest : public AwsMeshTest {
 protected:
  // The producer's database `sales` with one table.
  void make_tables() {
    ASSERT_TRUE(
        call(producer(), "catalog", "create_database", {{"database_input", {{"Name", "sales"}}}})
            .ok());
    ASSERT_TRUE(call(producer(), "catalog", "create_table",
                     {{"database_name", "sales"}, {"table_input", {{"Name", "orders"}}}})
                    .ok());
  }
  absl::StatusOr<nlohmann::json> publish() {
    return call(producer(), "producer", "create_data_products",
                {{"source_database_name", "sales"}});
  }
  // Leaves a publish's plan in the lock, through `transport`: a clean publish on accounts of
  // its own counts its calls (the last is the commit's final write, which frees the lock), then
  // the same publish on new accounts has that write refused.
  void leave_a_publish_plan(FailingTransport& transport) {
    ASSERT_NO_FATAL_FAILURE(set_up_mesh());
    ASSERT_NO_FATAL_FAILURE(make_tables());
    transport.count_only();
    ASSERT_TRUE(publish().ok());
    const long calls = transport.calls();
    ASSERT_EQ(transport.operations().back(), "TransactWriteItems");

    use_new_accounts();
    ASSERT_NO_FATAL_FAILURE(set_up_mesh());
    ASSERT_NO_FATAL_FAILURE(make_tables());
    transport.arm(calls, FailingTransport::Failure::kRefused);
    ASSERT_FALSE(publish().ok());
    ASSERT_TRUE(transport.failed());
    transport.count_only();
  }
  // A transport that fails the calls a test picks, for a backend whose writer gives up waiting
  // after 5 s: a writer that failed gives up its lease at once, so nobody here waits for one to
  // end, and a wait would end in Unavailable ("the mesh is busy") after 5 s instead of 120.
  std::shared_ptr<FailingTransport> use_failing_transport() {
    auto transport = std::make_shared<FailingTransport>();
    store::aws::AwsStore::Options store;
    store.lock.wait = std::chrono::seconds(5);
    use_store_options(store);
    use_transport(transport);
    return transport;
  }
  // Leaves a publish's plan in the lock, its call that makes the producer's resource link to
  // `orders` (a CreateTable with a TargetTable) refused through `transport`.
  void leave_a_publish_plan_without_its_link(FailingTransport& transport) {
    ASSERT_NO_FATAL_FAILURE(set_up_mesh());
    ASSERT_NO_FATAL_FAILURE(make_tables());
    refuse_the_link(transport);
    ASSERT_FALSE(publish().ok());
    ASSERT_TRUE(transport.failed());
    transport.count_only();
  }
  // Refuses the next call that makes the producer's resource link.
  static void refuse_the_link(FailingTransport& transport) {
    transport.before_first(
        [](const HttpRequest& request) {
          return operation_of(request) == "CreateTable" &&
                 request.body.find("TargetTable") != std::string::npos;
        },
        [] {}, /*refuse=*/true);
  }
  // The mesh's writer lock item as moto holds it; null when there is none.
  nlohmann::json lock_item() {
    const absl::StatusOr<nlohmann::json> got = moto_account_client(mesh())->call(
        Service::kDynamoDb, "GetItem",
        {{"TableName", "DatameshJournal"},
         {"Key", {{"JournalId", {{"S", "mesh-writer"}}}}},
         {"ConsistentRead", true}});
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->value("Item", nlohmann::json()) : nlohmann::json();
  }
  // The item of DatameshJournal keeping steps for `account` as `persona`; null when none.
  nlohmann::json deferred_item(const std::string& account, const std::string& persona) {
    const absl::StatusOr<nlohmann::json> got = moto_account_client(mesh())->call(
        Service::kDynamoDb, "GetItem",
        {{"TableName", "DatameshJournal"},
         {"Key", {{"JournalId", {{"S", "mesh-writer/deferred/" + account + "/" + persona}}}}},
         {"ConsistentRead", true}});
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->value("Item", nlohmann::json()) : nlohmann::json();
  }
  // Whether the producer's account holds the publication's resource link to `orders`.
  bool link_exists() {
    return moto_account_client(producer())
        ->call(Service::kGlue, "GetTable",
               {{"DatabaseName", "sales-" + producer()}, {"Name", "orders_link"}})
        .ok();
  }
  // Whether moto holds the mesh database of the producer's `sales`.
  bool product_exists() {
    return moto_account_client(mesh())
        ->call(Service::kGlue, "GetDatabase", {{"Name", "sales-" + producer()}})
        .ok();
  }
};

// The consumer's process, which holds no session for the producer's account, finishes what the
// plan makes in the mesh and keeps its steps in the producer's account (the links of the
// publication) for the producer's next write: one account's failed write does not stop the
// others' writes (deferred_steps.h).
TEST_F(LeftPlanTest, AnotherAccountsPlanIsFinishedAndItsStepsThereWaitForThatAccount) {
  const std::shared_ptr<FailingTransport> transport = use_failing_transport();
  ASSERT_NO_FATAL_FAILURE(leave_a_publish_plan_without_its_link(*transport));
  EXPECT_FALSE(lock_item().is_null());
  EXPECT_FALSE(link_exists());

  const absl::StatusOr<nlohmann::json> request = request_access("sales-" + producer());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(lock_item().is_null()) << lock_item().dump();
  EXPECT_TRUE(product_exists());
  EXPECT_FALSE(link_exists());
  const nlohmann::json kept = deferred_item(producer(), "producer");
  EXPECT_TRUE(kept.contains("Steps")) << kept.dump();
  EXPECT_TRUE(deferred_item(consumer(), "consumer").is_null());

  // The producer's next write, of anything, makes them before its own change.
  const absl::StatusOr<nlohmann::json> denied =
      call(producer(), "producer", "deny_access_request",
           {{"subscription_id", (*request)["SubscriptionId"]}});
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_TRUE(link_exists());
  EXPECT_FALSE(deferred_item(producer(), "producer").contains("Steps"));
}

// Steps kept for an account that cannot be made fail that account's writes only, saying why,
// and stay kept until they can be made.
TEST_F(LeftPlanTest, DeferredStepsThatFailStopOnlyTheirAccountsWrites) {
  const std::shared_ptr<FailingTransport> transport = use_failing_transport();
  ASSERT_NO_FATAL_FAILURE(leave_a_publish_plan_without_its_link(*transport));
  const absl::StatusOr<nlohmann::json> request = request_access("sales-" + producer());
  ASSERT_TRUE(request.ok()) << request.status();

  // The producer's next write: making its kept link is refused.
  refuse_the_link(*transport);
  const absl::StatusOr<nlohmann::json> published = publish();
  ASSERT_FALSE(published.ok());
  EXPECT_THAT(published.status().message(),
              HasSubstr("left its steps in account " + producer() +
                        " to this account's next write as producer; making them failed"));
  EXPECT_TRUE(deferred_item(producer(), "producer").contains("Steps"));
  EXPECT_FALSE(link_exists());

  // Other accounts write on; the producer's write, run again, makes them.
  transport->count_only();
  const absl::StatusOr<nlohmann::json> again = request_access("sales-" + producer());
  EXPECT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE(publish().ok());
  EXPECT_TRUE(link_exists());
  EXPECT_FALSE(deferred_item(producer(), "producer").contains("Steps"));
}

// A plan an older release left (it records no persona) is finished whole or not at all: a
// writer that cannot reach its steps says what waits and who can finish it.
TEST_F(LeftPlanTest, AnOlderReleasesPlanThatCannotBeFinishedSaysWhoCan) {
  const std::shared_ptr<FailingTransport> transport = use_failing_transport();
  ASSERT_NO_FATAL_FAILURE(leave_a_publish_plan_without_its_link(*transport));
  nlohmann::json lock = lock_item();
  ASSERT_TRUE(lock.contains("Plan")) << lock.dump();
  nlohmann::json plan = nlohmann::json::parse(lock["Plan"]["S"].get<std::string>());
  ASSERT_EQ(plan.value("Persona", ""), "producer");
  plan.erase("Persona");
  lock["Plan"]["S"] = plan.dump();
  ASSERT_TRUE(moto_account_client(mesh())
                  ->call(Service::kDynamoDb, "PutItem",
                         {{"TableName", "DatameshJournal"}, {"Item", lock}})
                  .ok());

  const absl::StatusOr<nlohmann::json> request = request_access("sales-" + producer());
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), absl::StatusCode::kPermissionDenied) << request.status();
  EXPECT_THAT(request.status().message(),
              HasSubstr("an earlier create_data_products of " + producer() +
                        " failed half-way and left its plan in the mesh's writer lock; it must be "
                        "finished before any other write, and this process could not finish it: "
                        "no AWS session for account " + producer()));
  EXPECT_THAT(request.status().message(),
              HasSubstr("Run a datamesh write with the credentials of account " + producer() +
                        " (its own command again) to finish it"));
  // The producer's own process finishes it, and the consumer's request goes through.
  ASSERT_TRUE(publish().ok());
  EXPECT_TRUE(link_exists());
  const absl::StatusOr<nlohmann::json> again = request_access("sales-" + producer());
  EXPECT_TRUE(again.ok()) << again.status();
}

// The other way round: a consumer's finalize stopped before its database link was made is
// finished by the producer's process, which keeps the link and the RAM invitation's acceptance
// for the consumer's next write.
TEST_F(LeftPlanTest, AConsumersStepsLeftInItsAccountWaitForItsNextWrite) {
  const std::shared_ptr<FailingTransport> transport = use_failing_transport();
  ASSERT_NO_FATAL_FAILURE(set_up_mesh());
  ASSERT_NO_FATAL_FAILURE(make_tables());
  ASSERT_TRUE(publish().ok());
  const std::string mesh_db = "sales-" + producer();
  const absl::StatusOr<nlohmann::json> request = request_access(mesh_db);
  ASSERT_TRUE(request.ok()) << request.status();
  const std::string id = (*request)["SubscriptionId"];
  ASSERT_TRUE(
      call(producer(), "producer", "approve_access_request", {{"request_id", id}}).ok());
  // The consumer's database link (a CreateDatabase with a TargetDatabase) is refused.
  transport->before_first(
      [](const HttpRequest& r) {
        return operation_of(r) == "CreateDatabase" &&
               r.body.find("TargetDatabase") != std::string::npos;
      },
      [] {}, /*refuse=*/true);
  ASSERT_FALSE(call(consumer(), "consumer", "finalize_subscription", {{"request_id", id}}).ok());
  ASSERT_TRUE(transport->failed());
  transport->count_only();
  const auto linked = [&] {
    return moto_account_client(consumer())
        ->call(Service::kGlue, "GetDatabase", {{"Name", mesh_db}})
        .ok();
  };
  EXPECT_FALSE(linked());

  // The producer's next write finishes the finalize in the mesh; the link waits.
  const absl::StatusOr<nlohmann::json> republished = publish();
  ASSERT_TRUE(republished.ok()) << republished.status();
  EXPECT_TRUE(lock_item().is_null()) << lock_item().dump();
  EXPECT_FALSE(linked());
  EXPECT_TRUE(deferred_item(consumer(), "consumer").contains("Steps"));

  // The consumer's next write makes the link and accepts the invitation first.
  const absl::StatusOr<nlohmann::json> again = request_access(mesh_db, {"orders"}, {"DESCRIBE"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(linked());
  EXPECT_FALSE(deferred_item(consumer(), "consumer").contains("Steps"));
  const absl::StatusOr<nlohmann::json> invitations = moto_account_client(consumer())->call(
      Service::kRam, "GetResourceShareInvitations", nlohmann::json::object());
  ASSERT_TRUE(invitations.ok()) << invitations.status();
  for (const nlohmann::json& invitation : (*invitations)["resourceShareInvitations"]) {
    EXPECT_EQ(invitation["status"], "ACCEPTED") << invitation.dump();
  }
}

// A plan larger than the lock's item holds is kept deflated in parts (mesh_writer_lock.h): the
// whole workflow's plans go that way here, one is left by a failed commit, and the next writer
// finishes it from its parts as it would one kept in the item.
TEST_F(LeftPlanTest, APlanInPartsIsLeftAndFinishedLikeOneInTheLocksItem) {
  auto transport = std::make_shared<FailingTransport>();
  store::aws::AwsStore::Options store;
  store.lock.wait = std::chrono::seconds(5);
  store.lock.plan_part_bytes = 256;
  store.lock.max_plan_parts = 90;
  use_store_options(store);
  use_transport(transport);
  ASSERT_NO_FATAL_FAILURE(leave_a_publish_plan(*transport));
  const nlohmann::json left = lock_item();
  EXPECT_EQ(left.value("State", nlohmann::json()), nlohmann::json({{"S", "applying"}}));
  EXPECT_FALSE(left.contains("Plan")) << left.dump();
  ASSERT_TRUE(left.contains("PlanParts")) << left.dump();
  EXPECT_GT(std::stoll(left["PlanParts"]["N"].get<std::string>()), 1);

  // The next write finishes it from its parts, then makes its own.
  ASSERT_TRUE(publish().ok());
  EXPECT_TRUE(lock_item().is_null()) << lock_item().dump();
  EXPECT_TRUE(product_exists());
  const absl::StatusOr<nlohmann::json> request = request_access("sales-" + producer());
  EXPECT_TRUE(request.ok()) << request.status();
}

TEST_F(LeftPlanTest, APlanTooLargeForTheLockIsRefusedWithNothingMade) {
  ASSERT_NO_FATAL_FAILURE(set_up_mesh());
  ASSERT_NO_FATAL_FAILURE(make_tables());
  store::aws::AwsStore::Options store;
  store.lock.plan_part_bytes = 256;
  store.lock.max_plan_parts = 1;
  use_store_options(store);

  const absl::StatusOr<nlohmann::json> refused = publish();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(refused.status().message(),
              HasSubstr("this write is too large for a mesh on AWS: its plan is "));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("keeps at most 256 deflated bytes, one DynamoDB transaction's worth; "
                        "nothing was changed"));
  EXPECT_FALSE(product_exists());
  // The lock is free at once for the next writer, whose plan fits.
  use_store_options({});
  const absl::StatusOr<nlohmann::json> published = publish();
  EXPECT_TRUE(published.ok()) << published.status();
  EXPECT_TRUE(product_exists());
}

}  // namespace
}  // namespace datamesh::aws::testing
