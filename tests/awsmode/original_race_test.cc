// The original Python library writes the subscription tracker without datamesh's writer lock.
// A change it makes to a subscription while a datamesh write is making its plan must be kept:
// the plan, decided on a state that is gone, is dropped (aws_commit.cc, drop_if_stale) with the
// grants it made that the subscription as it stands does not hold, never finished over the
// change. Found by an SRE walkthrough: the approval's retry finished its plan over the original's
// denial, its note lost, and answered "already Active".
#include <chrono>
#include <memory>
#include <string>

#include "awsmode/aws_mesh_fixture.h"
#include "awsmode/failing_transport.h"
#include "gmock/gmock.h"

namespace datamesh::aws::testing {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

constexpr char kNote[] = "denied by the python library";

class OriginalRaceTest : public AwsMeshTest {
 protected:
  void SetUp() override {
    AwsMeshTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    transport_ = std::make_shared<FailingTransport>();
    store::aws::AwsStore::Options store;
    store.lock.wait = std::chrono::seconds(5);
    use_store_options(store);
    use_transport(transport_);
    ASSERT_NO_FATAL_FAILURE(set_up_mesh());
    ASSERT_NO_FATAL_FAILURE(publish("sales", {"orders"}));
    const absl::StatusOr<json> requested = request_access("sales-" + producer());
    ASSERT_TRUE(requested.ok()) << requested.status();
    id_ = requested->at("SubscriptionId").get<std::string>();
  }

  // The original's deny_access_request, as its tracker write makes it: status, date, grants
  // cleared, a note added to the string set.
  void deny_as_the_original() {
    const absl::StatusOr<json> denied = moto_account_client(mesh())->call(
        Service::kDynamoDb, "UpdateItem",
        {{"TableName", "AwsDataMeshSubscriptions"},
         {"Key", {{"SubscriptionId", {{"S", id_}}}}},
         {"UpdateExpression",
          "SET #s = :s, UpdatedDate = :d, PermittedGrants = :n, GrantableGrants = :n "
          "ADD Notes :notes"},
         {"ConditionExpression", "#s = :p"},
         {"ExpressionAttributeNames", {{"#s", "Status"}}},
         {"ExpressionAttributeValues",
          {{":s", {{"S", "Denied"}}},
           {":p", {{"S", "Pending"}}},
           {":d", {{"S", "2026-12-07 18:00:00"}}},
           {":n", {{"NULL", true}}},
           {":notes", {{"SS", {kNote}}}}}}});
    ASSERT_TRUE(denied.ok()) << denied.status();
  }

  // The commit's last write of the approval: the tracker item and the audit event at once.
  static bool final_write(const HttpRequest& request) {
    return operation_of(request) == "TransactWriteItems" &&
           request.body.find("AwsDataMeshSubscriptions") != std::string::npos &&
           request.body.find("DatameshAuditLog") != std::string::npos;
  }

  json subscription() {
    const absl::StatusOr<json> got =
        call(producer(), "producer", "get_subscription", {{"request_id", id_}});
    EXPECT_TRUE(got.ok()) << got.status();
    // The original's answer: {"Subscriptions": [the item]}.
    const json listed = got.ok() ? got->value("Subscriptions", json::array()) : json::array();
    return listed.empty() ? json() : listed[0];
  }

  bool consumer_may_select() {
    const absl::StatusOr<json> checked =
        call(consumer(), "consumer", "check_permission",
             {{"database_name", "sales-" + producer()},
              {"table_name", "orders"},
              {"permission", "SELECT"}});
    EXPECT_TRUE(checked.ok()) << checked.status();
    return checked.ok() && checked->value("Allowed", false);
  }

  std::shared_ptr<FailingTransport> transport_;
  std::string id_;
};

// The race as it happens: the original denies while the approval's grants are being made. The
// approval runs again on the denied request (Denied -> Active is allowed), and the original's
// note stays in the subscription's notes.
TEST_F(OriginalRaceTest, AnApprovalThatLosesTheRaceRunsAgainKeepingTheOriginalsChange) {
  transport_->before_first(final_write, [this] { deny_as_the_original(); });
  const absl::StatusOr<json> approved =
      call(producer(), "producer", "approve_access_request",
           {{"request_id", id_}, {"decision_notes", "approved by datamesh"}});
  ASSERT_TRUE(approved.ok()) << approved.status();
  const json after = subscription();
  EXPECT_EQ(after.value("Status", ""), "Active") << after.dump();
  EXPECT_THAT(after.value("Notes", json::array()).dump(), HasSubstr(kNote)) << after.dump();
  EXPECT_THAT(after.value("Notes", json::array()).dump(), HasSubstr("approved by datamesh"));
  EXPECT_TRUE(consumer_may_select());
}

// A plan left by a failed approval, and the original's denial before the next writer: the plan
// is dropped, the denial stands, and the grants the plan made are revoked.
TEST_F(OriginalRaceTest, APlanLeftBeforeTheOriginalsChangeIsDroppedAndItsGrantsRevoked) {
  // The approval's last write is refused: its grants are made, its plan is left in the lock.
  transport_->before_first(final_write, [] {}, /*refuse=*/true);
  ASSERT_FALSE(call(producer(), "producer", "approve_access_request", {{"request_id", id_}}).ok());
  ASSERT_TRUE(consumer_may_select()) << "the plan's grants are made";
  deny_as_the_original();

  // The producer's next write finds the plan stale and drops it, then makes its own.
  const absl::StatusOr<json> published = call(producer(), "producer", "create_data_products",
                                              {{"source_database_name", "sales"}});
  ASSERT_TRUE(published.ok()) << published.status();
  const json after = subscription();
  EXPECT_EQ(after.value("Status", ""), "Denied") << after.dump();
  EXPECT_THAT(after.value("Notes", json::array()).dump(), HasSubstr(kNote)) << after.dump();
  EXPECT_FALSE(consumer_may_select());
  const absl::StatusOr<json> audit = call(mesh(), "admin", "verify_audit");
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_TRUE(audit->value("Intact", false)) << audit->dump();
}

}  // namespace
}  // namespace datamesh::aws::testing
