// The checks the crash tests rely on, on hand-made ledgers and deliberately damaged mesh files:
// each must be able to fail.
#include <sqlite3.h>

#include <fstream>

#include "base/text.h"
#include "gtest/gtest.h"
#include "reliability/crash_ledger.h"
#include "reliability/mesh_file.h"
#include "reliability/mesh_invariants.h"
#include "reliability/test_mesh.h"
#include "server/ledger.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using server_test::ScratchDir;

AuditEvent event(int64_t sequence, const std::string& action, const std::string& id,
                 const std::string& actor) {
  return AuditEvent{
      .sequence = sequence, .actor_account = actor, .action = action, .subscription_id = id};
}

LedgerEntry entry(const std::string& action, const std::string& id, const std::string& actor,
                  std::optional<absl::StatusCode> code, const std::string& returned = "") {
  return LedgerEntry{.intent = {action, id, actor}, .code = code, .returned_id = returned};
}

constexpr auto kOk = absl::StatusCode::kOk;
constexpr auto kRefused = absl::StatusCode::kFailedPrecondition;

TEST(CrashLedgerTest, AcknowledgedChangesNeedExactlyOneEventEach) {
  using server_test::kApprove;
  using server_test::kRequest;
  const std::vector<LedgerEntry> ledger = {entry(kRequest, "", "c", kOk, "a"),
                                           entry(kApprove, "a", "p", kOk),
                                           entry(kApprove, "a", "p", kRefused)};
  const std::vector<AuditEvent> right = {event(1, kRequest, "a", "c"), event(2, kApprove, "a", "p")};
  EXPECT_TRUE(check_ledger(ledger, right).empty());
  // A lost change, a change made twice, a refused call that left an event, a request event by
  // another consumer.
  EXPECT_EQ(check_ledger(ledger, {event(1, kRequest, "a", "c")}).size(), 1u);
  EXPECT_EQ(check_ledger(ledger, {right[0], right[1], event(3, kApprove, "a", "p")}).size(), 1u);
  EXPECT_EQ(check_ledger(ledger, {event(1, kRequest, "a", "x"), right[1]}).size(), 1u);
  EXPECT_EQ(check_ledger(ledger, {right[1]}).size(), 1u);
}

TEST(CrashLedgerTest, AnUnknownOutcomeMayOrMayNotHaveItsEvent) {
  using server_test::kDelete;
  using server_test::kRequest;
  const std::vector<LedgerEntry> ledger = {entry(kRequest, "", "c", kOk, "a"),
                                           entry(kDelete, "a", "c", std::nullopt),
                                           entry(kRequest, "", "c", std::nullopt)};
  const AuditEvent request = event(1, kRequest, "a", "c");
  EXPECT_TRUE(check_ledger(ledger, {request}).empty());
  EXPECT_TRUE(check_ledger(ledger, {request, event(2, kDelete, "a", "c")}).empty());
  EXPECT_TRUE(check_ledger(ledger, {request, event(2, kRequest, "b", "c")}).empty());
  // One unknown call explains one event, not two; and only its own caller's.
  EXPECT_FALSE(check_ledger(ledger, {request, event(2, kDelete, "a", "c"),
                                     event(3, kDelete, "a", "c")})
                   .empty());
  EXPECT_FALSE(check_ledger(ledger, {request, event(2, kRequest, "b", "c"),
                                     event(3, kRequest, "d", "c")})
                   .empty());
  EXPECT_FALSE(check_ledger(ledger, {request, event(2, kRequest, "b", "other")}).empty());
}

TEST(CrashLedgerTest, TheFileKeepsEveryWholeLineAndDropsATornOne) {
  ScratchDir scratch;
  const std::filesystem::path path = scratch.path() / "ledger.tsv";
  {
    auto ledger = LedgerFile::open(path);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    const Intent request{server_test::kRequest, "", "222222222222"};
    (*ledger)->before(request);
    (*ledger)->after(request, absl::OkStatus(), "sub-1");
    const Intent deny{server_test::kDeny, "sub-1", "111111111111"};
    (*ledger)->before(deny);
    (*ledger)->after(deny, absl::FailedPreconditionError("sub-1 is Active;\tno\nway"), "");
    (*ledger)->before({server_test::kApprove, "sub-1", "111111111111"});  // died here
  }
  std::ofstream(path, std::ios::app) << "E\t3\t0";  // ... and while writing the outcome
  auto entries = read_ledger(path);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].code, absl::StatusCode::kOk);
  EXPECT_EQ((*entries)[0].returned_id, "sub-1");
  EXPECT_EQ((*entries)[0].intent.subscription_id, "");
  EXPECT_EQ((*entries)[1].code, absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*entries)[1].message, "sub-1 is Active; no way");
  EXPECT_EQ((*entries)[2].code, std::nullopt);
  EXPECT_EQ((*entries)[2].intent.action, server_test::kApprove);

  ASSERT_TRUE(drop_torn_line(path).ok());
  {
    auto ledger = LedgerFile::open(path);  // the next process appends after the torn line
    ASSERT_TRUE(ledger.ok());
    (*ledger)->before({server_test::kDeny, "sub-1", "111111111111"});
  }
  entries = read_ledger(path);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ(entries->size(), 4u);

  std::ofstream(path, std::ios::app) << "E\t9\t0\t-\t-\n";  // an outcome of no call
  EXPECT_FALSE(read_ledger(path).ok());
}

// The invariants, on the standard world and on copies of it damaged one way each.
class MeshInvariantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = WorldTemplate::create(scratch_.path());
    ASSERT_TRUE(made.ok()) << made.status();
    template_ = std::move(*made);
  }

  // The problems check_mesh finds on a copy of the world after `sql`.
  std::vector<std::string> problems_after(const std::string& sql) {
    const std::filesystem::path db = scratch_.path() / "damaged.db";
    EXPECT_TRUE(copy_mesh(template_->path(), db).ok());
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "") << "\n" << sql;
    sqlite3_free(error);
    sqlite3_close(raw);
    auto report = check_mesh(db, kNoWorkload, {});
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? report->problems : std::vector<std::string>{"unreadable"};
  }

  std::string id(SubscriptionStatus status) const {
    return template_->world().subscriptions.at(status);
  }

  static constexpr int64_t kNoWorkload = 1'000'000;  // every event of the world is set-up
  ScratchDir scratch_;
  std::unique_ptr<WorldTemplate> template_;
};

::testing::AssertionResult reports(const std::vector<std::string>& problems,
                                   const std::string& part) {
  for (const std::string& problem : problems) {
    if (problem.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "no problem mentions \"" << part << "\"; found:\n" << base::join(problems, "\n");
}

TEST_F(MeshInvariantsTest, TheStandardWorldKeepsEveryInvariant) {
  auto report = check_mesh(template_->path(), kNoWorkload, {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->problems.empty()) << base::join(report->problems, "\n");
  EXPECT_EQ(report->subscriptions.size(), 4u);
}

TEST_F(MeshInvariantsTest, HalfAppliedChangesAreFound) {
  using S = SubscriptionStatus;
  const std::string active = id(S::kActive);
  EXPECT_TRUE(reports(
      problems_after(cat("DELETE FROM grants WHERE subscription_id = '", active,
                         "' AND permission = 'INSERT'")),
      "grant rows that do not match"));
  EXPECT_TRUE(reports(
      problems_after(cat("INSERT INTO grants (principal, catalog_id, database_name, table_name,"
                         " permission, grantable, subscription_id) SELECT principal, catalog_id,"
                         " database_name, table_name, permission, grantable, '", id(S::kPending),
                         "' FROM grants WHERE subscription_id = '", active, "'")),
      "grant rows left"));
  EXPECT_TRUE(reports(problems_after(cat("UPDATE subscriptions SET status = 'Active' WHERE id = '",
                                         id(S::kDenied), "'")),
                      "audit events end in Denied"));
  EXPECT_TRUE(reports(problems_after(cat("UPDATE shares SET status = 'PENDING' WHERE"
                                         " subscription_id = '", id(S::kDeleted), "'")),
                      "live shares left"));
  EXPECT_TRUE(reports(problems_after(cat("UPDATE shares SET status = 'PENDING' WHERE"
                                         " subscription_id = '", active, "'")),
                      "imported, but its share is PENDING"));
  EXPECT_TRUE(reports(problems_after(cat("DELETE FROM tables WHERE catalog_id = '",
                                         test_support::kConsumerAccount,
                                         "' AND name = 'order_items'")),
                      "no link"));
  EXPECT_TRUE(reports(problems_after(cat("UPDATE subscriptions SET version = version + 1 WHERE"
                                         " id = '", id(S::kPending), "'")),
                      "audit events"));
}

TEST_F(MeshInvariantsTest, ALostOrEditedAuditEventIsFound) {
  const auto lost = problems_after("DROP TRIGGER audit_events_no_delete;"
                                   " DELETE FROM audit_events WHERE sequence = 3");
  EXPECT_TRUE(reports(lost, "sequence number"));
  EXPECT_TRUE(reports(lost, "audit chain at event"));
  EXPECT_TRUE(reports(problems_after("DROP TRIGGER audit_events_no_update;"
                                     " UPDATE audit_events SET notes = 'edited' WHERE sequence = 5"),
                      "audit chain at event 5"));
}

}  // namespace
}  // namespace datamesh::reliability
