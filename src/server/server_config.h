// The settings of `datamesh serve`, from defaults, a JSON config file and flags (docs/SERVER.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace datamesh::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  std::string store;  // sqlite:///path/mesh.db or postgresql://user@host:port/db
  // PostgreSQL stores: the file of the master key every replica shares, unless
  // DATAMESH_MASTER_KEY is set (api/mesh_service.h).
  std::string master_key_file;
  std::string region = "us-east-1";
  // Threads running the HTTP event loop (reading requests, writing answers). 0 = one per core.
  int event_threads = 0;
  // Threads running method calls and /metrics, i.e. everything that reads or writes the store.
  // 0 = 2 x cores: a worker waiting for the store's write lock leaves the others to readers.
  int workers = 0;
  // Connections open at once; the next ones are closed as they are accepted.
  int max_connections = 1024;
  size_t max_body_bytes = 8 << 20;
  // Between bytes of a request's body, and of an answer the client reads.
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  // An idle keep-alive connection (or one still sending its request line and headers).
  int keep_alive_seconds = 5;
  std::chrono::seconds max_clock_skew = std::chrono::minutes(5);
  // initialize_mesh_account over HTTP is refused unless allowed: initialize on the server host.
  bool allow_initialize = false;
  bool access_log = true;
};

// `config` with the zeros above replaced by what they stand for on this machine.
ServerConfig resolve_defaults(ServerConfig config);

// Reads a JSON config file ({"listen": "127.0.0.1:8080", "store": ..., "master_key_file": ...,
// "region": ...,
// "event_threads": ..., "workers": ..., "max_connections": ..., "max_body_bytes": ...,
// "read_timeout_seconds": ..., "write_timeout_seconds": ..., "keep_alive_seconds": ...,
// "allow_initialize": ..., "access_log": ...}) over `config`. NotFound when it cannot be read;
// InvalidArgument naming an unknown or mistyped key.
absl::Status load_config_file(const std::string& path, ServerConfig& config);
// "host:port" into config. InvalidArgument for anything else.
absl::Status parse_listen(std::string_view listen, ServerConfig& config);

}  // namespace datamesh::server
