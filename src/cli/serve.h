// `datamesh serve`: runs the HTTP server until SIGTERM or SIGINT.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"

#include "server/server.h"

namespace datamesh::cli {

struct ServeOptions {
  std::string listen;  // host:port; empty = the config file's, else 127.0.0.1:8080
  std::string store;   // empty = the config file's, else the embedded default
  std::string store_from = "--store";  // where `store` came from, for the start-up log
  std::string master_key_file;  // empty = the config file's, else $DATAMESH_MASTER_KEY_FILE
  std::string config_file;
  std::string region;  // --region-name; empty = the config file's, else us-east-1
  std::string tls_cert_file;  // empty = the config file's; with tls_key_file: HTTPS
  std::string tls_key_file;
  std::optional<int> workers;  // none = the config file's
  bool allow_initialize = false;
  bool no_access_log = false;
};

// OK after a graceful stop; else why the server could not start or stopped.
absl::Status run_serve(const ServeOptions& options);

}  // namespace datamesh::cli
