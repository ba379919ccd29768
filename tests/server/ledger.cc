#include "server/ledger.h"

#include <algorithm>

#include "base/text.h"

namespace datamesh::server_test {

using base::cat;

std::string status_text(SubscriptionStatus status) {
  switch (status) {
    case SubscriptionStatus::kPending:
      return "Pending";
    case SubscriptionStatus::kActive:
      return "Active";
    case SubscriptionStatus::kDenied:
      return "Denied";
    case SubscriptionStatus::kDeleted:
      return "Deleted";
  }
  return "?";
}

Outcome classify(const Call& call, bool connection_loss_allowed) {
  switch (call.status.code()) {
    case absl::StatusCode::kOk:
      return Outcome::kAcknowledged;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
      return Outcome::kLostRace;
    case absl::StatusCode::kUnavailable: {
      // The remote client's words when the connection failed (src/client/remote_backend.cc).
      const std::string_view message(call.status.message().data(), call.status.message().size());
      const bool connection_lost = message.starts_with("cannot reach the mesh server");
      return connection_loss_allowed && connection_lost ? Outcome::kUnknown : Outcome::kUnclean;
    }
    default:
      return Outcome::kUnclean;
  }
}

std::optional<SubscriptionStatus> Replay::status_before(const std::string& subscription,
                                                        int64_t sequence) const {
  auto it = history.find(subscription);
  if (it == history.end()) return std::nullopt;
  std::optional<SubscriptionStatus> status;
  for (const auto& [seq, after] : it->second) {
    if (seq >= sequence) break;
    status = after;
  }
  return status;
}

Replay replay(const std::vector<AuditEvent>& events) {
  std::vector<const AuditEvent*> ordered;
  for (const AuditEvent& event : events) ordered.push_back(&event);
  std::sort(ordered.begin(), ordered.end(),
            [](const AuditEvent* a, const AuditEvent* b) { return a->sequence < b->sequence; });
  Replay result;
  using S = SubscriptionStatus;
  for (const AuditEvent* event : ordered) {
    const std::string& id = event->subscription_id;
    auto& history = result.history[id];
    const std::optional<S> current =
        history.empty() ? std::nullopt : std::optional<S>(history.back().second);
    auto violation = [&](std::string_view why) {
      result.violations.push_back(cat(
          "event ", event->sequence, " ", event->action, " on ", id, " by ", event->actor_account,
          " (status before: ", current ? status_text(*current) : std::string("none"), "): ", why));
    };
    auto allowed = [&](std::initializer_list<S> from) {
      return current && std::find(from.begin(), from.end(), *current) != from.end();
    };
    if (id.empty()) {
      violation("an event without a subscription during the load");
      continue;
    }
    S next = current.value_or(S::kPending);
    if (event->action == kRequest) {
      if (current) violation("a second request event for one subscription");
      result.requester[id] = event->actor_account;
      next = S::kPending;
    } else if (event->action == kApprove) {
      if (!allowed({S::kPending, S::kDenied})) violation("approve needs Pending or Denied");
      next = S::kActive;
    } else if (event->action == kDeny) {
      if (!allowed({S::kPending})) violation("deny needs Pending");
      next = S::kDenied;
    } else if (event->action == kDelete) {
      if (!allowed({S::kPending, S::kActive})) violation("delete needs Pending or Active");
      next = S::kDeleted;
    } else if (event->action == kUpdate) {
      if (!allowed({S::kActive})) violation("update needs Active");
      next = S::kActive;
    } else if (event->action == kFinalize) {
      if (!allowed({S::kActive})) violation("finalize needs Active");
      next = S::kActive;
    } else {
      violation("an action no client of the test made");
      continue;
    }
    history.emplace_back(event->sequence, next);
  }
  return result;
}

std::map<ChangeKey, int> count_events(const std::vector<AuditEvent>& events) {
  std::map<ChangeKey, int> counts;
  for (const AuditEvent& event : events) {
    ++counts[{event.action, event.subscription_id, event.actor_account}];
  }
  return counts;
}

bool audit_count_agrees(std::string_view action, int acknowledged, int unknown, int audited) {
  const bool once = action == kFinalize;
  const int least = once ? std::min(acknowledged, 1) : acknowledged;
  const int most = once ? std::min(acknowledged + unknown, 1) : acknowledged + unknown;
  return least <= audited && audited <= most;
}

std::vector<std::string> count_differences(const std::map<ChangeKey, int>& expected,
                                           const std::map<ChangeKey, int>& actual) {
  std::vector<std::string> lines;
  std::set<ChangeKey> keys;
  for (const auto& [key, count] : expected) keys.insert(key);
  for (const auto& [key, count] : actual) keys.insert(key);
  for (const ChangeKey& key : keys) {
    auto e = expected.find(key);
    auto a = actual.find(key);
    const int want = e == expected.end() ? 0 : e->second;
    const int got = a == actual.end() ? 0 : a->second;
    if (want != got) {
      lines.push_back(cat(std::get<0>(key), " ", std::get<1>(key), " by ", std::get<2>(key),
                          ": acknowledged ", want, " times, audited ", got, " times"));
    }
  }
  return lines;
}

std::vector<std::string> check_subscriptions(DataMeshProducer& owner, const Replay& replay) {
  std::vector<std::string> problems;
  for (const auto& [id, history] : replay.history) {
    if (history.empty()) continue;
    const SubscriptionStatus replayed = history.back().second;
    auto sub = owner.get_subscription(id);
    if (!sub.ok()) {
      problems.push_back(cat("get_subscription ", id, ": ", sub.status().ToString()));
      continue;
    }
    if (sub->subscription_id != id) {
      problems.push_back(cat("get_subscription ", id, " answered ", sub->subscription_id));
    }
    if (sub->status != replayed) {
      problems.push_back(cat("subscription ", id, " is ", status_text(sub->status),
                             " but its audit events end in ", status_text(replayed)));
    }
    auto grants = owner.get_subscription_grants(id);
    if (!grants.ok()) {
      problems.push_back(cat("get_subscription_grants ", id, ": ", grants.status().ToString()));
      continue;
    }
    const bool active = sub->status == SubscriptionStatus::kActive;
    if (active == grants->empty()) {
      problems.push_back(cat("subscription ", id, " is ", status_text(sub->status), " with ",
                             grants->size(), " grants"));
    }
    if (active && sub->permitted_grants.empty()) {
      problems.push_back(cat("subscription ", id, " is Active with no PermittedGrants"));
    }
    for (const EffectiveGrant& grant : *grants) {
      if (grant.subscription_id != id) {
        problems.push_back(
            cat("a grant of subscription ", id, " names subscription ", grant.subscription_id));
      }
      if (grant.permissions.empty()) {
        problems.push_back(cat("a grant of subscription ", id, " has no permissions"));
      }
    }
  }
  return problems;
}

}  // namespace datamesh::server_test
