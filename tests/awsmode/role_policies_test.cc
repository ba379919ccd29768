// The IAM policies datamesh writes for the personas' roles, checked against the calls those
// roles really make. moto checks no IAM policy (docs/AWS.md, "Running against moto"), so a
// right missing from a policy passed every other test and failed only on AWS: the writer
// lock's DeleteItem (every write), the producer's RAM disassociation, a consumer's Lake
// Formation revocations. This test fills that gap in the harness: it records every call of the
// documented workflow, tells each call's role by the keys AssumeRole gave it, reads the
// policies attached to that role from moto's IAM, and evaluates the call against them.
//
// The evaluation models what datamesh's policies use: Allow statements, Action and Resource
// globs, and the dynamodb:LeadingKeys condition. DynamoDB calls are checked against their table
// (or index) ARN and, for TransactWriteItems, element by element as IAM checks them; other
// services by action only (their statements name "*" or the mesh's catalog). Lake Formation's
// own check (a data lake admin, or the grant option) is outside IAM: roles that are not data
// lake admins of M are held to making no grant or revocation there.
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "awsmode/aws_mesh_fixture.h"
#include "awsmode/failing_transport.h"
#include "base/text.h"
#include "store/aws/iam_policies.h"
#include "store/aws/iam_steps.h"

namespace datamesh::aws::testing {
namespace {

using base::cat;
using nlohmann::json;

// One call as sent: the key that signed it, the service of its credential scope, its operation.
struct RecordedCall {
  std::string key_id;
  std::string service;
  std::string operation;
  std::string body;
};

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

// The value of `name=` in a query-protocol body, decoded; "" when absent.
std::string form_value(std::string_view body, std::string_view name) {
  const std::vector<std::string> pairs = absl::StrSplit(std::string(body), '&');
  for (const std::string& pair : pairs) {
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
      return percent_decoded(std::string_view(pair).substr(name.size() + 1));
    }
  }
  return "";
}

// Sends every call to moto, keeping what the check needs: which role each key belongs to (from
// the AssumeRole calls) and every call made.
class RecordingTransport final : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> send(std::string_view origin, const HttpRequest& request) override {
    absl::StatusOr<HttpResponse> response = real_.send(origin, request);
    RecordedCall call{.body = request.body};
    // "AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ..."
    const std::string authorization = header_value(request, "Authorization").value_or("");
    if (const size_t at = authorization.find("Credential="); at != std::string::npos) {
      const std::vector<std::string> scope = absl::StrSplit(
          authorization.substr(at + 11, authorization.find(',', at) - at - 11), '/');
      if (scope.size() >= 4) {
        call.key_id = scope[0];
        call.service = scope[3];
      }
    }
    call.operation = operation_of(request);
    std::lock_guard lock(mutex_);
    if (call.operation == "AssumeRole" && response.ok() && response->status == 200) {
      const std::string& xml = response->body;
      const size_t open = xml.find("<AccessKeyId>");
      const size_t close = xml.find("</AccessKeyId>");
      if (open != std::string::npos && close != std::string::npos) {
        roles_[xml.substr(open + 13, close - open - 13)] = form_value(request.body, "RoleArn");
      }
    }
    calls_.push_back(std::move(call));
    return response;
  }

  std::vector<RecordedCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  // The role ARN whose AssumeRole gave `key_id`, "" for another key.
  std::string role_of(const std::string& key_id) const {
    std::lock_guard lock(mutex_);
    auto found = roles_.find(key_id);
    return found == roles_.end() ? "" : found->second;
  }

 private:
  CurlTransport real_;
  mutable std::mutex mutex_;
  std::vector<RecordedCall> calls_;
  std::map<std::string, std::string> roles_;
};

// What IAM checks for one call: an action, the resource ("*" where only the action is modelled)
// and, for DynamoDB, the item's partition key value (dynamodb:LeadingKeys).
struct Need {
  std::string action;
  std::string resource = "*";
  std::string leading_key;
};

std::string first_key_value(const json& key) {
  if (!key.is_object() || key.empty()) return "";
  const json& value = key.begin().value();
  return value.is_object() && value.contains("S") ? value["S"].get<std::string>() : "";
}

std::vector<Need> needs_of(const RecordedCall& call, const std::string& region,
                           const std::string& account) {
  if (call.service != "dynamodb") return {{.action = cat(call.service, ":", call.operation)}};
  const json body = json::parse(call.body, nullptr, /*allow_exceptions=*/false);
  const auto table_arn = [&](const json& request) {
    std::string arn = cat("arn:aws:dynamodb:", region, ":", account, ":table/",
                          request.value("TableName", ""));
    if (request.contains("IndexName")) {
      arn += cat("/index/", request["IndexName"].get<std::string>());
    }
    return arn;
  };
  std::vector<Need> needs;
  if (call.operation == "TransactWriteItems" || call.operation == "TransactGetItems") {
    static const std::map<std::string, std::string> kElementActions = {
        {"Put", "PutItem"}, {"Update", "UpdateItem"}, {"Delete", "DeleteItem"},
        {"ConditionCheck", "ConditionCheckItem"}, {"Get", "GetItem"}};
    const json elements = body.value("TransactItems", json::array());
    for (const json& element : elements) {
      for (const auto& [kind, request] : element.items()) {
        const json& key = request.contains("Key") ? request["Key"] : request.value("Item", json());
        needs.push_back({.action = cat("dynamodb:", kElementActions.at(kind)),
                         .resource = table_arn(request),
                         .leading_key = first_key_value(key)});
      }
    }
    return needs;
  }
  if (call.operation == "BatchGetItem") {
    const json requested = body.value("RequestItems", json::object());
    for (const auto& [table, request] : requested.items()) {
      needs.push_back({.action = "dynamodb:BatchGetItem",
                       .resource = table_arn(json{{"TableName", table}})});
    }
    return needs;
  }
  return {{.action = cat("dynamodb:", call.operation),
           .resource = table_arn(body),
           .leading_key = first_key_value(body.value("Key", body.value("Item", json())))}};
}

std::vector<std::string> strings_in(const json& value) {
  if (value.is_string()) return {value.get<std::string>()};
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const json& item : value) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

bool allows(const json& statement, const Need& need) {
  if (statement.value("Effect", "") != "Allow") return false;
  const std::vector<std::string> actions = strings_in(statement.value("Action", json()));
  if (std::none_of(actions.begin(), actions.end(),
                   [&](const std::string& a) { return store::aws::policies::action_matches(a, need.action); })) {
    return false;
  }
  if (need.resource != "*") {
    const std::vector<std::string> resources = strings_in(statement.value("Resource", json()));
    if (std::none_of(resources.begin(), resources.end(),
                     [&](const std::string& r) {
                       // The same wildcards; the ARNs compared here are all of one case.
                       return store::aws::policies::action_matches(r, need.resource);
                     })) {
      return false;
    }
  }
  const json conditions_by_operator = statement.value("Condition", json::object());
  for (const auto& [op, conditions] : conditions_by_operator.items()) {
    if (!conditions.contains("dynamodb:LeadingKeys")) continue;
    const std::vector<std::string> keys = strings_in(conditions["dynamodb:LeadingKeys"]);
    if (std::find(keys.begin(), keys.end(), need.leading_key) == keys.end()) return false;
  }
  return true;
}

class RolePoliciesTest : public AwsMeshTest {
 protected:
  // Every policy document attached to or inline in `role_arn`, as moto's IAM holds them.
  std::vector<json> policies_of(const std::string& role_arn) {
    const std::string account = role_arn.substr(13, 12);  // arn:aws:iam::<12 digits>:role/...
    const std::string name = role_arn.substr(role_arn.rfind('/') + 1);
    std::shared_ptr<const AwsClient> iam = moto_account_client(account);
    std::vector<json> documents;
    if (!iam) return documents;
    absl::StatusOr<json> attached =
        iam->call(Service::kIam, "ListAttachedRolePolicies", {{"RoleName", name}});
    EXPECT_TRUE(attached.ok()) << role_arn << ": " << attached.status();
    if (!attached.ok()) return documents;
    for (const json& policy : list_of((*attached)["AttachedPolicies"])) {
      const std::string arn = policy.value("PolicyArn", "");
      absl::StatusOr<json> got = iam->call(Service::kIam, "GetPolicy", {{"PolicyArn", arn}});
      if (!got.ok()) continue;
      absl::StatusOr<json> version = iam->call(
          Service::kIam, "GetPolicyVersion",
          {{"PolicyArn", arn}, {"VersionId", (*got)["Policy"].value("DefaultVersionId", "")}});
      if (!version.ok()) continue;
      absl::StatusOr<json> document = store::aws::iam_steps::parse_policy_document(
          (*version)["PolicyVersion"].value("Document", ""));
      if (document.ok()) documents.push_back(*std::move(document));
    }
    absl::StatusOr<json> inline_names =
        iam->call(Service::kIam, "ListRolePolicies", {{"RoleName", name}});
    if (inline_names.ok()) {
      for (const json& policy_name : list_of((*inline_names)["PolicyNames"])) {
        absl::StatusOr<json> got = iam->call(Service::kIam, "GetRolePolicy",
                                             {{"RoleName", name}, {"PolicyName", policy_name}});
        if (!got.ok()) continue;
        absl::StatusOr<json> document =
            store::aws::iam_steps::parse_policy_document((*got).value("PolicyDocument", ""));
        if (document.ok()) documents.push_back(*std::move(document));
      }
    }
    return documents;
  }

  static std::vector<json> list_of(const json& value) {
    if (value.is_array()) return value.get<std::vector<json>>();
    if (value.is_object() && value.contains("member")) return list_of(value["member"]);
    if (value.is_object()) return {value};
    return {};
  }
};

TEST_F(RolePoliciesTest, EveryCallOfThePersonasRolesIsAllowedByTheirPolicies) {
  auto recorder = std::make_shared<RecordingTransport>();
  use_transport(recorder);
  set_up_mesh();
  ASSERT_NO_FATAL_FAILURE(publish("sales", {"orders", "returns"}));
  const std::string product = "sales-" + producer();
  std::vector<std::string> ids;
  for (const char* table : {"orders", "returns"}) {
    absl::StatusOr<json> made = request_access(product, json::array({table}),
                                               json::array({"SELECT", "INSERT"}));
    ASSERT_TRUE(made.ok()) << made.status();
    ids.push_back((*made)["SubscriptionId"]);
    ASSERT_TRUE(call(producer(), "producer", "approve_access_request",
                     {{"request_id", ids.back()},
                      {"grant_permissions", {"SELECT"}},
                      {"grantable_permissions", {"SELECT"}}})
                    .ok());
    ASSERT_TRUE(call(consumer(), "consumer", "finalize_subscription",
                     {{"subscription_id", ids.back()}})
                    .ok());
  }
  ASSERT_TRUE(call(consumer(), "consumer", "check_permission",
                   {{"database_name", product}, {"table_name", "orders"}, {"permission", "SELECT"}})
                  .ok());
  ASSERT_TRUE(call(producer(), "producer", "update_subscription_permissions",
                   {{"subscription_id", ids[0]}, {"grant_permissions", {"SELECT", "INSERT"}},
                    {"notes", "more"}})
                  .ok());
  ASSERT_TRUE(call(consumer(), "consumer", "list_product_access").ok());
  ASSERT_TRUE(call(consumer(), "consumer", "delete_subscription",
                   {{"subscription_id", ids[0]}, {"reason", "done"}})
                  .ok());
  // The grants the consumer's leave kept go with the mesh admin's reconcile; then the producer
  // revokes the consumer's last subscription, and takes it out of M's share.
  ASSERT_TRUE(call(mesh(), "admin", "reconcile", {{"apply", true}}).ok());
  ASSERT_TRUE(call(producer(), "producer", "delete_subscription",
                   {{"subscription_id", ids[1]}, {"reason", "ended"}})
                  .ok());

  // The roles datamesh made for the personas, and the calls each made.
  std::map<std::string, std::vector<RecordedCall>> by_role;
  for (const RecordedCall& made : recorder->calls()) {
    const std::string role = recorder->role_of(made.key_id);
    if (role.find("/AwsDataMesh/DataMesh") == std::string::npos) continue;
    by_role[role].push_back(made);
  }
  const std::vector<std::string> expected_roles = {
      cat("arn:aws:iam::", mesh(), ":role/AwsDataMesh/DataMeshAdminProducer-", producer()),
      cat("arn:aws:iam::", mesh(), ":role/AwsDataMesh/DataMeshAdminConsumer-", consumer()),
      cat("arn:aws:iam::", producer(), ":role/AwsDataMesh/DataMeshProducer"),
      cat("arn:aws:iam::", consumer(), ":role/AwsDataMesh/DataMeshConsumer")};
  for (const std::string& role : expected_roles) {
    EXPECT_TRUE(by_role.contains(role)) << "no call made as " << role;
  }
  std::set<std::string> refused;
  for (const auto& [role, calls] : by_role) {
    const std::vector<json> policies = policies_of(role);
    ASSERT_FALSE(policies.empty()) << role;
    const std::string account = role.substr(13, 12);
    const bool lake_admin_of_mesh = role.find("DataMeshAdminProducer-") != std::string::npos;
    for (const RecordedCall& made : calls) {
      // sts:AssumeRole is checked against the trust of the role assumed, not here.
      if (made.service == "sts") continue;
      if (made.service == "lakeformation" && account == mesh() && !lake_admin_of_mesh &&
          (made.operation.find("Grant") != std::string::npos ||
           made.operation.find("Revoke") != std::string::npos)) {
        refused.insert(cat(role, ": lakeformation:", made.operation,
                           " in M, of which it is no data lake admin"));
      }
      for (const Need& need : needs_of(made, "us-east-1", account)) {
        const bool allowed = std::any_of(policies.begin(), policies.end(), [&](const json& doc) {
          const std::vector<json> statements = list_of(doc.value("Statement", json()));
          return std::any_of(statements.begin(), statements.end(),
                             [&](const json& s) { return allows(s, need); });
        });
        if (!allowed) {
          refused.insert(cat(role, ": ", need.action, " on ", need.resource,
                             need.leading_key.empty() ? "" : cat(" (key ", need.leading_key, ")")));
        }
      }
    }
  }
  EXPECT_TRUE(refused.empty()) << "calls AWS would refuse:\n  " << base::join(refused, "\n  ");
}

}  // namespace
}  // namespace datamesh::aws::testing
