#include "store/aws/iam_policies.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "aws/mesh_names.h"
#include "base/text.h"
#include "store/aws/dynamodb_tables.h"

namespace datamesh::store::aws::policies {
namespace {

namespace names = datamesh::aws::names;
using base::cat;
using nlohmann::json;

constexpr char kVersion[] = "2012-10-17";

json document(json statements) {
  return json{{"Version", kVersion}, {"Statement", std::move(statements)}};
}

json allow(std::string_view sid, std::vector<std::string> actions, json resources) {
  return json{{"Sid", sid}, {"Effect", "Allow"}, {"Action", actions}, {"Resource", resources}};
}

std::string arn(const PolicyScope& scope, std::string_view service, std::string_view region,
                std::string_view account, std::string_view resource) {
  return cat("arn:", scope.partition, ":", service, ":", region, ":", account, ":", resource);
}

// The mesh catalog: the catalog, every database and every table of M.
json mesh_catalog(const PolicyScope& scope) {
  return json::array({arn(scope, "glue", scope.region, scope.mesh_account, "catalog"),
                      arn(scope, "glue", scope.region, scope.mesh_account, "database/*"),
                      arn(scope, "glue", scope.region, scope.mesh_account, "table/*/*")});
}

// The subscriptions tracker and its indexes, and datamesh's own tables in M (the registry, the
// audit log, the journal: all named Datamesh*), in any region as the original allows.
json mesh_tables(const PolicyScope& scope) {
  const std::string tracker(names::kSubscriptionsTable);
  return json::array({arn(scope, "dynamodb", "*", scope.mesh_account, cat("table/", tracker)),
                      arn(scope, "dynamodb", "*", scope.mesh_account,
                          cat("table/", tracker, "/index/", names::kSubscriptionsOwnerIndex)),
                      arn(scope, "dynamodb", "*", scope.mesh_account,
                          cat("table/", tracker, "/index/", names::kSubscriptionsSubscriberIndex)),
                      arn(scope, "dynamodb", "*", scope.mesh_account, "table/Datamesh*"),
                      arn(scope, "dynamodb", "*", scope.mesh_account, "table/Datamesh*/index/*")});
}

// Every write of a persona ends by releasing the mesh's writer lock: a Delete element of its
// final TransactWriteItems (or a DeleteItem), which IAM checks as dynamodb:DeleteItem. Only the
// lock's item: a persona deletes nothing else of the mesh's tables.
json writer_lock_release(const PolicyScope& scope) {
  return json{{"Sid", "WriterLockRelease"},
              {"Effect", "Allow"},
              {"Action", "dynamodb:DeleteItem"},
              {"Resource", arn(scope, "dynamodb", "*", scope.mesh_account,
                               cat("table/", journal::kTable))},
              {"Condition",
               {{"ForAllValues:StringEquals",
                 {{"dynamodb:LeadingKeys", json::array({journal::kLockId})}}}}}};
}

const std::vector<std::string>& glue_reads() {
  static const std::vector<std::string> actions = {"glue:GetDatabase",
                                                   "glue:GetDatabases",
                                                   "glue:GetTable",
                                                   "glue:GetTables",
                                                   "glue:GetTableVersion",
                                                   "glue:GetTableVersions",
                                                   "glue:GetPartition",
                                                   "glue:GetPartitions",
                                                   "glue:BatchGetPartition",
                                                   "glue:SearchTables",
                                                   "glue:GetSchema",
                                                   "glue:GetSchemaVersion",
                                                   "glue:ListSchemas",
                                                   "glue:ListSchemaVersions",
                                                   "glue:GetRegistry",
                                                   "glue:ListRegistries",
                                                   "glue:GetTags"};
  return actions;
}

// Reads of the Lake Formation service-linked role and the read-only role of M, which the
// persona roles check (and the original's personas update).
json mesh_role_reads(const PolicyScope& scope) {
  return allow("MeshRoles", {"iam:GetRole", "iam:GetRolePolicy", "iam:PutRolePolicy"},
               json::array({names::lake_formation_service_linked_role_arn(scope.mesh_account),
                            names::role_arn(scope.mesh_account, names::kMeshReadOnlyRole)}));
}

// Reading the /AwsDataMesh/ roles of M tells datamesh which accounts a mesh set up by the
// original has enabled (store/aws/account_registry.h).
json mesh_registry_reads(const PolicyScope& scope) {
  return allow("MeshAccounts", {"iam:GetRole"},
               json::array({names::role_arn(scope.mesh_account, "*")}));
}

// A string or a list of strings as a set; anything else (objects) as its own JSON text.
std::set<std::string> as_set(const json& value) {
  std::set<std::string> out;
  if (value.is_array()) {
    for (const json& item : value)
      out.insert(item.is_string() ? item.get<std::string>() : item.dump());
  } else if (value.is_string()) {
    out.insert(value.get<std::string>());
  } else if (!value.is_null()) {
    out.insert(value.dump());
  }
  return out;
}

// Principal: "*" or {"AWS"|"Service"|...: string or list}.
std::map<std::string, std::set<std::string>> principal_sets(const json& principal) {
  std::map<std::string, std::set<std::string>> out;
  if (principal.is_object()) {
    for (const auto& [kind, value] : principal.items()) out[kind] = as_set(value);
  } else if (!principal.is_null()) {
    out[""] = as_set(principal);
  }
  return out;
}

const json& member(const json& object, std::string_view key) {
  static const json null;
  if (!object.is_object()) return null;
  const auto found = object.find(key);
  return found == object.end() ? null : *found;
}

// A document's statements, a single-object Statement (as IAM allows) read as a list of one.
std::vector<json> statements_of(const json& document) {
  const json& statements = member(document, "Statement");
  if (statements.is_object()) return {statements};
  std::vector<json> out;
  if (statements.is_array()) {
    for (const json& statement : statements) {
      if (statement.is_object()) out.push_back(statement);
    }
  }
  return out;
}

}  // namespace

json mesh_read_only_policy(const PolicyScope& scope) {
  return document(json::array(
      {allow("GlueRead", glue_reads(), mesh_catalog(scope)),
       allow("LakeFormationRead",
             {"lakeformation:DescribeResource", "lakeformation:ListPermissions",
              "lakeformation:ListResources", "lakeformation:GetResourceLFTags",
              "lakeformation:GetLFTag", "lakeformation:ListLFTags"},
             // Lake Formation's actions have no resource types: IAM matches them on "*".
             "*")}));
}

json mesh_manager_policy(const PolicyScope& scope) {
  return document(json::array({allow(
      "ManageMeshIdentities",
      {"iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:AttachRolePolicy", "iam:PutRolePolicy",
       "iam:CreateRole", "iam:UpdateAssumeRolePolicy"},
      json::array({cat("arn:aws:iam::", scope.mesh_account, ":role", names::kIamPath, "*"),
                   cat("arn:aws:iam::", scope.mesh_account, ":policy", names::kIamPath, "*")}))}));
}

json mesh_producer_policy(const PolicyScope& scope) {
  return document(json::array(
      {allow(
           "GluePublish",
           {"glue:CreateDatabase", "glue:CreateTable", "glue:CreatePartition",
            "glue:BatchCreatePartition", "glue:BatchUpdatePartition", "glue:BatchDeletePartition",
            "glue:GetDatabase", "glue:GetDatabases", "glue:GetTable",
            "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition",
            "glue:UpdateDatabase", "glue:UpdateTable", "glue:UpdatePartition", "glue:SearchTables",
            "glue:TagResource", "glue:GetTags", "glue:GetResourcePolicy", "glue:PutResourcePolicy"},
           "*"),
       allow("LakeFormationPublish",
             {"lakeformation:GrantPermissions", "lakeformation:RevokePermissions",
              "lakeformation:BatchGrantPermissions", "lakeformation:BatchRevokePermissions",
              "lakeformation:ListPermissions", "lakeformation:GetDataLakeSettings",
              "lakeformation:PutDataLakeSettings", "lakeformation:GetDataAccess",
              "lakeformation:CreateLFTag", "lakeformation:GetLFTag", "lakeformation:UpdateLFTag",
              "lakeformation:DeleteLFTag", "lakeformation:AddLFTagsToResource",
              "lakeformation:GetResourceLFTags", "lakeformation:RegisterResource",
              "lakeformation:UpdateResource", "lakeformation:DescribeResource"},
             "*"),
       // A revoke of a consumer's last subscription takes the account out of M's share.
       allow("RamShare",
             {"ram:CreateResourceShare", "ram:GetResourceShares",
              "ram:GetResourceShareAssociations", "ram:DisassociateResourceShare"},
             "*"),
       allow("Tracker",
             {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
              "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem",
              "dynamodb:DescribeTable"},
             mesh_tables(scope)),
       writer_lock_release(scope), mesh_role_reads(scope), mesh_registry_reads(scope),
       json{{"Sid", "LakeFormationServiceLinkedRole"},
            {"Effect", "Allow"},
            {"Action", "iam:CreateServiceLinkedRole"},
            {"Resource", "*"},
            {"Condition",
             {{"StringEquals", {{"iam:AWSServiceName", "lakeformation.amazonaws.com"}}}}}}}));
}

json mesh_consumer_policy(const PolicyScope& scope) {
  return document(json::array(
      {allow("GlueRead", glue_reads(), mesh_catalog(scope)),
       allow("LakeFormationRead",
             {"lakeformation:DescribeResource", "lakeformation:ListPermissions",
              "lakeformation:ListResources"},
             "*"),
       allow("Tracker",
             {"dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem",
              "dynamodb:ConditionCheckItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem"},
             mesh_tables(scope)),
       writer_lock_release(scope),
       allow("RamInvitations",
             {"ram:List*", "ram:Get*", "ram:AcceptResourceShareInvitation",
              "ram:RejectResourceShareInvitation", "ram:AssociateResourceShare",
              "ram:DisassociateResourceShare"},
             "*"),
       mesh_role_reads(scope), mesh_registry_reads(scope)}));
}

json producer_account_policy(const PolicyScope& scope) {
  (void)scope;  // every statement of the producer's own account is on "*", as the original's
  return document(json::array(
      {allow("Iam", {"iam:GetRole"}, "*"),
       allow("Glue",
             {"glue:GetTables", "glue:GetTable", "glue:GetCrawler", "glue:GetDatabases",
              "glue:GetPartitions", "glue:GetDatabase", "glue:CreateDatabase", "glue:CreateTable",
              "glue:CreateCrawler", "glue:UpdateCrawler", "glue:UpdateDatabase", "glue:UpdateTable",
              "glue:TagResource", "glue:SearchTables"},
             "*"),
       allow("RamInvitations",
             {"ram:GetResourceShareInvitations", "ram:AcceptResourceShareInvitation"}, "*"),
       allow("LakeFormation",
             {"lakeformation:BatchGrantPermissions", "lakeformation:GrantPermissions",
              "lakeformation:GetResourceLFTags", "lakeformation:GetLFTag",
              // One listing tells the commit whether the account uses LF tags at all
              // (product_publication.h), sparing a GetResourceLFTags per table.
              "lakeformation:ListLFTags"},
             "*"),
       allow("BucketPolicies", {"s3:GetBucketPolicy", "s3:PutBucketPolicy"}, "*"),
       // A product's crawler runs as a role the producer names: passing it to Glue (and only
       // to Glue) is what CreateCrawler needs (the original's issue #3).
       json{{"Sid", "PassCrawlerRoles"},
            {"Effect", "Allow"},
            {"Action", "iam:PassRole"},
            {"Resource", "*"},
            {"Condition", {{"StringEquals", {{"iam:PassedToService", "glue.amazonaws.com"}}}}}}}));
}

json consumer_account_policy(const PolicyScope& scope) {
  const std::string tracker(names::kSubscriptionsTable);
  return document(json::array(
      {allow("Glue",
             {"glue:CreateDatabase", "glue:CreateTable", "glue:GetDatabase", "glue:GetDatabases",
              "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions",
              "glue:UpdateDatabase", "glue:UpdateTable", "glue:GetResourcePolicy",
              "glue:PutResourcePolicy"},
             "*"),
       allow("LakeFormation",
             {"lakeformation:DescribeResource", "lakeformation:GrantPermissions",
              "lakeformation:ListPermissions", "lakeformation:ListResources",
              "lakeformation:RegisterResource", "lakeformation:UpdateResource"},
             "*"),
       allow("Tracker",
             {"dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
              "dynamodb:Scan", "dynamodb:GetItem"},
             mesh_tables(scope)),
       allow("MeshRoles", {"iam:GetRole"}, json::array({names::role_arn(scope.mesh_account, "*")})),
       allow("Ram",
             {"ram:List*", "ram:Get*", "ram:CreateResourceShare",
              "ram:AcceptResourceShareInvitation", "ram:RejectResourceShareInvitation",
              "ram:AssociateResourceShare", "ram:DisassociateResourceShare"},
             "*")}));
}

json assume_role_policy(std::string_view role_arn) {
  return document(json::array({json{
      {"Effect", "Allow"}, {"Action", "sts:AssumeRole"}, {"Resource", std::string(role_arn)}}}));
}

json trust_policy(const std::vector<std::string>& principals) {
  return document(json::array({json{
      {"Effect", "Allow"}, {"Principal", {{"AWS", principals}}}, {"Action", "sts:AssumeRole"}}}));
}

std::optional<json> with_trusted_principals(const json& trust,
                                            const std::vector<std::string>& principals) {
  const json& statements = member(trust, "Statement");
  if (!statements.is_array() || statements.empty() || !statements[0].is_object()) {
    return trust_policy(principals);
  }
  json updated = trust;
  json& principal = updated["Statement"][0]["Principal"];
  if (!principal.is_object()) principal = json::object();
  json& aws = principal["AWS"];
  if (aws.is_string()) aws = json::array({aws});
  if (!aws.is_array()) aws = json::array();
  bool changed = false;
  for (const std::string& wanted : principals) {
    if (std::find(aws.begin(), aws.end(), json(wanted)) == aws.end()) {
      aws.push_back(wanted);
      changed = true;
    }
  }
  if (!changed) return std::nullopt;
  return updated;
}

json account_role_trust_statement(std::string_view account, std::string_view role_arn) {
  return json{{"Effect", "Allow"},
              {"Principal", {{"AWS", names::account_root_arn(account)}}},
              {"Action", "sts:AssumeRole"},
              {"Condition", {{"ArnEquals", {{"aws:PrincipalArn", std::string(role_arn)}}}}}};
}

json glue_ram_opt_in_statement(const PolicyScope& scope) {
  return json{
      {"Effect", "Allow"},
      {"Action", json::array({"glue:ShareResource"})},
      {"Principal", {{"Service", json::array({"ram.amazonaws.com"})}}},
      {"Resource", json::array({arn(scope, "glue", scope.region, scope.mesh_account, "table/*/*"),
                                arn(scope, "glue", scope.region, scope.mesh_account, "database/*"),
                                arn(scope, "glue", scope.region, scope.mesh_account, "catalog")})}};
}

bool same_grant(const json& a, const json& b) {
  return as_set(member(a, "Effect")) == as_set(member(b, "Effect")) &&
         as_set(member(a, "Action")) == as_set(member(b, "Action")) &&
         as_set(member(a, "Resource")) == as_set(member(b, "Resource")) &&
         principal_sets(member(a, "Principal")) == principal_sets(member(b, "Principal")) &&
         member(a, "Condition") == member(b, "Condition");
}

namespace {

bool same_char(char a, char b, bool ignore_case) {
  if (!ignore_case) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// IAM's wildcard match (`*` any run of characters, `?` one) of `pattern` with `text`.
bool wildcard_matches(std::string_view pattern, std::string_view text, bool ignore_case) {
  const auto same = [&](char a, char b) { return same_char(a, b, ignore_case); };
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Whether `pattern` allows everything `granted` names, itself an action or resource that may
// hold wildcards. A name without wildcards is matched; a pattern is covered only by the same
// pattern or by a prefix pattern ("ram:*" covers "ram:Get*"), which never takes too much.
bool covers(std::string_view pattern, std::string_view granted, bool ignore_case) {
  if (granted.find_first_of("*?") == std::string_view::npos) {
    return wildcard_matches(pattern, granted, ignore_case);
  }
  const auto equal = [&](std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [&](char x, char y) { return same_char(x, y, ignore_case); });
  };
  if (equal(pattern, granted)) return true;
  if (pattern.empty() || pattern.back() != '*') return false;
  const std::string_view prefix = pattern.substr(0, pattern.size() - 1);
  return prefix.find_first_of("*?") == std::string_view::npos &&
         granted.size() >= prefix.size() && equal(granted.substr(0, prefix.size()), prefix);
}

}  // namespace

bool action_matches(std::string_view pattern, std::string_view action) {
  return wildcard_matches(pattern, action, /*ignore_case=*/true);
}

json with_rights_kept(const json& ours, const json& current) {
  const std::vector<json> our_statements = statements_of(ours);
  std::set<std::string> our_sids;
  std::vector<const json*> unconditional;  // ours that allow without a condition
  for (const json& statement : our_statements) {
    if (member(statement, "Sid").is_string()) our_sids.insert(member(statement, "Sid"));
    if (member(statement, "Effect") == "Allow" && member(statement, "Condition").is_null()) {
      unconditional.push_back(&statement);
    }
  }
  // Whether one of ours allows `action` on `resource` whatever the statement's condition.
  const auto allowed = [&](const std::string& action, const std::string& resource) {
    return std::any_of(unconditional.begin(), unconditional.end(), [&](const json* mine) {
      const std::set<std::string> actions = as_set(member(*mine, "Action"));
      const std::set<std::string> resources = as_set(member(*mine, "Resource"));
      return std::any_of(actions.begin(), actions.end(),
                         [&](const std::string& a) { return covers(a, action, true); }) &&
             std::any_of(resources.begin(), resources.end(),
                         [&](const std::string& r) { return covers(r, resource, false); });
    });
  };
  json merged = ours;
  json& statements = merged["Statement"];
  for (const json& statement : statements_of(current)) {
    if (std::any_of(our_statements.begin(), our_statements.end(),
                    [&](const json& mine) { return same_grant(mine, statement); })) {
      continue;
    }
    json kept = statement;
    const std::set<std::string> actions = as_set(member(statement, "Action"));
    const std::set<std::string> resources = as_set(member(statement, "Resource"));
    if (member(statement, "Effect") == "Allow" && !statement.contains("NotAction") &&
        !statement.contains("NotResource") && !actions.empty() && !resources.empty()) {
      std::vector<std::string> left;
      for (const std::string& action : actions) {
        if (!std::all_of(resources.begin(), resources.end(),
                         [&](const std::string& r) { return allowed(action, r); })) {
          left.push_back(action);
        }
      }
      if (left.empty()) continue;
      if (left.size() < actions.size()) kept["Action"] = left;
    }
    // Sids are unique in a policy: one of ours, on a statement that is not, goes.
    const json& sid = member(kept, "Sid");
    if (sid.is_string() && our_sids.contains(sid.get<std::string>())) kept.erase("Sid");
    statements.push_back(std::move(kept));
  }
  return merged;
}

std::optional<json> with_statement(const json& policy, const json& statement) {
  json updated = policy.is_object() ? policy : json{{"Version", kVersion}};
  json& statements = updated["Statement"];
  if (statements.is_object()) statements = json::array({statements});
  if (!statements.is_array()) statements = json::array();
  for (const json& present : statements) {
    if (same_grant(present, statement)) return std::nullopt;
  }
  statements.push_back(statement);
  return updated;
}

}  // namespace datamesh::store::aws::policies
