#include "store/aws/iam_steps.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/iam_policies.h"

namespace datamesh::store::aws::iam_steps {
namespace {

namespace names = datamesh::aws::names;
using base::cat;
using datamesh::aws::Service;
using nlohmann::json;

// The default tag of everything the original creates.
json default_tags() {
  return json::array({{{"Key", names::kDefaultTagKey}, {"Value", names::kDefaultTagValue}}});
}

// An XML list of the query protocol read into JSON: an array, or "" when empty.
std::vector<json> list_of(const json& value) {
  if (value.is_array()) return value.get<std::vector<json>>();
  if (value.is_object()) return {value};
  return {};
}

// IAM's limits on a customer managed policy: its versions, and its document's characters
// (IAM counts them without white space; a compact dump has none outside strings).
constexpr std::size_t kMaxPolicyVersions = 5;
constexpr std::size_t kMaxPolicyCharacters = 6144;

// The call, with AlreadyExists counted as done.
absl::Status create_unless_exists(const AwsClient& iam, std::string_view operation,
                                  const json& request) {
  absl::StatusOr<json> created = iam.call(Service::kIam, operation, request);
  if (!created.ok() && created.status().code() != absl::StatusCode::kAlreadyExists) {
    return created.status();
  }
  return absl::OkStatus();
}

// Makes `policy_arn`'s default version say `document`, with the rights its current version
// grants beyond it (policies::with_rights_kept); leaves it alone when it says that already.
// The version it replaces is kept; FailedPrecondition, changing nothing, when the document
// would be larger than IAM allows.
absl::Status update_policy(const AwsClient& iam, const std::string& policy_arn,
                           const json& document) {
  DATAMESH_ASSIGN_OR_RETURN(json policy,
                            iam.call(Service::kIam, "GetPolicy", {{"PolicyArn", policy_arn}}));
  const std::string default_version = policy["Policy"].value("DefaultVersionId", "");
  DATAMESH_ASSIGN_OR_RETURN(json version,
                            iam.call(Service::kIam, "GetPolicyVersion",
                                     {{"PolicyArn", policy_arn}, {"VersionId", default_version}}));
  DATAMESH_ASSIGN_OR_RETURN(json current, parse_policy_document(version["PolicyVersion"].value(
                                              "Document", std::string())));
  const json wanted = policies::with_rights_kept(document, current);
  if (current == wanted) return absl::OkStatus();
  const std::string text = wanted.dump();
  if (text.size() > kMaxPolicyCharacters) {
    return absl::FailedPreconditionError(cat(
        "policy ", policy_arn, " would take ", text.size(), " characters with the statements "
        "its current version grants beyond datamesh's, more than IAM's ", kMaxPolicyCharacters,
        ": remove from its current version the statements no one needs any more (or move them "
        "to a policy of their own), then run the step again; nothing was changed"));
  }
  // Room for the new version: IAM keeps five. The current default stays, to roll back to
  // (aws iam set-default-policy-version); the oldest others go.
  DATAMESH_ASSIGN_OR_RETURN(
      json versions, iam.call(Service::kIam, "ListPolicyVersions", {{"PolicyArn", policy_arn}}));
  std::vector<json> older;
  for (const json& listed : list_of(versions["Versions"])) {
    if (listed.value("VersionId", "") != default_version) older.push_back(listed);
  }
  std::sort(older.begin(), older.end(), [](const json& a, const json& b) {
    return a.value("CreateDate", "") < b.value("CreateDate", "");
  });
  const std::size_t after = older.size() + 2;  // the others, the current and the new one
  const std::size_t excess = after > kMaxPolicyVersions ? after - kMaxPolicyVersions : 0;
  for (std::size_t i = 0; i < excess; ++i) {
    DATAMESH_RETURN_IF_ERROR(iam.call(Service::kIam, "DeletePolicyVersion",
                                      {{"PolicyArn", policy_arn},
                                       {"VersionId", older[i].value("VersionId", "")}})
                                 .status());
  }
  return iam
      .call(Service::kIam, "CreatePolicyVersion",
            {{"PolicyArn", policy_arn}, {"PolicyDocument", text}, {"SetAsDefault", true}})
      .status();
}

// A refused principal in a trust document: the role or user it names does not exist (yet).
bool is_invalid_principal(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument &&
         absl::StrContains(status.message(), "Invalid principal");
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

absl::Status while_principal_unknown(const std::function<absl::Status()>& step,
                                     const Sleeper& sleep) {
  absl::Status status = step();
  std::chrono::milliseconds wait(500);
  for (int attempt = 0; is_invalid_principal(status) && attempt < 5; ++attempt) {
    sleep(wait);
    wait *= 2;
    status = step();
  }
  if (is_invalid_principal(status)) {
    return absl::UnavailableError(
        cat("a principal just made is not known yet; run the step again: ", status.message()));
  }
  return status;
}

absl::StatusOr<json> parse_policy_document(std::string_view text) {
  std::string decoded;
  if (!text.empty() && text.front() == '{') {
    decoded = std::string(text);
  } else {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
          hex_digit(text[i + 2]) >= 0) {
        decoded.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
        i += 2;
      } else {
        decoded.push_back(text[i]);
      }
    }
  }
  json parsed = json::parse(decoded, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return absl::InvalidArgumentError(
        cat("IAM answered a policy document that is not a JSON object: ", text.substr(0, 200)));
  }
  return parsed;
}

absl::StatusOr<std::string> ensure_policy(const AwsClient& iam, std::string_view account,
                                          std::string_view name, std::string_view description,
                                          const json& document) {
  const std::string arn = names::policy_arn(account, name);
  absl::StatusOr<json> created = iam.call(Service::kIam, "CreatePolicy",
                                          {{"PolicyName", name},
                                           {"Path", names::kIamPath},
                                           {"PolicyDocument", document.dump()},
                                           {"Description", description},
                                           {"Tags", default_tags()}});
  if (created.ok()) return arn;
  if (created.status().code() != absl::StatusCode::kAlreadyExists) return created.status();
  DATAMESH_RETURN_IF_ERROR(update_policy(iam, arn, document));
  return arn;
}

absl::Status ensure_identity(const AwsClient& iam, std::string_view mesh_account,
                             const Identity& identity, const Sleeper& sleep) {
  const names::IamIdentity& n = identity.names;
  DATAMESH_ASSIGN_OR_RETURN(
      const std::string policy,
      ensure_policy(iam, identity.account, n.policy, identity.policy_description, identity.policy));
  DATAMESH_RETURN_IF_ERROR(create_unless_exists(
      iam, "CreateUser",
      {{"Path", names::kIamPath}, {"UserName", n.role}, {"Tags", default_tags()}}));
  DATAMESH_RETURN_IF_ERROR(create_unless_exists(
      iam, "CreateGroup", {{"Path", names::kIamPath}, {"GroupName", n.group}}));
  // Adding a member twice and attaching a policy twice are no-ops in IAM.
  DATAMESH_RETURN_IF_ERROR(
      iam.call(Service::kIam, "AddUserToGroup", {{"GroupName", n.group}, {"UserName", n.role}})
          .status());
  DATAMESH_RETURN_IF_ERROR(
      iam.call(Service::kIam, "AttachGroupPolicy", {{"GroupName", n.group}, {"PolicyArn", policy}})
          .status());

  const std::vector<std::string> trusted = {names::user_arn(identity.account, n.role),
                                            names::account_root_arn(identity.account)};
  const json create_role = {{"Path", names::kIamPath},
                            {"RoleName", n.role},
                            {"AssumeRolePolicyDocument", policies::trust_policy(trusted).dump()},
                            {"Description", identity.role_description},
                            {"Tags", default_tags()}};
  absl::Status role = while_principal_unknown(
      [&] { return create_unless_exists(iam, "CreateRole", create_role); }, sleep);
  DATAMESH_RETURN_IF_ERROR(role);
  // A role made by an earlier run keeps its trust; the principals it needs are added.
  DATAMESH_RETURN_IF_ERROR(ensure_trusted(iam, n.role, trusted));
  DATAMESH_RETURN_IF_ERROR(
      iam.call(Service::kIam, "AttachRolePolicy", {{"RoleName", n.role}, {"PolicyArn", policy}})
          .status());

  DATAMESH_ASSIGN_OR_RETURN(
      const std::string assume,
      ensure_policy(iam, identity.account, n.assume_policy,
                    cat("Policy allowing the grantee the ability to assume Role ",
                        names::role_arn(identity.account, n.role)),
                    policies::assume_role_policy(names::role_arn(identity.account, n.role))));
  DATAMESH_RETURN_IF_ERROR(
      iam.call(Service::kIam, "AttachGroupPolicy", {{"GroupName", n.group}, {"PolicyArn", assume}})
          .status());
  if (identity.account == mesh_account && n.role != names::kMeshReadOnlyRole) {
    const std::string read_only =
        names::policy_arn(mesh_account, names::assume_policy_name(names::kMeshReadOnlyRole));
    DATAMESH_RETURN_IF_ERROR(iam.call(Service::kIam, "AttachRolePolicy",
                                      {{"RoleName", n.role}, {"PolicyArn", read_only}})
                                 .status());
  }
  return absl::OkStatus();
}

absl::Status ensure_trusted(const AwsClient& iam, std::string_view role,
                            const std::vector<std::string>& principals) {
  DATAMESH_ASSIGN_OR_RETURN(json got, iam.call(Service::kIam, "GetRole", {{"RoleName", role}}));
  DATAMESH_ASSIGN_OR_RETURN(json trust, parse_policy_document(got["Role"].value(
                                            "AssumeRolePolicyDocument", std::string())));
  std::optional<json> updated = policies::with_trusted_principals(trust, principals);
  if (!updated) return absl::OkStatus();
  absl::Status written = iam.call(Service::kIam, "UpdateAssumeRolePolicy",
                                  {{"RoleName", role}, {"PolicyDocument", updated->dump()}})
                             .status();
  if (is_invalid_principal(written)) {
    return absl::FailedPreconditionError(
        cat("role ", role, " cannot trust ", base::join(principals, ", "),
            " before it exists: the account must be initialized first (", written.message(), ")"));
  }
  return written;
}

absl::Status ensure_trust_statement(const AwsClient& iam, std::string_view role,
                                    const json& statement) {
  DATAMESH_ASSIGN_OR_RETURN(json got, iam.call(Service::kIam, "GetRole", {{"RoleName", role}}));
  DATAMESH_ASSIGN_OR_RETURN(json trust, parse_policy_document(got["Role"].value(
                                            "AssumeRolePolicyDocument", std::string())));
  std::optional<json> updated = policies::with_statement(trust, statement);
  if (!updated) return absl::OkStatus();
  return iam
      .call(Service::kIam, "UpdateAssumeRolePolicy",
            {{"RoleName", role}, {"PolicyDocument", updated->dump()}})
      .status();
}

absl::Status ensure_lake_formation_role(const AwsClient& iam) {
  absl::StatusOr<json> role =
      iam.call(Service::kIam, "GetRole", {{"RoleName", names::kLakeFormationServiceLinkedRole}});
  if (role.ok()) return absl::OkStatus();
  if (role.status().code() != absl::StatusCode::kNotFound) return role.status();
  return create_unless_exists(iam, "CreateServiceLinkedRole",
                              {{"AWSServiceName", "lakeformation.amazonaws.com"}});
}

absl::Status ensure_data_lake_admins(const AwsClient& lakeformation,
                                     const std::vector<std::string>& admins,
                                     bool no_default_table_permissions, const Sleeper& sleep) {
  DATAMESH_ASSIGN_OR_RETURN(json got,
                            lakeformation.call(Service::kLakeFormation, "GetDataLakeSettings"));
  json settings = got.value("DataLakeSettings", json::object());
  json& listed = settings["DataLakeAdmins"];
  if (!listed.is_array()) listed = json::array();
  bool changed = false;
  for (const std::string& admin : admins) {
    const bool present = std::any_of(listed.begin(), listed.end(), [&](const json& entry) {
      return entry.value("DataLakePrincipalIdentifier", "") == admin;
    });
    if (!present) {
      listed.push_back({{"DataLakePrincipalIdentifier", admin}});
      changed = true;
    }
  }
  if (no_default_table_permissions) {
    json& defaults = settings["CreateTableDefaultPermissions"];
    if (!defaults.is_array() || !defaults.empty()) {
      defaults = json::array();
      changed = true;
    }
  }
  if (!changed) return absl::OkStatus();
  return while_principal_unknown(
      [&] {
        return lakeformation
            .call(Service::kLakeFormation, "PutDataLakeSettings", {{"DataLakeSettings", settings}})
            .status();
      },
      sleep);
}

absl::Status grant_create_database(const AwsClient& lakeformation, std::string_view principal,
                                   const Sleeper& sleep) {
  return while_principal_unknown(
      [&] {
        return lakeformation
            .call(Service::kLakeFormation, "GrantPermissions",
                  {{"Principal", {{"DataLakePrincipalIdentifier", principal}}},
                   {"Resource", {{"Catalog", json::object()}}},
                   {"Permissions", json::array({"CREATE_DATABASE"})}})
            .status();
      },
      sleep);
}

absl::Status ensure_catalog_statement(const AwsClient& glue, const json& statement) {
  json policy;  // null: there is none
  std::string hash;
  absl::StatusOr<json> got = glue.call(Service::kGlue, "GetResourcePolicy");
  if (got.ok()) {
    hash = got->value("PolicyHash", "");
    const std::string text = got->value("PolicyInJson", "");
    if (!text.empty()) {
      policy = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (policy.is_discarded()) {
        return absl::FailedPreconditionError(cat(
            "the Glue catalog policy is not JSON; fix it by hand first: ", text.substr(0, 200)));
      }
    }
  } else if (got.status().code() != absl::StatusCode::kNotFound) {
    return got.status();
  }
  std::optional<json> updated = policies::with_statement(policy, statement);
  if (!updated) return absl::OkStatus();
  json request = {{"PolicyInJson", updated->dump()}, {"EnableHybrid", "TRUE"}};
  if (policy.is_null()) {
    request["PolicyExistsCondition"] = "NOT_EXIST";
  } else {
    request["PolicyExistsCondition"] = "MUST_EXIST";
    request["PolicyHashCondition"] = hash;
  }
  return glue.call(Service::kGlue, "PutResourcePolicy", request).status();
}

absl::StatusOr<std::string> caller_principal(const AwsClient& client) {
  DATAMESH_ASSIGN_OR_RETURN(json caller, client.call(Service::kSts, "GetCallerIdentity"));
  const std::string arn = caller.value("Arn", "");
  // arn:<partition>:sts::<account>:assumed-role/<role>/<session>
  const std::vector<std::string> parts = absl::StrSplit(arn, ':');
  if (parts.size() != 6 || parts[2] != "sts" || !absl::StartsWith(parts[5], "assumed-role/")) {
    return arn;
  }
  const std::vector<std::string> path = absl::StrSplit(parts[5], '/');
  if (path.size() < 2) return arn;
  const std::string& role = path[1];
  absl::StatusOr<json> got = client.call(Service::kIam, "GetRole", {{"RoleName", role}});
  if (got.ok()) return (*got)["Role"].value("Arn", "");
  if (got.status().code() != absl::StatusCode::kNotFound) return got.status();
  return cat("arn:", parts[1], ":iam::", parts[4], ":role/", role);
}

}  // namespace datamesh::store::aws::iam_steps
