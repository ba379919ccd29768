#include "cli/serve.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "api/backend.h"
#include "api/mesh_service.h"
#include "cli/output.h"
#include "core/text.h"
#include "api/logging.h"

namespace datamesh::cli {

using core::cat;

int run_serve(const ServeOptions& options, const std::string& region) {
  server::ServerConfig config;
  config.region = region;
  if (!options.config_file.empty()) {
    if (absl::Status loaded = server::load_config_file(options.config_file, config);
        !loaded.ok()) {
      return report_error(loaded);
    }
  }
  if (!options.listen.empty()) {
    if (absl::Status parsed = server::parse_listen(options.listen, config); !parsed.ok()) {
      return report_error(parsed);
    }
  }
  if (!options.store.empty()) config.store = options.store;
  if (config.store.empty()) config.store = resolve_endpoint(ClientOptions{});
  if (options.workers >= 0) config.workers = options.workers;
  if (options.allow_initialize) config.allow_initialize = true;
  if (options.no_access_log) config.access_log = false;

  constexpr std::string_view kScheme = "sqlite://";
  if (!std::string_view(config.store).starts_with(kScheme)) {
    return report_error(absl::InvalidArgumentError(
        cat("--store \"", config.store, "\" must be sqlite:///path/to/mesh.db")));
  }
  // An empty store is created only for a server that may initialize it over HTTP.
  auto service = api::MeshService::open_sqlite(config.store.substr(kScheme.size()),
                                               config.region, config.allow_initialize);
  if (!service.ok()) return report_error(service.status());

  // SIGTERM and SIGINT are taken by one thread, which stops the server; every other thread
  // (the workers included, created after this) has them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::Server server(config, *service);
  if (absl::Status bound = server.bind(); !bound.ok()) return report_error(bound);
  std::thread stopper([&] {
    int received = 0;
    sigwait(&signals, &received);
    api::logger().info("received signal {}: finishing in-flight requests", received);
    server.stop();
  });
  std::cout << "datamesh serving " << config.store << " on http://" << config.host << ":"
            << server.port() << std::endl;
  api::logger().info("{} event-loop threads, {} workers, at most {} connections",
                     server.config().event_threads, server.config().workers,
                     server.config().max_connections);
  absl::Status served = server.serve();
  // Wake the stopper if the server ended on its own.
  if (stopper.joinable()) {
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
  }
  if (!served.ok()) return report_error(served);
  api::logger().info("stopped");
  return kExitOk;
}

}  // namespace datamesh::cli
