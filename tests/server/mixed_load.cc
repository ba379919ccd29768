#include "server/mixed_load.h"

#include <algorithm>
#include <climits>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/text.h"
#include "datamesh/consumer.h"
#include "server/server_harness.h"

namespace datamesh::server_test {

using base::cat;

namespace {

// A Unavailable answer of a server whose database is down (its words, src/store/postgres).
bool names_mesh_database(const absl::Status& status) {
  const std::string_view message(status.message().data(), status.message().size());
  return message.find("the mesh database") != std::string_view::npos;
}

Outcome outcome_of(const Call& call, bool outage_allowed) {
  if (outage_allowed && absl::IsUnavailable(call.status) && names_mesh_database(call.status)) {
    return Outcome::kUnknown;
  }
  return classify(call, /*connection_loss_allowed=*/false);
}

template <typename T>
std::string first_lines(const std::vector<T>& lines, size_t count = 20) {
  return base::join(std::vector<std::string>(lines.begin(),
                                             lines.begin() + std::min(count, lines.size())),
                    "\n");
}

}  // namespace

// Subscriptions created so far, shared by the threads. Thread-safe.
class MixedLoad::SharedSubscriptions {
 public:
  struct Entry {
    std::string id;
    std::string consumer;
  };

  void add(const std::string& id, const std::string& consumer) {
    std::lock_guard lock(mutex_);
    if (!known_.insert(id).second) return;
    entries_.push_back({id, consumer});
  }

  // One of the most recent entries (of `consumer` when not empty); nullopt when none.
  std::optional<Entry> pick(std::mt19937& rng, const std::string& consumer = "") {
    std::lock_guard lock(mutex_);
    std::vector<const Entry*> recent;
    for (auto it = entries_.rbegin(); it != entries_.rend() && recent.size() < 24; ++it) {
      if (consumer.empty() || it->consumer == consumer) recent.push_back(&*it);
    }
    if (recent.empty()) return std::nullopt;
    return *recent[rng() % recent.size()];
  }

 private:
  std::mutex mutex_;
  std::set<std::string> known_;
  std::vector<Entry> entries_;
};

MixedLoad::MixedLoad(LoadPlan plan) : plan_(std::move(plan)) {
  const std::vector<std::string>& t = plan_.tables;
  shapes_ = {std::vector<std::string>{t.at(0)}, std::vector<std::string>{t.at(1)},
             std::vector<std::string>{t.at(2), t.at(3)}, std::nullopt};
}

void MixedLoad::run(std::chrono::steady_clock::time_point deadline) {
  SharedSubscriptions shared;
  logs_.assign(plan_.threads, ThreadLog());
  std::vector<std::thread> threads;
  for (int i = 0; i < plan_.threads; ++i) {
    threads.emplace_back([&, i] { logs_[i] = run_client(i, deadline, shared); });
  }
  for (std::thread& thread : threads) thread.join();
}

void MixedLoad::stop() {
  std::lock_guard lock(mutex_);
  stop_ = true;
}

bool MixedLoad::stopping() {
  std::lock_guard lock(mutex_);
  return stop_;
}

LoadProgress MixedLoad::progress() {
  std::lock_guard lock(mutex_);
  return progress_;
}

LoadProgress MixedLoad::wait_until(const std::function<bool(const LoadProgress&)>& reached,
                                   std::chrono::seconds limit) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, limit, [&] { return reached(progress_); });
  return progress_;
}

void MixedLoad::record(ThreadLog& log, Call call, std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    ++progress_.total;
    if (call.status.ok()) ++progress_.acknowledged;
    if (absl::IsUnavailable(call.status)) ++progress_.unavailable;
  }
  changed_.notify_all();
  log.calls.push_back(std::move(call));
  if (std::chrono::steady_clock::now() < deadline) ++log.calls_before_deadline;
}

MixedLoad::ThreadLog MixedLoad::run_client(int index,
                                           std::chrono::steady_clock::time_point deadline,
                                           SharedSubscriptions& shared) {
  ThreadLog log;
  std::mt19937 rng(static_cast<unsigned>(index) * 7919u + 17u);
  const bool is_producer = index % 2 == 0;
  const std::string me = is_producer
                             ? plan_.producer
                             : plan_.consumers[(index / 2) % plan_.consumers.size()];
  const std::string& endpoint = plan_.endpoints[index % plan_.endpoints.size()];
  const ClientOptions options = client_options(endpoint, plan_.keys.at(me));
  auto note = [&](const char* action, const std::string& id, absl::Status status) {
    record(log,
           Call{.action = action, .subscription_id = id, .actor = me, .status = std::move(status)},
           deadline);
  };
  const auto read_back = [](const absl::StatusOr<Subscription>& read, const std::string& id) {
    if (read.ok() && read->subscription_id != id) {
      return absl::InternalError(cat("get_subscription ", id, " answered ", read->subscription_id));
    }
    return read.status();
  };
  const auto going = [&] { return std::chrono::steady_clock::now() < deadline && !stopping(); };

  if (is_producer) {
    DataMeshProducer producer(options);
    while (going()) {
      const unsigned roll = rng() % 100;
      auto picked = shared.pick(rng);
      if (!picked || roll >= 95) {
        note(kRead, "", producer.list_pending_access_requests().status());
        continue;
      }
      const std::string& id = picked->id;
      if (roll < 30) {
        note(kApprove, id, producer.approve_access_request(id));
      } else if (roll < 50) {
        note(kDeny, id, producer.deny_access_request(id, "not now"));
      } else if (roll < 65) {
        note(kDelete, id, producer.delete_subscription(id, "torn down"));
      } else if (roll < 80) {
        const std::vector<std::string> permissions = rng() % 2 == 0
                                                         ? std::vector<std::string>{"SELECT"}
                                                         : std::vector<std::string>{"DESCRIBE"};
        note(kUpdate, id, producer.update_subscription_permissions(id, permissions, "adjusted"));
      } else if (roll < 90) {
        note(kRead, id, read_back(producer.get_subscription(id), id));
      } else {
        note(kRead, id, producer.get_subscription_grants(id).status());
      }
    }
    return log;
  }
  DataMeshConsumer consumer(options);
  while (going()) {
    const unsigned roll = rng() % 100;
    auto picked = roll < 50 ? std::nullopt : shared.pick(rng, me);
    if (!picked) {
      const int shape = static_cast<int>(rng() % shapes_.size());
      auto requested = consumer.request_access_to_product(plan_.producer, plan_.product,
                                                          {"SELECT"}, shapes_[shape]);
      note(kRequest, requested.ok() ? requested->subscription_id : "", requested.status());
      log.request_shapes.push_back(shape);
      if (requested.ok()) shared.add(requested->subscription_id, me);
    } else if (roll < 62) {
      note(kFinalize, picked->id, consumer.finalize_subscription(picked->id));
    } else if (roll < 77) {
      note(kDelete, picked->id, consumer.delete_subscription(picked->id, "leaving"));
    } else if (roll < 90) {
      note(kRead, picked->id, read_back(consumer.get_subscription(picked->id), picked->id));
    } else {
      note(kRead, "", consumer.list_product_access().status());
    }
  }
  return log;
}

std::map<SubscriptionStatus, int> MixedLoad::replayed_statuses(
    const std::vector<AuditEvent>& events) {
  std::map<SubscriptionStatus, int> by_status;
  for (const auto& [id, history] : replay(events).history) ++by_status[history.back().second];
  return by_status;
}

LoadVerdict MixedLoad::check(const std::vector<AuditEvent>& events, DataMeshProducer& owner,
                             bool outage_allowed) const {
  LoadVerdict verdict;
  std::vector<std::string>& problems = verdict.problems;

  // What the clients were told.
  std::map<ChangeKey, int> acknowledged;           // non-request changes
  std::map<ChangeKey, int> unknown;                // non-request changes with unknown outcome
  std::map<std::string, int> unknown_requests;     // consumer -> requests with unknown outcome
  std::map<std::string, std::string> created_by;   // request answers: id -> consumer
  std::map<std::string, std::set<int>> shapes_of;  // id -> request shapes that returned it
  std::map<std::string, int> outcomes;
  std::vector<std::string> unclean;
  int min_calls = INT_MAX, max_calls = 0, starved = 0;
  for (const ThreadLog& log : logs_) {
    min_calls = std::min(min_calls, log.calls_before_deadline);
    max_calls = std::max(max_calls, log.calls_before_deadline);
    if (log.calls_before_deadline == 0) ++starved;
    size_t request_index = 0;
    for (const Call& call : log.calls) {
      const Outcome outcome = outcome_of(call, outage_allowed);
      const bool is_request = call.action == std::string(kRequest);
      const int shape = is_request ? log.request_shapes[request_index++] : -1;
      ++outcomes[cat(call.action, outcome == Outcome::kAcknowledged ? " ok"
                                  : outcome == Outcome::kLostRace   ? " lost race"
                                  : outcome == Outcome::kUnknown    ? " unknown (database down)"
                                                                    : " UNCLEAN")];
      if (outcome == Outcome::kUnclean) {
        unclean.push_back(cat(call.action, " ", call.subscription_id, " by ", call.actor, ": ",
                              call.status.ToString()));
        continue;
      }
      if (call.action == std::string(kRead) || outcome == Outcome::kLostRace) continue;
      if (outcome == Outcome::kUnknown) {
        if (is_request) {
          ++unknown_requests[call.actor];
        } else {
          ++unknown[{call.action, call.subscription_id, call.actor}];
        }
        continue;
      }
      if (is_request) {
        created_by.emplace(call.subscription_id, call.actor);
        if (created_by[call.subscription_id] != call.actor) {
          unclean.push_back(cat("request by ", call.actor, " returned ", call.subscription_id,
                                " of ", created_by[call.subscription_id]));
        }
        shapes_of[call.subscription_id].insert(shape);
      } else {
        ++acknowledged[{call.action, call.subscription_id, call.actor}];
      }
    }
  }
  std::ostringstream summary;
  for (const auto& [what, count] : outcomes) summary << "  " << what << ": " << count << "\n";
  summary << "  calls per thread before the deadline: " << min_calls << " to " << max_calls << "\n";
  verdict.summary = summary.str();

  if (starved > 0) problems.push_back(cat(starved, " client threads got no answer in time"));
  if (!unclean.empty()) {
    problems.push_back(cat(unclean.size(), " calls failed uncleanly, e.g.:\n", first_lines(unclean)));
  }
  // The load did what it is for: every kind of change got through, and races were lost.
  for (const char* action : {kRequest, kApprove, kDeny, kDelete, kUpdate, kFinalize, kRead}) {
    if (outcomes[cat(action, " ok")] == 0) problems.push_back(cat("no ", action, " succeeded"));
  }
  int lost = 0;
  for (const auto& [what, count] : outcomes) {
    if (what.ends_with("lost race")) lost += count;
  }
  if (lost == 0) problems.push_back("no call lost a race; the test did not race");
  for (const auto& [id, shapes] : shapes_of) {
    if (shapes.size() != 1) problems.push_back(cat("requests of different shapes returned ", id));
  }

  // What the mesh says.
  std::map<ChangeKey, int> audited_changes;
  std::map<std::string, int> request_events;
  std::map<std::string, int> orphan_requests;  // consumer -> request events nobody was told of
  for (const auto& [key, count] : count_events(events)) {
    const auto& [action, id, actor] = key;
    if (action != std::string(kRequest)) {
      audited_changes[key] = count;
      continue;
    }
    request_events[id] += count;
    auto who = created_by.find(id);
    if (who == created_by.end()) {
      orphan_requests[actor] += count;
    } else if (who->second != actor) {
      problems.push_back(cat("subscription ", id, " was created by ", actor, " but returned to ",
                             who->second));
    }
  }
  for (const auto& [consumer, count] : orphan_requests) {
    if (count > unknown_requests[consumer]) {
      problems.push_back(cat(consumer, " has ", count, " request events that no request of it "
                             "returned (", unknown_requests[consumer], " had unknown outcomes)"));
    }
  }
  // Acknowledged changes are audited exactly once; unknown ones at most once each.
  std::set<ChangeKey> keys;
  for (const auto& [key, count] : acknowledged) keys.insert(key);
  for (const auto& [key, count] : audited_changes) keys.insert(key);
  std::vector<std::string> mismatches;
  for (const ChangeKey& key : keys) {
    const int want = acknowledged.count(key) ? acknowledged.at(key) : 0;
    const int maybe = unknown.count(key) ? unknown.at(key) : 0;
    const int got = audited_changes.count(key) ? audited_changes.at(key) : 0;
    if (!audit_count_agrees(std::get<0>(key), want, maybe, got)) {
      mismatches.push_back(cat(std::get<0>(key), " ", std::get<1>(key), " by ", std::get<2>(key),
                               ": acknowledged ", want, " (+", maybe, " unknown), audited ", got));
    }
  }
  if (!mismatches.empty()) {
    problems.push_back(cat(mismatches.size(), " audit mismatches, e.g.:\n", first_lines(mismatches)));
  }
  for (const auto& [id, consumer] : created_by) {
    if (request_events[id] != 1) {
      problems.push_back(cat("subscription ", id, " returned to ", consumer, " has ",
                             request_events[id], " request events"));
    }
  }

  const Replay lifecycle = replay(events);
  if (!lifecycle.violations.empty()) {
    problems.push_back(cat("lifecycle violations:\n", first_lines(lifecycle.violations)));
  }
  // An identical request never made a second subscription while one was Pending or Active.
  std::map<std::pair<std::string, int>, std::vector<std::pair<int64_t, std::string>>> by_shape;
  for (const AuditEvent& event : events) {
    if (event.action != std::string(kRequest)) continue;
    auto shapes = shapes_of.find(event.subscription_id);
    if (shapes == shapes_of.end() || shapes->second.size() != 1) continue;
    by_shape[{event.actor_account, *shapes->second.begin()}].emplace_back(event.sequence,
                                                                          event.subscription_id);
  }
  for (const auto& [shape, creations] : by_shape) {
    for (size_t later = 1; later < creations.size(); ++later) {
      for (size_t earlier = 0; earlier < later; ++earlier) {
        const auto status =
            lifecycle.status_before(creations[earlier].second, creations[later].first);
        if (status != SubscriptionStatus::kDenied && status != SubscriptionStatus::kDeleted) {
          problems.push_back(cat("subscription ", creations[later].second, " of ", shape.first,
                                 " was created while the identical ", creations[earlier].second,
                                 " was ", status ? status_text(*status) : std::string("unknown")));
        }
      }
    }
  }
  const std::vector<std::string> states = check_subscriptions(owner, lifecycle);
  if (!states.empty()) {
    problems.push_back(cat("subscriptions disagree with their events:\n", first_lines(states)));
  }
  return verdict;
}

}  // namespace datamesh::server_test
