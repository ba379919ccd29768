// An admin step run again in AWS mode (Transaction::reapply_account_step): the mesh's records
// do not change, but the IAM set-up of the step is made again as this version makes it, so that
// a policy an older datamesh or the Python library wrote gets the rights datamesh needs
// (docs/AWS.md, "Taking over a mesh the Python library set up").
#include <string>

#include "aws/mesh_names.h"
#include "awsmode/aws_mesh_fixture.h"
#include "store/aws/iam_policies.h"
#include "store/aws/iam_steps.h"

namespace datamesh::aws::testing {
namespace {

using nlohmann::json;

class AccountStepsAgainTest : public AwsMeshTest {
 protected:
  // The default version's document of the customer policy `name` of `account`.
  json policy_document(const std::string& account, const std::string& name) {
    std::shared_ptr<const AwsClient> iam = moto_account_client(account);
    if (!iam) return json();
    const std::string arn = names::policy_arn(account, name);
    absl::StatusOr<json> policy = iam->call(Service::kIam, "GetPolicy", {{"PolicyArn", arn}});
    EXPECT_TRUE(policy.ok()) << policy.status();
    if (!policy.ok()) return json();
    absl::StatusOr<json> version = iam->call(
        Service::kIam, "GetPolicyVersion",
        {{"PolicyArn", arn}, {"VersionId", (*policy)["Policy"].value("DefaultVersionId", "")}});
    EXPECT_TRUE(version.ok()) << version.status();
    if (!version.ok()) return json();
    absl::StatusOr<json> document = store::aws::iam_steps::parse_policy_document(
        (*version)["PolicyVersion"].value("Document", ""));
    EXPECT_TRUE(document.ok()) << document.status();
    return document.ok() ? *document : json();
  }

  // Makes `document` the default version of the policy, as an older release would have left it.
  void set_policy_document(const std::string& account, const std::string& name,
                           const json& document) {
    std::shared_ptr<const AwsClient> iam = moto_account_client(account);
    ASSERT_NE(iam, nullptr);
    ASSERT_TRUE(iam->call(Service::kIam, "CreatePolicyVersion",
                          {{"PolicyArn", names::policy_arn(account, name)},
                           {"PolicyDocument", document.dump()},
                           {"SetAsDefault", true}})
                    .ok());
  }

  // `document` without the statement `sid`.
  static json without_statement(json document, const std::string& sid) {
    json& statements = document["Statement"];
    for (auto it = statements.begin(); it != statements.end(); ++it) {
      if (it->value("Sid", "") == sid) {
        statements.erase(it);
        return document;
      }
    }
    ADD_FAILURE() << "no statement " << sid << " in " << document.dump();
    return document;
  }

  std::size_t audit_events() {
    absl::StatusOr<json> listed =
        call(mesh(), "admin", "list_audit_events", {{"max_results", 1000}});
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? (*listed)["Events"].size() : 0;
  }
};

TEST_F(AccountStepsAgainTest, EnablingAnEnabledAccountAgainWritesItsMeshPolicyOfThisVersion) {
  set_up_mesh();
  const std::string producer_policy = "DataMeshProducerPolicy-" + producer();
  const std::string consumer_policy = "DataMeshConsumerPolicy-" + consumer();
  const json producer_current = policy_document(mesh(), producer_policy);
  const json consumer_current = policy_document(mesh(), consumer_policy);
  // Policies written before the writer lock's release was allowed (2026-12-07).
  set_policy_document(mesh(), producer_policy,
                      without_statement(producer_current, "WriterLockRelease"));
  set_policy_document(mesh(), consumer_policy,
                      without_statement(consumer_current, "WriterLockRelease"));
  const std::size_t events = audit_events();

  ASSERT_TRUE(
      call(mesh(), "admin", "enable_account_as_producer", {{"account_id", producer()}}).ok());
  EXPECT_EQ(policy_document(mesh(), producer_policy), producer_current);
  // Only the step run again: the consumer's policy stays as it was.
  EXPECT_NE(policy_document(mesh(), consumer_policy), consumer_current);
  ASSERT_TRUE(
      call(mesh(), "admin", "enable_account_as_consumer", {{"account_id", consumer()}}).ok());
  EXPECT_EQ(policy_document(mesh(), consumer_policy), consumer_current);

  // The mesh's records did not change: no audit event, the same account.
  EXPECT_EQ(audit_events(), events);
  absl::StatusOr<json> account =
      call(mesh(), "admin", "describe_account", {{"account_id", producer()}});
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ((*account)["ProducerEnabled"], true);
  EXPECT_EQ((*account)["ConsumerEnabled"], false);
}

TEST_F(AccountStepsAgainTest, InitializingAgainWritesTheAccountsPolicyOfThisVersion) {
  set_up_mesh();
  // The original's DataMeshProducerAccess has no iam:PassRole for crawler roles (its issue #3).
  const json current = policy_document(producer(), "DataMeshProducerAccess");
  json old = current;
  old["Statement"] = json::array({current["Statement"][0]});
  ASSERT_NE(old, current);
  set_policy_document(producer(), "DataMeshProducerAccess", old);
  const json consumer_current = policy_document(consumer(), "DataMeshConsumerAccess");
  const std::size_t events = audit_events();

  absl::StatusOr<json> role = call(producer(), "admin", "initialize_producer_account");
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(policy_document(producer(), "DataMeshProducerAccess"), current);
  EXPECT_EQ(policy_document(consumer(), "DataMeshConsumerAccess"), consumer_current);
  EXPECT_EQ(audit_events(), events);
}

TEST_F(AccountStepsAgainTest, EnablingAProducerTheOriginalEnabledWritesDatameshsPolicy) {
  ASSERT_TRUE(call(mesh(), "admin", "initialize_mesh_account").ok());
  // The producer's mesh role and policy as the Python library made them: a policy without
  // datamesh's tables, one of whose actions datamesh's document does not grant.
  std::shared_ptr<const AwsClient> iam = moto_account_client(mesh());
  ASSERT_NE(iam, nullptr);
  const std::string role = names::mesh_producer_role(producer());
  const std::string policy = "DataMeshProducerPolicy-" + producer();
  const json original = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Sid", "ProducerPolicy0"},
         {"Effect", "Allow"},
         {"Action", {"glue:GetDatabase", "glue:CreateJob"}},
         {"Resource", "*"}}}}};
  ASSERT_TRUE(iam->call(Service::kIam, "CreateRole",
                        {{"RoleName", role},
                         {"Path", names::kIamPath},
                         {"AssumeRolePolicyDocument",
                          store::aws::policies::trust_policy({names::account_root_arn(mesh())})
                              .dump()}})
                  .ok());
  ASSERT_TRUE(iam->call(Service::kIam, "CreatePolicy",
                        {{"PolicyName", policy},
                         {"Path", names::kIamPath},
                         {"PolicyDocument", original.dump()}})
                  .ok());
  ASSERT_TRUE(iam->call(Service::kIam, "AttachRolePolicy",
                        {{"RoleName", role}, {"PolicyArn", names::policy_arn(mesh(), policy)}})
                  .ok());
  absl::StatusOr<json> account =
      call(mesh(), "admin", "describe_account", {{"account_id", producer()}});
  ASSERT_TRUE(account.ok()) << account.status();
  ASSERT_EQ((*account)["ProducerEnabled"], true);  // read from the original's role

  ASSERT_TRUE(
      call(mesh(), "admin", "enable_account_as_producer", {{"account_id", producer()}}).ok());
  // Datamesh's document, then what the original's granted beyond it.
  const store::aws::policies::PolicyScope scope{.region = "us-east-1", .mesh_account = mesh()};
  json expected = store::aws::policies::mesh_producer_policy(scope);
  json kept = original["Statement"][0];
  kept["Action"] = {"glue:CreateJob"};
  expected["Statement"].push_back(kept);
  EXPECT_EQ(policy_document(mesh(), policy), expected);
}

}  // namespace
}  // namespace datamesh::aws::testing
