// `datamesh serve`: the mesh as an authenticated HTTP service.
//
// One POST route per method of the method table (/v1/{group}/{method-with-dashes}) with the
// method's parameters as a JSON body, signed with AWS Signature V4 (service "datamesh");
// GET /healthz, /metrics and /openapi.json unsigned (request_router.h). The HTTP transport is
// libmicrohttpd's event loop on `event_threads` threads; every call that reaches the store runs
// on one of `workers` threads (http_transport.h). Each method is one store transaction, so
// concurrency is the store's.
//
// Thread-safety: stop() may be called from any thread (a signal-handling one, typically); the
// rest from one thread: bind(), then serve(), which returns after stop() once every request in
// flight has been answered.
#pragma once

#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "api/mesh_service.h"
#include "server/server_config.h"
#include "server/tls_identity.h"

namespace datamesh::server {

class HttpTransport;
class RequestRouter;

class Server {
 public:
  // With `tls` (load_tls_identity), the server speaks HTTPS only.
  Server(ServerConfig config, std::shared_ptr<api::MeshService> service,
         std::optional<TlsIdentity> tls = std::nullopt);
  ~Server();

  // Binds the listening socket; the port is known afterwards. Unavailable, naming the address,
  // when it is taken or cannot be bound.
  absl::Status bind();
  int port() const;
  // Serves until stop(); returns when every in-flight request is done.
  absl::Status serve();
  void stop();

  const ServerConfig& config() const { return config_; }

 private:
  const ServerConfig config_;  // defaults resolved
  std::unique_ptr<RequestRouter> router_;
  std::unique_ptr<HttpTransport> transport_;
};

}  // namespace datamesh::server
