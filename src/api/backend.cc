#include "api/backend.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include <sys/stat.h>

#include "api/embedded_backend.h"
#include "client/remote_backend.h"
#include "base/text.h"
#include "store/postgres/url.h"

namespace datamesh {

using base::cat;

std::string resolve_endpoint(const ClientOptions& options) {
  if (!options.endpoint.empty()) return options.endpoint;
  if (const char* env = std::getenv("DATAMESH_ENDPOINT"); env != nullptr && *env != '\0') {
    return env;
  }
  const char* home = std::getenv("HOME");
  return cat("sqlite://", home != nullptr ? home : ".", "/.datamesh/mesh.db");
}

namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

absl::StatusOr<std::string> sqlite_path(std::string_view endpoint) {
  if (!endpoint.starts_with(kSqliteScheme)) {
    const auto colon = endpoint.find("://");
    const std::string scheme(colon == std::string_view::npos ? endpoint
                                                             : endpoint.substr(0, colon));
    return absl::InvalidArgumentError(cat(
        "unsupported endpoint \"", endpoint, "\": use sqlite:///path/to/mesh.db, "
        "http://host:port or postgresql://user@host:port/database (scheme \"", scheme,
        "\" is not supported)"));
  }
  std::string path(endpoint.substr(kSqliteScheme.size()));
  if (path.empty()) {
    return absl::InvalidArgumentError(
        cat("endpoint \"", endpoint, "\" names no file: use sqlite:///path/to/mesh.db"));
  }
  return path;
}

// Creates the folder of the default mesh file (~/.datamesh) on first use.
void ensure_parent_folder(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  const std::string folder = path.substr(0, slash);
  std::string partial;
  for (size_t i = 0; i <= folder.size(); ++i) {
    if (i == folder.size() || folder[i] == '/') {
      if (!partial.empty()) ::mkdir(partial.c_str(), 0700);
    }
    if (i < folder.size()) partial.push_back(folder[i]);
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<Backend>> open_backend(const ClientOptions& options,
                                                      bool create_if_missing) {
  const std::string endpoint = resolve_endpoint(options);
  if (endpoint.starts_with("http://")) {
    auto remote = client::RemoteBackend::create(endpoint, options.region_name);
    if (!remote.ok()) return remote.status();
    return std::shared_ptr<Backend>(std::move(*remote));
  }
  // One backend per store and region in a process: clients share the store's connections.
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<Backend>> open_backends;
  absl::StatusOr<std::shared_ptr<api::MeshService>> service;
  std::string key;
  std::unique_lock lock(mutex, std::defer_lock);
  if (store::postgres::is_postgres_url(endpoint)) {
    key = cat(endpoint, "\n", options.region_name);
    lock.lock();
    if (auto existing = open_backends[key].lock()) return existing;
    std::string key_file = options.master_key_file;
    if (const char* env = std::getenv("DATAMESH_MASTER_KEY_FILE");
        key_file.empty() && env != nullptr) {
      key_file = env;
    }
    service = api::MeshService::open_postgres(endpoint, options.region_name, create_if_missing,
                                              key_file);
  } else {
    auto path = sqlite_path(endpoint);
    if (!path.ok()) return path.status();
    key = cat(*path, "\n", options.region_name);
    lock.lock();
    if (auto existing = open_backends[key].lock()) return existing;
    if (create_if_missing) ensure_parent_folder(*path);
    service = api::MeshService::open_sqlite(*path, options.region_name, create_if_missing);
  }
  if (!service.ok()) return service.status();
  std::shared_ptr<Backend> backend = std::make_shared<api::EmbeddedBackend>(std::move(*service));
  open_backends[key] = backend;
  return backend;
}

}  // namespace datamesh
