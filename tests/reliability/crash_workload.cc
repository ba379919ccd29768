#include "reliability/crash_workload.h"

#include <algorithm>
#include <cstdlib>

#include "server/ledger.h"

namespace datamesh::reliability {
namespace {

using nlohmann::json;

// Recent subscriptions are the ones still in play; older ones are mostly Deleted or Denied.
constexpr size_t kRecent = 12;

const std::vector<std::vector<std::string>> kPermissionSets = {
    {"SELECT"}, {"INSERT", "SELECT"}, {"DESCRIBE", "SELECT"}};
// What update_subscription_permissions grants: always a subset of what was requested + DESCRIBE.
const std::vector<std::vector<std::string>> kUpdates = {{"SELECT"}, {"DESCRIBE"}};

}  // namespace

uint64_t crash_seed() {
  const char* text = std::getenv("DATAMESH_CRASH_SEED");
  if (text != nullptr && *text != '\0') return std::strtoull(text, nullptr, 10);
  return 20240611;
}

Workload::Workload(Backend& backend, const CrashMesh& mesh, std::vector<Known> known,
                   uint64_t seed)
    : backend_(backend), mesh_(mesh), known_(std::move(known)), rng_(seed) {}

absl::Status Workload::call(const Intent& intent, std::string_view group, const json& params,
                            std::string* returned_id) {
  auto answer = backend_.call(group, intent.action, params, mesh_.keys.at(intent.actor), "");
  if (answer.ok() && returned_id != nullptr) *returned_id = answer->value("SubscriptionId", "");
  return answer.status();
}

Workload::Known* Workload::pick() {
  std::vector<Known*> recent;
  for (auto it = known_.rbegin(); it != known_.rend() && recent.size() < kRecent; ++it) {
    if (it->status != SubscriptionStatus::kDeleted) recent.push_back(&*it);
  }
  if (recent.empty()) return nullptr;
  return recent[rng_() % recent.size()];
}

void Workload::request(WorkloadObserver& observer) {
  const std::string& consumer = mesh_.consumers[rng_() % mesh_.consumers.size()];
  json params = {{"owner_account_id", mesh_.owner},
                 {"database_name", mesh_.product},
                 {"request_permissions", kPermissionSets[rng_() % kPermissionSets.size()]}};
  // Four shapes: one table, two tables, the first table again, the whole database.
  switch (rng_() % 4) {
    case 0: params["tables"] = {mesh_.tables[rng_() % mesh_.tables.size()]}; break;
    case 1: params["tables"] = {mesh_.tables[0], mesh_.tables[1]}; break;
    case 2: params["tables"] = {mesh_.tables[0]}; break;
    default: break;
  }
  const Intent intent{server_test::kRequest, "", consumer};
  observer.before(intent);
  std::string id;
  const absl::Status status = call(intent, "consumer", params, &id);
  observer.after(intent, status, id);
  if (status.ok() && !id.empty()) {
    const bool seen = std::any_of(known_.begin(), known_.end(),
                                  [&](const Known& known) { return known.id == id; });
    if (!seen) known_.push_back({id, consumer, SubscriptionStatus::kPending});
  }
}

void Workload::step(WorkloadObserver& observer) {
  using S = SubscriptionStatus;
  Known* sub = pick();
  if (sub == nullptr || rng_() % 100 < 22) {
    request(observer);
    return;
  }
  // The calls, each with the status it leads to.
  enum Call { kApprove, kDeny, kUpdate, kProducerDelete, kConsumerDelete, kFinalize };
  static const std::map<S, std::vector<Call>> kFitting = {
      {S::kPending, {kApprove, kApprove, kDeny, kProducerDelete, kConsumerDelete}},
      {S::kActive, {kUpdate, kUpdate, kFinalize, kFinalize, kProducerDelete, kConsumerDelete}},
      {S::kDenied, {kApprove}}};
  Call chosen;
  if (rng_() % 5 != 0) {
    const std::vector<Call>& fitting = kFitting.at(sub->status);
    chosen = fitting[rng_() % fitting.size()];
  } else {
    chosen = static_cast<Call>(rng_() % 6);
  }
  const std::string& owner = mesh_.owner;
  Intent intent;
  std::string group = "producer";
  json params;
  S after = sub->status;
  switch (chosen) {
    case kApprove:
      intent = {server_test::kApprove, sub->id, owner};
      params = {{"request_id", sub->id}, {"decision_notes", "approved by the crash workload"}};
      after = S::kActive;
      break;
    case kDeny:
      intent = {server_test::kDeny, sub->id, owner};
      params = {{"request_id", sub->id}, {"decision_notes", "denied by the crash workload"}};
      after = S::kDenied;
      break;
    case kUpdate:
      intent = {server_test::kUpdate, sub->id, owner};
      params = {{"subscription_id", sub->id},
                {"grant_permissions", kUpdates[rng_() % kUpdates.size()]}};
      break;
    case kProducerDelete:
      intent = {server_test::kDelete, sub->id, owner};
      params = {{"subscription_id", sub->id}, {"reason", "revoked by the crash workload"}};
      after = S::kDeleted;
      break;
    case kConsumerDelete:
      intent = {server_test::kDelete, sub->id, sub->subscriber};
      group = "consumer";
      params = {{"subscription_id", sub->id}, {"reason", "left in the crash workload"}};
      after = S::kDeleted;
      break;
    case kFinalize:
      intent = {server_test::kFinalize, sub->id, sub->subscriber};
      group = "consumer";
      params = {{"subscription_id", sub->id}};
      break;
  }
  observer.before(intent);
  const absl::Status status = call(intent, group, params, nullptr);
  observer.after(intent, status, "");
  if (status.ok()) sub->status = after;
}

}  // namespace datamesh::reliability
