#include "cli/serve.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "client/open_backend.h"
#include "api/mesh_service.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "server/server_config.h"
#include "server/tls_credentials.h"
#include "store/open/endpoint.h"
#include "api/logging.h"

namespace datamesh::cli {

using base::cat;

namespace {

// What a SIGHUP came to, in the log: the certificate now served, or why the old one stays.
void log_reload(const absl::StatusOr<server::TlsIdentity>& reloaded) {
  if (absl::IsFailedPrecondition(reloaded.status())) {  // plain HTTP: nothing is wrong
    api::logger().warn("SIGHUP: {}", std::string(reloaded.status().message()));
    return;
  }
  if (!reloaded.ok()) {
    api::logger().error("SIGHUP: the TLS certificate was not reloaded, the server keeps the one "
                        "it had: {}", std::string(reloaded.status().message()));
    return;
  }
  for (const std::string& warning : reloaded->warnings) api::logger().warn("{}", warning);
  api::logger().info("SIGHUP: HTTPS with the certificate of {}, valid until {}, from the next "
                     "connection on", reloaded->subject, reloaded->not_after);
}

// Raises the soft open-file limit as far as the connections need and the hard limit allows
// (distributions start processes at 1024, below the default max_connections plus the rest).
void raise_open_file_limit(int max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const server::OpenFileLimit plan =
      server::plan_open_file_limit(limit.rlim_cur, limit.rlim_max, max_connections);
  if (plan.soft != limit.rlim_cur) {
    limit.rlim_cur = plan.soft;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      api::logger().warn("cannot raise the open-file limit to {}: {}", plan.soft,
                         std::strerror(errno));
    }
  }
  if (!plan.warning.empty()) api::logger().warn("{}", plan.warning);
}

}  // namespace

absl::Status run_serve(const ServeOptions& options) {
  server::ServerConfig config;
  if (!options.config_file.empty()) {
    DATAMESH_RETURN_IF_ERROR(server::load_config_file(options.config_file, config));
  }
  if (!options.listen.empty()) {
    DATAMESH_RETURN_IF_ERROR(server::parse_listen(options.listen, config));
  }
  if (!options.store.empty()) {
    // An endpoint set in the environment for everyday CLI work would otherwise serve another
    // mesh than the config file names, without a word.
    if (!config.store.empty() && config.store != options.store) {
      api::logger().warn("serving the store of {}, not the store of {}", options.store_from,
                         options.config_file);
    }
    config.store = options.store;
  }
  if (!options.region.empty()) config.region = options.region;
  if (!options.master_key_file.empty()) config.master_key_file = options.master_key_file;
  if (!options.tls_cert_file.empty()) config.tls_cert_file = options.tls_cert_file;
  if (!options.tls_key_file.empty()) config.tls_key_file = options.tls_key_file;
  if (const char* env = std::getenv("DATAMESH_MASTER_KEY_FILE");
      config.master_key_file.empty() && env != nullptr) {
    config.master_key_file = env;
  }
  if (config.store.empty()) config.store = resolve_endpoint(ClientOptions{});
  if (options.workers) config.workers = *options.workers;
  if (options.allow_initialize) config.allow_initialize = true;
  if (options.no_access_log) config.access_log = false;
  DATAMESH_RETURN_IF_ERROR(server::check_config(config));

  // Before the store is opened (or created): a wrong certificate leaves nothing behind.
  DATAMESH_ASSIGN_OR_RETURN(std::optional<server::TlsIdentity> tls,
                            server::load_tls_identity(config));
  // serve keeps the mesh in a store of its own: a server or AWS endpoint, or a scheme of no
  // endpoint, is named with the two forms serve takes (not every form a client takes). A store
  // URL that is wrong in itself keeps its own message.
  const absl::StatusOr<store::Endpoint> parsed = store::parse_endpoint(config.store);
  const bool a_store_url = std::string_view(config.store).starts_with("sqlite:") ||
                           std::string_view(config.store).starts_with("postgres");
  if ((!parsed.ok() && !a_store_url) ||
      (parsed.ok() && (parsed->kind == store::Endpoint::Kind::kHttp ||
                       parsed->kind == store::Endpoint::Kind::kAws))) {
    return absl::InvalidArgumentError(
        base::cat("datamesh serve keeps the mesh in a store: give --store "
                  "sqlite:///path/to/mesh.db or postgresql://user@host:port/database, not \"",
                  config.store, "\""));
  }
  DATAMESH_RETURN_IF_ERROR(parsed.status());
  const store::Endpoint& endpoint = *parsed;
  // An empty store is created only for a server that may initialize it over HTTP.
  DATAMESH_ASSIGN_OR_RETURN(std::shared_ptr<api::MeshService> service,
                            api::MeshService::open(endpoint, config.region,
                                                   config.allow_initialize,
                                                   config.master_key_file));
  // Never print a password of the store URL.
  const std::string shown = endpoint.display;
  config.store = shown;  // the server names its store in messages

  // SIGTERM and SIGINT (stop) and SIGHUP (reload the certificate) are taken by one thread;
  // every other thread (the workers included, created after this) has them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::shared_ptr<server::TlsCredentials> credentials;
  if (tls) {
    for (const std::string& warning : tls->warnings) api::logger().warn("{}", warning);
    api::logger().info("HTTPS with the certificate of {}, valid until {}", tls->subject,
                       tls->not_after);
    DATAMESH_ASSIGN_OR_RETURN(credentials, server::TlsCredentials::create(*std::move(tls)));
  }
  const char* scheme = credentials ? "https" : "http";
  server::Server server(config, service, credentials);
  raise_open_file_limit(server.config().max_connections);
  DATAMESH_RETURN_IF_ERROR(server.bind());
  std::thread signal_taker([&] {
    for (;;) {
      int received = 0;
      sigwait(&signals, &received);
      if (received != SIGHUP) {
        api::logger().info("received signal {}: finishing in-flight requests", received);
        server.stop();
        return;
      }
      log_reload(server.reload_tls());
    }
  });
  std::cout << "datamesh serving " << shown << " on " << scheme << "://"
            << server::listen_address(config.host, server.port()) << std::endl;
  api::logger().info("{} event-loop threads, {} workers, at most {} connections",
                     server.config().event_threads, server.config().workers,
                     server.config().max_connections);
  absl::Status served = server.serve();
  // Wake the signal taker if the server ended on its own.
  if (signal_taker.joinable()) {
    pthread_kill(signal_taker.native_handle(), SIGTERM);
    signal_taker.join();
  }
  DATAMESH_RETURN_IF_ERROR(served);
  api::logger().info("stopped");
  return absl::OkStatus();
}

}  // namespace datamesh::cli
