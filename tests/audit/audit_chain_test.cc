// The audit log's hash chain against someone who edits the mesh file directly: each kind of
// tampering is found by DataMeshAdmin::verify_audit and named by sequence number.
// Embedded only (this area is not registered against a server): the test opens the mesh file.
#include <sqlite3.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The mesh file as an attacker with write access sees it: triggers dropped, any SQL allowed.
class RawMeshFile {
 public:
  explicit RawMeshFile(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    exec("DROP TRIGGER IF EXISTS audit_events_no_update");
    exec("DROP TRIGGER IF EXISTS audit_events_no_delete");
  }
  ~RawMeshFile() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

 private:
  sqlite3* db_ = nullptr;
};

auto Problem(int64_t sequence, const std::string& text) {
  return AllOf(Field(&AuditProblem::sequence, sequence),
               Field(&AuditProblem::problem, HasSubstr(text)));
}

class AuditChainTest : public MeshFixture {
 protected:
  void SetUp() override {
    MeshFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_OK(publish_sales().status());
    ASSERT_OK(active_subscription().status());  // a few more events after the set-up's
    auto events = audit_events();
    ASSERT_OK(events.status());
    event_count_ = static_cast<int64_t>(events->size());
    ASSERT_GE(event_count_, 6);
  }

  AuditVerification verify() {
    drop_clients();  // the next client sees the file as edited
    auto verified = admin().verify_audit();
    EXPECT_OK(verified.status());
    return verified.value_or(AuditVerification{});
  }

  RawMeshFile raw() { return RawMeshFile((scratch_dir() / "mesh.db").string()); }

  struct CliRun {
    int exit_code = -1;
    std::string out;
  };
  // `datamesh admin verify-audit` as the mesh admin, credentials from the environment.
  CliRun verify_with_cli() {
    const Credentials& admin_key = credentials(kMeshAccount);
    const std::string command =
        "DATAMESH_ACCESS_KEY_ID='" + admin_key.access_key_id + "' DATAMESH_SECRET_ACCESS_KEY='" +
        admin_key.secret_access_key + "' '" DATAMESH_CLI_PATH "' --endpoint 'sqlite://" +
        (scratch_dir() / "mesh.db").string() + "' --data-mesh-account-id " + kMeshAccount +
        " admin verify-audit";
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    std::array<char, 4096> buffer{};
    while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) run.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  int64_t event_count_ = 0;
};

TEST_F(AuditChainTest, AnUntouchedLogIsIntact) {
  const AuditVerification result = verify();
  EXPECT_TRUE(result.intact);
  EXPECT_EQ(result.events_checked, event_count_);
  EXPECT_EQ(result.unchained_events, 0);
  EXPECT_EQ(result.head_sequence, event_count_);
  EXPECT_EQ(result.head_hash.size(), 64u);
  EXPECT_THAT(result.problems, IsEmpty());
}

TEST_F(AuditChainTest, TheCliExitsZeroOnAnIntactLogAndTenOnATamperedOne) {
  const CliRun intact = verify_with_cli();
  EXPECT_EQ(intact.exit_code, 0) << intact.out;
  EXPECT_THAT(intact.out, HasSubstr("\"Intact\": true"));
  raw().exec("UPDATE audit_events SET notes = 'nothing to see' WHERE sequence = 3");
  const CliRun tampered = verify_with_cli();
  EXPECT_EQ(tampered.exit_code, 10) << tampered.out;
  EXPECT_THAT(tampered.out, HasSubstr("\"Intact\": false"));
  EXPECT_THAT(tampered.out, HasSubstr("event 3 was edited"));
}

TEST_F(AuditChainTest, AnEditedEventIsNamed) {
  raw().exec("UPDATE audit_events SET notes = 'nothing to see' WHERE sequence = 3");
  const AuditVerification result = verify();
  EXPECT_FALSE(result.intact);
  EXPECT_THAT(result.problems, ElementsAre(Problem(3, "event 3 was edited")));
}

TEST_F(AuditChainTest, AnEditedActorIsNamedToo) {
  raw().exec("UPDATE audit_events SET actor_principal = 'someone else' WHERE sequence = 2");
  EXPECT_THAT(verify().problems, ElementsAre(Problem(2, "event 2 was edited")));
}

TEST_F(AuditChainTest, ARemovedEventIsNamed) {
  raw().exec("DELETE FROM audit_events WHERE sequence = 4");
  const AuditVerification result = verify();
  EXPECT_FALSE(result.intact);
  EXPECT_THAT(result.problems,
              ElementsAre(Problem(5, "event 4 is missing before event 5 (removed from the log)")));
}

TEST_F(AuditChainTest, EventsRemovedBeforeAMovedEventAreNamedToo) {
  // Events 2 and 3 removed, event 4 renumbered 3: the gap before it and the one it left.
  RawMeshFile file = raw();
  file.exec("DELETE FROM audit_events WHERE sequence IN (2, 3)");
  file.exec("UPDATE audit_events SET sequence = 3 WHERE sequence = 4");
  EXPECT_THAT(verify().problems, ElementsAre(Problem(3, "event 2 is missing"),
                                             Problem(3, "event 3 is event 4 moved"),
                                             Problem(5, "event 4 is missing")));
}

TEST_F(AuditChainTest, RemovedNewestEventsDisagreeWithTheHead) {
  raw().exec("DELETE FROM audit_events WHERE sequence >= " + std::to_string(event_count_ - 1));
  const AuditVerification result = verify();
  EXPECT_FALSE(result.intact);
  EXPECT_THAT(result.problems,
              ElementsAre(Problem(event_count_, "the newest events were removed")));
}

// Deleting the head's own row is tampering too: a problem of the report (exit 10), not a
// failure to check (exit 1), so that a monitor watching for 10 sees it. Writes then fail with
// DataLoss naming verify-audit, instead of starting a new chain.
TEST_F(AuditChainTest, ADeletedChainHeadIsNamedAndStopsWrites) {
  raw().exec("DELETE FROM audit_chain_head");
  const AuditVerification result = verify();
  EXPECT_FALSE(result.intact);
  EXPECT_EQ(result.events_checked, event_count_);
  EXPECT_THAT(result.problems,
              ElementsAre(Problem(event_count_, "the chain head record is missing (deleted)")));
  const CliRun cli = verify_with_cli();
  EXPECT_EQ(cli.exit_code, 10) << cli.out;
  EXPECT_THAT(cli.out, HasSubstr("the chain head record is missing"));
  EXPECT_STATUS(admin().create_account("late"), absl::StatusCode::kDataLoss,
                "has no audit_chain_head row: it was deleted (admin verify-audit)");
}

// The newest events removed, the head moved back to match, and the log written on: the chain
// itself is whole again, and only a head recorded before the cut tells.
TEST_F(AuditChainTest, ALogCutBackAndWrittenOnFailsTheHeadRecordedBefore) {
  const AuditVerification before = verify();
  ASSERT_TRUE(before.intact);
  {
    RawMeshFile file = raw();
    file.exec("DELETE FROM audit_events WHERE sequence >= " + std::to_string(event_count_ - 1));
    file.exec("UPDATE audit_chain_head SET sequence = sequence - 2, hash = (SELECT hash FROM "
              "audit_events WHERE sequence = " + std::to_string(event_count_ - 2) + ")");
  }
  drop_clients();
  for (const char* name : {"after-1", "after-2", "after-3"}) {
    ASSERT_OK(admin().create_account(name));
  }
  ASSERT_TRUE(verify().intact);

  ASSERT_OK_AND_ASSIGN(
      const AuditVerification checked,
      admin().verify_audit(VerifyAuditRequest{
          .recorded_head_sequence = static_cast<int>(before.head_sequence),
          .recorded_head_hash = before.head_hash}));
  EXPECT_FALSE(checked.intact);
  EXPECT_THAT(checked.problems,
              ElementsAre(Problem(before.head_sequence, "is not the head recorded earlier")));
}

TEST_F(AuditChainTest, AHeadRecordedEarlierIsFoundInAnIntactLog) {
  const AuditVerification before = verify();
  ASSERT_OK(admin().create_account("later"));
  // Upper case, as a person may copy it: the digits are what counts.
  ASSERT_OK_AND_ASSIGN(
      const AuditVerification checked,
      admin().verify_audit(VerifyAuditRequest{
          .recorded_head_sequence = static_cast<int>(before.head_sequence),
          .recorded_head_hash = absl::AsciiStrToUpper(before.head_hash)}));
  EXPECT_TRUE(checked.intact);
  EXPECT_GT(checked.head_sequence, before.head_sequence);
}

TEST_F(AuditChainTest, AHeadRecordedBeyondTheLogIsNamed) {
  const AuditVerification now = verify();
  ASSERT_OK_AND_ASSIGN(const AuditVerification checked,
                       admin().verify_audit(VerifyAuditRequest{
                           .recorded_head_sequence = static_cast<int>(now.head_sequence + 5),
                           .recorded_head_hash = now.head_hash}));
  EXPECT_FALSE(checked.intact);
  EXPECT_THAT(checked.problems,
              ElementsAre(Problem(now.head_sequence + 5,
                                  "the head recorded earlier, is not in the log (it ends at")));
}

TEST_F(AuditChainTest, ARecordedHeadIsGivenWhole) {
  const std::string hash(64, 'a');
  EXPECT_STATUS(admin().verify_audit(VerifyAuditRequest{.recorded_head_sequence = 3}),
                absl::StatusCode::kInvalidArgument, "go together: give both");
  // A hash with no sequence (or sequence 0, which is the same): the sequence is what is off.
  EXPECT_STATUS(admin().verify_audit(VerifyAuditRequest{.recorded_head_hash = hash}),
                absl::StatusCode::kInvalidArgument,
                "recorded_head_sequence must be 1 or more, not 0 (the HeadSequence an earlier "
                "verify_audit reported)");
  EXPECT_STATUS(admin().verify_audit(
                    VerifyAuditRequest{.recorded_head_sequence = -1, .recorded_head_hash = hash}),
                absl::StatusCode::kInvalidArgument, "recorded_head_sequence must be 1 or more");
  EXPECT_STATUS(admin().verify_audit(VerifyAuditRequest{.recorded_head_sequence = 3,
                                                        .recorded_head_hash = "abc"}),
                absl::StatusCode::kInvalidArgument, "64 hexadecimal digits");
  EXPECT_STATUS(admin().verify_audit(VerifyAuditRequest{
                    .recorded_head_sequence = 3, .recorded_head_hash = std::string(64, 'g')}),
                absl::StatusCode::kInvalidArgument, "64 hexadecimal digits");
}

TEST_F(AuditChainTest, AnEventRenumberedToCloseTheGapIsFound) {
  // Remove event 4 and shift every later event down, so that the numbering has no gap.
  RawMeshFile file = raw();
  file.exec("DELETE FROM audit_events WHERE sequence = 4");
  file.exec("UPDATE audit_events SET sequence = sequence - 1 WHERE sequence > 4");
  file.exec("UPDATE audit_chain_head SET sequence = sequence - 1");
  const AuditVerification result = verify();
  EXPECT_FALSE(result.intact);
  ASSERT_FALSE(result.problems.empty());
  EXPECT_THAT(result.problems.front(), Problem(4, "event 4 is event 5 moved"));
}

TEST_F(AuditChainTest, SwappedEventsAreNamedAsMoved) {
  RawMeshFile file = raw();
  file.exec("UPDATE audit_events SET sequence = -1 WHERE sequence = 2");
  file.exec("UPDATE audit_events SET sequence = 2 WHERE sequence = 3");
  file.exec("UPDATE audit_events SET sequence = 3 WHERE sequence = -1");
  const AuditVerification result = verify();
  EXPECT_FALSE(result.intact);
  EXPECT_THAT(result.problems, ElementsAre(Problem(2, "event 2 is event 3 moved"),
                                           Problem(3, "event 3 is event 2 moved"),
                                           Problem(4, "event 4 does not follow event 3")));
}

TEST_F(AuditChainTest, ARecomputedHashWithoutTheMasterKeyDoesNotHelp) {
  // An attacker who edits an event and replaces its hash by a plain SHA-256 of something:
  // without the master key no hash verifies.
  raw().exec(
      "UPDATE audit_events SET notes = 'forged', hash = lower(hex(randomblob(32)))"
      " WHERE sequence = 2");
  const AuditVerification result = verify();
  EXPECT_FALSE(result.intact);
  EXPECT_THAT(result.problems, ElementsAre(Problem(2, "event 2 was edited"),
                                           Problem(3, "event 3 does not follow event 2")));
}

TEST_F(AuditChainTest, AnEventWithItsHashRemovedIsFound) {
  raw().exec("UPDATE audit_events SET hash = '', previous_hash = '' WHERE sequence = 3");
  EXPECT_THAT(verify().problems, testing::Contains(Problem(3, "event 3 was edited")));
}

TEST_F(AuditChainTest, TheLogKeepsChainingAfterAVerification) {
  ASSERT_TRUE(verify().intact);
  ASSERT_OK(request({"SELECT"}, std::vector<std::string>{"order_items"}).status());
  const AuditVerification result = verify();
  EXPECT_TRUE(result.intact);
  EXPECT_EQ(result.events_checked, event_count_ + 1);
}

}  // namespace
}  // namespace datamesh::test_support
