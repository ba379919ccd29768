// `datamesh serve`: the mesh as an authenticated HTTP service.
//
// One POST route per method of the method table (/v1/{group}/{method-with-dashes}) with the
// method's parameters as a JSON body, signed with AWS Signature V4 (service "datamesh");
// GET /healthz, /metrics and /openapi.json unsigned (request_router.h). The HTTP transport is
// libmicrohttpd's event loop on `event_threads` threads; every call that reaches the store runs
// on one of `workers` threads (http_transport.h). Each method is one store transaction, so
// concurrency is the store's.
//
// Thread-safety: stop() and reload_tls() may be called from any thread (a signal-handling one,
// typically); the rest from one thread: bind(), then serve(), which returns after stop() once
// every request in flight has been answered.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/mesh_service.h"
#include "server/server_config.h"
#include "server/tls_identity.h"

namespace datamesh::server {

class HttpTransport;
class RequestRouter;
class TlsCredentials;

class Server {
 public:
  // With `tls` (made from load_tls_identity's answer), the server speaks HTTPS only.
  Server(ServerConfig config, std::shared_ptr<api::MeshService> service,
         std::shared_ptr<TlsCredentials> tls = nullptr);
  ~Server();

  // Binds the listening socket; the port is known afterwards. Unavailable, naming the address,
  // when it is taken or cannot be bound.
  absl::Status bind();
  int port() const;
  // Serves until stop(); returns when every in-flight request is done.
  absl::Status serve();
  void stop();
  // Reads the certificate and key files of the config again and answers the next handshakes
  // with them, so that a renewed certificate needs no restart; connections already open keep
  // theirs. Returns the identity now served. On error the server keeps the one it had:
  // FailedPrecondition when it serves plain HTTP, else load_tls_identity's and
  // TlsCredentials::create's errors. /metrics counts reloads by result.
  absl::StatusOr<TlsIdentity> reload_tls();

  const ServerConfig& config() const { return config_; }

 private:
  // The /metrics lines of the TLS certificate: its expiry and the reloads so far.
  std::string tls_metrics() const;

  const ServerConfig config_;  // defaults resolved
  const std::shared_ptr<TlsCredentials> tls_;  // null over plain HTTP
  std::atomic<uint64_t> tls_reloads_{0};
  std::atomic<uint64_t> tls_reload_failures_{0};
  std::unique_ptr<RequestRouter> router_;
  std::unique_ptr<HttpTransport> transport_;
};

}  // namespace datamesh::server
