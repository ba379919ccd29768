#include "server/server.h"

#include "base/status_macros.h"
#include "base/text.h"
#include "server/http_transport.h"
#include "server/request_router.h"
#include "server/tls_credentials.h"

namespace datamesh::server {

using base::cat;

Server::Server(ServerConfig config, std::shared_ptr<api::MeshService> service,
               std::shared_ptr<TlsCredentials> tls)
    : config_(resolve_defaults(std::move(config))),
      tls_(std::move(tls)),
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
                           .max_buffered_body_bytes = config_.max_buffered_body_bytes,
                           .keep_alive_seconds = config_.keep_alive_seconds,
                           .read_timeout_seconds = config_.read_timeout_seconds,
                           .write_timeout_seconds = config_.write_timeout_seconds,
                           .head_timeout_seconds = config_.request_head_timeout_seconds,
                           .body_timeout_seconds = config_.request_body_timeout_seconds,
                           // The access log names it; the failed-authentication limit
                           // counts by it.
                           .want_remote_address = config_.access_log ||
                                                  config_.max_auth_failures_per_address > 0,
                           .tls = tls_,
                           .hsts_max_age_seconds = config_.hsts_max_age_seconds})) {
  router_->add_metrics([transport = transport_.get()] {
    const ClosedConnections closed = transport->closed_connections();
    return cat(
        "# HELP datamesh_connections_closed_total Connections closed early by the server: a "
        "request head or body past its deadline, or the longest-waiting head evicted to keep "
        "room for new clients.\n"
        "# TYPE datamesh_connections_closed_total counter\n"
        "datamesh_connections_closed_total{reason=\"head_deadline\"} ", closed.head_deadline,
        "\n"
        "datamesh_connections_closed_total{reason=\"body_deadline\"} ", closed.body_deadline,
        "\n"
        "datamesh_connections_closed_total{reason=\"evicted\"} ", closed.evicted, "\n",
        "# HELP datamesh_request_body_bytes_held Bytes of request bodies held now beyond the "
        "first 64 KiB of each, which max_buffered_body_bytes bounds.\n"
        "# TYPE datamesh_request_body_bytes_held gauge\n"
        "datamesh_request_body_bytes_held ", transport->held_body_bytes(), "\n");
  });
  if (tls_ != nullptr) router_->add_metrics([this] { return tls_metrics(); });
}

Server::~Server() = default;

absl::Status Server::bind() { return transport_->bind(); }

int Server::port() const { return transport_->port(); }

absl::Status Server::serve() { return transport_->serve(*router_); }

void Server::stop() { transport_->stop(); }

absl::StatusOr<TlsIdentity> Server::reload_tls() {
  if (tls_ == nullptr) {
    return absl::FailedPreconditionError(
        "the server serves plain HTTP: there is no certificate to reload (start it with "
        "--tls-cert and --tls-key to serve HTTPS)");
  }
  absl::StatusOr<std::optional<TlsIdentity>> loaded = load_tls_identity(config_);
  absl::Status replaced = loaded.status();
  if (loaded.ok()) replaced = tls_->replace(**loaded);  // the files are named, so never nullopt
  (replaced.ok() ? tls_reloads_ : tls_reload_failures_).fetch_add(1, std::memory_order_relaxed);
  DATAMESH_RETURN_IF_ERROR(replaced);
  return **std::move(loaded);
}

std::string Server::tls_metrics() const {
  return cat(
      "# HELP datamesh_tls_certificate_expiry_timestamp_seconds When the certificate that new "
      "HTTPS connections get expires, in seconds since the Unix epoch.\n"
      "# TYPE datamesh_tls_certificate_expiry_timestamp_seconds gauge\n"
      "datamesh_tls_certificate_expiry_timestamp_seconds ", tls_->not_after_unix(), "\n"
      "# HELP datamesh_tls_reloads_total Reloads of the certificate and key files (SIGHUP), by "
      "result; a failed one leaves the certificate served as it was.\n"
      "# TYPE datamesh_tls_reloads_total counter\n"
      "datamesh_tls_reloads_total{result=\"ok\"} ", tls_reloads_.load(), "\n"
      "datamesh_tls_reloads_total{result=\"failed\"} ", tls_reload_failures_.load(), "\n");
}

}  // namespace datamesh::server
