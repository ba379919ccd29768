// The remote backend: every call is an HTTP POST to `datamesh serve`, signed with AWS
// Signature V4 (service datamesh), answered with the same JSON and, on failure, with
// {"Error": {"Code", "Message"}} that becomes the same absl::Status the embedded mode gives.
// A call the server throttles (429, over a per-key limit) is signed again and retried after
// the server's Retry-After, up to kThrottleRetries times; then it is ResourceExhausted.
// Thread-safe: connections (libcurl handles, kept alive) are pooled.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/backend.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"

namespace datamesh::client {

class RemoteBackend final : public Backend {
 public:
  // endpoint: http://host:port (a trailing path prefix is kept).
  static absl::StatusOr<std::shared_ptr<RemoteBackend>> create(std::string endpoint,
                                                               std::string region);
  RemoteBackend(std::string endpoint, std::string host, std::string region);
  ~RemoteBackend() override;

  static constexpr int kThrottleRetries = 3;

  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params,
                                      const std::optional<Credentials>& credentials,
                                      std::string_view data_mesh_account_id,
                                      const core::ProgressObserver& on_progress = {}) override;

 private:
  void* acquire();  // a CURL easy handle
  void release(void* handle);

  struct Answer {
    long http_code = 0;
    std::string body;
    long retry_after_seconds = 0;  // the Retry-After header, 0 when absent
  };
  // POSTs the signed `request`; Unavailable when the server cannot be reached.
  absl::StatusOr<Answer> post(const aws::HttpRequest& request);

  std::string endpoint_;  // without a trailing '/'
  std::string host_;      // Host header as sent: host[:port]
  std::string path_prefix_;
  std::string region_;
  std::mutex mutex_;
  std::vector<void*> idle_;
  // Derived once per credentials and day, not per call.
  aws::SigningKeyCache signing_keys_{64};
};

}  // namespace datamesh::client
