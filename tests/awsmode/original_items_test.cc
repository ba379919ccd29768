// Interoperability with the original library's tracker (issue 13, acceptance 2): a subscription
// the Python library wrote — its item exactly as reference-original.md §4 describes it, put
// straight into DynamoDB — is listed, approved, finalized, narrowed and deleted by datamesh in
// AWS mode; and after every datamesh write, the item still has the original's attribute names
// with the original's DynamoDB types, so the Python library reads it.
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "awsmode/aws_mesh_fixture.h"
#include "store/aws/attribute_value.h"
#include "store/aws/lake_formation_entries.h"

namespace datamesh::aws::testing {
namespace {

using store::aws::string_value;

// §4: each attribute the original writes, and the DynamoDB types it may have.
const std::map<std::string, std::set<std::string>>& original_types() {
  static const std::map<std::string, std::set<std::string>> types = {
      {"SubscriptionId", {"S"}},      {"OwnerPrincipal", {"S"}},
      {"SubscriberPrincipal", {"S"}}, {"Status", {"S"}},
      {"RequestedGrants", {"L"}},     {"DatabaseName", {"S"}},
      {"TableName", {"L"}},           {"Domain", {"S"}},
      {"DataProduct", {"S"}},         {"CreationDate", {"S"}},
      {"CreatedBy", {"S"}},           {"UpdatedDate", {"S"}},
      {"UpdatedBy", {"S"}},           {"PermittedGrants", {"L"}},
      {"GrantableGrants", {"L", "NULL"}}, {"GrantedTableARNs", {"L", "NULL"}},
      {"RamShares", {"M"}},           {"Notes", {"SS"}},
      {"ImportedToConsumer", {"BOOL"}}};
  return types;
}

// Every attribute of the original's keeps its type; list elements are strings; each RamShares
// entry is a map with an `arn` string, as the original's finalize reads it.
void expect_original_shape(const nlohmann::json& item, const std::string& step) {
  SCOPED_TRACE(step);
  for (const auto& [name, value] : item.items()) {
    const auto expected = original_types().find(name);
    if (expected == original_types().end()) {
      EXPECT_TRUE(name.starts_with("Datamesh")) << "an attribute that is neither the original's "
                                                   "nor datamesh's own: " << name;
      continue;
    }
    ASSERT_TRUE(value.is_object() && value.size() == 1) << name << ": " << value.dump();
    const std::string type = value.begin().key();
    EXPECT_TRUE(expected->second.contains(type)) << name << " is " << type;
    if (type == "L") {
      for (const nlohmann::json& element : value["L"]) {
        EXPECT_TRUE(element.contains("S")) << name << ": " << value.dump();
      }
    }
  }
  if (item.contains("RamShares")) {
    for (const auto& [key, entry] : item["RamShares"]["M"].items()) {
      ASSERT_TRUE(entry.contains("M")) << key;
      EXPECT_TRUE(entry["M"].contains("arn") && entry["M"]["arn"].contains("S")) << key;
    }
  }
}

class OriginalItemsTest : public AwsMeshTest {
 protected:
  // The producer's database `sales` with `orders` and `customers`, published.
  void publish() {
    ASSERT_TRUE(call(producer(), "catalog", "create_database", {{"database_input", {{"Name", "sales"}}}}).ok());
    for (const char* table : {"orders", "customers"}) {
      ASSERT_TRUE(call(producer(), "catalog", "create_table",
                       {{"database_name", "sales"},
                        {"table_input",
                         {{"Name", table},
                          {"StorageDescriptor",
                           {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}},
                            {"Location", std::string("s3://sales/") + table + "/"}}}}}})
                      .ok());
    }
    ASSERT_TRUE(call(producer(), "producer", "create_data_products",
                     {{"source_database_name", "sales"}, {"table_name_regex", ".*"}})
                    .ok());
  }

  // The golden item `name` (tests/aws/data/tracker_items) with this test's accounts and id.
  nlohmann::json original_item(const std::string& name, const std::string& id) {
    std::ifstream file(std::string(DATAMESH_TEST_DATA) + "/aws/data/tracker_items/" + name);
    nlohmann::json item = nlohmann::json::parse(file)["item"];
    item["SubscriptionId"] = string_value(id);
    item["OwnerPrincipal"] = string_value(producer());
    item["SubscriberPrincipal"] = string_value(consumer());
    item["DatabaseName"] = string_value("sales-" + producer());
    return item;
  }

  nlohmann::json raw_item(const std::string& id) {
    absl::StatusOr<nlohmann::json> got = moto_account_client(mesh())->call(
        Service::kDynamoDb, "GetItem",
        {{"TableName", "AwsDataMeshSubscriptions"},
         {"Key", {{"SubscriptionId", string_value(id)}}},
         {"ConsistentRead", true}});
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? (*got)["Item"] : nlohmann::json();
  }
};

TEST_F(OriginalItemsTest, APendingRequestTheOriginalWroteIsDecidedByDatamesh) {
  set_up_mesh();
  publish();
  const std::string id = "GUxwswjEFRzgwow8zqVwGC";
  ASSERT_TRUE(moto_account_client(mesh())
                  ->call(Service::kDynamoDb, "PutItem",
                         {{"TableName", "AwsDataMeshSubscriptions"},
                          {"Item", original_item("pending_table.json", id)}})
                  .ok());

  absl::StatusOr<nlohmann::json> pending =
      call(producer(), "producer", "list_pending_access_requests");
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ((*pending)["Subscriptions"].size(), 1u);
  EXPECT_EQ((*pending)["Subscriptions"][0]["SubscriptionId"], id);
  EXPECT_EQ((*pending)["Subscriptions"][0]["TableName"], nlohmann::json({"orders", "customers"}));

  ASSERT_TRUE(call(producer(), "producer", "approve_access_request",
                   {{"request_id", id}, {"decision_notes", "ok by the owner"}})
                  .ok());
  nlohmann::json item = raw_item(id);
  expect_original_shape(item, "approved");
  EXPECT_EQ(item["Status"]["S"], "Active");
  EXPECT_EQ(item["Notes"]["SS"], nlohmann::json({"ok by the owner"}));
  EXPECT_FALSE(item["RamShares"]["M"].empty());
  EXPECT_EQ(item["GrantedTableARNs"]["L"].size(), 2u);
  EXPECT_EQ(item["GrantedTableARNs"]["L"][0]["S"],
            "arn:aws:glue:us-east-1:" + mesh() + ":table/sales-" + producer() + "/orders");

  ASSERT_TRUE(call(consumer(), "consumer", "finalize_subscription", {{"subscription_id", id}}).ok());
  item = raw_item(id);
  expect_original_shape(item, "finalized");
  EXPECT_EQ(item["ImportedToConsumer"]["BOOL"], true);

  ASSERT_TRUE(call(producer(), "producer", "update_subscription_permissions",
                   {{"subscription_id", id},
                    {"grant_permissions", {"DESCRIBE"}},
                    {"notes", "metadata only"}})
                  .ok());
  item = raw_item(id);
  expect_original_shape(item, "narrowed");
  EXPECT_EQ(item["PermittedGrants"]["L"], nlohmann::json::array({string_value("DESCRIBE")}));

  ASSERT_TRUE(call(producer(), "producer", "delete_subscription",
                   {{"subscription_id", id}, {"reason", "contract ended"}})
                  .ok());
  item = raw_item(id);
  expect_original_shape(item, "deleted");
  EXPECT_EQ(item["Status"]["S"], "Deleted");
  // The original's own fields are kept as it wrote them.
  EXPECT_EQ(item["CreationDate"]["S"], "2026-12-01 09:15:02");
  EXPECT_EQ(item["RequestedGrants"]["L"],
            nlohmann::json::array({string_value("SELECT"), string_value("DESCRIBE")}));
}

TEST_F(OriginalItemsTest, ADatabaseSubscriptionTheOriginalApprovedStandsForWhatItGranted) {
  set_up_mesh();
  publish();
  const std::string id = "Hk3mNpQrStUvWxYz23456a";
  const std::string mesh_db = "sales-" + producer();
  const std::shared_ptr<const AwsClient> mesh_client = moto_account_client(mesh());
  ASSERT_TRUE(mesh_client
                  ->call(Service::kDynamoDb, "PutItem",
                         {{"TableName", "AwsDataMeshSubscriptions"},
                          {"Item", original_item("active_database.json", id)}})
                  .ok());
  // The original's approval granted DESCRIBE on the database alone, whatever was permitted.
  ASSERT_TRUE(mesh_client
                  ->call(Service::kLakeFormation, "GrantPermissions",
                         {{"CatalogId", mesh()},
                          {"Principal", {{"DataLakePrincipalIdentifier", consumer()}}},
                          {"Resource", store::aws::database_resource(mesh(), mesh_db)},
                          {"Permissions", {"DESCRIBE"}}})
                  .ok());

  // Nothing to repair: a reconcile --apply must not widen it to every table.
  absl::StatusOr<nlohmann::json> reconciled = call(mesh(), "admin", "reconcile");
  ASSERT_TRUE(reconciled.ok()) << reconciled.status();
  EXPECT_EQ((*reconciled)["Consistent"], true) << reconciled->dump();
  absl::StatusOr<nlohmann::json> grants =
      call(consumer(), "consumer", "get_subscription_grants", {{"subscription_id", id}});
  ASSERT_TRUE(grants.ok()) << grants.status();
  const nlohmann::json& listed = (*grants)["Grants"];
  ASSERT_EQ(listed.size(), 1u) << grants->dump();
  EXPECT_EQ(listed[0]["TableName"], "");
  EXPECT_EQ(listed[0]["Permissions"], nlohmann::json({"DESCRIBE"}));

  // The producer's update grants the tables, as datamesh reads a database subscription.
  ASSERT_TRUE(call(producer(), "producer", "update_subscription_permissions",
                   {{"subscription_id", id}, {"grant_permissions", {"SELECT"}}})
                  .ok());
  const nlohmann::json item = raw_item(id);
  EXPECT_EQ(item["GrantedTableARNs"]["L"],
            nlohmann::json::array({string_value("arn:aws:glue:us-east-1:" + mesh() + ":table/" +
                                                mesh_db + "/*")}));
  absl::StatusOr<nlohmann::json> check =
      call(consumer(), "consumer", "check_permission",
           {{"database_name", mesh_db}, {"table_name", "orders"}, {"permission", "SELECT"}});
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_EQ((*check)["Allowed"], true);
  reconciled = call(mesh(), "admin", "reconcile");
  ASSERT_TRUE(reconciled.ok()) << reconciled.status();
  EXPECT_EQ((*reconciled)["Consistent"], true) << reconciled->dump();
}

TEST_F(OriginalItemsTest, EveryItemDatameshWritesHasTheOriginalsShape) {
  set_up_mesh();
  publish();
  absl::StatusOr<nlohmann::json> request =
      request_access("sales-" + producer(), nlohmann::json::array({"orders"}),
                     nlohmann::json::array({"SELECT", "INSERT"}));
  ASSERT_TRUE(request.ok()) << request.status();
  const std::string id = (*request)["SubscriptionId"];
  expect_original_shape(raw_item(id), "requested");
  ASSERT_TRUE(call(producer(), "producer", "deny_access_request",
                   {{"request_id", id}, {"decision_notes", "not now"}})
                  .ok());
  nlohmann::json denied = raw_item(id);
  expect_original_shape(denied, "denied");
  EXPECT_EQ(denied["Status"]["S"], "Denied");
  // PermittedGrants stays empty (docs/DECISIONS.md, Deny; the original copies RequestedGrants),
  // still a list, so the original's set arithmetic on it works; the others NULL as its deny.
  EXPECT_EQ(denied["PermittedGrants"], nlohmann::json({{"L", nlohmann::json::array()}}));
  EXPECT_TRUE(denied["GrantedTableARNs"].contains("NULL"));
  EXPECT_TRUE(denied["GrantableGrants"].contains("NULL"));
}

}  // namespace
}  // namespace datamesh::aws::testing
