// `datamesh serve`: the mesh as an authenticated HTTP service.
//
// One POST route per method of the method table (/v1/{group}/{method-with-dashes}) with the
// method's parameters as a JSON body, signed with AWS Signature V4 (service "datamesh");
// GET /healthz, /metrics and /openapi.json unsigned. Requests are served by a pool of worker
// threads (one per open keep-alive connection, as cpp-httplib works); each method is one store
// transaction, so concurrency is the store's. stop() stops accepting, lets in-flight requests
// finish and returns; it is safe to call from another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/mesh_service.h"
#include "server/metrics.h"

namespace httplib {
class Server;
class Request;
class Response;
}  // namespace httplib

namespace datamesh::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  std::string store;  // sqlite:///path/mesh.db or postgresql://user@host:port/db
  // PostgreSQL stores: the file of the master key every replica shares, unless
  // DATAMESH_MASTER_KEY is set (api/mesh_service.h).
  std::string master_key_file;
  std::string region = "us-east-1";
  // Worker threads; cpp-httplib holds one per open keep-alive connection, so this bounds the
  // concurrent clients. 0 = max(64, 16 x cores).
  int workers = 0;
  size_t max_body_bytes = 8 << 20;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int keep_alive_seconds = 5;
  std::chrono::seconds max_clock_skew = std::chrono::minutes(5);
  // initialize_mesh_account over HTTP is refused unless allowed: initialize on the server host.
  bool allow_initialize = false;
  bool access_log = true;
};

// Reads a JSON config file ({"listen": "127.0.0.1:8080", "store": ..., "master_key_file": ...,
// "region": ...,
// "workers": ..., "max_body_bytes": ..., "read_timeout_seconds": ...,
// "write_timeout_seconds": ..., "keep_alive_seconds": ..., "allow_initialize": ...,
// "access_log": ...}) over `config`. InvalidArgument naming an unknown or mistyped key.
absl::Status load_config_file(const std::string& path, ServerConfig& config);
// "host:port" into config. InvalidArgument for anything else.
absl::Status parse_listen(std::string_view listen, ServerConfig& config);

class Server {
 public:
  Server(ServerConfig config, std::shared_ptr<api::MeshService> service);
  ~Server();

  // Binds the listening socket; the port is known afterwards.
  absl::Status bind();
  int port() const { return port_; }
  // Serves until stop(); returns when every in-flight request is done.
  absl::Status serve();
  void stop();

 private:
  void handle_method(const httplib::Request& request, httplib::Response& response);
  void handle_metrics(httplib::Response& response);
  void finish(const httplib::Request& request, httplib::Response& response,
              const std::string& route, const absl::Status& status,
              std::chrono::steady_clock::time_point started, const std::string& account);

  ServerConfig config_;
  std::shared_ptr<api::MeshService> service_;
  std::unique_ptr<httplib::Server> http_;
  Metrics metrics_;
  int port_ = 0;
};

}  // namespace datamesh::server
