// LakeFormationGrants (store/aws/lake_formation_grants.h) against moto's Lake Formation: batches
// of 20, idempotent grants and revokes, grant options, database / table / every-table resources,
// find_grants and list_database_grants, and every error path. Each test has accounts of its own.
#include "store/aws/lake_formation_grants.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "awsmode/moto_fixture.h"
#include "core/grants.h"
#include "store/aws/lake_formation_entries.h"
#include "support/grant_row_text.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

using datamesh::aws::AwsClient;
using datamesh::aws::CurlTransport;
using datamesh::aws::HttpRequest;
using datamesh::aws::HttpResponse;
using datamesh::aws::HttpTransport;
using datamesh::aws::Service;
using datamesh::testing::grant_row_text;
using datamesh::testing::grant_row_texts;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

// Counts the requests per path (Lake Formation's: "/<Operation>") and sends them on.
class CountingTransport final : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> send(std::string_view origin, const HttpRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++calls_[request.path];
    }
    return inner_.send(origin, request);
  }
  int calls(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = calls_.find(path);
    return found == calls_.end() ? 0 : found->second;
  }

 private:
  CurlTransport inner_;
  mutable std::mutex mutex_;
  std::map<std::string, int> calls_;
};

class LakeFormationGrantsTest : public datamesh::aws::testing::MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    consumer_ = unique_account();
    database_ = unique_name("sales");
    mesh_client_ = moto_account_client(mesh_, "us-east-1", transport_);
    ASSERT_NE(mesh_client_, nullptr);
    sessions_ = std::make_unique<AwsSessions>(
        "us-east-1", mesh_,
        std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>>{
            {mesh_, mesh_client_}});
    grants_ = std::make_unique<LakeFormationGrants>(*sessions_);
  }

  GrantRow row(std::string table, std::string permission, bool grantable = false,
               std::string principal = "") const {
    return GrantRow{.principal = principal.empty() ? consumer_ : principal,
                    .catalog_id = mesh_,
                    .database_name = database_,
                    .table_name = std::move(table),
                    .permission = std::move(permission),
                    .grantable = grantable};
  }

  std::vector<std::string> find(std::string_view table, std::string principal = "") const {
    absl::StatusOr<std::vector<GrantRow>> found = grants_->find_grants(
        principal.empty() ? consumer_ : principal, mesh_, database_, table);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? grant_row_texts(*found) : std::vector<std::string>{};
  }

  std::vector<std::string> texts(const std::vector<GrantRow>& rows) const {
    return grant_row_texts(rows);
  }

  // The mesh's raw ListPermissions of the consumer on `resource`.
  nlohmann::json listed(const nlohmann::json& resource) const {
    absl::StatusOr<nlohmann::json> answer = mesh_client_->call(
        Service::kLakeFormation, "ListPermissions",
        {{"CatalogId", mesh_},
         {"Principal", {{"DataLakePrincipalIdentifier", consumer_}}},
         {"Resource", resource}});
    EXPECT_TRUE(answer.ok()) << answer.status();
    return answer.ok() ? (*answer)["PrincipalResourcePermissions"] : nlohmann::json::array();
  }

  std::shared_ptr<CountingTransport> transport_ = std::make_shared<CountingTransport>();
  std::string mesh_;
  std::string consumer_;
  std::string database_;
  std::shared_ptr<const AwsClient> mesh_client_;
  std::unique_ptr<AwsSessions> sessions_;
  std::unique_ptr<LakeFormationGrants> grants_;
};

TEST_F(LakeFormationGrantsTest, GrantsAndRevokesInBatchesOfTwentyEntries) {
  std::vector<GrantRow> rows;
  for (int i = 0; i < 45; ++i) rows.push_back(row("table" + std::to_string(i), "DESCRIBE"));
  ASSERT_OK(grants_->grant(rows));
  EXPECT_EQ(transport_->calls("/BatchGrantPermissions"), 3);
  ASSERT_OK_AND_ASSIGN(const std::vector<GrantRow> granted,
                       grants_->list_database_grants(database_));
  EXPECT_THAT(texts(granted), UnorderedElementsAreArray(texts(rows)));

  ASSERT_OK(grants_->revoke(rows));
  EXPECT_EQ(transport_->calls("/BatchRevokePermissions"), 3);
  ASSERT_OK_AND_ASSIGN(const std::vector<GrantRow> left, grants_->list_database_grants(database_));
  EXPECT_THAT(left, IsEmpty());
}

TEST_F(LakeFormationGrantsTest, RowsOfOneResourceAreOneEntry) {
  // 3 tables x 2 permissions without SELECT: 3 table entries, one call.
  std::vector<GrantRow> rows;
  for (const char* table : {"a", "b", "c"}) {
    rows.push_back(row(table, "DESCRIBE"));
    rows.push_back(row(table, "INSERT"));
  }
  ASSERT_OK(grants_->grant(rows));
  EXPECT_EQ(transport_->calls("/BatchGrantPermissions"), 1);
  const nlohmann::json on_a = listed(table_resource(mesh_, database_, "a"));
  ASSERT_EQ(on_a.size(), 1u) << on_a.dump();
  EXPECT_THAT(on_a[0]["Permissions"].get<std::vector<std::string>>(),
              ::testing::UnorderedElementsAre("DESCRIBE", "INSERT"));
}

TEST_F(LakeFormationGrantsTest, GrantingTwiceAndRevokingTwiceSucceed) {
  const std::vector<GrantRow> rows = {row("orders", "SELECT"), row("orders", "DESCRIBE"),
                                      row("", "DESCRIBE")};
  ASSERT_OK(grants_->grant(rows));
  ASSERT_OK(grants_->grant(rows));
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("orders", "DESCRIBE")),
                                          grant_row_text(row("orders", "SELECT"))));
  EXPECT_THAT(find(""), ElementsAre(grant_row_text(row("", "DESCRIBE"))));
  ASSERT_OK(grants_->revoke(rows));
  EXPECT_THAT(find("orders"), IsEmpty());
  EXPECT_THAT(find(""), IsEmpty());
  // Lake Formation now refuses each entry ("No permissions revoked"): nothing is left to revoke.
  ASSERT_OK(grants_->revoke(rows));
  EXPECT_THAT(find("orders"), IsEmpty());
  EXPECT_THAT(find(""), IsEmpty());
}

TEST_F(LakeFormationGrantsTest, RevokeTakesWhatIsLeftWhenTheGranteeLacksPartOfAnEntry) {
  ASSERT_OK(grants_->grant({row("orders", "DESCRIBE"), row("orders", "ALTER"),
                            row("orders", "DROP", /*grantable=*/false)}));
  // INSERT was never granted, and DROP is held without grant option: Lake Formation revokes
  // nothing of an entry the grantee lacks part of, so the store revokes permission by permission.
  ASSERT_OK(grants_->revoke({row("orders", "DESCRIBE"), row("orders", "ALTER"),
                             row("orders", "INSERT"), row("orders", "DROP", /*grantable=*/true)}));
  EXPECT_THAT(find("orders"), IsEmpty());
}

TEST_F(LakeFormationGrantsTest, GrantOptionsAreGrantedReadAndRevoked) {
  ASSERT_OK(grants_->grant({row("orders", "SELECT", true), row("orders", "INSERT", true),
                            row("orders", "DESCRIBE"), row("", "DESCRIBE", true)}));
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("orders", "DESCRIBE")),
                                          grant_row_text(row("orders", "INSERT", true)),
                                          grant_row_text(row("orders", "SELECT", true))));
  EXPECT_THAT(find(""), ElementsAre(grant_row_text(row("", "DESCRIBE", true))));
  // SELECT went to the columns of the table (§2.2.1), with its grant option.
  const nlohmann::json on_orders = listed(table_resource(mesh_, database_, "orders"));
  bool column_entry = false;
  for (const nlohmann::json& item : on_orders) {
    if (!item["Resource"].contains("TableWithColumns")) continue;
    column_entry = true;
    EXPECT_EQ(item["Permissions"], nlohmann::json::array({"SELECT"}));
    EXPECT_EQ(item["PermissionsWithGrantOption"], nlohmann::json::array({"SELECT"}));
  }
  EXPECT_TRUE(column_entry) << on_orders.dump();

  ASSERT_OK(grants_->revoke({row("orders", "INSERT", true)}));
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("orders", "DESCRIBE")),
                                          grant_row_text(row("orders", "SELECT", true))));
  EXPECT_THAT(find(""), ElementsAre(grant_row_text(row("", "DESCRIBE", true))));
}

TEST_F(LakeFormationGrantsTest, RevokingGrantOptionsKeepsThePermissions) {
  ASSERT_OK(grants_->grant({row("orders", "SELECT", true), row("orders", "INSERT", true),
                            row("orders", "DELETE", true)}));
  ASSERT_OK(grants_->revoke_grant_options(
      {row("orders", "SELECT", true), row("orders", "INSERT", true)}));
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("orders", "DELETE", true)),
                                          grant_row_text(row("orders", "INSERT")),
                                          grant_row_text(row("orders", "SELECT"))));
  // Again: the grant options are gone already, which is no error.
  ASSERT_OK(grants_->revoke_grant_options({row("orders", "INSERT", true)}));
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("orders", "DELETE", true)),
                                          grant_row_text(row("orders", "INSERT")),
                                          grant_row_text(row("orders", "SELECT"))));
}

TEST_F(LakeFormationGrantsTest, FindsTheTableAskedAndEveryTableOrTheDatabaseAlone) {
  ASSERT_OK(grants_->grant({row("", "DESCRIBE"), row("*", "SELECT"), row("orders", "INSERT"),
                            row("customers", "DROP")}));
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("*", "SELECT")),
                                          grant_row_text(row("orders", "INSERT"))));
  EXPECT_THAT(find("unknown"), ElementsAre(grant_row_text(row("*", "SELECT"))));
  EXPECT_THAT(find(""), ElementsAre(grant_row_text(row("", "DESCRIBE"))));
  EXPECT_THAT(find("*"), ElementsAre(grant_row_text(row("*", "SELECT"))));
  // Every table is Lake Formation's TableWildcard.
  const nlohmann::json every = listed(table_resource(mesh_, database_, "*"));
  ASSERT_EQ(every.size(), 1u) << every.dump();
  EXPECT_TRUE(every[0]["Resource"]["Table"].contains("TableWildcard"));
}

TEST_F(LakeFormationGrantsTest, FindsOnlyThePrincipalAsked) {
  const std::string other = unique_account();
  ASSERT_OK(grants_->grant({row("orders", "SELECT"), row("orders", "DROP", false, other)}));
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("orders", "SELECT"))));
  EXPECT_THAT(find("orders", other),
              ElementsAre(grant_row_text(row("orders", "DROP", false, other))));
}

TEST_F(LakeFormationGrantsTest, ListsEveryPrincipalsGrantsOnTheDatabaseOnly) {
  const std::string producer = unique_account();
  const std::string role = "arn:aws:iam::" + mesh_ + ":role/AwsDataMesh/DataMeshManager";
  const std::string elsewhere = unique_name("other");
  GrantRow other_database = row("orders", "SELECT");
  other_database.database_name = elsewhere;
  ASSERT_OK(grants_->grant({row("", "CREATE_TABLE", false, producer),
                            row("*", "INSERT", true, producer), row("orders", "SELECT"),
                            row("orders", "DESCRIBE", false, role), other_database}));
  ASSERT_OK_AND_ASSIGN(const std::vector<GrantRow> all, grants_->list_database_grants(database_));
  EXPECT_THAT(texts(all), UnorderedElementsAreArray(texts(
                              {row("", "CREATE_TABLE", false, producer),
                               row("*", "INSERT", true, producer), row("orders", "SELECT"),
                               row("orders", "DESCRIBE", false, role)})));
}

TEST_F(LakeFormationGrantsTest, TheProducersOwnerGrantsAreGrantsToItsAccount) {
  // What core's create_data_products puts (engine_producer.cc, put_owner_grants).
  const std::string producer = unique_account();
  std::vector<GrantRow> owner;
  for (const char* permission : {"INSERT", "SELECT", "ALTER", "DELETE", "DESCRIBE", "DROP"}) {
    owner.push_back(row("*", permission, true, producer));
  }
  const std::vector<GrantRow> on_every_table = owner;
  owner.push_back(row("", "CREATE_TABLE", true, producer));
  owner.push_back(row("", "DESCRIBE", true, producer));
  ASSERT_OK(grants_->grant(owner));
  ASSERT_OK_AND_ASSIGN(const std::vector<GrantRow> found,
                       grants_->find_grants(producer, mesh_, database_, "orders"));
  EXPECT_THAT(texts(found), UnorderedElementsAreArray(texts(on_every_table)));
  // And core's evaluator reads them as it reads the self-hosted stores' rows.
  const PermissionCheck check =
      core::evaluate_grants(found, core::Permission::kSelect, database_, "orders");
  EXPECT_TRUE(check.allowed);
  EXPECT_TRUE(check.grantable);
}

TEST_F(LakeFormationGrantsTest, ASubscriptionsGrantsGoAndComeBackAsItsRows) {
  Subscription s;
  s.subscription_id = "Sub" + std::to_string(std::hash<std::string>{}(database_) % 100000);
  s.status = SubscriptionStatus::kActive;
  s.database_name = database_;
  s.table_names = {"orders", "customers"};
  s.subscriber_principal = consumer_;
  s.permitted_grants = {"SELECT", "INSERT"};
  s.grantable_grants = {"SELECT"};
  std::vector<GrantRow> rows = subscription_grants(s, mesh_);
  ASSERT_OK(grants_->grant(rows));
  ASSERT_OK_AND_ASSIGN(std::vector<GrantRow> found,
                       grants_->find_grants(consumer_, mesh_, database_, "orders"));
  for (GrantRow& r : rows) r.subscription_id.clear();  // Lake Formation knows no subscriptions
  std::vector<GrantRow> on_orders;  // what a check on orders reads: not the database's DESCRIBE
  for (const GrantRow& r : rows) {
    if (grant_answers(r.table_name, "orders")) on_orders.push_back(r);
  }
  EXPECT_THAT(texts(found), UnorderedElementsAreArray(texts(on_orders)));
  ASSERT_OK(grants_->revoke(subscription_grants(s, mesh_)));
  ASSERT_OK_AND_ASSIGN(const std::vector<GrantRow> left, grants_->list_database_grants(database_));
  EXPECT_THAT(left, IsEmpty());
}

TEST_F(LakeFormationGrantsTest, AFailedEntryIsItsLakeFormationErrorAndTheOthersAreGranted) {
  const std::vector<GrantRow> rows = {row("orders", "DESCRIBE"),
                                      row("orders", "DESCRIBE", false, "not a principal")};
  EXPECT_STATUS(grants_->grant(rows), absl::StatusCode::kInvalidArgument,
                "lakeformation BatchGrantPermissions in catalog " + mesh_ +
                    ": DESCRIBE on table " + database_ + ".orders of catalog " + mesh_ +
                    " to not a principal: InvalidInputException: Invalid principal");
  EXPECT_THAT(find("orders"), ElementsAre(grant_row_text(row("orders", "DESCRIBE"))));
  // A revoke's failure other than "No permissions revoked" is an error too.
  EXPECT_STATUS(grants_->revoke(rows), absl::StatusCode::kInvalidArgument,
                "BatchRevokePermissions in catalog " + mesh_ +
                    ": DESCRIBE on table " + database_ + ".orders of catalog " + mesh_ +
                    " to not a principal: InvalidInputException: Invalid principal");
}

TEST_F(LakeFormationGrantsTest, AnAccountWithoutASessionIsPermissionDenied) {
  const std::string stranger = unique_account();
  GrantRow elsewhere = row("orders", "SELECT");
  elsewhere.catalog_id = stranger;
  EXPECT_STATUS(grants_->grant({elsewhere}), absl::StatusCode::kPermissionDenied,
                "no AWS session for account " + stranger);
  EXPECT_STATUS(grants_->revoke({elsewhere}), absl::StatusCode::kPermissionDenied,
                "no AWS session for account " + stranger);
  EXPECT_STATUS(grants_->find_grants(consumer_, stranger, database_, "orders"),
                absl::StatusCode::kPermissionDenied, "no AWS session for account " + stranger);
  EXPECT_EQ(transport_->calls("/BatchGrantPermissions"), 0);

  const AwsSessions without_mesh("us-east-1", mesh_, {});
  const LakeFormationGrants grants(without_mesh);
  EXPECT_STATUS(grants.list_database_grants(database_), absl::StatusCode::kPermissionDenied,
                "no AWS session for account " + mesh_);
  EXPECT_STATUS(grants.grant({row("orders", "SELECT")}), absl::StatusCode::kPermissionDenied,
                "no AWS session for account " + mesh_);
}

TEST_F(LakeFormationGrantsTest, AFailedCallIsItsError) {
  // A mesh session whose Lake Formation cannot be reached (nothing listens on port 9).
  datamesh::aws::AwsClient::Options options = moto_options();
  options.environment = moto_environment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<AwsClient> unreachable, AwsClient::create(options));
  const AwsSessions sessions("us-east-1", mesh_,
                             {{mesh_, std::shared_ptr<const AwsClient>(std::move(unreachable))}});
  const LakeFormationGrants grants(sessions);
  EXPECT_STATUS(grants.grant({row("orders", "SELECT")}), absl::StatusCode::kUnavailable,
                "lakeformation BatchGrantPermissions: ");
  EXPECT_STATUS(grants.revoke({row("orders", "SELECT")}), absl::StatusCode::kUnavailable,
                "lakeformation BatchRevokePermissions: ");
  EXPECT_STATUS(grants.find_grants(consumer_, mesh_, database_, "orders"),
                absl::StatusCode::kUnavailable, "lakeformation ListPermissions: ");
  EXPECT_STATUS(grants.list_database_grants(database_), absl::StatusCode::kUnavailable,
                "lakeformation ListPermissions: ");
}

TEST_F(LakeFormationGrantsTest, NoRowsMakeNoCalls) {
  ASSERT_OK(grants_->grant({}));
  ASSERT_OK(grants_->revoke({}));
  EXPECT_EQ(transport_->calls("/BatchGrantPermissions"), 0);
  EXPECT_EQ(transport_->calls("/BatchRevokePermissions"), 0);
}

}  // namespace
}  // namespace datamesh::store::aws
