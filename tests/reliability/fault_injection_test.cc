// Fault injection: every route of the method table, at every store position it reaches, with
// that position failing (support/fault_store.h).
//
// The calls are the successful cells of docs/AUTHORIZATION.md: every route, subscription status
// and account for which the documented answer is OK, with the parameters of method_calls.cc.
// initialize_mesh_account runs on an empty mesh. For each call:
//  1. on a fresh copy of the standard world, the call runs without faults and must succeed; the
//     wrapper counts its transactions, store calls, writes and commits;
//  2. on another fresh copy, for every kind of position and every N up to that count, the call
//     runs with the Nth position failing, as SQLite reports a busy lock (begin), an I/O error
//     (any call), a full disk (write: that write and every later one and the commit fail) or a
//     failed COMMIT. The caller must get exactly that error (code, and the message naming the
//     mesh file and what failed), and every row of the mesh file must be as before;
//  3. the call runs once more: a call that writes, with its first write losing a race
//     (Aborted), which the store retries in a new transaction, so it must succeed with exactly
//     one new audit event; a call that only reads, without faults, and must succeed.
#include <iostream>
#include <set>

#include <sqlite3.h>

#include "core/subscription_status.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "reliability/authorization_table.h"
#include "reliability/mesh_file.h"
#include "reliability/method_calls.h"
#include "reliability/test_mesh.h"
#include "server/server_harness.h"
#include "store/sqlite/statements.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using nlohmann::json;
using server_test::ScratchDir;
using test_support::FaultCounts;
using test_support::FaultPosition;

constexpr FaultPosition kPositions[] = {FaultPosition::kBegin, FaultPosition::kCall,
                                        FaultPosition::kWrite, FaultPosition::kCommit};

// The error SQLite's store reports for a failure at `position` number `n`, as its own error
// mapping (store/sqlite/statements.h) would produce it.
absl::Status fault_for(FaultPosition position, int64_t n, const std::filesystem::path& db) {
  const std::string tag = cat(" (injected at ", position_name(position), " ", n, ")");
  switch (position) {
    case FaultPosition::kBegin:
      return store::sqlite::sqlite_status(SQLITE_BUSY, cat("database is locked", tag),
                                          db.string(), "begin a write transaction");
    case FaultPosition::kCall:
      return store::sqlite::sqlite_status(SQLITE_IOERR_READ, cat("disk I/O error", tag),
                                          db.string(), "run a statement");
    case FaultPosition::kWrite:
      return store::sqlite::sqlite_status(SQLITE_FULL, cat("database or disk is full", tag),
                                          db.string(), "run a statement");
    case FaultPosition::kCommit:
      return store::sqlite::sqlite_status(SQLITE_IOERR_FSYNC, cat("disk I/O error", tag),
                                          db.string(), "commit the transaction");
  }
  return absl::InternalError("unknown position");
}

bool carries(const absl::Status& answer, const absl::Status& fault) {
  const std::string_view message(answer.message().data(), answer.message().size());
  const std::string_view wanted(fault.message().data(), fault.message().size());
  return answer.code() == fault.code() && message.find(wanted) != std::string_view::npos;
}

// "call 7 of 13 (put_grant)" / "commit 1 of 1".
std::string describe_position(FaultPosition position, int64_t n, const FaultCounts& counts,
                              const std::vector<std::string>& trace) {
  std::string text = cat(position_name(position), " ", n, " of ", counts.of(position));
  if (position == FaultPosition::kCall && n <= static_cast<int64_t>(trace.size())) {
    text += cat(" (", trace[n - 1], ")");
  }
  return text;
}

// One call to sweep: how to open a fresh mesh for it, and the call itself.
struct FaultCase {
  std::string name;  // "producer approve_access_request on the Pending subscription as P"
  std::function<absl::StatusOr<std::unique_ptr<OpenMesh>>()> fresh_mesh;
  std::string initial_dump;  // the dump of a fresh mesh
  std::function<absl::StatusOr<json>(OpenMesh&)> call;
};

struct SweepTotals {
  int calls = 0;
  int64_t positions = 0;
  FaultCounts counts;
};

void sweep(const FaultCase& fault_case, SweepTotals& totals) {
  SCOPED_TRACE(fault_case.name);
  auto mesh = fault_case.fresh_mesh();
  ASSERT_TRUE(mesh.ok()) << mesh.status();
  (*mesh)->faults().disarm();
  auto clean = fault_case.call(**mesh);
  ASSERT_TRUE(clean.ok()) << "without faults: " << describe(clean.status());
  const FaultCounts counts = (*mesh)->faults().counts();
  ASSERT_GT(counts.calls, 0);

  mesh->reset();
  mesh = fault_case.fresh_mesh();
  ASSERT_TRUE(mesh.ok()) << mesh.status();
  OpenMesh& open = **mesh;
  for (FaultPosition position : kPositions) {
    for (int64_t n = 1; n <= counts.of(position); ++n) {
      const absl::Status fault = fault_for(position, n, open.path());
      open.faults().arm(position, n, fault);
      const auto answer = fault_case.call(open);
      const std::string where = describe_position(position, n, counts, open.faults().trace());
      EXPECT_EQ(open.faults().injected(), 1) << where << ": the position was not reached";
      EXPECT_TRUE(carries(answer.status(), fault))
          << where << ": the caller got " << describe(answer.status()) << ", not "
          << describe(fault);
      auto after = dump_mesh_file(open.path());
      ASSERT_TRUE(after.ok()) << after.status();
      if (*after != fault_case.initial_dump) {
        ADD_FAILURE() << where << ": the failed call changed the mesh:\n"
                      << dump_difference(fault_case.initial_dump, *after);
        return;  // later positions would start from the wrong state
      }
      ++totals.positions;
    }
  }

  // A write that loses a race (Aborted) is retried by the store in a new transaction and
  // applied once.
  if (counts.writes > 0) {
    auto before = audit_tail(open.path());
    ASSERT_TRUE(before.ok()) << before.status();
    open.faults().arm(FaultPosition::kCall, counts.first_write_call,
                      absl::AbortedError("injected lost race"));
    const auto answer = fault_case.call(open);
    EXPECT_EQ(open.faults().injected(), 1);
    EXPECT_TRUE(answer.ok()) << "after a lost race: " << describe(answer.status());
    auto after = audit_tail(open.path());
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->rows, before->rows + 1) << "audit events added by one retried call";
  } else {
    // After all those faults the store still answers: nothing was left half-open.
    open.faults().disarm();
    const auto answer = fault_case.call(open);
    EXPECT_TRUE(answer.ok()) << "after the faults: " << describe(answer.status());
  }
  totals.counts.begins += counts.begins;
  totals.counts.calls += counts.calls;
  totals.counts.writes += counts.writes;
  totals.counts.commits += counts.commits;
  ++totals.calls;
}

// The sweeps of every successful documented cell of `group`'s routes (see the top).
class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = WorldTemplate::create(scratch_.path());
    ASSERT_TRUE(made.ok()) << made.status();
    template_ = std::move(*made);
    auto rows = documented_matrix();
    ASSERT_TRUE(rows.ok()) << rows.status();
    rows_ = std::move(*rows);
  }

  std::vector<FaultCase> cases_of(std::string_view group) {
    std::vector<FaultCase> cases;
    std::set<std::string> covered;
    for (const api::Route& route : api::routes()) {
      if (route.group != group || !route.authenticated) continue;
      for (const MatrixRow& row : rows_) {
        if (row.route != route_name(route)) continue;
        for (CallerKind caller : kAllCallers) {
          if (!is_account(caller) ||
              row.expected[static_cast<int>(caller)] != absl::StatusCode::kOk) {
            continue;
          }
          cases.push_back(case_of(route, row.status, caller));
          covered.insert(row.route);
        }
      }
      EXPECT_TRUE(covered.contains(route_name(route)))
          << route_name(route) << " succeeds for no account in docs/AUTHORIZATION.md, so no "
          << "fault can be injected into it";
    }
    return cases;
  }

  void run_group(std::string_view group) {
    SweepTotals totals;
    for (const FaultCase& fault_case : cases_of(group)) {
      sweep(fault_case, totals);
      if (HasFatalFailure()) return;
    }
    report(group, totals);
  }

  static void report(std::string_view group, const SweepTotals& totals) {
    std::cout << "fault injection, " << group << ": " << totals.calls << " calls, "
              << totals.positions << " fault positions covered (" << totals.counts.begins
              << " transactions begun, " << totals.counts.calls << " store calls, "
              << totals.counts.writes << " writes, " << totals.counts.commits
              << " commits), each failing once\n";
  }

  std::filesystem::path work_db() const { return scratch_.path() / "mesh.db"; }

  ScratchDir scratch_;
  std::unique_ptr<WorldTemplate> template_;
  std::vector<MatrixRow> rows_;

 private:
  FaultCase case_of(const api::Route& route, std::optional<SubscriptionStatus> status,
                    CallerKind caller) {
    const World& world = template_->world();
    const Credentials key = world.keys.at(account_of(caller));
    auto params = params_for(route, world, status);
    EXPECT_TRUE(params.ok()) << params.status();
    return FaultCase{
        .name = cat(route_name(route), " on the ",
                    status ? core::status_name(*status) : "(no)", " subscription as ",
                    column_name(caller)),
        .fresh_mesh = [this] { return template_->fresh_copy(work_db()); },
        .initial_dump = template_->dump(),
        .call = [&route, key, params = params.value_or(json::object())](OpenMesh& mesh) {
          return mesh.call(route.group, route.method, params, key);
        }};
  }
};

TEST_F(FaultInjectionTest, AdminMethodsReportEveryStoreFaultAndChangeNothing) {
  run_group("admin");
}

TEST_F(FaultInjectionTest, CatalogMethodsReportEveryStoreFaultAndChangeNothing) {
  run_group("catalog");
}

TEST_F(FaultInjectionTest, ProducerMethodsReportEveryStoreFaultAndChangeNothing) {
  run_group("producer");
}

TEST_F(FaultInjectionTest, ConsumerMethodsReportEveryStoreFaultAndChangeNothing) {
  run_group("consumer");
}

TEST_F(FaultInjectionTest, InitializeMeshAccountReportsEveryStoreFaultAndChangesNothing) {
  // An empty mesh file: the schema, no account.
  const std::filesystem::path empty = scratch_.path() / "empty.db";
  { ASSERT_TRUE(OpenMesh::open(empty, /*create=*/true).ok()); }
  auto dump = dump_mesh_file(empty);
  ASSERT_TRUE(dump.ok()) << dump.status();
  SweepTotals totals;
  sweep(FaultCase{.name = "admin initialize_mesh_account on an empty mesh",
                  .fresh_mesh =
                      [&]() -> absl::StatusOr<std::unique_ptr<OpenMesh>> {
                    if (absl::Status copied = copy_mesh(empty, work_db()); !copied.ok()) {
                      return copied;
                    }
                    return OpenMesh::open(work_db());
                  },
                  .initial_dump = *dump,
                  .call =
                      [](OpenMesh& mesh) {
                        return mesh.call("admin", "initialize_mesh_account",
                                         {{"mesh_name", "new mesh"}}, std::nullopt);
                      }},
        totals);
  report("admin initialize_mesh_account", totals);
}

// The wrapper itself: a fault that is never reached is not reported as injected, and counting
// without faults changes nothing in what the call does.
TEST_F(FaultInjectionTest, PositionsPastTheLastAreNeverInjected) {
  auto mesh = template_->fresh_copy(work_db());
  ASSERT_TRUE(mesh.ok()) << mesh.status();
  const World& world = template_->world();
  const auto list = [&] {
    return (*mesh)->call("admin", "list_accounts", json::object(),
                         world.keys.at(test_support::kMeshAccount));
  };
  (*mesh)->faults().disarm();
  ASSERT_TRUE(list().ok());
  const FaultCounts counts = (*mesh)->faults().counts();
  EXPECT_EQ(counts.writes, 0);
  EXPECT_EQ(counts.commits, 0);  // read transactions commit nothing
  (*mesh)->faults().arm(FaultPosition::kCall, counts.calls + 1, absl::InternalError("never"));
  EXPECT_TRUE(list().ok());
  EXPECT_EQ((*mesh)->faults().injected(), 0);
  (*mesh)->faults().arm(FaultPosition::kCall, counts.calls, absl::InternalError("last call"));
  EXPECT_TRUE(absl::IsInternal(list().status()));
  EXPECT_EQ((*mesh)->faults().injected(), 1);
}

}  // namespace
}  // namespace datamesh::reliability
