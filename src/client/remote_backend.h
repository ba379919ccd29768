// The remote backend: every call is an HTTP POST to `datamesh serve`, signed with AWS
// Signature V4 (service datamesh), answered with the same JSON and, on failure, with
// {"Error": {"Code", "Message"}} that becomes the same absl::Status the embedded mode gives.
// A call the server throttles (429, over a per-key limit) is signed again and retried after
// the server's Retry-After, and a call that got no answer (connection refused or lost) after
// a short backoff, up to kRetries times; then it is ResourceExhausted, or Unavailable. A call
// that got no answer within its timeout is DeadlineExceeded and not sent again. Every
// write is sent with a client_token (the caller's, else a new one) that all its attempts
// repeat, so a retried write acts once (api/client_token.h); the unauthenticated
// initialize_mesh_account takes no token and is not retried without an answer.
// An https:// endpoint is verified as a browser would: the server's certificate must name its
// host and chain to an authority of the system's store, or of the CA bundle given instead. A
// certificate that fails is FailedPrecondition, not retried.
// Thread-safe: connections (libcurl handles, kept alive) are pooled (aws/http_transport.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/backend.h"
#include "api/json_list.h"
#include "aws/http_transport.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"

namespace datamesh::client {

class RemoteBackend final : public Backend {
 public:
  // endpoint: http://host:port or https://host[:port] (a trailing path prefix is kept).
  // ca_bundle: https only, a PEM file of the authorities to trust instead of the system's;
  // empty = the system's. timeout: how long a call waits for its answer (ClientOptions).
  // InvalidArgument for another endpoint, a timeout outside 1 s to 1 h, or a bundle with no
  // PEM certificate; NotFound for a bundle that cannot be read.
  static absl::StatusOr<std::shared_ptr<RemoteBackend>> create(
      std::string endpoint, std::string region, std::string ca_bundle = "",
      std::chrono::seconds timeout = std::chrono::seconds(60));
  RemoteBackend(std::string endpoint, std::string host, std::string region,
                std::string ca_bundle, std::chrono::seconds timeout);
  ~RemoteBackend() override;

  static constexpr int kRetries = 3;
  // At most this long to connect (or the call's timeout when shorter): a server that does not
  // accept within it is down or unreachable, and the call is retried as without an answer.
  static constexpr std::chrono::seconds kConnectTimeout{5};
  static constexpr std::chrono::milliseconds kLostConnectionBackoff{100};

  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params,
                                      const std::optional<Credentials>& credentials,
                                      std::string_view data_mesh_account_id,
                                      const core::ProgressObserver& on_progress = {}) override;

  // Reads the answer's list as it arrives (api/json_list.h), one entry at a time. An attempt
  // that failed before any byte of the answer came is retried as call() retries; after, the
  // answer cannot be taken again: a lost connection or an answer that ends before its list
  // (the server failed mid-answer) is Unavailable or DataLoss, naming how many entries came.
  absl::Status stream(std::string_view group, std::string_view method,
                      const nlohmann::json& params, const std::optional<Credentials>& credentials,
                      std::string_view data_mesh_account_id,
                      const Each<nlohmann::json>& each) override;

 private:
  struct Answer {
    long http_code = 0;
    std::string body;
    long retry_after_seconds = 0;  // the Retry-After header, 0 when absent
  };
  // Sends the call with its retries (see above) and returns the last answer. With `list`, a
  // 200 answer's body goes to it as it arrives instead of into Answer::body.
  absl::StatusOr<Answer> send(std::string_view group, std::string_view method,
                              const nlohmann::json& params,
                              const std::optional<Credentials>& credentials,
                              std::string_view data_mesh_account_id, api::JsonListReader* list);
  // POSTs the signed `request`; Unavailable when the server cannot be reached, the list's
  // error when it refused the body.
  absl::StatusOr<Answer> post(const aws::HttpRequest& request, api::JsonListReader* list);
  // The status of a call that got no answer.
  absl::Status transfer_error(const aws::TransferFailure& failure) const;
  // The status an answer other than 200 stands for (the server's error shape).
  absl::Status answer_error(const Answer& answer) const;

  std::string endpoint_;  // without a trailing '/'
  std::string host_;      // Host header as sent: host[:port]
  std::string path_prefix_;
  std::string region_;
  std::string ca_bundle_;  // empty = the system's authorities
  std::chrono::seconds timeout_;
  aws::CurlTransport transport_;
  // Derived once per credentials and day, not per call.
  aws::SigningKeyCache signing_keys_{64};
};

}  // namespace datamesh::client
