#include "support/postgres_test_db.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>

#include <sys/wait.h>

namespace datamesh::test_support {

absl::StatusOr<std::string> postgres_test_url() {
  if (const char* url = std::getenv("DATAMESH_TEST_POSTGRES_URL"); url != nullptr && *url) {
    return std::string(url);
  }
  const char* file = std::getenv("DATAMESH_TEST_POSTGRES_URL_FILE");
  if (file == nullptr || *file == '\0') {
    return absl::FailedPreconditionError(
        "no test PostgreSQL: run this test through ctest (fixture \"postgres\" starts one), or "
        "start one with tests/support/postgres_server.sh start DIR and set "
        "DATAMESH_TEST_POSTGRES_URL to the URL it writes to DIR/url");
  }
  std::ifstream in(file);
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    return absl::FailedPreconditionError(std::string("DATAMESH_TEST_POSTGRES_URL_FILE=") + file +
                                         " holds no URL: did the fixture postgres_start fail?");
  }
  return url;
}

std::string with_search_path(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

absl::Status postgres_exec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError("cannot connect to " + url + ": " + error);
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // DROP ... CASCADE's list
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  absl::Status outcome = absl::OkStatus();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    outcome = absl::InternalError("\"" + sql + "\" failed: " + PQerrorMessage(conn));
  }
  PQclear(result);
  PQfinish(conn);
  return outcome;
}

absl::StatusOr<std::unique_ptr<ScratchSchema>> ScratchSchema::create() {
  auto url = postgres_test_url();
  if (!url.ok()) return url.status();
  // Unique across the test processes ctest runs at once: pid, a counter and the clock. The name
  // is made of digits here, never of a user's value.
  static std::atomic<int> counter = 0;
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
                           "_" + std::to_string(now % 1000000007);
  if (absl::Status created = postgres_exec(*url, "CREATE SCHEMA " + name); !created.ok()) {
    return created;
  }
  return std::unique_ptr<ScratchSchema>(new ScratchSchema(name, *url));
}

ScratchSchema::~ScratchSchema() {
  absl::Status dropped = postgres_exec(database_url_, "DROP SCHEMA " + name_ + " CASCADE");
  (void)dropped;  // a schema left behind dies with the throwaway server
}

absl::StatusOr<std::unique_ptr<PrivatePostgres>> PrivatePostgres::start(
    const std::string& state_dir) {
  std::unique_ptr<PrivatePostgres> server(new PrivatePostgres(state_dir));
  if (absl::Status started = server->script("start"); !started.ok()) return started;
  server->running_ = true;
  std::ifstream in(state_dir + "/url");
  if (!std::getline(in, server->url_) || server->url_.empty()) {
    return absl::InternalError("postgres_server.sh start wrote no URL to " + state_dir + "/url");
  }
  return server;
}

PrivatePostgres::~PrivatePostgres() {
  // stop also deletes the cluster's folder, running or not.
  script("stop").IgnoreError();
}

absl::Status PrivatePostgres::kill() {
  running_ = false;
  return script("kill");
}

absl::Status PrivatePostgres::stop() {
  running_ = false;
  return script("halt");
}

absl::Status PrivatePostgres::restart() {
  absl::Status restarted = script("restart");
  if (restarted.ok()) running_ = true;
  return restarted;
}

absl::Status PrivatePostgres::script(const std::string& command) {
  const std::string path = std::string(DATAMESH_TEST_DATA) + "/support/postgres_server.sh";
  const std::string line = "'" + path + "' " + command + " '" + state_dir_ + "' >/dev/null";
  const int status = std::system(line.c_str());
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("`" + line + "` failed (wait status " + std::to_string(status) +
                               ")");
  }
  return absl::OkStatus();
}

}  // namespace datamesh::test_support
