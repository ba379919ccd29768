// Bookkeeping of the load tests: what the clients were told, and whether the mesh agrees.
//
// Client threads append one Call per API call to their own vector; after the load, the calls
// are checked against the audit log (one event per acknowledged change, nothing extra) and
// against each subscription's status and grants (replayed from its events, which must follow
// the lifecycle Pending -> Active/Denied -> ... -> Deleted). Plain functions; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "datamesh/producer.h"
#include "datamesh/types.h"

namespace datamesh::server_test {

// Audit actions of the state-changing calls of the load tests.
inline constexpr char kRequest[] = "request_access_to_product";
inline constexpr char kApprove[] = "approve_access_request";
inline constexpr char kDeny[] = "deny_access_request";
inline constexpr char kDelete[] = "delete_subscription";
inline constexpr char kUpdate[] = "update_subscription_permissions";
inline constexpr char kFinalize[] = "finalize_subscription";  // the crash tests make it too
inline constexpr char kRead[] = "get_subscription";  // no audit event

struct Call {
  std::string action;           // one of the constants above
  std::string subscription_id;  // the one acted on, or the one a request returned
  std::string actor;            // account id of the caller
  absl::Status status;
  bool after_signal = false;  // the call returned after the server was told to stop
};

enum class Outcome {
  kAcknowledged,  // OK
  kLostRace,      // FailedPrecondition, Aborted, NotFound, AlreadyExists: a clean refusal
  kUnknown,       // Unavailable because the connection was refused or closed
  kUnclean,       // anything else, or an Unavailable that the rules of the test do not allow
};

// How a call ended. An Unavailable counts as kUnknown only when `connection_loss_allowed` and
// the client could not reach the server (a server-sent 503 is kUnclean).
Outcome classify(const Call& call, bool connection_loss_allowed);

// (action, subscription, actor).
using ChangeKey = std::tuple<std::string, std::string, std::string>;

// The lifecycle of the subscriptions, replayed from audit events.
struct Replay {
  // Per subscription, (sequence, status after the event), in sequence order.
  std::map<std::string, std::vector<std::pair<int64_t, SubscriptionStatus>>> history;
  // The account that requested each subscription.
  std::map<std::string, std::string> requester;
  // Events that break the lifecycle (e.g. approve of an Active subscription), as text.
  std::vector<std::string> violations;

  // The status of `subscription` just before event `sequence`; nullopt before its request.
  std::optional<SubscriptionStatus> status_before(const std::string& subscription,
                                                  int64_t sequence) const;
};

// Replays the subscription events of `events` (other actions are reported as violations).
Replay replay(const std::vector<AuditEvent>& events);

// Counts of `events` per (action, subscription, actor).
std::map<ChangeKey, int> count_events(const std::vector<AuditEvent>& events);

// Whether `audited` events of one change (action, subscription, actor) agree with its calls:
// `acknowledged` ones that succeeded and `unknown` ones whose outcome the client never learnt.
// Each acknowledged call leaves one event and each unknown one at most one; but a
// finalize_subscription leaves one only the first time: a repeat that finds every share
// accepted and every link made changes nothing, and the load tests publish no table between.
bool audit_count_agrees(std::string_view action, int acknowledged, int unknown, int audited);

// Differences between two counts, as text lines "action sub actor: expected N, got M".
std::vector<std::string> count_differences(const std::map<ChangeKey, int>& expected,
                                           const std::map<ChangeKey, int>& actual);

// Checks, as the owner sees them, every subscription of `replay`: get_subscription answers,
// its status is the replayed one, and it has grants (each naming it) exactly when Active.
// Problems as text.
std::vector<std::string> check_subscriptions(DataMeshProducer& owner, const Replay& replay);

std::string status_text(SubscriptionStatus status);

}  // namespace datamesh::server_test
