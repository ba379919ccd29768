// The tests' throwaway PostgreSQL database, and scratch schemas in it.
//
// ctest's fixture "postgres" (support/postgres_server.sh, registered in tests/CMakeLists.txt)
// starts one server for the whole run and sets DATAMESH_TEST_POSTGRES_URL_FILE for the tests
// that need it. Every test takes a new schema of that database (ScratchSchema) and reaches it
// through a URL whose search_path names the schema, so tests never see each other's rows.
// Not thread-safe unless a function says so.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace datamesh::test_support {

// $DATAMESH_TEST_POSTGRES_URL, else the first line of the file $DATAMESH_TEST_POSTGRES_URL_FILE.
// FailedPrecondition when neither is set: run the test through ctest, whose fixture starts the
// server, or start one with support/postgres_server.sh and set DATAMESH_TEST_POSTGRES_URL.
absl::StatusOr<std::string> postgres_test_url();

// `url` with the libpq parameter that makes `schema` the only schema of the search path.
std::string with_search_path(const std::string& url, const std::string& schema);

// Runs `sql` (one or more statements, no parameters) on url's database: the tests' own set-up,
// such as creating a schema or a trigger that injects failures. Thread-safe.
absl::Status postgres_exec(const std::string& url, const std::string& sql);

// A new, empty schema of the tests' database, dropped with everything in it on destruction.
class ScratchSchema {
 public:
  static absl::StatusOr<std::unique_ptr<ScratchSchema>> create();
  ~ScratchSchema();
  ScratchSchema(const ScratchSchema&) = delete;
  ScratchSchema& operator=(const ScratchSchema&) = delete;

  const std::string& name() const { return name_; }
  // The database URL with this schema as search_path: a store opened on it sees only it.
  const std::string& url() const { return url_; }
  // The URL of the database itself (search_path not set), for admin statements.
  const std::string& database_url() const { return database_url_; }

 private:
  ScratchSchema(std::string name, std::string database_url)
      : name_(std::move(name)),
        url_(with_search_path(database_url, name_)),
        database_url_(std::move(database_url)) {}

  std::string name_;
  std::string url_;
  std::string database_url_;
};

// A PostgreSQL server of the test's own (support/postgres_server.sh), for tests that stop and
// restart the database under a store: the shared fixture server must stay up for other tests.
// Stopped and deleted on destruction.
class PrivatePostgres {
 public:
  // Starts a new cluster with its state in `state_dir` (which must not exist yet).
  static absl::StatusOr<std::unique_ptr<PrivatePostgres>> start(const std::string& state_dir);
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // postgresql://postgres@127.0.0.1:<port>/datamesh_test
  const std::string& url() const { return url_; }
  // Stops the server as a crash would (immediate shutdown: no checkpoint, sessions cut).
  absl::Status kill();
  // Stops the server cleanly (fast shutdown: sessions cut, checkpoint).
  absl::Status stop();
  // Starts the stopped server again, on the same port, with the same data.
  absl::Status restart();

 private:
  explicit PrivatePostgres(std::string state_dir) : state_dir_(std::move(state_dir)) {}
  absl::Status script(const std::string& command);

  std::string state_dir_;
  std::string url_;
  bool running_ = false;
};

}  // namespace datamesh::test_support
