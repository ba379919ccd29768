#include "store/aws/ram_shares.h"

#include <algorithm>

#include "absl/strings/str_split.h"
#include "aws/pagination.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "store/aws/lake_formation_entries.h"

namespace datamesh::store::aws {
using base::cat;
using datamesh::aws::AwsClient;
using datamesh::aws::Service;
namespace {

void append_once(std::vector<std::string>& values, const std::string& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

// A string member of an answer's object, or "" (RAM's answers are read leniently).
std::string string_member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return "";
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// Whether `status` is the AWS error `code` (aws_errors.h: "<service> <Operation>: <code>: ...").
bool is_aws_error(const absl::Status& status, std::string_view code) {
  return !status.ok() && absl::string_view(status.message()).find(cat(": ", code, ": ")) !=
                             absl::string_view::npos;
}

// The owner account of a RAM resource share ARN
// (arn:<partition>:ram:<region>:<owner>:resource-share/<id>).
absl::StatusOr<std::string> share_owner(std::string_view arn) {
  const std::vector<std::string> parts = absl::StrSplit(absl::string_view(arn.data(), arn.size()),
                                                        absl::MaxSplits(':', 5));
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "ram" || parts[4].empty() ||
      !parts[5].starts_with("resource-share/")) {
    return absl::InvalidArgumentError(
        cat("\"", arn, "\" is not the ARN of a RAM resource share ",
            "(arn:<partition>:ram:<region>:<owner account>:resource-share/<id>)"));
  }
  return parts[4];
}

}  // namespace

absl::StatusOr<std::vector<std::string>> RamShares::shares_of(const Subscription& s) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.mesh());
  const std::string& mesh = sessions_.mesh_account();
  std::vector<nlohmann::json> resources = {database_resource(mesh, s.database_name)};
  if (s.table_names.empty()) resources.push_back(table_resource(mesh, s.database_name, "*"));
  for (const std::string& table : s.table_names) {
    resources.push_back(table_resource(mesh, s.database_name, table));
  }
  const datamesh::aws::PageFetch fetch = [&](const nlohmann::json& request) {
    return client->call(Service::kLakeFormation, "ListPermissions", request);
  };
  std::vector<std::string> shares;
  for (nlohmann::json& resource : resources) {
    DATAMESH_ASSIGN_OR_RETURN(
        const nlohmann::json items,
        datamesh::aws::all_items(
            fetch,
            {{"CatalogId", mesh},
             {"Principal", {{"DataLakePrincipalIdentifier", s.subscriber_principal}}},
             {"Resource", std::move(resource)}},
            datamesh::aws::kNextToken, "PrincipalResourcePermissions"));
    for (const nlohmann::json& item : items) {
      const nlohmann::json details = item.value("AdditionalDetails", nlohmann::json::object());
      const nlohmann::json arns = details.value("ResourceShare", nlohmann::json::array());
      if (!arns.is_array()) continue;
      for (const nlohmann::json& arn : arns) {
        if (arn.is_string()) append_once(shares, arn.get<std::string>());
      }
    }
  }
  return shares;
}

absl::Status RamShares::accept(std::string_view consumer_account,
                               const std::vector<std::string>& share_arns) const {
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(consumer_account));
  if (share_arns.empty()) return absl::OkStatus();
  const datamesh::aws::PageFetch fetch = [&](const nlohmann::json& request) {
    return client->call(Service::kRam, "GetResourceShareInvitations", request);
  };
  DATAMESH_ASSIGN_OR_RETURN(
      const nlohmann::json invitations,
      datamesh::aws::all_items(fetch, {{"resourceShareArns", share_arns}},
                               datamesh::aws::kLowerNextToken, "resourceShareInvitations"));
  std::vector<std::string> seen;
  for (const std::string& share : share_arns) {
    if (std::find(seen.begin(), seen.end(), share) != seen.end()) continue;
    seen.push_back(share);
    std::vector<std::string> statuses;
    std::string pending;
    for (const nlohmann::json& invitation : invitations) {
      const std::string receiver = string_member(invitation, "receiverAccountId");
      if (string_member(invitation, "resourceShareArn") != share ||
          (!receiver.empty() && receiver != consumer_account)) {
        continue;
      }
      const std::string status = string_member(invitation, "status");
      statuses.push_back(status);
      if (status == "PENDING" && pending.empty()) {
        pending = string_member(invitation, "resourceShareInvitationArn");
      }
    }
    if (std::find(statuses.begin(), statuses.end(), "ACCEPTED") != statuses.end()) continue;
    if (!pending.empty()) {
      const absl::StatusOr<nlohmann::json> accepted =
          client->call(Service::kRam, "AcceptResourceShareInvitation",
                       {{"resourceShareInvitationArn", pending}});
      // Accepted meanwhile (another process finalizing the same subscription): as wanted.
      if (!accepted.ok() &&
          !is_aws_error(accepted.status(), "ResourceShareInvitationAlreadyAcceptedException")) {
        return accepted.status();
      }
      continue;
    }
    if (statuses.empty()) {
      return absl::NotFoundError(cat("account ", consumer_account,
                                     " has no invitation to RAM share ", share,
                                     ": the share was not made for it, or was deleted"));
    }
    return absl::FailedPreconditionError(
        cat("the invitations of account ", consumer_account, " to RAM share ", share, " are ",
            base::join(statuses, ", "),
            "; the producer must grant again so that Lake Formation invites the account anew"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> RamShares::holds_resources(std::string_view share_arn) const {
  DATAMESH_ASSIGN_OR_RETURN(const std::string owner, share_owner(share_arn));
  DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(owner));
  const datamesh::aws::PageFetch fetch = [&](const nlohmann::json& request) {
    return client->call(Service::kRam, "GetResourceShareAssociations", request);
  };
  const absl::StatusOr<nlohmann::json> associations = datamesh::aws::all_items(
      fetch,
      {{"associationType", "RESOURCE"},
       {"resourceShareArns", nlohmann::json::array({std::string(share_arn)})}},
      datamesh::aws::kLowerNextToken, "resourceShareAssociations");
  if (!associations.ok()) {
    if (is_aws_error(associations.status(), "UnknownResourceException")) return false;
    return associations.status();
  }
  return std::ranges::any_of(*associations, [](const nlohmann::json& association) {
    const std::string status = string_member(association, "status");
    return status == "ASSOCIATED" || status == "ASSOCIATING";
  });
}

absl::Status RamShares::disassociate(std::string_view account,
                                     const std::vector<std::string>& share_arns) const {
  for (const std::string& share : share_arns) {
    DATAMESH_ASSIGN_OR_RETURN(const std::string owner, share_owner(share));
    DATAMESH_ASSIGN_OR_RETURN(const AwsClient* client, sessions_.client(owner));
    const absl::StatusOr<nlohmann::json> answer = client->call(
        Service::kRam, "DisassociateResourceShare",
        {{"resourceShareArn", share},
         {"principals", nlohmann::json::array({std::string(account)})}});
    if (!answer.ok() && !is_aws_error(answer.status(), "UnknownResourceException")) {
      return answer.status();
    }
  }
  return absl::OkStatus();
}

}  // namespace datamesh::store::aws
