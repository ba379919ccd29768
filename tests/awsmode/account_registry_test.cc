// AccountRegistry against moto: accounts and access keys round trip through DatameshAccounts
// and DatameshAccessKeys in the mesh account, listings are complete and ordered, the accounts
// of a mesh the original set up read from its IAM roles and tracker, and errors name causes.
#include "store/aws/account_registry.h"

#include <string>

#include "aws/mesh_names.h"
#include "awsmode/moto_fixture.h"
#include "store/aws/dynamodb_request.h"
#include "store/aws/iam_policies.h"
#include "store/aws/tracker_requests.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

namespace names = datamesh::aws::names;
using datamesh::aws::AwsClient;
using datamesh::aws::Service;
using datamesh::aws::testing::MotoTest;
using nlohmann::json;

bool same(const Account& a, const Account& b) {
  return a.account_id == b.account_id && a.name == b.name && a.is_mesh == b.is_mesh &&
         a.producer_enabled == b.producer_enabled && a.consumer_enabled == b.consumer_enabled &&
         a.producer_initialized == b.producer_initialized &&
         a.consumer_initialized == b.consumer_initialized && a.creation_date == b.creation_date;
}

bool same(const AccessKeyRow& a, const AccessKeyRow& b) {
  return a.access_key_id == b.access_key_id && a.account_id == b.account_id &&
         a.sealed_secret == b.sealed_secret && a.status == b.status &&
         a.creation_date == b.creation_date && a.revocation_date == b.revocation_date;
}

std::vector<std::string> ids(const std::vector<Account>& accounts) {
  std::vector<std::string> out;
  for (const Account& a : accounts) out.push_back(a.account_id);
  return out;
}

class AccountRegistryTest : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    mesh_client_ = moto_account_client(mesh_);
    ASSERT_NE(mesh_client_, nullptr);
    sessions_ = std::make_unique<AwsSessions>(
        "us-east-1", mesh_,
        std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>>{
            {mesh_, mesh_client_}});
    registry_ = std::make_unique<AccountRegistry>(*sessions_);
  }

  // A role of the original's in M, made with plain IAM calls as the Python library would.
  void create_original_role(const std::string& name, std::string_view path = names::kIamPath) {
    ASSERT_OK(
        mesh_client_->call(Service::kIam, "CreateRole",
                           {{"RoleName", name},
                            {"Path", path},
                            {"AssumeRolePolicyDocument",
                             policies::trust_policy({names::account_root_arn(mesh_)}).dump()}}));
  }

  std::string mesh_;
  std::shared_ptr<const AwsClient> mesh_client_;
  std::unique_ptr<AwsSessions> sessions_;
  std::unique_ptr<AccountRegistry> registry_;
};

TEST_F(AccountRegistryTest, AnEmptyMeshHasNoAccounts) {
  // No registry table yet: nothing was written.
  ASSERT_OK_AND_ASSIGN(std::optional<Account> none, registry_->get_account(unique_account()));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<Account> mesh, registry_->get_mesh_account());
  EXPECT_FALSE(mesh.has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<Account> all, registry_->list_accounts());
  EXPECT_TRUE(all.empty());
  ASSERT_OK_AND_ASSIGN(std::optional<AccessKeyRow> key, registry_->get_access_key("AKIDNONE"));
  EXPECT_FALSE(key.has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<AccessKeyRow> keys, registry_->list_access_keys(mesh_));
  EXPECT_TRUE(keys.empty());
}

TEST_F(AccountRegistryTest, AccountsRoundTripAndAreReplaced) {
  const Account mesh{.account_id = mesh_,
                     .name = "the mesh",
                     .is_mesh = true,
                     .creation_date = "2026-12-05 08:00:00"};
  ASSERT_OK(registry_->put_account(mesh));
  Account producer{
      .account_id = unique_account(), .name = "sales", .creation_date = "2026-12-05 08:00:01"};
  ASSERT_OK(registry_->put_account(producer));

  ASSERT_OK_AND_ASSIGN(std::optional<Account> got, registry_->get_account(producer.account_id));
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(same(*got, producer));
  ASSERT_OK_AND_ASSIGN(std::optional<Account> got_mesh, registry_->get_mesh_account());
  ASSERT_TRUE(got_mesh.has_value());
  EXPECT_TRUE(same(*got_mesh, mesh));

  producer.producer_enabled = true;
  producer.producer_initialized = true;
  ASSERT_OK(registry_->put_account(producer));
  ASSERT_OK_AND_ASSIGN(got, registry_->get_account(producer.account_id));
  EXPECT_TRUE(same(*got, producer));
}

TEST_F(AccountRegistryTest, ListingIsEveryAccountByIdIncludingTakenOverOnes) {
  std::vector<std::string> expected = {mesh_};
  for (int i = 0; i < 3; ++i) {
    expected.push_back(unique_account());
    ASSERT_OK(registry_->put_account(Account{.account_id = expected.back(), .name = "n"}));
  }
  ASSERT_OK(registry_->put_account(Account{.account_id = mesh_, .name = "m", .is_mesh = true}));
  // An account only the original knows: its mesh role.
  expected.push_back(unique_account());
  create_original_role(names::mesh_consumer_role(expected.back()));
  std::sort(expected.begin(), expected.end());

  ASSERT_OK_AND_ASSIGN(std::vector<Account> all, registry_->list_accounts());
  EXPECT_EQ(ids(all), expected);
}

TEST_F(AccountRegistryTest, AMeshTheOriginalSetUpIsTakenOver) {
  const std::string producer = unique_account();
  const std::string consumer = unique_account();
  const std::string both = unique_account();
  // What the Python library leaves in M: the tracker and the persona roles.
  const DynamoRequest tracker = create_tracker_table();
  ASSERT_OK(mesh_client_->call(Service::kDynamoDb, tracker.operation, tracker.body));
  create_original_role(names::mesh_producer_role(producer));
  create_original_role(names::mesh_consumer_role(consumer));
  create_original_role(names::mesh_producer_role(both));
  create_original_role(names::mesh_consumer_role(both));
  // Not the original's: another path.
  const std::string stranger = unique_account();
  create_original_role(names::mesh_producer_role(stranger), "/elsewhere/");

  ASSERT_OK_AND_ASSIGN(std::optional<Account> mesh, registry_->get_mesh_account());
  ASSERT_TRUE(mesh.has_value());
  EXPECT_TRUE(mesh->is_mesh);
  EXPECT_EQ(mesh->account_id, mesh_);
  EXPECT_EQ(mesh->creation_date.size(), 19u) << mesh->creation_date;

  ASSERT_OK_AND_ASSIGN(std::optional<Account> p, registry_->get_account(producer));
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->producer_enabled && p->producer_initialized);
  EXPECT_FALSE(p->consumer_enabled || p->consumer_initialized || p->is_mesh);
  EXPECT_EQ(p->name, producer);
  EXPECT_EQ(p->creation_date.size(), 19u) << p->creation_date;

  ASSERT_OK_AND_ASSIGN(std::optional<Account> c, registry_->get_account(consumer));
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->consumer_enabled && c->consumer_initialized);
  EXPECT_FALSE(c->producer_enabled);

  ASSERT_OK_AND_ASSIGN(std::optional<Account> b, registry_->get_account(both));
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(b->producer_enabled && b->consumer_enabled);

  ASSERT_OK_AND_ASSIGN(std::optional<Account> s, registry_->get_account(stranger));
  EXPECT_FALSE(s.has_value());

  ASSERT_OK_AND_ASSIGN(std::vector<Account> all, registry_->list_accounts());
  std::vector<std::string> expected = {mesh_, producer, consumer, both};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids(all), expected);
  for (const Account& a : all) {
    if (a.account_id == both) {
      EXPECT_TRUE(a.producer_enabled && a.consumer_enabled);
    }
  }

  // Once datamesh writes an item, the item is the account.
  ASSERT_OK(registry_->put_account(
      Account{.account_id = producer, .name = "sales", .producer_enabled = true}));
  ASSERT_OK_AND_ASSIGN(p, registry_->get_account(producer));
  EXPECT_EQ(p->name, "sales");
  EXPECT_FALSE(p->producer_initialized);
}

TEST_F(AccountRegistryTest, AccessKeysRoundTripAndListPerAccount) {
  const std::string account = unique_account();
  AccessKeyRow first{.access_key_id = "AKIDFIRST",
                     .account_id = account,
                     .sealed_secret = std::string("\0sealed\xff\x01", 9),
                     .status = "Active",
                     .creation_date = "2026-12-05 08:00:00"};
  const AccessKeyRow second{.access_key_id = "AKIDSECOND",
                            .account_id = account,
                            .sealed_secret = "s2",
                            .status = "Active",
                            .creation_date = "2026-12-05 07:00:00"};
  const AccessKeyRow other{.access_key_id = "AKIDOTHER",
                           .account_id = unique_account(),
                           .sealed_secret = "s3",
                           .status = "Active",
                           .creation_date = "2026-12-05 06:00:00"};
  for (const AccessKeyRow& key : {first, second, other}) ASSERT_OK(registry_->put_access_key(key));

  ASSERT_OK_AND_ASSIGN(std::optional<AccessKeyRow> got, registry_->get_access_key("AKIDFIRST"));
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(same(*got, first));

  first.status = "Revoked";
  first.revocation_date = "2026-12-05 09:00:00";
  ASSERT_OK(registry_->put_access_key(first));
  ASSERT_OK_AND_ASSIGN(std::vector<AccessKeyRow> keys, registry_->list_access_keys(account));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_TRUE(same(keys[0], second));  // by creation date
  EXPECT_TRUE(same(keys[1], first));
}

TEST_F(AccountRegistryTest, TheElementsCommitInOneTransaction) {
  ASSERT_OK(registry_->ensure_tables());
  ASSERT_OK(registry_->ensure_tables());  // again: the tables exist, nothing to do
  const Account mesh{.account_id = mesh_, .name = "m", .is_mesh = true};
  const AccessKeyRow key{.access_key_id = "AKIDMESH",
                         .account_id = mesh_,
                         .sealed_secret = "sealed",
                         .status = "Active"};
  ASSERT_OK_AND_ASSIGN(json account_element, registry_->put_account_element(mesh));
  EXPECT_EQ(account_element["Put"]["TableName"], "DatameshAccounts");
  EXPECT_EQ(account_element["Put"]["Item"]["IsMesh"], json({{"BOOL", true}}));
  const DynamoRequest commit =
      transact_write_items({account_element, registry_->put_access_key_element(key)}, "");
  ASSERT_OK(mesh_client_->call(Service::kDynamoDb, commit.operation, commit.body));
  ASSERT_OK_AND_ASSIGN(std::optional<Account> got, registry_->get_mesh_account());
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(same(*got, mesh));
  ASSERT_OK_AND_ASSIGN(std::optional<AccessKeyRow> got_key, registry_->get_access_key("AKIDMESH"));
  ASSERT_TRUE(got_key.has_value());
  EXPECT_TRUE(same(*got_key, key));
}

TEST_F(AccountRegistryTest, OnlyTheSessionsMeshAccountIsTheMesh) {
  const Account other{.account_id = unique_account(), .name = "x", .is_mesh = true};
  EXPECT_STATUS(registry_->put_account(other), absl::StatusCode::kInvalidArgument,
                "the mesh account is " + mesh_);
  EXPECT_STATUS(registry_->put_account_element(other).status(), absl::StatusCode::kInvalidArgument,
                "the mesh account is " + mesh_);
  // A registered account that is not the mesh does not read as the mesh.
  ASSERT_OK(registry_->put_account(Account{.account_id = mesh_, .name = "m"}));
  ASSERT_OK_AND_ASSIGN(std::optional<Account> mesh, registry_->get_mesh_account());
  EXPECT_FALSE(mesh.has_value());
}

TEST_F(AccountRegistryTest, WithoutAMeshSessionEveryCallIsPermissionDenied) {
  const AwsSessions none("us-east-1", mesh_, {});
  const AccountRegistry registry(none);
  const std::string denied = "no AWS session for account " + mesh_;
  EXPECT_STATUS(registry.get_account(mesh_).status(), absl::StatusCode::kPermissionDenied, denied);
  EXPECT_STATUS(registry.get_mesh_account().status(), absl::StatusCode::kPermissionDenied, denied);
  EXPECT_STATUS(registry.list_accounts().status(), absl::StatusCode::kPermissionDenied, denied);
  EXPECT_STATUS(registry.put_account(Account{.account_id = mesh_}),
                absl::StatusCode::kPermissionDenied, denied);
  EXPECT_STATUS(registry.get_access_key("AKID").status(), absl::StatusCode::kPermissionDenied,
                denied);
  EXPECT_STATUS(registry.put_access_key(AccessKeyRow{.access_key_id = "AKID"}),
                absl::StatusCode::kPermissionDenied, denied);
  EXPECT_STATUS(registry.list_access_keys(mesh_).status(), absl::StatusCode::kPermissionDenied,
                denied);
  EXPECT_STATUS(registry.ensure_tables(), absl::StatusCode::kPermissionDenied, denied);
}

TEST_F(AccountRegistryTest, AnItemOfTheWrongShapeIsInvalidArgument) {
  ASSERT_OK(registry_->ensure_tables());
  const std::string account = unique_account();
  ASSERT_OK(mesh_client_->call(
      Service::kDynamoDb, "PutItem",
      {{"TableName", "DatameshAccounts"},
       {"Item", {{"AccountId", {{"S", account}}}, {"IsMesh", {{"S", "yes"}}}}}}));
  EXPECT_STATUS(registry_->get_account(account).status(), absl::StatusCode::kInvalidArgument,
                "IsMesh");
  ASSERT_OK(mesh_client_->call(Service::kDynamoDb, "PutItem",
                               {{"TableName", "DatameshAccessKeys"},
                                {"Item",
                                 {{"AccessKeyId", {{"S", "AKIDBAD"}}},
                                  {"AccountId", {{"S", account}}},
                                  {"Status", {{"S", "Active"}}}}}}));
  EXPECT_STATUS(registry_->get_access_key("AKIDBAD").status(), absl::StatusCode::kInvalidArgument,
                "SealedSecret");
}

TEST_F(AccountRegistryTest, AnAwsErrorIsReturnedWithItsCode) {
  // A table of that name but another key: DynamoDB refuses the item.
  ASSERT_OK(mesh_client_->call(
      Service::kDynamoDb, "CreateTable",
      {{"TableName", "DatameshAccounts"},
       {"KeySchema", {{{"AttributeName", "Other"}, {"KeyType", "HASH"}}}},
       {"AttributeDefinitions", {{{"AttributeName", "Other"}, {"AttributeType", "S"}}}},
       {"BillingMode", "PAY_PER_REQUEST"}}));
  EXPECT_STATUS(registry_->put_account(Account{.account_id = unique_account()}),
                absl::StatusCode::kInvalidArgument, "dynamodb PutItem: ValidationException");
}

}  // namespace
}  // namespace datamesh::store::aws
