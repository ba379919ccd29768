#include "server/server.h"

#include "server/http_transport.h"
#include "server/request_router.h"

namespace datamesh::server {

Server::Server(ServerConfig config, std::shared_ptr<api::MeshService> service,
               std::optional<TlsIdentity> tls)
    : config_(resolve_defaults(std::move(config))),
      router_(std::make_unique<RequestRouter>(config_, std::move(service))),
      transport_(make_microhttpd_transport(
          TransportOptions{.host = config_.host,
                           .port = config_.port,
                           .event_threads = config_.event_threads,
                           .workers = config_.workers,
                           .max_workers_per_key = config_.max_workers_per_key,
                           .max_connections = config_.max_connections,
                           .max_connections_per_address = config_.max_connections_per_address,
                           .connection_reserve = config_.connection_reserve,
                           .max_body_bytes = config_.max_body_bytes,
                           .keep_alive_seconds = config_.keep_alive_seconds,
                           .read_timeout_seconds = config_.read_timeout_seconds,
                           .write_timeout_seconds = config_.write_timeout_seconds,
                           .head_timeout_seconds = config_.request_head_timeout_seconds,
                           .body_timeout_seconds = config_.request_body_timeout_seconds,
                           // The access log names it; the failed-authentication limit
                           // counts by it.
                           .want_remote_address = config_.access_log ||
                                                  config_.max_auth_failures_per_address > 0,
                           .tls_certificate_pem = tls ? tls->certificate_pem : std::string(),
                           .tls_key_pem = tls ? tls->key_pem : std::string(),
                           .hsts_max_age_seconds = config_.hsts_max_age_seconds})) {
  router_->set_closed_connections(
      [transport = transport_.get()] { return transport->closed_connections(); });
}

Server::~Server() = default;

absl::Status Server::bind() { return transport_->bind(); }

int Server::port() const { return transport_->port(); }

absl::Status Server::serve() { return transport_->serve(*router_); }

void Server::stop() { transport_->stop(); }

}  // namespace datamesh::server
