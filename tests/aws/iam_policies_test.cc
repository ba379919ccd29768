// The policy documents of AWS mode (store/aws/iam_policies.h) and their idempotent edits: what
// each grants, that no account id is left empty (the original's bug), and that a statement or
// principal already present, however spelt, is not added again.
#include "store/aws/iam_policies.h"

#include <functional>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/aws/iam_steps.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws::policies {
namespace {

using nlohmann::json;

const PolicyScope kScope{.partition = "aws", .region = "eu-west-1", .mesh_account = "111122223333"};

std::vector<json> every_document() {
  return {mesh_read_only_policy(kScope),   mesh_manager_policy(kScope),
          mesh_producer_policy(kScope),    mesh_consumer_policy(kScope),
          producer_account_policy(kScope), consumer_account_policy(kScope)};
}

// Every string of `value`, recursively.
void strings_of(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_structured()) {
    for (const json& item : value) strings_of(item, out);
  }
}

std::set<std::string> actions_of(const json& document) {
  std::set<std::string> actions;
  for (const json& statement : document["Statement"]) {
    std::vector<std::string> listed;
    strings_of(statement["Action"], listed);
    actions.insert(listed.begin(), listed.end());
  }
  return actions;
}

TEST(IamPoliciesTest, EveryDocumentIsWellFormedWithDistinctSids) {
  for (const json& document : every_document()) {
    EXPECT_EQ(document["Version"], "2012-10-17");
    ASSERT_TRUE(document["Statement"].is_array()) << document.dump();
    std::set<std::string> sids;
    for (const json& statement : document["Statement"]) {
      EXPECT_EQ(statement["Effect"], "Allow") << statement.dump();
      EXPECT_TRUE(statement.contains("Action")) << statement.dump();
      EXPECT_TRUE(statement.contains("Resource")) << statement.dump();
      EXPECT_TRUE(sids.insert(statement["Sid"].get<std::string>()).second) << statement.dump();
    }
  }
}

TEST(IamPoliciesTest, NoArnLeavesItsAccountEmpty) {
  // The original renders the account policies without context: arn:aws:dynamodb:*::table/...
  for (const json& document : every_document()) {
    std::vector<std::string> texts;
    strings_of(document, texts);
    for (const std::string& text : texts) {
      if (!text.starts_with("arn:") || text.starts_with("arn:aws:s3:::")) continue;
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("::table")));
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("::role")));
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(":::")));
    }
  }
  const std::string consumer = consumer_account_policy(kScope).dump();
  EXPECT_THAT(consumer, ::testing::HasSubstr(
                            "arn:aws:dynamodb:*:111122223333:table/AwsDataMeshSubscriptions"));
}

TEST(IamPoliciesTest, ManagerPolicyMatchesEverythingUnderTheMeshPath) {
  const json manager = mesh_manager_policy(kScope);
  EXPECT_EQ(manager["Statement"][0]["Resource"],
            json::array({"arn:aws:iam::111122223333:role/AwsDataMesh/*",
                         "arn:aws:iam::111122223333:policy/AwsDataMesh/*"}));
  EXPECT_TRUE(actions_of(manager).contains("iam:CreateRole"));
}

TEST(IamPoliciesTest, ProducerMayPassRolesToGlueOnly) {
  const json producer = producer_account_policy(kScope);
  bool found = false;
  for (const json& statement : producer["Statement"]) {
    if (statement["Action"] != "iam:PassRole") continue;
    found = true;
    EXPECT_EQ(statement["Condition"]["StringEquals"]["iam:PassedToService"], "glue.amazonaws.com");
  }
  EXPECT_TRUE(found) << producer.dump();
  EXPECT_TRUE(actions_of(producer).contains("glue:CreateCrawler"));
  EXPECT_FALSE(actions_of(mesh_consumer_policy(kScope)).contains("iam:PassRole"));
}

TEST(IamPoliciesTest, ProducerMeshRoleMayWriteTheTrackerAndDatameshTables) {
  const json producer = mesh_producer_policy(kScope);
  EXPECT_TRUE(actions_of(producer).contains("lakeformation:BatchGrantPermissions"));
  EXPECT_TRUE(actions_of(producer).contains("dynamodb:PutItem"));
  EXPECT_THAT(producer.dump(),
              ::testing::HasSubstr("arn:aws:dynamodb:*:111122223333:table/Datamesh*"));
  EXPECT_THAT(producer.dump(), ::testing::HasSubstr("table/AwsDataMeshSubscriptions/index/"
                                                    "AwsDataMeshSubscriptions-Owner"));
}

// Every write of a persona releases the writer lock with a Delete element (IAM checks it as
// dynamodb:DeleteItem); moto checks no policy, so only this test can see it missing. The
// right covers the lock's item and nothing else.
// RamShares::holds_resources and disassociate, when a revoke ends the consumer's last
// subscription (moto checks no policy).
TEST(IamPoliciesTest, ProducerMeshRoleMayTakeAConsumerOutOfTheMeshShare) {
  const std::set<std::string> actions = actions_of(mesh_producer_policy(kScope));
  EXPECT_TRUE(actions.contains("ram:GetResourceShareAssociations"));
  EXPECT_TRUE(actions.contains("ram:DisassociateResourceShare"));
}

TEST(IamPoliciesTest, BothPersonasMayReleaseTheWriterLockAndDeleteNothingElse) {
  for (const json& document : {mesh_producer_policy(kScope), mesh_consumer_policy(kScope)}) {
    std::vector<json> deleting;
    for (const json& statement : document["Statement"]) {
      std::vector<std::string> actions;
      strings_of(statement["Action"], actions);
      for (const std::string& action : actions) {
        if (action == "dynamodb:DeleteItem" || action == "dynamodb:*" ||
            action == "dynamodb:*Item" || action == "dynamodb:Delete*") {
          deleting.push_back(statement);
        }
      }
    }
    ASSERT_EQ(deleting.size(), 1u) << document.dump(2);
    EXPECT_EQ(deleting[0]["Resource"], "arn:aws:dynamodb:*:111122223333:table/DatameshJournal");
    EXPECT_EQ(deleting[0]["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"],
              json::array({"mesh-writer"}));
  }
}

TEST(IamPoliciesTest, AssumeAndTrustDocuments) {
  EXPECT_EQ(assume_role_policy("arn:aws:iam::1:role/AwsDataMesh/X")["Statement"][0],
            json({{"Effect", "Allow"},
                  {"Action", "sts:AssumeRole"},
                  {"Resource", "arn:aws:iam::1:role/AwsDataMesh/X"}}));
  EXPECT_EQ(trust_policy({"a", "b"})["Statement"][0]["Principal"]["AWS"], json({"a", "b"}));
}

TEST(IamPoliciesTest, AnAccountRoleNotYetMadeIsTrustedThroughItsRootOnCondition) {
  const json statement =
      account_role_trust_statement("222233334444", "arn:aws:iam::222233334444:role/AwsDataMesh/P");
  EXPECT_EQ(statement["Principal"]["AWS"], "arn:aws:iam::222233334444:root");
  EXPECT_EQ(statement["Condition"]["ArnEquals"]["aws:PrincipalArn"],
            "arn:aws:iam::222233334444:role/AwsDataMesh/P");
  // Added once to a trust, next to (not inside) the original's first statement.
  const std::optional<json> trust = with_statement(trust_policy({"a"}), statement);
  ASSERT_TRUE(trust.has_value());
  EXPECT_EQ((*trust)["Statement"][0], trust_policy({"a"})["Statement"][0]);
  EXPECT_FALSE(with_statement(*trust, statement).has_value());
}

TEST(IamPoliciesTest, TrustAddsOnlyMissingPrincipals) {
  const json trust = trust_policy({"a"});
  const std::optional<json> added = with_trusted_principals(trust, {"a", "b"});
  ASSERT_TRUE(added.has_value());
  EXPECT_EQ((*added)["Statement"][0]["Principal"]["AWS"], json({"a", "b"}));
  EXPECT_FALSE(with_trusted_principals(*added, {"b", "a"}).has_value());

  // IAM answers a single principal as a string: it is promoted, not lost.
  json single = trust;
  single["Statement"][0]["Principal"]["AWS"] = "a";
  EXPECT_FALSE(with_trusted_principals(single, {"a"}).has_value());
  EXPECT_EQ((*with_trusted_principals(single, {"c"}))["Statement"][0]["Principal"]["AWS"],
            json({"a", "c"}));
  // A document with no statement gets the trust statement.
  EXPECT_EQ(*with_trusted_principals(json::object(), {"a"}), trust_policy({"a"}));
}

TEST(IamPoliciesTest, CatalogStatementIsAddedOnce) {
  const json statement = glue_ram_opt_in_statement(kScope);
  EXPECT_EQ(statement["Resource"][2], "arn:aws:glue:eu-west-1:111122223333:catalog");
  const std::optional<json> fresh = with_statement(json(), statement);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ((*fresh)["Statement"], json::array({statement}));
  EXPECT_FALSE(with_statement(*fresh, statement).has_value());

  // As the original writes it: Statement a single object; strings where we write lists; and
  // a Sid. Still the same grant.
  json original = {{"Version", "2012-10-17"},
                   {"Statement",
                    {{"Sid", "x"},
                     {"Effect", "Allow"},
                     {"Action", "glue:ShareResource"},
                     {"Principal", {{"Service", "ram.amazonaws.com"}}},
                     {"Resource", json::array({statement["Resource"][2], statement["Resource"][0],
                                               statement["Resource"][1]})}}}};
  EXPECT_FALSE(with_statement(original, statement).has_value());

  // Another statement (a conditioned TBAC one) is kept, and the single object becomes a list.
  json tbac = statement;
  tbac["Condition"] = {{"Bool", {{"glue:EvaluatedByLakeFormationTags", "true"}}}};
  const std::optional<json> both = with_statement(original, tbac);
  ASSERT_TRUE(both.has_value());
  ASSERT_TRUE((*both)["Statement"].is_array());
  EXPECT_EQ((*both)["Statement"].size(), 2u);
  EXPECT_FALSE(same_grant(statement, tbac));
}

TEST(IamPoliciesTest, PolicyDocumentsParseEncodedOrPlain) {
  ASSERT_OK_AND_ASSIGN(json plain, iam_steps::parse_policy_document(R"({"a":"b c"})"));
  EXPECT_EQ(plain, json({{"a", "b c"}}));
  ASSERT_OK_AND_ASSIGN(json encoded,
                       iam_steps::parse_policy_document("%7B%22a%22%3A%22b%20c%2B%22%7D"));
  EXPECT_EQ(encoded, json({{"a", "b c+"}}));
  EXPECT_STATUS(iam_steps::parse_policy_document("%7Bnot"), absl::StatusCode::kInvalidArgument,
                "not a JSON object");
}

TEST(IamPoliciesTest, ActionPatternsMatchAsIamMatchesThem) {
  EXPECT_TRUE(action_matches("glue:Get*", "glue:GetTables"));
  EXPECT_TRUE(action_matches("GLUE:get*", "glue:GetTables"));  // actions ignore case
  EXPECT_TRUE(action_matches("ram:*Share", "ram:CreateResourceShare"));
  EXPECT_TRUE(action_matches("ram:Get?", "ram:GetX"));
  EXPECT_FALSE(action_matches("ram:Get?", "ram:GetXY"));
  EXPECT_FALSE(action_matches("glue:Get*", "glue:CreateTable"));
  EXPECT_FALSE(action_matches("glue:GetTable", "glue:GetTables"));
  EXPECT_TRUE(action_matches("*", "anything:AtAll"));
}

// A producer mesh policy as the Python library writes it (its Sids ProducerPolicyN): Glue and
// Lake Formation on "*", some of which datamesh's own document lacks, the tracker, and IAM reads
// of two roles datamesh's document does not name.
json originals_producer_policy() {
  return json::parse(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "ProducerPolicy0", "Effect": "Allow", "Resource": "*",
     "Action": ["glue:CreateTable", "glue:GetTables", "glue:CreateJob", "glue:GetSchema"]},
    {"Sid": "ProducerPolicy1", "Effect": "Allow", "Resource": "*",
     "Action": ["lakeformation:GrantPermissions", "lakeformation:ListResources"]},
    {"Sid": "ProducerPolicy2", "Effect": "Allow", "Resource": "*",
     "Action": "ram:CreateResourceShare"},
    {"Sid": "ProducerPolicy3", "Effect": "Allow", "Action": ["dynamodb:GetItem"],
     "Resource": ["arn:aws:dynamodb:*:111122223333:table/AwsDataMeshSubscriptions"]},
    {"Sid": "ProducerPolicy4", "Effect": "Allow", "Action": ["iam:GetRole", "iam:PutRolePolicy"],
     "Resource": ["arn:aws:iam::111122223333:role/AwsDataMesh/DataMeshAdminReadOnly"]},
    {"Sid": "ProducerPolicy5", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
     "Resource": "*",
     "Condition": {"StringEquals": {"iam:AWSServiceName": "lakeformation.amazonaws.com"}}},
    {"Effect": "Deny", "Action": "glue:DeleteDatabase", "Resource": "*"},
    {"Sid": "Tracker", "Effect": "Allow", "Action": ["dynamodb:GetItem"],
     "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/TeamCatalog"},
    {"Sid": "GluePublish", "Effect": "Deny", "Action": "glue:DeleteTable", "Resource": "*"}]})");
}

TEST(IamPoliciesTest, OurDocumentKeepsWhatTheCurrentOneGrantsBeyondIt) {
  const json ours = mesh_producer_policy(kScope);
  const json merged = with_rights_kept(ours, originals_producer_policy());
  const std::vector<json> statements = merged["Statement"].get<std::vector<json>>();
  ASSERT_GE(statements.size(), ours["Statement"].size());
  // Ours first, whole.
  EXPECT_EQ(json(std::vector<json>(statements.begin(),
                                   statements.begin() + ours["Statement"].size())),
            ours["Statement"]);
  // Then what ours lacks: the actions ours does not allow on their statement's resources, with
  // those resources. Gone: the statements ours covers whole (ProducerPolicy2; ProducerPolicy3,
  // the tracker's; ProducerPolicy4, ours' MeshRoles), and ProducerPolicy5, which ours grants the
  // same. Kept: the Denies, and an admin's statements whose Sids are ours' (without the Sid).
  const std::vector<json> kept(statements.begin() + ours["Statement"].size(), statements.end());
  const json original = originals_producer_policy()["Statement"];
  ASSERT_EQ(kept.size(), 5u) << json(kept).dump(1);
  EXPECT_EQ(kept[0]["Sid"], "ProducerPolicy0");
  EXPECT_EQ(kept[0]["Action"], json({"glue:CreateJob", "glue:GetSchema"}));
  EXPECT_EQ(kept[0]["Resource"], "*");
  EXPECT_EQ(kept[1]["Action"], json({"lakeformation:ListResources"}));
  EXPECT_EQ(kept[2], original[6]);
  json tracker = original[7];
  tracker.erase("Sid");
  EXPECT_EQ(kept[3], tracker);
  json deny = original[8];
  deny.erase("Sid");
  EXPECT_EQ(kept[4], deny);
}

TEST(IamPoliciesTest, OurOlderStatementsAreReplacedAndAMergeIsStable) {
  const json ours = mesh_consumer_policy(kScope);
  // An older datamesh's: the same Sids, fewer actions, and one statement since removed whose
  // actions ours grants on "*" (so nothing of it is kept).
  json older = ours;
  older["Statement"].erase(older["Statement"].begin());
  older["Statement"][0]["Action"] = json::array({"lakeformation:ListPermissions"});
  older["Statement"].push_back(
      {{"Sid", "Removed"}, {"Effect", "Allow"}, {"Action", "RAM:ListResources"},
       {"Resource", "*"}});
  EXPECT_EQ(with_rights_kept(ours, older), ours);
  // A policy merged once merges into itself: a re-run writes no new version.
  const json merged = with_rights_kept(ours, originals_producer_policy());
  EXPECT_EQ(with_rights_kept(ours, merged), merged);
  // A wildcard action is kept unless ours names the same pattern; a single statement object is
  // read as a list of one.
  const json wildcard = {
      {"Version", "2012-10-17"},
      {"Statement", {{"Effect", "Allow"}, {"Action", {"ram:*", "ram:Get*"}}, {"Resource", "*"}}}};
  const json with_wildcard = with_rights_kept(ours, wildcard);
  EXPECT_EQ(with_wildcard["Statement"].back()["Action"], json({"ram:*"}));
  // A resource pattern is covered only by the same or a prefix pattern; a name by a match.
  const json tables = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"},
         {"Action", "dynamodb:GetItem"},
         {"Resource", "arn:aws:dynamodb:*:111122223333:table/Datamesh*"}},
        {{"Effect", "Allow"},
         {"Action", "dynamodb:GetItem"},
         {"Resource", "arn:aws:dynamodb:*:111122223333:table/D*"}},
        {{"Effect", "Allow"},
         {"Action", "dynamodb:GetItem"},
         {"Resource", "arn:aws:dynamodb:*:111122223333:table/datameshaccounts"}}}}};
  const json kept = with_rights_kept(ours, tables)["Statement"];
  ASSERT_EQ(kept.size(), ours["Statement"].size() + 2) << kept.dump(1);
  EXPECT_EQ(kept[kept.size() - 2], tables["Statement"][1]);  // wider than ours
  EXPECT_EQ(kept.back(), tables["Statement"][2]);             // resources keep their case
}

}  // namespace
}  // namespace datamesh::store::aws::policies
