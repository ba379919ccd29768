#include "client/open_backend.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include "api/embedded_backend.h"
#include "api/mesh_service.h"
#include "base/status_macros.h"
#include "client/aws_backend.h"
#include "client/remote_backend.h"
#include "base/text.h"
#include "store/open/endpoint.h"

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

absl::StatusOr<std::shared_ptr<Backend>> open_backend(const ClientOptions& options,
                                                      bool create_if_missing) {
  DATAMESH_ASSIGN_OR_RETURN(store::Endpoint endpoint,
                            store::parse_endpoint(resolve_endpoint(options)));
  if (endpoint.kind == store::Endpoint::Kind::kHttp) {
    std::string ca_bundle = options.ca_bundle;
    if (const char* env = std::getenv("DATAMESH_CA_BUNDLE"); ca_bundle.empty() && env != nullptr) {
      ca_bundle = env;
    }
    DATAMESH_ASSIGN_OR_RETURN(
        auto remote, client::RemoteBackend::create(endpoint.url, options.region_name, ca_bundle,
                                                   std::chrono::seconds(options.timeout_seconds)));
    return std::shared_ptr<Backend>(std::move(remote));
  }
  if (endpoint.kind == store::Endpoint::Kind::kAws) {
    // One per region in a process: its sessions are reused by every client.
    static std::mutex aws_mutex;
    static std::map<std::string, std::weak_ptr<Backend>> aws_backends;
    std::lock_guard lock(aws_mutex);
    if (auto existing = aws_backends[endpoint.region].lock()) return existing;
    auto backend = std::make_shared<client::AwsBackend>(endpoint.region);
    aws_backends[endpoint.region] = backend;
    return std::shared_ptr<Backend>(std::move(backend));
  }
  // One backend per store and region in a process: clients share the store's connections.
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<Backend>> open_backends;
  const std::string key = cat(endpoint.url, "\n", options.region_name);
  std::lock_guard lock(mutex);
  if (auto existing = open_backends[key].lock()) return existing;
  std::string key_file = options.master_key_file;
  if (const char* env = std::getenv("DATAMESH_MASTER_KEY_FILE");
      key_file.empty() && env != nullptr) {
    key_file = env;
  }
  DATAMESH_ASSIGN_OR_RETURN(
      std::shared_ptr<api::MeshService> service,
      api::MeshService::open(endpoint, options.region_name, create_if_missing, key_file));
  std::shared_ptr<Backend> backend = std::make_shared<api::EmbeddedBackend>(std::move(service));
  open_backends[key] = backend;
  return backend;
}

}  // namespace datamesh
