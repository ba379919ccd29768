// What the `datamesh serve` suites share: a server in this process or in a child process, raw
// signed HTTP requests, a mesh set up through the public API, and the audit log read back.
//
// In-process servers (InProcessServer) let a test reach the Server object, its MeshService and
// the "datamesh" logger; server processes (start_server_process, shared with the benchmarks in
// tests/testkit/) are the `datamesh` binary (DATAMESH_CLI_PATH) as users run it, for load and
// signal tests. Both listen on 127.0.0.1
// port 0. Nothing here sleeps: waits are blocking calls bounded by a deadline that only
// guards against a hung server.
//
// Helpers return Status / StatusOr for ASSERT_OK. Not thread-safe unless a function says so.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/mesh_service.h"
#include "aws/sigv4.h"
#include "datamesh/admin.h"
#include "datamesh/client_options.h"
#include "datamesh/types.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "spdlog/sinks/base_sink.h"
#include "support/fault_store.h"
#include "testkit/mesh_setup.h"
#include "testkit/scratch_dir.h"
#include "testkit/server_process.h"

namespace datamesh::server_test {

inline constexpr char kRegion[] = "us-east-1";

using testkit::ScratchDir;

// ---- raw HTTP -------------------------------------------------------------------------------

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpAnswer {
  long status = 0;  // 0 when no answer came
  std::string body;
  std::string transport;  // libcurl's error when no answer came
};

// Sends exactly `headers` (plus what libcurl always adds: Accept, Content-Length) to
// http://127.0.0.1:port<path>. Thread-safe.
HttpAnswer http_send(int port, const std::string& method, const std::string& path,
                     const Headers& headers, const std::string& body);
HttpAnswer http_get(int port, const std::string& path);
HttpAnswer http_send(int port, const aws::HttpRequest& request);

// A POST to `path` with a JSON body, Host 127.0.0.1:port, Content-Type application/json and
// `extra` headers, signed as `key` with `scope` as of `when` (testkit::signed_post). Thread-safe.
absl::StatusOr<aws::HttpRequest> signed_post(
    int port, const std::string& path, const std::string& body, const Credentials& key,
    std::chrono::system_clock::time_point when = std::chrono::system_clock::now(),
    const aws::Scope& scope = {kRegion, "datamesh"}, const Headers& extra = {});

// Success when `answer` has HTTP status `status` and exactly the body
// {"Error": {"Code": code, "Message": <non-empty, containing message_part>}}.
::testing::AssertionResult is_error_answer(const HttpAnswer& answer, long status,
                                           const std::string& code,
                                           const std::string& message_part = "");
// The Error.Message of an error answer ("" when it has none).
std::string error_message(const HttpAnswer& answer);

// ---- Prometheus text ------------------------------------------------------------------------

// The value of the sample written exactly as `series` (`name{label="v",...}`), or nullopt.
std::optional<double> metric_value(const std::string& exposition, const std::string& series);

// ---- the mesh, through the public API -------------------------------------------------------

// Accounts and roles of set_up_mesh (testkit/mesh_setup.h, shared with the benchmarks).
using testkit::AccountSpec;
using testkit::Role;

// Options of a client of `endpoint` acting as `credentials` in the mesh kMeshAccount.
ClientOptions client_options(const std::string& endpoint, std::optional<Credentials> credentials,
                             const std::string& log_level = "WARNING");

// Initializes the mesh at `endpoint` as kMeshAccount, creates `accounts` and gives each its
// role (the admin enables it, it initializes itself). Returns the credentials by account id,
// the mesh admin's under kMeshAccount.
absl::StatusOr<std::map<std::string, Credentials>> set_up_mesh(
    const std::string& endpoint, const std::vector<AccountSpec>& accounts,
    const std::string& log_level = "WARNING");

// A mesh service on the SQLite mesh file `db` (its key file beside it, as set_up_mesh leaves
// it) through a FaultStore, which counts the store calls the server makes and can fail them.
struct ServiceOverFaults {
  std::shared_ptr<api::MeshService> service;
  test_support::FaultStore* faults = nullptr;  // owned by service
};
absl::StatusOr<ServiceOverFaults> service_over_faults(const std::string& db);

// Creates database `database` with `tables` (test_support::sales_table) in the producer's
// catalog and publishes every table of it; returns the mesh database's name.
absl::StatusOr<std::string> publish_tables(const std::string& endpoint, const Credentials& producer,
                                           const std::string& database,
                                           const std::vector<std::string>& tables,
                                           const std::string& log_level = "WARNING");

// The whole audit log, oldest first, paged to the end with pages of `page_size`.
absl::StatusOr<std::vector<AuditEvent>> all_audit_events(DataMeshAdmin& admin,
                                                         int page_size = 1000);

// ---- servers --------------------------------------------------------------------------------

// A server::Server serving a SQLite mesh file from a thread of this process.
class InProcessServer {
 public:
  InProcessServer() = default;
  ~InProcessServer();  // stop()
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  // Opens (creating it if missing) the mesh file `store_path`, binds config.host:config.port
  // and serves on a thread; returns once the server has answered GET /healthz. The engine
  // dates what it writes by `clock`, which must outlive the server and, being read from the
  // server's threads, must not change while it serves.
  absl::Status start(server::ServerConfig config, const std::filesystem::path& store_path,
                     const core::Clock& clock = core::system_clock());
  // The same over a mesh service the test made (on a FaultStore, say).
  absl::Status start(server::ServerConfig config, std::shared_ptr<api::MeshService> service);
  // Stops the server and joins its thread; the Status serve() returned, OK if not started.
  absl::Status stop();

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  api::MeshService& service() { return *service_; }

 private:
  std::shared_ptr<api::MeshService> service_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
  absl::Status served_;
  int port_ = 0;
};

// `datamesh serve --store sqlite://<store> --listen 127.0.0.1:0 --allow-initialize
// --no-access-log` (then `extra_args`) of the binary under test (DATAMESH_CLI_PATH) as a child
// process (testkit/server_process.h); stderr goes to `stderr_path`. A `store` with a scheme
// (postgresql://...) is given to --store as it is. The server inherits this process's
// environment (DATAMESH_MASTER_KEY, for PostgreSQL stores).
using testkit::ServerProcess;
absl::StatusOr<std::unique_ptr<ServerProcess>> start_server_process(
    const std::filesystem::path& store, const std::filesystem::path& stderr_path,
    const std::vector<std::string>& extra_args = {});

// ---- the access log -------------------------------------------------------------------------

// An spdlog sink keeping every message it gets, for tests to read. Thread-safe.
class CapturingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string contents();

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  void flush_() override {}

 private:
  std::string text_;
};

}  // namespace datamesh::server_test
