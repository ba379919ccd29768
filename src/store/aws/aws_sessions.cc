#include "store/aws/aws_sessions.h"

#include <vector>
#include <utility>

#include "aws/partitions.h"
#include "base/text.h"

namespace datamesh::store::aws {

AwsSessions::AwsSessions(
    std::string region, std::string mesh_account,
    std::map<std::string, std::shared_ptr<const datamesh::aws::AwsClient>, std::less<>> sessions,
    bool revokes_grants, std::string persona)
    : region_(std::move(region)),
      mesh_account_(std::move(mesh_account)),
      partition_(std::string(datamesh::aws::partition_of(region_).id)),
      sessions_(std::move(sessions)),
      revokes_grants_(revokes_grants),
      persona_(std::move(persona)) {}

absl::StatusOr<const datamesh::aws::AwsClient*> AwsSessions::client(
    std::string_view account_id) const {
  const auto found = sessions_.find(account_id);
  if (found == sessions_.end() || found->second == nullptr) {
    // (A loop, not std::views::keys: clang 14 cannot compile libstdc++ 12's ranges.)
    std::vector<std::string_view> accounts;
    for (const auto& [account, client] : sessions_) accounts.push_back(account);
    return absl::PermissionDeniedError(base::cat(
        "no AWS session for account ", account_id, ": this process acts on account(s) ",
        base::join(accounts, ", "),
        " only; run the step with the credentials of account ", account_id));
  }
  return found->second.get();
}

std::vector<std::string> AwsSessions::accounts() const {
  std::vector<std::string> accounts;
  for (const auto& [account, client] : sessions_) accounts.push_back(account);
  return accounts;
}

}  // namespace datamesh::store::aws
