// The workload of the crash tests: random state-changing calls on the subscriptions of one data
// product, through any Backend (the embedded one in a child process, or the remote one to a
// `datamesh serve` process), each reported to an observer before it is made and after it
// returns, so that a ledger knows which changes were acknowledged.
//
// The calls: consumers request access (a few table shapes and permission sets, so identical live
// requests come back and dedupe), finalize and leave; the producer approves, denies, updates
// permissions and deletes. A subscription is picked among the most recent live ones known, and
// four calls in five are ones its last known status allows (the status the workload last saw;
// another process may have changed it since); the fifth is any call, so refusals are exercised
// too. A Workload is used by one thread; the seed fixes its random choices, not the outcomes.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "api/backend.h"
#include "datamesh/types.h"

namespace datamesh::reliability {

// The seed of a crash test: DATAMESH_CRASH_SEED when set (to replay a failure), else a fixed
// one. The tests print it.
uint64_t crash_seed();

// The mesh the workload acts on.
struct CrashMesh {
  std::string product;                      // the mesh database
  std::string owner;                        // the producer's account
  std::vector<std::string> consumers;       // consumer accounts
  std::vector<std::string> tables;          // tables of the product
  std::map<std::string, Credentials> keys;  // by account (the mesh admin's too)
};

// One call: its audit action, the subscription it acts on ("" for a request) and the caller.
struct Intent {
  std::string action;
  std::string subscription_id;
  std::string actor;
};

class WorkloadObserver {
 public:
  virtual ~WorkloadObserver() = default;
  virtual void before(const Intent& intent) = 0;
  // `returned_id`: the SubscriptionId a successful request answered, "" otherwise.
  virtual void after(const Intent& intent, const absl::Status& status,
                     const std::string& returned_id) = 0;
};

class Workload {
 public:
  struct Known {
    std::string id;
    std::string subscriber;
    SubscriptionStatus status = SubscriptionStatus::kPending;  // as last seen
  };

  // `known`: subscriptions that exist already.
  Workload(Backend& backend, const CrashMesh& mesh, std::vector<Known> known, uint64_t seed);

  // Makes one random call and reports it.
  void step(WorkloadObserver& observer);

 private:
  absl::Status call(const Intent& intent, std::string_view group, const nlohmann::json& params,
                    std::string* returned_id);
  void request(WorkloadObserver& observer);
  // A recent subscription that is not Deleted, or nullptr when none is known.
  Known* pick();

  Backend& backend_;
  const CrashMesh& mesh_;
  std::vector<Known> known_;
  std::mt19937_64 rng_;
};

}  // namespace datamesh::reliability
