#include "variant_server.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>

#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "api/mesh_service.h"
#include "mesh_setup.h"
#include "security/secret_box.h"
#include "server/server.h"
#include "store/sqlite/sqlite_store.h"

namespace datamesh::bench {

int run_variant_server(int argc, char** argv) {
  std::string store_path;
  int pool = store::SqliteOptions{}.max_idle_connections;
  int memstatus = 1;
  int workers = 0;
  CLI::App app{"datamesh_bench --serve-variant: datamesh's server with other store settings"};
  bool variant = false;
  app.add_flag("--serve-variant", variant, "run as a variant server");
  app.add_option("--store", store_path, "the mesh file")->required();
  app.add_option("--pool", pool, "the store's max_idle_connections");
  app.add_option("--memstatus", memstatus, "SQLITE_CONFIG_MEMSTATUS (0 or 1)");
  app.add_option("--workers", workers, "worker threads (0 = the server's default)");
  CLI11_PARSE(app, argc, argv);

  // Before SQLite is initialized, i.e. before any connection opens.
  if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, memstatus) != SQLITE_OK) {
    std::cerr << "variant server: sqlite3_config(SQLITE_CONFIG_MEMSTATUS) failed" << std::endl;
    return 1;
  }
  auto sealer = security::SecretBox::from_environment_or_file(store_path + ".key", false);
  if (!sealer.ok()) {
    std::cerr << "variant server: " << sealer.status().message() << std::endl;
    return 1;
  }
  auto store = store::SqliteStore::open(store_path, store::SqliteOptions{.max_idle_connections = pool});
  if (!store.ok()) {
    std::cerr << "variant server: " << store.status().message() << std::endl;
    return 1;
  }
  auto service = std::make_shared<api::MeshService>(
      std::move(*store), std::make_unique<security::SecretBox>(std::move(*sealer)), kBenchRegion);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.store = "sqlite://" + store_path;
  config.region = kBenchRegion;
  config.workers = workers;
  config.access_log = false;
  server::Server server(config, service);
  if (absl::Status bound = server.bind(); !bound.ok()) {
    std::cerr << "variant server: " << bound.message() << std::endl;
    return 1;
  }
  std::thread stopper([&] {
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  });
  std::cout << "datamesh serving " << config.store << " (variant: pool " << pool
            << ", memstatus " << memstatus << ") on http://127.0.0.1:" << server.port()
            << std::endl;
  absl::Status served = server.serve();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return served.ok() ? 0 : 1;
}

}  // namespace datamesh::bench
