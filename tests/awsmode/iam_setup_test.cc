// IamSetup against moto: each account change creates exactly the original's named resources
// (listed back from IAM, Lake Formation and Glue), a second run changes nothing, the catalog
// policy statement is never duplicated, and errors name their cause.
#include "store/aws/iam_setup.h"

#include <set>
#include <string>

#include "aws/mesh_names.h"
#include "aws/pagination.h"
#include "awsmode/moto_fixture.h"
#include "store/aws/iam_policies.h"
#include "store/aws/iam_steps.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws {
namespace {

namespace names = datamesh::aws::names;
using datamesh::aws::AwsClient;
using datamesh::aws::Service;
using datamesh::aws::testing::MotoTest;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

std::vector<json> list_of(const json& value) {
  if (value.is_array()) return value.get<std::vector<json>>();
  if (value.is_object()) return {value};
  return {};
}

// "<kind>:<name>" of every role, user, group and customer policy under /AwsDataMesh/.
std::set<std::string> mesh_resources(const AwsClient& iam) {
  std::set<std::string> out;
  const struct {
    const char* operation;
    const char* list;
    const char* name;
    const char* kind;
    json request;
  } listings[] = {
      {"ListRoles", "Roles", "RoleName", "role", {{"PathPrefix", names::kIamPath}}},
      {"ListUsers", "Users", "UserName", "user", {{"PathPrefix", names::kIamPath}}},
      {"ListGroups", "Groups", "GroupName", "group", {{"PathPrefix", names::kIamPath}}},
      {"ListPolicies",
       "Policies",
       "PolicyName",
       "policy",
       {{"PathPrefix", names::kIamPath}, {"Scope", "Local"}}},
  };
  for (const auto& listing : listings) {
    const absl::Status listed = datamesh::aws::for_each_page(
        [&](const json& request) { return iam.call(Service::kIam, listing.operation, request); },
        listing.request, datamesh::aws::kMarker,
        [&](const json& page) {
          for (const json& item : list_of(page.value(listing.list, json()))) {
            out.insert(std::string(listing.kind) + ":" + item.value(listing.name, ""));
          }
          return absl::OkStatus();
        });
    EXPECT_OK(listed);
  }
  return out;
}

std::set<std::string> attached_to_role(const AwsClient& iam, const std::string& role) {
  std::set<std::string> out;
  absl::StatusOr<json> listed =
      iam.call(Service::kIam, "ListAttachedRolePolicies", {{"RoleName", role}});
  EXPECT_OK(listed.status());
  if (listed.ok()) {
    for (const json& p : list_of((*listed)["AttachedPolicies"]))
      out.insert(p.value("PolicyName", ""));
  }
  return out;
}

json trust_of(const AwsClient& iam, const std::string& role) {
  absl::StatusOr<json> got = iam.call(Service::kIam, "GetRole", {{"RoleName", role}});
  EXPECT_OK(got.status());
  if (!got.ok()) return json();
  absl::StatusOr<json> trust =
      iam_steps::parse_policy_document((*got)["Role"].value("AssumeRolePolicyDocument", ""));
  EXPECT_OK(trust.status());
  return trust.ok() ? *trust : json();
}

std::vector<std::string> data_lake_admins(const AwsClient& lakeformation) {
  absl::StatusOr<json> got = lakeformation.call(Service::kLakeFormation, "GetDataLakeSettings");
  EXPECT_OK(got.status());
  std::vector<std::string> out;
  if (got.ok()) {
    for (const json& admin : (*got)["DataLakeSettings"]["DataLakeAdmins"]) {
      out.push_back(admin.value("DataLakePrincipalIdentifier", ""));
    }
  }
  return out;
}

json default_policy_document(const AwsClient& iam, const std::string& arn) {
  absl::StatusOr<json> policy = iam.call(Service::kIam, "GetPolicy", {{"PolicyArn", arn}});
  EXPECT_OK(policy.status());
  if (!policy.ok()) return json();
  absl::StatusOr<json> version =
      iam.call(Service::kIam, "GetPolicyVersion",
               {{"PolicyArn", arn}, {"VersionId", (*policy)["Policy"]["DefaultVersionId"]}});
  EXPECT_OK(version.status());
  if (!version.ok()) return json();
  absl::StatusOr<json> document =
      iam_steps::parse_policy_document((*version)["PolicyVersion"].value("Document", ""));
  EXPECT_OK(document.status());
  return document.ok() ? *document : json();
}

class IamSetupTest : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    producer_ = unique_account();
    consumer_ = unique_account();
    for (const std::string* account : {&mesh_, &producer_, &consumer_}) {
      clients_[*account] = moto_account_client(*account);
      ASSERT_NE(clients_[*account], nullptr);
    }
    sessions_ = std::make_unique<AwsSessions>("us-east-1", mesh_, clients_);
  }

  const AwsClient& client(const std::string& account) { return *clients_.at(account); }

  Account mesh_account() const {
    return Account{.account_id = mesh_, .name = "mesh", .is_mesh = true};
  }

  // The mesh set up, then `account` initialized and enabled as the persona.
  void set_up_persona(const std::string& account, bool producer) {
    const IamSetup setup(*sessions_);
    ASSERT_OK(setup.apply(std::nullopt, mesh_account()));
    Account before{.account_id = account, .name = "a"};
    Account initialized = before;
    (producer ? initialized.producer_initialized : initialized.consumer_initialized) = true;
    ASSERT_OK(setup.apply(before, initialized));
    Account enabled = initialized;
    (producer ? enabled.producer_enabled : enabled.consumer_enabled) = true;
    ASSERT_OK(setup.apply(initialized, enabled));
  }

  std::string mesh_, producer_, consumer_;
  std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>> clients_;
  std::unique_ptr<AwsSessions> sessions_;
};

TEST_F(IamSetupTest, InitializingTheMeshCreatesTheOriginalsResources) {
  const IamSetup setup(*sessions_);
  ASSERT_OK(setup.apply(std::nullopt, mesh_account()));
  const AwsClient& m = client(mesh_);
  const std::set<std::string> expected = {
      "role:DataMeshAdminReadOnly",       "role:DataMeshManager",
      "user:DataMeshAdminReadOnly",       "user:DataMeshManager",
      "group:DataMeshAdminReadOnlyGroup", "group:DataMeshManagerGroup",
      "policy:DataMeshReadOnlyPolicy",    "policy:AssumeDataMeshAdminReadOnly",
      "policy:DataMeshManagerPolicy",     "policy:AssumeDataMeshManager"};
  EXPECT_EQ(mesh_resources(m), expected);
  EXPECT_THAT(attached_to_role(m, "DataMeshManager"),
              UnorderedElementsAre("DataMeshManagerPolicy", "AssumeDataMeshAdminReadOnly"));
  EXPECT_THAT(attached_to_role(m, "DataMeshAdminReadOnly"),
              UnorderedElementsAre("DataMeshReadOnlyPolicy"));
  EXPECT_EQ(trust_of(m, "DataMeshManager")["Statement"][0]["Principal"]["AWS"],
            json({names::user_arn(mesh_, "DataMeshManager"), names::account_root_arn(mesh_)}));
  EXPECT_OK(m.call(Service::kIam, "GetRole", {{"RoleName", names::kLakeFormationServiceLinkedRole}})
                .status());

  // The manager role and the caller (moto's assumed role, under no path it can read) are the
  // Lake Formation admins; new tables get no default permissions.
  EXPECT_THAT(data_lake_admins(m), ElementsAre(names::role_arn(mesh_, "DataMeshManager"),
                                               "arn:aws:iam::" + mesh_ + ":role/DatameshTest"));
  ASSERT_OK_AND_ASSIGN(json settings, m.call(Service::kLakeFormation, "GetDataLakeSettings"));
  EXPECT_EQ(settings["DataLakeSettings"]["CreateTableDefaultPermissions"], json::array());

  ASSERT_OK_AND_ASSIGN(json policy, m.call(Service::kGlue, "GetResourcePolicy"));
  const json catalog = json::parse(policy["PolicyInJson"].get<std::string>());
  const policies::PolicyScope scope{.region = "us-east-1", .mesh_account = mesh_};
  EXPECT_EQ(catalog["Statement"], json::array({policies::glue_ram_opt_in_statement(scope)}));
}

TEST_F(IamSetupTest, ReinitializingTheMeshChangesNothing) {
  const IamSetup setup(*sessions_);
  ASSERT_OK(setup.apply(std::nullopt, mesh_account()));
  const AwsClient& m = client(mesh_);
  const std::set<std::string> first = mesh_resources(m);
  ASSERT_OK_AND_ASSIGN(json policy, m.call(Service::kGlue, "GetResourcePolicy"));
  const std::vector<std::string> admins = data_lake_admins(m);

  // The same change again (a replay after a failure), and a run from a row that had no mesh.
  ASSERT_OK(setup.apply(std::nullopt, mesh_account()));
  ASSERT_OK(setup.apply(Account{.account_id = mesh_}, mesh_account()));
  EXPECT_EQ(mesh_resources(m), first);
  ASSERT_OK_AND_ASSIGN(json again, m.call(Service::kGlue, "GetResourcePolicy"));
  EXPECT_EQ(again["PolicyHash"], policy["PolicyHash"]);
  EXPECT_EQ(again["PolicyInJson"], policy["PolicyInJson"]);
  EXPECT_EQ(data_lake_admins(m), admins);
  ASSERT_OK_AND_ASSIGN(json versions,
                       m.call(Service::kIam, "ListPolicyVersions",
                              {{"PolicyArn", names::policy_arn(mesh_, "DataMeshManagerPolicy")}}));
  EXPECT_EQ(list_of(versions["Versions"]).size(), 1u);
  // A row whose mesh flag was already set changes nothing either.
  EXPECT_OK(setup.apply(mesh_account(), mesh_account()));
}

TEST_F(IamSetupTest, TheOriginalsCatalogStatementIsRecognised) {
  // As the original writes a fresh catalog policy: Statement one object, plus a TBAC statement
  // of another consumer that must stay.
  const AwsClient& m = client(mesh_);
  const policies::PolicyScope scope{.region = "us-east-1", .mesh_account = mesh_};
  json opt_in = policies::glue_ram_opt_in_statement(scope);
  opt_in["Action"] = "glue:ShareResource";
  opt_in["Principal"]["Service"] = "ram.amazonaws.com";
  const json original = {{"Version", "2012-10-17"}, {"Statement", opt_in}};
  ASSERT_OK(m.call(Service::kGlue, "PutResourcePolicy",
                   {{"PolicyInJson", original.dump()}, {"EnableHybrid", "TRUE"}}));
  ASSERT_OK_AND_ASSIGN(json before, m.call(Service::kGlue, "GetResourcePolicy"));

  ASSERT_OK(IamSetup(*sessions_).apply(std::nullopt, mesh_account()));
  ASSERT_OK_AND_ASSIGN(json after, m.call(Service::kGlue, "GetResourcePolicy"));
  EXPECT_EQ(after["PolicyInJson"], before["PolicyInJson"]);
  EXPECT_EQ(after["PolicyHash"], before["PolicyHash"]);
}

TEST_F(IamSetupTest, InitializingAProducerCreatesItsRoleAndChain) {
  ASSERT_OK(IamSetup(*sessions_)
                .apply(Account{.account_id = producer_},
                       Account{.account_id = producer_, .producer_initialized = true}));
  const AwsClient& p = client(producer_);
  const std::string assume_mesh = "AssumeDataMeshAdminProducer-" + producer_;
  EXPECT_EQ(mesh_resources(p),
            (std::set<std::string>{"role:DataMeshProducer", "user:DataMeshProducer",
                                   "group:DataMeshProducerGroup", "policy:DataMeshProducerAccess",
                                   "policy:AssumeDataMeshProducer", "policy:" + assume_mesh}));
  EXPECT_THAT(attached_to_role(p, "DataMeshProducer"),
              UnorderedElementsAre("DataMeshProducerAccess", assume_mesh));
  EXPECT_EQ(
      default_policy_document(p, names::policy_arn(producer_, assume_mesh)),
      policies::assume_role_policy(names::role_arn(mesh_, "DataMeshAdminProducer-" + producer_)));
  EXPECT_OK(p.call(Service::kIam, "GetRole", {{"RoleName", names::kLakeFormationServiceLinkedRole}})
                .status());
  // Nothing in the mesh account.
  EXPECT_TRUE(mesh_resources(client(mesh_)).empty());
  // CREATE_DATABASE for the role in the producer's catalog.
  ASSERT_OK_AND_ASSIGN(
      json permissions,
      p.call(Service::kLakeFormation, "ListPermissions",
             {{"Principal",
               {{"DataLakePrincipalIdentifier", names::role_arn(producer_, "DataMeshProducer")}}},
              {"Resource", {{"Catalog", json::object()}}}}));
  ASSERT_EQ(permissions["PrincipalResourcePermissions"].size(), 1u) << permissions.dump();
  EXPECT_EQ(permissions["PrincipalResourcePermissions"][0]["Permissions"],
            json::array({"CREATE_DATABASE"}));
}

TEST_F(IamSetupTest, InitializingAConsumerWritesTheMeshAccountIntoItsPolicy) {
  const IamSetup setup(*sessions_);
  const Account before{.account_id = consumer_};
  const Account after{.account_id = consumer_, .consumer_initialized = true};
  ASSERT_OK(setup.apply(before, after));
  const AwsClient& c = client(consumer_);
  const std::set<std::string> first = mesh_resources(c);
  EXPECT_EQ(first,
            (std::set<std::string>{"role:DataMeshConsumer", "user:DataMeshConsumer",
                                   "group:DataMeshConsumerGroup", "policy:DataMeshConsumerAccess",
                                   "policy:AssumeDataMeshConsumer",
                                   "policy:AssumeDataMeshAdminConsumer-" + consumer_}));
  const policies::PolicyScope scope{.region = "us-east-1", .mesh_account = mesh_};
  EXPECT_EQ(default_policy_document(c, names::policy_arn(consumer_, "DataMeshConsumerAccess")),
            policies::consumer_account_policy(scope));
  ASSERT_OK(setup.apply(before, after));
  EXPECT_EQ(mesh_resources(c), first);
}

TEST_F(IamSetupTest, AChangedPolicyGetsANewDefaultVersionAndKeepsThePreviousOne) {
  // An earlier release's DataMeshConsumerAccess, with IAM's five versions.
  const AwsClient& c = client(consumer_);
  const std::string arn = names::policy_arn(consumer_, "DataMeshConsumerAccess");
  const json old = policies::assume_role_policy("arn:aws:iam::1:role/old");
  ASSERT_OK(c.call(Service::kIam, "CreatePolicy",
                   {{"PolicyName", "DataMeshConsumerAccess"},
                    {"Path", names::kIamPath},
                    {"PolicyDocument", old.dump()}}));
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(c.call(Service::kIam, "CreatePolicyVersion",
                     {{"PolicyArn", arn}, {"PolicyDocument", old.dump()}, {"SetAsDefault", true}}));
  }
  ASSERT_OK(IamSetup(*sessions_)
                .apply(Account{.account_id = consumer_},
                       Account{.account_id = consumer_, .consumer_initialized = true}));
  // Ours, then what the old one granted beyond it (an assume right ours does not give).
  const policies::PolicyScope scope{.region = "us-east-1", .mesh_account = mesh_};
  json expected = policies::consumer_account_policy(scope);
  expected["Statement"].push_back(old["Statement"][0]);
  EXPECT_EQ(default_policy_document(c, arn), expected);
  // The oldest went to make room; the one replaced stays, to roll back to.
  ASSERT_OK_AND_ASSIGN(json versions,
                       c.call(Service::kIam, "ListPolicyVersions", {{"PolicyArn", arn}}));
  std::set<std::string> ids;
  for (const json& version : list_of(versions["Versions"])) ids.insert(version["VersionId"]);
  EXPECT_EQ(ids, (std::set<std::string>{"v2", "v3", "v4", "v5", "v6"})) << versions.dump();
}

TEST_F(IamSetupTest, APolicyThatWouldOutgrowIamsLimitIsLeftAsItIs) {
  // Rights of the old version beyond ours, too many to keep within IAM's 6,144 characters.
  const AwsClient& c = client(consumer_);
  const std::string arn = names::policy_arn(consumer_, "DataMeshConsumerAccess");
  json big = policies::assume_role_policy("arn:aws:iam::1:role/old");
  for (int i = 0; i < 60; ++i) {
    big["Statement"].push_back({{"Effect", "Allow"},
                                {"Action", "sts:AssumeRole"},
                                {"Resource", "arn:aws:iam::1:role/team-role-number-" +
                                                 std::to_string(i)}});
  }
  ASSERT_OK(c.call(Service::kIam, "CreatePolicy",
                   {{"PolicyName", "DataMeshConsumerAccess"},
                    {"Path", names::kIamPath},
                    {"PolicyDocument", big.dump()}}));
  const absl::Status refused = IamSetup(*sessions_).apply(
      Account{.account_id = consumer_},
      Account{.account_id = consumer_, .consumer_initialized = true});
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(std::string(refused.message()), ::testing::HasSubstr("6144"));
  EXPECT_EQ(default_policy_document(c, arn), big);
}

TEST_F(IamSetupTest, EnablingAProducerMakesItsMeshRoleTrustItsAccountRole) {
  set_up_persona(producer_, /*producer=*/true);
  const AwsClient& m = client(mesh_);
  const std::string role = "DataMeshAdminProducer-" + producer_;
  const std::set<std::string> resources = mesh_resources(m);
  for (const std::string& name :
       {"role:" + role, "user:" + role, "group:" + role + "Group",
        "policy:DataMeshProducerPolicy-" + producer_, "policy:Assume" + role}) {
    EXPECT_TRUE(resources.contains(name)) << name;
  }
  EXPECT_EQ(resources.size(), 10u + 5u);
  EXPECT_THAT(attached_to_role(m, role), UnorderedElementsAre("DataMeshProducerPolicy-" + producer_,
                                                              "AssumeDataMeshAdminReadOnly"));
  const std::string producer_role = names::role_arn(producer_, "DataMeshProducer");
  EXPECT_EQ(trust_of(m, role)["Statement"][0]["Principal"]["AWS"],
            json({names::user_arn(mesh_, role), names::account_root_arn(mesh_), producer_role}));
  EXPECT_EQ(trust_of(m, "DataMeshAdminReadOnly")["Statement"][0]["Principal"]["AWS"].back(),
            producer_role);
  EXPECT_EQ(data_lake_admins(m).back(), names::role_arn(mesh_, role));

  // Again: nothing new, no duplicate principal or admin.
  const json trust = trust_of(m, "DataMeshAdminReadOnly");
  const std::vector<std::string> admins = data_lake_admins(m);
  ASSERT_OK(IamSetup(*sessions_)
                .apply(Account{.account_id = producer_, .producer_initialized = true},
                       Account{.account_id = producer_,
                               .producer_enabled = true,
                               .producer_initialized = true}));
  EXPECT_EQ(mesh_resources(m), resources);
  EXPECT_EQ(trust_of(m, "DataMeshAdminReadOnly"), trust);
  EXPECT_EQ(data_lake_admins(m), admins);
}

TEST_F(IamSetupTest, EnablingBeforeTheAccountInitializedTrustsItsRoleThroughItsRoot) {
  const IamSetup setup(*sessions_);
  ASSERT_OK(setup.apply(std::nullopt, mesh_account()));
  const Account enabled{.account_id = producer_, .producer_enabled = true};
  ASSERT_OK(setup.apply(Account{.account_id = producer_}, enabled));
  const AwsClient& m = client(mesh_);
  const std::string role = "DataMeshAdminProducer-" + producer_;
  const std::string producer_role = names::role_arn(producer_, "DataMeshProducer");
  const json conditioned = policies::account_role_trust_statement(producer_, producer_role);
  for (const std::string& trusting : {role, std::string("DataMeshAdminReadOnly")}) {
    const json trust = trust_of(m, trusting);
    ASSERT_EQ(trust["Statement"].size(), 2u) << trust.dump();
    EXPECT_EQ(trust["Statement"][0]["Principal"]["AWS"],
              json({names::user_arn(mesh_, trusting), names::account_root_arn(mesh_)}));
    EXPECT_EQ(trust["Statement"][1], conditioned);
  }
  // A replay changes nothing while the role is still missing.
  ASSERT_OK(setup.apply(Account{.account_id = producer_}, enabled));
  EXPECT_EQ(trust_of(m, role)["Statement"].size(), 2u);

  // The account initializes; enabling again names its role as the original does.
  Account both = enabled;
  both.producer_initialized = true;
  ASSERT_OK(setup.apply(enabled, both));
  ASSERT_OK(setup.apply(Account{.account_id = producer_}, both));
  EXPECT_EQ(trust_of(m, role)["Statement"][0]["Principal"]["AWS"].back(), producer_role);
}

TEST_F(IamSetupTest, EnablingAConsumerMakesNoLakeFormationAdmin) {
  set_up_persona(consumer_, /*producer=*/false);
  const AwsClient& m = client(mesh_);
  const std::string role = "DataMeshAdminConsumer-" + consumer_;
  EXPECT_TRUE(mesh_resources(m).contains("policy:DataMeshConsumerPolicy-" + consumer_));
  EXPECT_EQ(trust_of(m, role)["Statement"][0]["Principal"]["AWS"].back(),
            names::role_arn(consumer_, "DataMeshConsumer"));
  EXPECT_EQ(data_lake_admins(m).size(), 2u);  // the manager and the caller only
}

TEST_F(IamSetupTest, AnAccountWithoutSessionIsPermissionDenied) {
  std::map<std::string, std::shared_ptr<const AwsClient>, std::less<>> mesh_only = {
      {mesh_, clients_.at(mesh_)}};
  const AwsSessions sessions("us-east-1", mesh_, mesh_only);
  EXPECT_STATUS(IamSetup(sessions).apply(
                    std::nullopt, Account{.account_id = consumer_, .consumer_initialized = true}),
                absl::StatusCode::kPermissionDenied, "no AWS session for account " + consumer_);
  EXPECT_TRUE(mesh_resources(client(consumer_)).empty());
}

TEST_F(IamSetupTest, AnIamFailureIsReturnedWithItsCode) {
  // Enabling before the mesh exists: IAM has no AssumeDataMeshAdminReadOnly to attach.
  const absl::Status enabled =
      IamSetup(*sessions_)
          .apply(std::nullopt, Account{.account_id = producer_, .producer_enabled = true});
  EXPECT_STATUS(enabled, absl::StatusCode::kNotFound, "iam AttachRolePolicy: NoSuchEntity");
  // The steps before it stay done; the mesh set up, the same change then completes.
  EXPECT_TRUE(mesh_resources(client(mesh_)).contains("role:DataMeshAdminProducer-" + producer_));
  ASSERT_OK(IamSetup(*sessions_).apply(std::nullopt, mesh_account()));
  ASSERT_OK(IamSetup(*sessions_)
                .apply(Account{.account_id = producer_},
                       Account{.account_id = producer_, .producer_initialized = true}));
  EXPECT_OK(IamSetup(*sessions_)
                .apply(std::nullopt, Account{.account_id = producer_,
                                             .producer_enabled = true,
                                             .producer_initialized = true}));
}

TEST_F(IamSetupTest, TheMeshIsTheSessionsMeshAccount) {
  EXPECT_STATUS(
      IamSetup(*sessions_).apply(std::nullopt, Account{.account_id = producer_, .is_mesh = true}),
      absl::StatusCode::kInvalidArgument, "the mesh account is " + mesh_);
  EXPECT_STATUS(IamSetup(*sessions_)
                    .apply(std::nullopt, Account{.account_id = mesh_, .producer_enabled = true}),
                absl::StatusCode::kInvalidArgument, "cannot be a producer or consumer");
  EXPECT_TRUE(mesh_resources(client(mesh_)).empty());
}

}  // namespace
}  // namespace datamesh::store::aws
