// The documented workflow in AWS mode, from the admin's first step to the consumer's departure,
// on moto: what the CLI does with --endpoint aws://REGION.
#include <memory>
#include <string>
#include <vector>

#include "awsmode/aws_mesh_fixture.h"

namespace datamesh::aws::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class AwsModeWorkflowTest : public AwsMeshTest {
 protected:
  // The mesh set up, and the producer's product s-<producer> of its database s with one table t.
  void set_up_mesh_with_product_s() {
    set_up_mesh();
    publish("s", {"t"});
  }
};

TEST_F(AwsModeWorkflowTest, RequestApproveFinalizeAndDelete) {
  set_up_mesh();
  ASSERT_TRUE(call(producer(), "catalog", "create_database",
                   {{"database_input", {{"Name", "sales"}}}})
                  .ok());
  const nlohmann::json orders = {
      {"Name", "orders"},
      {"StorageDescriptor",
       {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}},
        {"Location", "s3://sales-bucket/orders/"}}}};
  ASSERT_TRUE(call(producer(), "catalog", "create_table",
                   {{"database_name", "sales"}, {"table_input", orders}})
                  .ok());
  absl::StatusOr<nlohmann::json> product =
      call(producer(), "producer", "create_data_products",
           {{"source_database_name", "sales"}, {"table_name_regex", "orders"}});
  ASSERT_TRUE(product.ok()) << product.status();
  const std::string mesh_db = "sales-" + producer();
  EXPECT_EQ((*product)["DatabaseName"], mesh_db);

  absl::StatusOr<nlohmann::json> request = request_access(mesh_db);
  ASSERT_TRUE(request.ok()) << request.status();
  const std::string id = (*request)["SubscriptionId"];

  ASSERT_TRUE(call(producer(), "producer", "approve_access_request", {{"request_id", id}}).ok());
  absl::StatusOr<nlohmann::json> finalized =
      call(consumer(), "consumer", "finalize_subscription", {{"subscription_id", id}});
  ASSERT_TRUE(finalized.ok()) << finalized.status();
  absl::StatusOr<nlohmann::json> seen =
      call(consumer(), "consumer", "get_subscription", {{"request_id", id}});
  ASSERT_TRUE(seen.ok()) << seen.status();
  const nlohmann::json& item = (*seen)["Subscriptions"][0];
  EXPECT_EQ(item["Status"], "Active");
  EXPECT_EQ(item["ImportedToConsumer"], true);
  ASSERT_EQ(item["RamShares"].size(), 1u);
  EXPECT_THAT(item["RamShares"][0].get<std::string>(),
              HasSubstr("arn:aws:ram:us-east-1:" + mesh() + ":resource-share/"));

  ASSERT_TRUE(call(consumer(), "consumer", "delete_subscription",
                   {{"subscription_id", id}, {"reason", "done"}})
                  .ok());
  absl::StatusOr<nlohmann::json> audit = call(mesh(), "admin", "verify_audit");
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_EQ((*audit)["Intact"], true);
  EXPECT_GE((*audit)["EventsChecked"].get<int>(), 8);
}

TEST_F(AwsModeWorkflowTest, LeavingOneSubscriptionKeepsTheShareOfTheOthers) {
  set_up_mesh();
  ASSERT_NO_FATAL_FAILURE(publish("sales", {"orders", "returns"}));
  std::vector<std::string> ids;
  for (const char* table : {"orders", "returns"}) {
    absl::StatusOr<nlohmann::json> request =
        request_access("sales-" + producer(), nlohmann::json::array({table}));
    ASSERT_TRUE(request.ok()) << request.status();
    ids.push_back((*request)["SubscriptionId"]);
    ASSERT_TRUE(call(producer(), "producer", "approve_access_request", {{"request_id", ids.back()}})
                    .ok());
    ASSERT_TRUE(
        call(consumer(), "consumer", "finalize_subscription", {{"subscription_id", ids.back()}})
            .ok());
  }
  absl::StatusOr<nlohmann::json> seen =
      call(consumer(), "consumer", "get_subscription", {{"request_id", ids[0]}});
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ((*seen)["Subscriptions"][0]["RamShares"].size(), 1u);
  const std::string share = (*seen)["Subscriptions"][0]["RamShares"][0];
  // Lake Formation shares both tables with the consumer through one share of the mesh's.
  const std::shared_ptr<const AwsClient> mesh_client = moto_account_client(mesh());
  const auto principals = [&] { return share_principals(*mesh_client, share); };
  ASSERT_THAT(principals(), ElementsAre(consumer()));

  ASSERT_TRUE(call(consumer(), "consumer", "delete_subscription",
                   {{"subscription_id", ids[0]}, {"reason", "orders done"}})
                  .ok());
  EXPECT_THAT(principals(), ElementsAre(consumer()));
  absl::StatusOr<nlohmann::json> check =
      call(consumer(), "consumer", "check_permission",
           {{"database_name", "sales-" + producer()}, {"table_name", "returns"},
            {"permission", "SELECT"}});
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ((*check)["Allowed"], true);

  // The last subscription leaves too. A consumer's mesh role may not revoke in M (docs/AWS.md):
  // its grants stay for the mesh admin's reconcile, which names them Stray and revokes them.
  ASSERT_TRUE(call(consumer(), "consumer", "delete_subscription",
                   {{"subscription_id", ids[1]}, {"reason", "all done"}})
                  .ok());
  // (Lake Formation lists a principal's permissions only with a resource: all of M's, filtered.)
  const auto consumer_grants = [&] {
    absl::StatusOr<nlohmann::json> listed = mesh_client->call(
        Service::kLakeFormation, "ListPermissions", {{"CatalogId", mesh()}});
    EXPECT_TRUE(listed.ok()) << listed.status();
    size_t count = 0;
    if (!listed.ok()) return count;
    for (const nlohmann::json& entry : (*listed)["PrincipalResourcePermissions"]) {
      if (entry["Principal"]["DataLakePrincipalIdentifier"] == consumer()) ++count;
    }
    return count;
  };
  EXPECT_GT(consumer_grants(), 0u);
  absl::StatusOr<nlohmann::json> drift = call(mesh(), "admin", "reconcile");
  ASSERT_TRUE(drift.ok()) << drift.status();
  ASSERT_FALSE((*drift)["Drift"].empty()) << drift->dump();
  for (const nlohmann::json& row : (*drift)["Drift"]) {
    EXPECT_EQ(row["Drift"], "Stray") << row.dump();
    EXPECT_EQ(row["Principal"], consumer()) << row.dump();
  }
  absl::StatusOr<nlohmann::json> applied = call(mesh(), "admin", "reconcile", {{"apply", true}});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ((*applied)["Consistent"], true) << applied->dump();
  EXPECT_EQ(consumer_grants(), 0u);
}

// A withdrawn request leaves the consumer's default listing, in the tracker table as in the
// other stores; the consumer finds it, with its reason, by asking for Deleted.
TEST_F(AwsModeWorkflowTest, TheConsumerListsItsEndedSubscriptionsByStatus) {
  ASSERT_NO_FATAL_FAILURE(set_up_mesh_with_product_s());
  absl::StatusOr<nlohmann::json> withdrawn = request_access("s-" + producer(), nlohmann::json::array({"t"}));
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  ASSERT_TRUE(call(consumer(), "consumer", "delete_subscription",
                   {{"subscription_id", (*withdrawn)["SubscriptionId"]},
                    {"reason", "asked too soon"}})
                  .ok());
  absl::StatusOr<nlohmann::json> pending =
      request_access("s-" + producer(), nlohmann::json::array({"t"}),
                     nlohmann::json::array({"INSERT"}));
  ASSERT_TRUE(pending.ok()) << pending.status();

  const auto listed = [&](nlohmann::json params) -> std::vector<std::string> {
    absl::StatusOr<nlohmann::json> page =
        call(consumer(), "consumer", "list_product_access", std::move(params));
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> seen;
    if (!page.ok()) return seen;
    for (const nlohmann::json& sub : (*page)["Subscriptions"]) {
      seen.push_back(sub["Status"].get<std::string>() + " " + sub["Notes"].dump());
    }
    return seen;
  };
  EXPECT_THAT(listed(nlohmann::json::object()), ElementsAre("Pending []"));
  EXPECT_THAT(listed({{"status", nlohmann::json::array({"Deleted"})}}),
              ElementsAre(R"(Deleted ["asked too soon"])"));
}

TEST_F(AwsModeWorkflowTest, AWriteRepeatedWithItsClientTokenActsOnce) {
  ASSERT_NO_FATAL_FAILURE(set_up_mesh_with_product_s());
  absl::StatusOr<nlohmann::json> request =
      request_access("s-" + producer(), nlohmann::json::array({"t"}));
  ASSERT_TRUE(request.ok()) << request.status();
  const nlohmann::json approve = {{"request_id", (*request)["SubscriptionId"]},
                                  {"client_token", "approve-once"}};
  ASSERT_TRUE(call(producer(), "producer", "approve_access_request", approve).ok());
  absl::StatusOr<nlohmann::json> before = call(mesh(), "admin", "verify_audit");
  ASSERT_TRUE(before.ok()) << before.status();
  // The answer of a repeat is the first one's, not "already Active", and nothing is written.
  absl::StatusOr<nlohmann::json> again = call(producer(), "producer", "approve_access_request", approve);
  EXPECT_TRUE(again.ok()) << again.status();
  absl::StatusOr<nlohmann::json> after = call(mesh(), "admin", "verify_audit");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ((*after)["EventsChecked"], (*before)["EventsChecked"]);
  // Without the token, the same call is a new one, refused as the rules say.
  nlohmann::json untokened = approve;
  untokened.erase("client_token");
  EXPECT_EQ(call(producer(), "producer", "approve_access_request", untokened).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AwsModeWorkflowTest, AMeshAccountIdIsRequiredAndChecked) {
  EXPECT_EQ(backend().call("admin", "list_accounts", {}, admin_credentials(mesh()), "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      backend().call("admin", "list_accounts", {}, admin_credentials(mesh()), "12345").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(AwsModeWorkflowTest, OnlyTheMeshAccountInitializesTheMesh) {
  // The producer's process does not reach the mesh account: refused before anything is read,
  // not taken for a mesh that exists.
  const absl::Status refused = call(producer(), "admin", "initialize_mesh_account").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("runs with the credentials of the mesh account " + mesh()));
  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
}

TEST_F(AwsModeWorkflowTest, AMeshWithoutDatameshTablesSaysHowToInitializeIt) {
  // A mesh account datamesh never initialized (DatameshJournal missing, as in a mesh the Python
  // library set up): the answer names the step, not DynamoDB's ResourceNotFoundException.
  const absl::Status missing = call(mesh(), "admin", "list_accounts").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_THAT(std::string(missing.message()), HasSubstr("initialize-mesh-account"));
  EXPECT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
  EXPECT_TRUE(call(mesh(), "admin", "list_accounts").ok());
}

TEST_F(AwsModeWorkflowTest, CreatingAnAccountSaysToEnableTheAwsAccountInstead) {
  // Every 12-digit id is an AWS account (docs/DECISIONS.md, "AWS mode: creating accounts"): no
  // id is free to draw, and a given one already exists.
  ASSERT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
  const absl::Status drawn =
      call(mesh(), "admin", "create_account", {{"account_name", "marketing"}}).status();
  EXPECT_EQ(drawn.code(), absl::StatusCode::kFailedPrecondition) << drawn;
  EXPECT_THAT(std::string(drawn.message()), HasSubstr("enable-account-as-producer"));
  const absl::Status given =
      call(mesh(), "admin", "create_account",
           {{"account_name", "marketing"}, {"account_id", producer()}})
          .status();
  EXPECT_EQ(given.code(), absl::StatusCode::kAlreadyExists) << given;
}

TEST_F(AwsModeWorkflowTest, AnEnabledAccountIsNamedByItsIdAndDatedByItsFirstStep) {
  // AWS accounts are not created through the mesh: the registry's row is made by the first
  // step the mesh writes, which dates it; the name is the id, as for a taken-over account.
  set_up_mesh();
  absl::StatusOr<nlohmann::json> accounts = call(mesh(), "admin", "list_accounts");
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  int checked = 0;
  for (const nlohmann::json& account : *accounts) {
    const std::string id = account.value("AccountId", "");
    if (id != producer() && id != consumer()) continue;
    ++checked;
    EXPECT_EQ(account.value("AccountName", ""), id);
    EXPECT_THAT(account.value("CreationDate", ""), ::testing::MatchesRegex("20[0-9-]+ [0-9:]+"))
        << account.dump();
  }
  EXPECT_EQ(checked, 2) << accounts->dump();
  // The account's own view, in its account, names it likewise.
  absl::StatusOr<nlohmann::json> identity = call(producer(), "admin", "get_caller_identity");
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ((*identity)["AccountName"], producer());
}

}  // namespace
}  // namespace datamesh::aws::testing
