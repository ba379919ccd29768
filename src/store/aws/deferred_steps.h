// Steps of a plan left in the mesh's writer lock that the writer finishing it could not make,
// because they are in an account it holds no session for: a producer's own catalog (the
// resource links of a publication), its buckets' statements and LF tags; a consumer's database
// link and its RAM invitations. Without this, one account's failed write would stop every
// other account's writes until that account wrote again.
//
// They are kept per account and persona (the plan's writer's: only that persona's roles may
// make them; an account may be both producer and consumer) in DynamoDB table DatameshJournal,
// item "mesh-writer/deferred/<account>/<persona>" (attribute Steps: the steps as a plan,
// deflated; StepsBytes: its size inflated), written in the transaction that finishes the plan,
// and made by the next write of a process acting as that persona of that account, before its
// own change (aws_commit.h).
// Made steps are cleared (an item without Steps), not deleted: the personas' IAM policies let
// them delete only the lock's item.
//
// Every call here is made while the writer lock is held, which is what keeps two writers from
// changing an account's item at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "store/aws/aws_sessions.h"

namespace datamesh::store::aws::deferred_steps {

// A deflated item holds at most this many bytes of steps (DynamoDB's items hold 400 KB).
inline constexpr std::size_t kMaxDeflatedBytes = 350'000;

// Whose steps: an account, as the persona ("producer", "consumer") whose roles make them.
struct Keeper {
  std::string account;
  std::string persona;
};

// The steps kept for `keeper` (a plan's JSON text); nullopt when none.
absl::StatusOr<std::optional<std::string>> read(const AwsSessions& sessions,
                                                const Keeper& keeper);

// The TransactWriteItems element that keeps `steps` for `keeper`, replacing what was kept (the
// caller has merged it in). ResourceExhausted when they do not fit in one item.
absl::StatusOr<nlohmann::json> keep_element(const Keeper& keeper, const std::string& steps);

// The TransactWriteItems element that clears what was kept for `keeper`.
nlohmann::json clear_element(const Keeper& keeper);

// "account 222222222222 as producer (item mesh-writer/deferred/222222222222/producer)".
std::string describe(const Keeper& keeper);

}  // namespace datamesh::store::aws::deferred_steps
