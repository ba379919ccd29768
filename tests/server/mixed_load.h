// A mixed load of many clients on one mesh, through one server or several replicas of it, and
// the check that the mesh tells the same story as the answers afterwards (ledger.h).
//
// One producer P has published a product; consumers request a few fixed shapes of access to it
// (so identical requests race, and each shape comes back after a deletion or a denial). Client
// thread i uses endpoints[i % endpoints.size()] with its own client object (one keep-alive
// connection): even threads act as P (approve, deny, delete, update, read a subscription or the
// queue), odd ones as a consumer (request, finalize, leave, read its own). Until the deadline
// or stop(), each makes random calls on the subscriptions any thread created, and records every
// answer.
//
// check() then compares, after the audit event `baseline`:
//  - each acknowledged change has exactly one audit event (action, subscription, caller), and
//    there is no other event; with an outage allowed, a change whose call was Unavailable may
//    have one event or none (its COMMIT's outcome is unknown to the client);
//  - each subscription a request returned was created by one request event of that consumer;
//  - replayed in sequence order, every subscription follows its lifecycle, and an identical
//    request never created a second subscription while the first was Pending or Active;
//  - every subscription is in the replayed state, with grants exactly when Active;
//  - losers of races got FailedPrecondition / Aborted / NotFound; every kind of change
//    succeeded at least once and some call lost a race.
// Thread-safety: run() starts and joins the client threads; stop() and wait_until() may be called
// from another thread while run() runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "datamesh/admin.h"
#include "datamesh/producer.h"
#include "datamesh/types.h"
#include "server/ledger.h"

namespace datamesh::server_test {

struct LoadPlan {
  std::vector<std::string> endpoints;      // replicas of one mesh
  std::map<std::string, Credentials> keys;  // by account id (producer and every consumer)
  std::string producer;                     // account id of P
  std::vector<std::string> consumers;       // account ids
  std::string product;                      // the mesh database of P's product
  std::vector<std::string> tables;          // its tables; the request shapes use the first four
  int threads = 64;
};

// How many calls have ended so far, by outcome (see ledger.h).
struct LoadProgress {
  int acknowledged = 0;
  int unavailable = 0;  // Unavailable answers (503 from a server whose database is down)
  int total = 0;
};

struct LoadVerdict {
  std::string summary;                // calls per action and outcome, calls per thread
  std::vector<std::string> problems;  // empty when the mesh agrees with every answer
};

class MixedLoad {
 public:
  explicit MixedLoad(LoadPlan plan);

  // Runs every client thread until `deadline` or stop(), then joins them.
  void run(std::chrono::steady_clock::time_point deadline);
  // Ends the load early: every thread returns after its current call.
  void stop();
  // Blocks until `reached(progress)` holds or `limit` has passed (a guard against a hung
  // load, not a measurement); the progress then.
  LoadProgress wait_until(const std::function<bool(const LoadProgress&)>& reached,
                          std::chrono::seconds limit);
  LoadProgress progress();

  // The mesh against the answers, read through `admin` and `owner` (clients of P).
  // `outage_allowed`: Unavailable answers that name the mesh database are unknown outcomes.
  LoadVerdict check(const std::vector<AuditEvent>& events_after_baseline,
                    DataMeshProducer& owner, bool outage_allowed) const;

  // Subscriptions by status after the load, as replayed from the audit log (for gauges).
  static std::map<SubscriptionStatus, int> replayed_statuses(const std::vector<AuditEvent>& events);

 private:
  struct ThreadLog {
    std::vector<Call> calls;
    std::vector<int> request_shapes;  // the shape of each request call, in order
    int calls_before_deadline = 0;
  };
  class SharedSubscriptions;

  ThreadLog run_client(int index, std::chrono::steady_clock::time_point deadline,
                       SharedSubscriptions& shared);
  void record(ThreadLog& log, Call call, std::chrono::steady_clock::time_point deadline);
  bool stopping();

  LoadPlan plan_;
  std::vector<std::optional<std::vector<std::string>>> shapes_;
  std::vector<ThreadLog> logs_;

  std::mutex mutex_;
  std::condition_variable changed_;
  LoadProgress progress_;
  bool stop_ = false;
};

}  // namespace datamesh::server_test
