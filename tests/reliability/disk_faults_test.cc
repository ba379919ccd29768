// Real disk faults under the real SQLite store (no wrapper): a full disk and a failing write.
//
// - Full: every connection the store opens gets PRAGMA max_page_count at the file's current
//   size (through sqlite3_auto_extension, which runs for each new connection), so a call that
//   needs a new page gets SQLITE_FULL, as on a full disk.
// - Write failure: in a child process whose file size limit (RLIMIT_FSIZE, SIGXFSZ ignored)
//   stops the WAL from growing, so the kernel refuses SQLite's write (EFBIG, or a short write).
// Each time the caller must get Unavailable naming the mesh file, the mesh must be unchanged
// row for row, and the same call must succeed once the disk has room again.
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <iostream>
#include <string>

#include "base/text.h"
#include "gtest/gtest.h"
#include "reliability/mesh_file.h"
#include "reliability/test_mesh.h"
#include "server/server_harness.h"
#include "support/mesh_fixture.h"

namespace datamesh::reliability {
namespace {

using base::cat;
using nlohmann::json;
using server_test::ScratchDir;

// A call that needs many new pages: 200 tables of 40 columns each into P's catalog.
absl::StatusOr<json> import_many_tables(OpenMesh& mesh, const World& world) {
  json tables = json::array();
  for (int t = 0; t < 200; ++t) {
    json columns = json::array();
    for (int c = 0; c < 40; ++c) {
      columns.push_back({{"Name", cat("column_", c)},
                         {"Type", "string"},
                         {"Comment", cat("column ", c, " of table ", t, ", padded to need room")}});
    }
    tables.push_back({{"Name", cat("big_", t)},
                      {"StorageDescriptor",
                       {{"Columns", columns}, {"Location", cat("s3://bucket/big_", t, "/")}}}});
  }
  return mesh.call("catalog", "import_tables",
                   {{"database_name", "big"}, {"get_tables_json", {{"TableList", tables}}}},
                   world.keys.at(test_support::kProducerAccount));
}

// Every connection opened while this lives cannot grow its file (see the top).
int limit_to_current_size(sqlite3* db, const char**, const sqlite3_api_routines*) {
  // max_page_count is never set below the current size: 1 means "no new page".
  sqlite3_exec(db, "PRAGMA max_page_count = 1", nullptr, nullptr, nullptr);
  return SQLITE_OK;
}

class FullDisk {
 public:
  FullDisk() {
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(limit_to_current_size));
  }
  ~FullDisk() {
    sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(limit_to_current_size));
  }
};

bool names_the_file(const absl::Status& status, const std::filesystem::path& db) {
  return std::string(status.message()).find(db.string()) != std::string::npos;
}

class DiskFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = WorldTemplate::create(scratch_.path());
    ASSERT_TRUE(made.ok()) << made.status();
    template_ = std::move(*made);
  }

  // The call succeeds on the same file once nothing limits it, and changes it.
  void expect_succeeds_with_room() {
    auto mesh = OpenMesh::open(db());
    ASSERT_TRUE(mesh.ok()) << mesh.status();
    auto answer = import_many_tables(**mesh, template_->world());
    EXPECT_TRUE(answer.ok()) << describe(answer.status());
    mesh->reset();
    EXPECT_NE(dump_mesh_file(db()).value_or(""), template_->dump());
  }

  void expect_unchanged() {
    auto after = dump_mesh_file(db());
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(*after, template_->dump()) << dump_difference(template_->dump(), *after);
    auto problems = integrity_problems(db());
    ASSERT_TRUE(problems.ok()) << problems.status();
    EXPECT_TRUE(problems->empty()) << base::join(*problems, "\n");
  }

  std::filesystem::path db() const { return scratch_.path() / "mesh.db"; }

  ScratchDir scratch_;
  std::unique_ptr<WorldTemplate> template_;
};

TEST_F(DiskFaultTest, AFullDiskFailsTheCallAsUnavailableAndChangesNothing) {
  ASSERT_TRUE(copy_mesh(template_->path(), db()).ok());
  {
    FullDisk full;
    auto mesh = OpenMesh::open(db());
    ASSERT_TRUE(mesh.ok()) << mesh.status();
    auto answer = import_many_tables(**mesh, template_->world());
    std::cout << "full disk, the caller got: " << describe(answer.status()) << "\n";
    EXPECT_TRUE(absl::IsUnavailable(answer.status())) << describe(answer.status());
    EXPECT_TRUE(names_the_file(answer.status(), db())) << describe(answer.status());
    EXPECT_NE(std::string(answer.status().message()).find("is full"), std::string::npos)
        << describe(answer.status());
    EXPECT_NE(std::string(answer.status().message()).find("free disk space"), std::string::npos)
        << describe(answer.status());
    // The store is still usable while full: reads answer.
    auto listed = (*mesh)->call("admin", "list_accounts", json::object(),
                                template_->world().keys.at(test_support::kMeshAccount));
    EXPECT_TRUE(listed.ok()) << describe(listed.status());
  }
  expect_unchanged();
  expect_succeeds_with_room();
}

TEST_F(DiskFaultTest, AWriteTheFileSystemRefusesFailsTheCallAsUnavailableAndChangesNothing) {
  ASSERT_TRUE(copy_mesh(template_->path(), db()).ok());
  const auto size = std::filesystem::file_size(db());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    // Room for the -shm index (32 KiB) and a few WAL frames, not for the import.
    const rlim_t limit = std::max<rlim_t>(size, 32768) + 16384;
    const rlimit fsize{limit, limit};
    ::signal(SIGXFSZ, SIG_IGN);
    std::string report = "setup failed";
    if (::setrlimit(RLIMIT_FSIZE, &fsize) == 0) {
      auto mesh = OpenMesh::open(db());
      if (!mesh.ok()) {
        report = cat("open: ", describe(mesh.status()));
      } else {
        report = describe(import_many_tables(**mesh, template_->world()).status());
      }
    }
    (void)!::write(pipe_fds[1], report.data(), report.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buffer[4096];
  for (ssize_t got; (got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    report.append(buffer, got);
  }
  ::close(pipe_fds[0]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status)) << "the child ended with wait status " << wait_status;
  std::cout << "refused write, the caller got: " << report << "\n";
  EXPECT_TRUE(report.starts_with("UNAVAILABLE: ")) << report;
  EXPECT_NE(report.find(db().string()), std::string::npos) << report;
  EXPECT_TRUE(report.find("disk I/O error") != std::string::npos ||
              report.find("is full") != std::string::npos)
      << report;
  expect_unchanged();
  expect_succeeds_with_room();
}

}  // namespace
}  // namespace datamesh::reliability
