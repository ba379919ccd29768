// admin reconcile in AWS mode on moto: grants changed by hand in Lake Formation (a raw
// RevokePermissions of a subscription's grant, a raw GrantPermissions to its subscriber) are
// found by a dry run that changes nothing, and repaired by --apply in Lake Formation itself.
#include <memory>
#include <set>
#include <string>

#include "awsmode/aws_mesh_fixture.h"
#include "store/aws/lake_formation_entries.h"

namespace datamesh::aws::testing {
namespace {

using nlohmann::json;
using store::aws::table_resource;

class AwsReconcileTest : public AwsMeshTest {
 protected:
  // The consumer's permissions on mesh table `table` in the mesh's Lake Formation (on the table
  // and on its columns), as ListPermissions answers them; grant options left out.
  std::set<std::string> held(const std::string& table) {
    std::set<std::string> permissions;
    const std::shared_ptr<const AwsClient> lake = moto_account_client(mesh());
    if (!lake) return permissions;
    absl::StatusOr<json> listed = lake->call(
        Service::kLakeFormation, "ListPermissions",
        {{"CatalogId", mesh()},
         {"Principal", {{"DataLakePrincipalIdentifier", consumer()}}},
         {"Resource", table_resource(mesh(), mesh_db(), table)}});
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return permissions;
    for (const json& item : listed->value("PrincipalResourcePermissions", json::array())) {
      for (const json& permission : item.value("Permissions", json::array())) {
        permissions.insert(permission.get<std::string>());
      }
    }
    return permissions;
  }

  std::string mesh_db() const { return "sales-" + producer(); }

  // A raw Lake Formation call of the mesh account, as someone with the console would make it.
  void by_hand(std::string_view operation, const json& resource, const std::string& permission) {
    const std::shared_ptr<const AwsClient> lake = moto_account_client(mesh());
    ASSERT_NE(lake, nullptr);
    absl::StatusOr<json> done =
        lake->call(Service::kLakeFormation, operation,
                   {{"CatalogId", mesh()},
                    {"Principal", {{"DataLakePrincipalIdentifier", consumer()}}},
                    {"Resource", resource},
                    {"Permissions", {permission}}});
    ASSERT_TRUE(done.ok()) << operation << ": " << done.status();
  }

  // The mesh, sales (orders, refunds) published, and the consumer's approved subscription to
  // it; its id in `id`.
  void subscribe(std::string& id) {
    set_up_mesh();
    ASSERT_TRUE(call(producer(), "catalog", "create_database",
                     {{"database_input", {{"Name", "sales"}}}})
                    .ok());
    for (const char* table : {"orders", "refunds"}) {
      const json input = {{"Name", table},
                          {"StorageDescriptor",
                           {{"Columns", {{{"Name", "id"}, {"Type", "int"}}}},
                            {"Location", std::string("s3://sales-bucket/") + table + "/"}}}};
      ASSERT_TRUE(call(producer(), "catalog", "create_table",
                       {{"database_name", "sales"}, {"table_input", input}})
                      .ok());
    }
    ASSERT_TRUE(call(producer(), "producer", "create_data_products",
                     {{"source_database_name", "sales"}})
                    .ok());
    absl::StatusOr<json> request = request_access(mesh_db());
    ASSERT_TRUE(request.ok()) << request.status();
    id = (*request)["SubscriptionId"];
    ASSERT_TRUE(call(producer(), "producer", "approve_access_request", {{"request_id", id}}).ok());
  }
};

TEST_F(AwsReconcileTest, RestoresARevokedGrantAndRevokesAStrayOne) {
  std::string id;
  ASSERT_NO_FATAL_FAILURE(subscribe(id));
  const std::string mesh_db = this->mesh_db();

  // SELECT on a named table is a grant on its columns (lake_formation_entries.h).
  const json orders_columns = {{"TableWithColumns",
                                {{"CatalogId", mesh()},
                                 {"DatabaseName", mesh_db},
                                 {"Name", "orders"},
                                 {"ColumnWildcard", json::object()}}}};
  using Names = std::set<std::string>;
  ASSERT_EQ(held("orders"), (Names{"DESCRIBE", "SELECT"}));
  by_hand("RevokePermissions", orders_columns, "SELECT");
  by_hand("GrantPermissions", table_resource(mesh(), mesh_db, "refunds"), "INSERT");
  ASSERT_EQ(held("orders"), Names{"DESCRIBE"});
  ASSERT_EQ(held("refunds"), Names{"INSERT"});

  absl::StatusOr<json> dry = call(mesh(), "admin", "reconcile");
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ((*dry)["DryRun"], true);
  EXPECT_EQ((*dry)["Consistent"], false);
  ASSERT_EQ((*dry)["Drift"].size(), 2u) << dry->dump();
  const json& missing = (*dry)["Drift"][0];
  EXPECT_EQ(missing["Drift"], "Missing");
  EXPECT_EQ(missing["Principal"], consumer());
  EXPECT_EQ(missing["TableName"], "orders");
  EXPECT_EQ(missing["Permission"], "SELECT");
  EXPECT_EQ(missing["SubscriptionId"], id);
  const json& stray = (*dry)["Drift"][1];
  EXPECT_EQ(stray["Drift"], "Stray");
  EXPECT_EQ(stray["TableName"], "refunds");
  EXPECT_EQ(stray["Permission"], "INSERT");
  EXPECT_EQ(held("orders"), Names{"DESCRIBE"});  // a dry run changes nothing
  EXPECT_EQ(held("refunds"), Names{"INSERT"});

  absl::StatusOr<json> applied = call(mesh(), "admin", "reconcile", {{"apply", true}});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ((*applied)["Consistent"], true);
  ASSERT_EQ((*applied)["Drift"].size(), 2u) << applied->dump();
  EXPECT_EQ((*applied)["Drift"][0]["Repaired"], true);
  EXPECT_EQ((*applied)["Drift"][1]["Repaired"], true);
  EXPECT_EQ(held("orders"), (Names{"DESCRIBE", "SELECT"}));
  EXPECT_TRUE(held("refunds").empty());

  absl::StatusOr<json> again = call(mesh(), "admin", "reconcile");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)["Consistent"], true) << again->dump();
  absl::StatusOr<json> audit = call(mesh(), "admin", "verify_audit");
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_EQ((*audit)["Intact"], true) << audit->dump();
  EXPECT_TRUE(absl::IsPermissionDenied(call(producer(), "admin", "reconcile").status()));
}

// A SELECT granted by hand on the Table resource, where datamesh revokes the column form (as the
// original grants SELECT): moto keeps the two apart and revokes nothing of it. The grants read
// back after the repairs tell: not repaired, not consistent, and the audit log says so.
TEST_F(AwsReconcileTest, ARevocationThatLeavesTheGrantHeldIsReportedNotRepaired) {
  std::string id;
  ASSERT_NO_FATAL_FAILURE(subscribe(id));
  using Names = std::set<std::string>;
  by_hand("GrantPermissions", table_resource(mesh(), mesh_db(), "refunds"), "SELECT");
  ASSERT_EQ(held("refunds"), Names{"SELECT"});

  absl::StatusOr<json> applied = call(mesh(), "admin", "reconcile", {{"apply", true}});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ((*applied)["Consistent"], false) << applied->dump();
  ASSERT_EQ((*applied)["Drift"].size(), 1u) << applied->dump();
  EXPECT_EQ((*applied)["Drift"][0]["Drift"], "Stray");
  EXPECT_EQ((*applied)["Drift"][0]["TableName"], "refunds");
  EXPECT_EQ((*applied)["Drift"][0]["Permission"], "SELECT");
  EXPECT_EQ((*applied)["Drift"][0]["Repaired"], false);
  EXPECT_EQ(held("refunds"), Names{"SELECT"});

  absl::StatusOr<json> events =
      call(mesh(), "admin", "list_audit_events", {{"action", json::array({"reconcile"})}});
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ((*events)["Events"].size(), 2u) << events->dump();
  EXPECT_EQ((*events)["Events"][1]["Details"]["Repair"], "made, but the grant is still held")
      << events->dump();
}

}  // namespace
}  // namespace datamesh::aws::testing
