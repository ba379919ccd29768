// Crash consistency of the server mode: `datamesh serve` on a mesh file, three client threads
// running the workload (crash_workload.h) over signed HTTP, and a SIGKILL to the server at a
// random moment, 50 times; after each kill the file must keep every invariant of
// mesh_invariants.h against what the clients were told, and the server must start again on it.
//
// A call answered before the kill is acknowledged (OK) or cleanly refused; a call whose
// connection was lost has an unknown outcome (it may have been committed before the server
// died). Any other answer (a 503 from the server, an Internal error) fails the test. The seed
// (printed; DATAMESH_CRASH_SEED replays it) fixes the clients' choices and the kill delays; where
// the kill lands in the server's work is up to the scheduler.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "client/open_backend.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "reliability/crash_ledger.h"
#include "reliability/crash_workload.h"
#include "reliability/mesh_invariants.h"
#include "server/ledger.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using server_test::AccountSpec;
using server_test::Outcome;
using server_test::Role;
using server_test::ScratchDir;
using server_test::start_server_process;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

constexpr int kServerCycles = 50;
constexpr int kClients = 3;

// What one client thread was told, as ledger entries.
class ClientLedger final : public WorkloadObserver {
 public:
  void before(const Intent& intent) override { entries.push_back({.intent = intent}); }
  void after(const Intent&, const absl::Status& status, const std::string& returned_id) override {
    LedgerEntry& entry = entries.back();
    const server_test::Call call{.action = entry.intent.action, .status = status};
    switch (server_test::classify(call, /*connection_loss_allowed=*/true)) {
      case Outcome::kUnknown: return;  // the connection was lost: it may have been committed
      case Outcome::kUnclean:
        unclean.push_back(cat(entry.intent.action, " ", entry.intent.subscription_id, ": ",
                              status.ToString()));
        break;
      default: break;
    }
    entry.code = status.code();
    entry.returned_id = returned_id;
    entry.message = std::string(status.message());
  }

  std::vector<LedgerEntry> entries;
  std::vector<std::string> unclean;
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CrashConsistencyTest, ServerMeshKeepsItsInvariantsThroughFiftySigkills) {
  const uint64_t seed = crash_seed();
  std::cout << "crash seed " << seed << " (DATAMESH_CRASH_SEED=" << seed
            << " replays this run's choices)\n";
  ScratchDir scratch;
  const std::filesystem::path db = scratch.path() / "mesh.db";
  const std::filesystem::path server_log = scratch.path() / "serve.err";

  CrashMesh crash_mesh{.owner = kProducerAccount,
                       .consumers = {kConsumerAccount, kConsumer2Account, "666666666666"},
                       .tables = {"t0", "t1", "t2", "t3"}};
  {
    auto server = start_server_process(db, server_log);
    ASSERT_TRUE(server.ok()) << server.status();
    std::vector<AccountSpec> accounts = {{kProducerAccount, "producer", Role::kProducer}};
    for (const std::string& consumer : crash_mesh.consumers) {
      accounts.push_back({consumer, cat("consumer ", consumer), Role::kConsumer});
    }
    auto keys = server_test::set_up_mesh((*server)->endpoint(), accounts);
    ASSERT_TRUE(keys.ok()) << keys.status();
    crash_mesh.keys = std::move(*keys);
    auto product = server_test::publish_tables(
        (*server)->endpoint(), crash_mesh.keys.at(kProducerAccount), "sales", crash_mesh.tables);
    ASSERT_TRUE(product.ok()) << product.status();
    crash_mesh.product = *product;
    ASSERT_TRUE((*server)->terminate(std::chrono::seconds(30)).ok());
  }
  auto report = check_mesh(db, 1, {});
  ASSERT_TRUE(report.ok()) << report.status();
  const int64_t workload_from = report->events + 1;

  std::mt19937_64 rng(seed);
  std::vector<LedgerEntry> ledger;
  for (int number = 1; number <= kServerCycles; ++number) {
    const int delay_ms = 30 + static_cast<int>(rng() % 271);
    const std::string where =
        cat("cycle ", number, " of seed ", seed, ", server killed after ", delay_ms, " ms");
    auto server = start_server_process(db, server_log);
    ASSERT_TRUE(server.ok()) << where << ": the server does not start again: "
                             << server.status() << "\n" << read_text(server_log);
    auto backend = open_backend(
        ClientOptions{.log_level = "WARNING", .endpoint = (*server)->endpoint()}, false);
    ASSERT_TRUE(backend.ok()) << backend.status();

    std::atomic<bool> stopping = false;
    std::vector<ClientLedger> clients(kClients);
    std::vector<std::thread> threads;
    for (int t = 0; t < kClients; ++t) {
      threads.emplace_back([&, t] {
        Workload workload(**backend, crash_mesh, report->subscriptions,
                          seed * 1000 + number * 10 + t);
        while (!stopping) workload.step(clients[t]);
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    stopping = true;
    const absl::Status killed = (*server)->send_signal(SIGKILL);
    auto ended = (*server)->wait_for_exit(std::chrono::seconds(30));
    for (std::thread& thread : threads) thread.join();  // before any assertion can return
    ASSERT_TRUE(killed.ok()) << where << ": " << killed;
    ASSERT_TRUE(ended.ok()) << where << ": " << ended.status();
    ASSERT_TRUE(WIFSIGNALED(*ended) && WTERMSIG(*ended) == SIGKILL) << where;

    for (ClientLedger& client : clients) {
      EXPECT_TRUE(client.unclean.empty())
          << where << ": answers that are neither an outcome nor a clean refusal:\n"
          << base::join(client.unclean, "\n");
      ledger.insert(ledger.end(), client.entries.begin(), client.entries.end());
    }
    report = check_mesh(db, workload_from, ledger);
    ASSERT_TRUE(report.ok()) << where << ": " << report.status();
    ASSERT_TRUE(report->problems.empty()) << where << ":\n" << base::join(report->problems, "\n");
  }

  int acknowledged = 0, refused = 0, unknown = 0;
  for (const LedgerEntry& entry : ledger) {
    if (!entry.code) {
      ++unknown;
    } else if (*entry.code == absl::StatusCode::kOk) {
      ++acknowledged;
    } else {
      ++refused;
    }
  }
  std::cout << "server crash consistency: " << kServerCycles << " SIGKILLs of datamesh serve survived; "
            << ledger.size() << " calls from " << kClients << " clients: " << acknowledged
            << " acknowledged, " << refused << " refused, " << unknown << " unknown; "
            << report->subscriptions.size() << " subscriptions, " << report->events
            << " audit events\n";
  EXPECT_GT(acknowledged, kServerCycles);

  // Once more, a server on the file tells the same story through the public API.
  auto server = start_server_process(db, server_log);
  ASSERT_TRUE(server.ok()) << server.status();
  DataMeshAdmin admin(
      server_test::client_options((*server)->endpoint(), crash_mesh.keys.at(kMeshAccount)));
  auto events = server_test::all_audit_events(admin);
  ASSERT_TRUE(events.ok()) << events.status();
  std::vector<AuditEvent> workload;
  for (const AuditEvent& event : *events) {
    if (event.sequence >= workload_from) workload.push_back(event);
  }
  DataMeshProducer owner(
      server_test::client_options((*server)->endpoint(), crash_mesh.keys.at(kProducerAccount)));
  const auto problems = server_test::check_subscriptions(owner, server_test::replay(workload));
  EXPECT_TRUE(problems.empty()) << base::join(problems, "\n");
  auto stopped = (*server)->terminate(std::chrono::seconds(30));
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_TRUE(WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0) << read_text(server_log);
}

}  // namespace
}  // namespace datamesh::reliability
