// Crash consistency of the embedded mode: a child process runs the workload (crash_workload.h)
// on the mesh file through the embedded backend and is killed with SIGKILL, 60 times, each time
// at another point; after each kill the file must keep every invariant of mesh_invariants.h
// against the child's ledger.
//
// Where the child dies, chosen by the seeded generator for each cycle:
//  - in a transaction: before a random write (the FaultStore hook raises SIGKILL before the
//    Kth write call runs, so the transaction has done part of its writes);
//  - at the end of a transaction: before the Kth audit event is appended, which every method
//    does last, so every other write of the method has been made;
//  - after a commit, before the caller could acknowledge it: the change is in the file but the
//    ledger says "unknown";
//  - at a random time: the parent kills it 5 to 150 ms into the cycle, wherever it is (inside
//    SQLite's commit, writing the ledger, ...). The delay is seeded but the point it lands on
//    is not, so these cycles are not exactly reproducible.
// The seed is printed; DATAMESH_CRASH_SEED=<seed> replays the same workload and kill choices.
//
// A second test runs three writer threads in the child, each with its workload and ledger, so
// that their transactions share batches (group commit, store/group_commit.h): a kill then lands
// in the middle of a batch, after some of its bodies have run and before its COMMIT. It must lose
// exactly the changes no writer was told of.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "base/text.h"
#include "gtest/gtest.h"
#include "reliability/crash_ledger.h"
#include "reliability/crash_workload.h"
#include "reliability/mesh_invariants.h"
#include "reliability/test_mesh.h"
#include "server/ledger.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using server_test::AccountSpec;
using server_test::Role;
using server_test::ScratchDir;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

constexpr int kCycles = 60;
constexpr int kBatchCycles = 20;
constexpr int kMaxStepsPerCycle = 5000;  // far more than a cycle lives

enum class KillPoint { kInTransaction, kBeforeAuditEvent, kBeforeAcknowledgement, kAtRandomTime };

std::string_view kill_point_name(KillPoint point) {
  switch (point) {
    case KillPoint::kInTransaction: return "in a transaction";
    case KillPoint::kBeforeAuditEvent: return "before the audit event of a change";
    case KillPoint::kBeforeAcknowledgement: return "after a commit, before its acknowledgement";
    case KillPoint::kAtRandomTime: return "at a random time";
  }
  return "?";
}

struct Cycle {
  KillPoint point;
  int64_t kill_at;  // write number, acknowledgement number, or milliseconds
  uint64_t seed;
};

// The ledger file of writer `writer` of the child.
std::filesystem::path ledger_path(const std::filesystem::path& scratch, int writer) {
  return scratch / cat("ledger-", writer, ".tsv");
}

// The child: runs the workload on `writers` threads until it is killed. Exit codes other than by
// SIGKILL tell the parent what went wrong.
[[noreturn]] void run_child(const std::filesystem::path& db, const std::filesystem::path& scratch,
                            int writers, const CrashMesh& crash_mesh,
                            const std::vector<Workload::Known>& known, const Cycle& cycle) {
  ::alarm(120);  // a child that is never killed ends (SIGALRM) instead of hanging the test
  auto mesh = OpenMesh::open(db);
  if (!mesh.ok()) ::_exit(3);
  std::vector<std::unique_ptr<LedgerFile>> files;
  for (int writer = 0; writer < writers; ++writer) {
    auto file = LedgerFile::open(ledger_path(scratch, writer));
    if (!file.ok()) ::_exit(4);
    files.push_back(*std::move(file));
  }
  if (cycle.point == KillPoint::kInTransaction) {
    (*mesh)->faults().set_call_hook(
        [at = cycle.kill_at](int64_t, std::string_view, int64_t write) {
          if (write == at) ::raise(SIGKILL);
        });
  } else if (cycle.point == KillPoint::kBeforeAuditEvent) {
    (*mesh)->faults().set_call_hook(
        [at = cycle.kill_at, n = std::make_shared<std::atomic<int64_t>>(0)](
            int64_t, std::string_view method, int64_t) {
          if (method == "append_audit_event" && ++*n == at) ::raise(SIGKILL);
        });
  } else if (cycle.point == KillPoint::kBeforeAcknowledgement) {
    auto acknowledgements = std::make_shared<std::atomic<int64_t>>(0);
    for (auto& file : files) {
      file->before_acknowledging = [at = cycle.kill_at, acknowledgements] {
        if (++*acknowledgements == at) ::raise(SIGKILL);
      };
    }
  }
  const auto work = [&](int writer) {
    Workload workload((*mesh)->backend(), crash_mesh, known,
                      cycle.seed + (static_cast<uint64_t>(writer) << 48));
    for (int i = 0; i < kMaxStepsPerCycle; ++i) workload.step(*files[writer]);
  };
  std::vector<std::thread> threads;
  for (int writer = 1; writer < writers; ++writer) threads.emplace_back(work, writer);
  work(0);
  for (std::thread& thread : threads) thread.join();
  ::_exit(0);
}

// Every ledger entry of the child's writers.
absl::StatusOr<std::vector<LedgerEntry>> read_ledgers(const std::filesystem::path& scratch,
                                                      int writers) {
  std::vector<LedgerEntry> all;
  for (int writer = 0; writer < writers; ++writer) {
    auto entries = read_ledger(ledger_path(scratch, writer));
    if (!entries.ok()) return entries.status();
    all.insert(all.end(), entries->begin(), entries->end());
  }
  return all;
}

// Runs `cycles` cycles of a child with `writers` writer threads, each killed as the top of this
// file says, and checks the mesh after each one and at the end.
void survive_sigkills(int writers, int cycles) {
  const uint64_t seed = crash_seed();
  std::cout << "crash seed " << seed << " (DATAMESH_CRASH_SEED=" << seed
            << " replays this run)\n";
  ScratchDir scratch;
  const std::filesystem::path db = scratch.path() / "mesh.db";
  const std::string endpoint = cat("sqlite://", db.string());

  CrashMesh crash_mesh{.owner = kProducerAccount,
                       .consumers = {kConsumerAccount, kConsumer2Account, "666666666666"},
                       .tables = {"t0", "t1", "t2", "t3"}};
  {
    std::vector<AccountSpec> accounts = {{kProducerAccount, "producer", Role::kProducer}};
    for (const std::string& consumer : crash_mesh.consumers) {
      accounts.push_back({consumer, cat("consumer ", consumer), Role::kConsumer});
    }
    auto keys = server_test::set_up_mesh(endpoint, accounts);
    ASSERT_TRUE(keys.ok()) << keys.status();
    crash_mesh.keys = std::move(*keys);
    auto product = server_test::publish_tables(endpoint, crash_mesh.keys.at(kProducerAccount),
                                               "sales", crash_mesh.tables);
    ASSERT_TRUE(product.ok()) << product.status();
    crash_mesh.product = *product;
  }  // every client closed: the children open the file themselves
  auto report = check_mesh(db, 1, {});
  ASSERT_TRUE(report.ok()) << report.status();
  const int64_t workload_from = report->events + 1;

  std::mt19937_64 rng(seed);
  std::map<KillPoint, int> kills;
  for (int number = 1; number <= cycles; ++number) {
    const auto point = static_cast<KillPoint>(rng() % 4);
    const int64_t kill_at = point == KillPoint::kInTransaction ? 1 + rng() % 100
                            : point == KillPoint::kAtRandomTime ? 5 + rng() % 146
                                                                 : 1 + rng() % 20;
    const Cycle cycle{point, kill_at, seed * 1000 + number};
    const std::string where = cat("cycle ", number, " of seed ", seed, ", killed ",
                                  kill_point_name(point), " (", kill_at, ")");
    for (int writer = 0; writer < writers; ++writer) {
      ASSERT_TRUE(drop_torn_line(ledger_path(scratch.path(), writer)).ok());
    }
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      run_child(db, scratch.path(), writers, crash_mesh, report->subscriptions, cycle);
    }
    if (point == KillPoint::kAtRandomTime) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kill_at));
      ::kill(child, SIGKILL);
    }
    int wait_status = 0;
    ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL)
        << where << ": the child was not killed (wait status " << wait_status << ")";
    ++kills[point];

    auto entries = read_ledgers(scratch.path(), writers);
    ASSERT_TRUE(entries.ok()) << where << ": " << entries.status();
    report = check_mesh(db, workload_from, *entries);
    ASSERT_TRUE(report.ok()) << where << ": " << report.status();
    ASSERT_TRUE(report->problems.empty())
        << where << ":\n" << base::join(report->problems, "\n");
  }

  auto entries = read_ledgers(scratch.path(), writers);
  ASSERT_TRUE(entries.ok()) << entries.status();
  int acknowledged = 0, refused = 0, unknown = 0;
  for (const LedgerEntry& entry : *entries) {
    if (!entry.code) {
      ++unknown;
    } else if (*entry.code == absl::StatusCode::kOk) {
      ++acknowledged;
    } else {
      ++refused;
      // A refusal is the workload meeting the wrong status, never a store error.
      EXPECT_TRUE(*entry.code == absl::StatusCode::kFailedPrecondition ||
                  *entry.code == absl::StatusCode::kNotFound)
          << entry.intent.action << " " << entry.intent.subscription_id << ": "
          << entry.message;
    }
  }
  std::cout << "embedded crash consistency, " << writers << " writer(s): " << cycles
            << " SIGKILLs survived ("
            << kills[KillPoint::kInTransaction] << " in a transaction, "
            << kills[KillPoint::kBeforeAuditEvent] << " before an audit event, "
            << kills[KillPoint::kBeforeAcknowledgement] << " before an acknowledgement, "
            << kills[KillPoint::kAtRandomTime] << " at a random time); " << entries->size()
            << " calls: " << acknowledged << " acknowledged, " << refused << " refused, "
            << unknown << " unknown; " << report->subscriptions.size() << " subscriptions, "
            << report->events << " audit events\n";
  EXPECT_EQ(kills[KillPoint::kInTransaction] + kills[KillPoint::kBeforeAuditEvent] +
                kills[KillPoint::kBeforeAcknowledgement] + kills[KillPoint::kAtRandomTime],
            cycles);
  EXPECT_GT(acknowledged, cycles);  // the cycles did real work, not only die at start

  // The public API reads the same story after all the crashes.
  DataMeshAdmin admin(server_test::client_options(endpoint, crash_mesh.keys.at(kMeshAccount)));
  auto events = server_test::all_audit_events(admin);
  ASSERT_TRUE(events.ok()) << events.status();
  std::vector<AuditEvent> workload;
  for (const AuditEvent& event : *events) {
    if (event.sequence >= workload_from) workload.push_back(event);
  }
  DataMeshProducer owner(
      server_test::client_options(endpoint, crash_mesh.keys.at(kProducerAccount)));
  const auto problems = server_test::check_subscriptions(owner, server_test::replay(workload));
  EXPECT_TRUE(problems.empty()) << base::join(problems, "\n");
}

TEST(CrashConsistencyTest, EmbeddedMeshKeepsItsInvariantsThroughSixtySigkills) {
  survive_sigkills(/*writers=*/1, kCycles);
}

TEST(CrashConsistencyTest, ConcurrentWritersSharingBatchesLoseOnlyUnacknowledgedChanges) {
  survive_sigkills(/*writers=*/3, kBatchCycles);
}

}  // namespace
}  // namespace datamesh::reliability
