// The settings of `datamesh serve`, from defaults, a JSON config file and flags (docs/SERVER.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

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
  // HTTPS: the PEM files of the server's certificate (its chain after it) and of its private
  // key (unencrypted). Both, or neither to serve plain HTTP (server/tls_identity.h).
  std::string tls_cert_file;
  std::string tls_key_file;
  // HTTPS only: every answer carries Strict-Transport-Security: max-age=N, so that a browser
  // that saw one reaches this host over HTTPS only, for N seconds. 0 = not sent: a host that
  // later stops serving HTTPS would stay unreachable to those browsers until then.
  int hsts_max_age_seconds = 0;
  // Threads running the HTTP event loop (reading requests, writing answers). 0 = one per core.
  int event_threads = 0;
  // Threads running method calls and /metrics, i.e. everything that reads or writes the store.
  // 0 = 2 x cores: a worker waiting for the store's write lock leaves the others to readers.
  int workers = 0;
  // Workers the calls of one access key (or, unsigned, of one client address) may hold at once;
  // the others wait for a worker in turn with other keys' calls (server/worker_pool.h). Keeps
  // workers free for other clients while one sends many costly calls. 0 = half the workers.
  int max_workers_per_key = 0;
  // Connections open at once; the next ones are closed as they are accepted.
  int max_connections = 1024;
  size_t max_body_bytes = 8 << 20;
  // Request bodies held at once, beyond the first 64 KiB of each, before their requests are
  // answered (server/http_transport.h); a body past it is refused with 429 and Retry-After.
  // Bounds what unauthenticated clients can make the server hold. 0 = no limit.
  size_t max_buffered_body_bytes = 64 << 20;
  // Between bytes of a request's body, and of an answer the client reads.
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  // An idle keep-alive connection (or one still sending its request line and headers).
  int keep_alive_seconds = 5;
  // Those count idle time. Whatever the trickle: a request's line and headers must be in
  // within this of the connection's start (or of its previous answer)...
  int request_head_timeout_seconds = 10;
  // ...and its body within this of its headers (8 MiB at 140 KB/s). 0 = no deadline.
  int request_body_timeout_seconds = 60;
  // Connections from one client address; more are closed as they are accepted. 0 = no cap.
  int max_connections_per_address = 256;
  // Slots kept for new clients: once fewer are free, each new connection closes the one that
  // has waited longest for a request head. 0 = none; at most max_connections / 8.
  int connection_reserve = 64;
  // Per access key (signature verified): calls running at once, and a token bucket of
  // request_burst_per_key refilled at requests_per_second_per_key. 0 = no limit.
  int max_concurrent_requests_per_key = 16;
  double requests_per_second_per_key = 1000;
  double request_burst_per_key = 2000;
  // Per client address: after this many failed authentications (unknown, revoked or
  // mismatched key, bad signature, date out of skew) within one window of
  // auth_failure_window_seconds, its requests with credentials get 429 until the window ends.
  // 0 = no limit.
  int max_auth_failures_per_address = 20;
  int auth_failure_window_seconds = 60;
  std::chrono::seconds max_clock_skew = std::chrono::minutes(5);
  // initialize_mesh_account over HTTP is refused unless allowed: initialize on the server host.
  bool allow_initialize = false;
  bool access_log = true;
};

// `config` with the zeros above replaced by what they stand for on this machine, and the
// connection reserve capped.
ServerConfig resolve_defaults(ServerConfig config);

// Bounds of the settings whose values outside them would leave a server that cannot work
// (threads it cannot start, no connection slot, no body any call fits in).
inline constexpr int kMaxThreads = 1024;
inline constexpr std::size_t kMinBodyBytes = 1024;
// InvalidArgument naming the first setting outside its bounds (with its flag or config key and
// what it allows): event_threads and workers 0 (one per core, 2 x cores) to kMaxThreads;
// max_workers_per_key 0 (half the workers) or more; max_connections at least 1; max_body_bytes
// at least kMinBodyBytes. Checked before anything starts, so a server that prints that it is
// serving can serve.
absl::Status check_config(const ServerConfig& config);

// Reads a JSON config file over `config`: an object whose keys are config_file_keys(), each
// setting the field of the same name ("listen", "host:port", sets host and port).
// NotFound when it cannot be read; InvalidArgument naming an unknown or mistyped key (an
// unknown key's message lists the allowed ones).
absl::Status load_config_file(const std::string& path, ServerConfig& config);
// The keys a config file may hold.
std::vector<std::string_view> config_file_keys();
// "host:port" or "[IPv6 address]:port" into config. InvalidArgument for anything else.
absl::Status parse_listen(std::string_view listen, ServerConfig& config);
// host:port as a URL names it: [host]:port for an IPv6 address.
std::string listen_address(std::string_view host, int port);

// The open-file limit a server needs: a descriptor per connection, and room for the rest (the
// store's files or PostgreSQL connections, the listening socket, the event loops).
struct OpenFileLimit {
  uint64_t soft = 0;    // what to set the soft limit to (the given one when it is enough)
  std::string warning;  // when even the hard limit is too low: what happens, and what to do
};
inline constexpr uint64_t kDescriptorsBesideConnections = 128;
// From the process's soft and hard RLIMIT_NOFILE: raises the soft limit towards
// max_connections + kDescriptorsBesideConnections, as far as the hard limit allows. Pure.
OpenFileLimit plan_open_file_limit(uint64_t soft, uint64_t hard, int max_connections);

}  // namespace datamesh::server
