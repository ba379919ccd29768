// Sending HTTP requests: the HttpTransport seam of the AWS client (a test or a fault-injecting
// wrapper can stand in for it) and CurlTransport, its libcurl implementation, which the client
// of `datamesh serve` (client/remote_backend.h) uses as well: one place sets up libcurl.
//
// CurlTransport keeps a pool of libcurl easy handles. A call takes a free handle (or makes one),
// sends, and puts it back; libcurl keeps each handle's connections open between calls, so
// successive requests to one host reuse a kept-alive connection (HTTP/1.1 keep-alive, TLS session
// included). Thread-safe: any number of threads may send at once, each on its own handle.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "aws/environment.h"
#include "aws/http_types.h"
#include "aws/sigv4.h"

namespace datamesh::aws {

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends `request` (signed already; its Host header is sent as is) to `origin`
  // (scheme://host[:port]) and returns whatever HTTP answer comes back, error statuses included.
  // Errors, naming the URL and the cause: DeadlineExceeded when a timeout of TransportOptions
  // passed; Unavailable for another network failure worth retrying (host not resolved,
  // connection refused or reset, TLS handshake failure, empty answer);
  // InvalidArgument for a URL the transport cannot send to; FailedPrecondition for a server
  // certificate that does not verify (not worth retrying); Internal for any other failure.
  virtual absl::StatusOr<HttpResponse> send(std::string_view origin,
                                            const HttpRequest& request) = 0;
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // The whole exchange, connection included.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // An answer read as it arrives (CurlTransport::exchange with a sink) takes as long as it is:
  // it has no request_timeout, and fails instead when no byte came for this long.
  std::chrono::seconds stall_timeout{60};
  // A PEM file of the certificate authorities to trust instead of the system's (botocore's
  // AWS_CA_BUNDLE: a proxy that inspects TLS, an endpoint override with a private
  // certificate); empty = the system's.
  std::string ca_bundle;
};

// The transport an AWS client makes when it is given none: a CurlTransport trusting the
// authorities of the file AWS_CA_BUNDLE names in `environment`, else of the `ca_bundle` of the
// AWS profile in use (~/.aws/config; a leading ~ is the home folder), as botocore does, else
// the system's. base::check_ca_bundle's errors for a bundle it cannot use; the shared config's
// for a config file it cannot read.
absl::StatusOr<std::shared_ptr<HttpTransport>> default_transport(
    const EnvironmentLookup& environment);

// Why an exchange got no HTTP answer, sorted by what a caller does about it.
enum class TransferError {
  kTimedOut,             // connected, but the exchange passed a timeout of TransportOptions
  kUntrusted,            // the server's certificate does not verify, or the CA file is unusable
  kTlsHandshake,         // the TLS handshake failed (a plain-HTTP server on that port, say)
  kClosedWithoutAnswer,  // the connection was closed or broke before an answer came
  // not resolved, refused, no connection within connect_timeout, reset while sending, ...:
  // worth retrying
  kUnreachable,
  kBadUrl,               // a URL libcurl cannot send to
  kOther,
};

struct TransferFailure {
  TransferError kind = TransferError::kOther;
  // libcurl's words for it; for a TLS failure with the check that failed and why.
  std::string cause;
};

// Takes an answer's body as it arrives; an error stops the transfer.
using BodySink = std::function<absl::Status(std::string_view chunk)>;

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(TransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // exchange() with its failures as statuses (see HttpTransport::send), worded
  // "<method> <url> failed: <cause>".
  absl::StatusOr<HttpResponse> send(std::string_view origin, const HttpRequest& request) override;

  // Sends `request` to `origin` and returns the HTTP answer, whatever its status, or why none
  // came, for the caller to word. With `sink`, the body of a 200 answer goes to it as it
  // arrives instead of into HttpResponse::body (other answers' bodies are kept whole, to be
  // read as errors), and TransportOptions::stall_timeout bounds the exchange instead of
  // request_timeout; the sink's error stops the transfer and is returned as is. Internal when
  // libcurl cannot make a handle.
  absl::StatusOr<std::variant<HttpResponse, TransferFailure>> exchange(
      std::string_view origin, const HttpRequest& request, const BodySink* sink = nullptr);

  // How many connections have been opened so far (a reused connection is not counted): the
  // measure of keep-alive, for tests and the benchmark.
  long connections_opened() const { return connections_opened_.load(); }

 private:
  struct Handle;
  std::unique_ptr<Handle> take_handle();
  void give_back(std::unique_ptr<Handle> handle);

  const TransportOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Handle>> idle_;  // guarded by mutex_
  std::atomic<long> connections_opened_{0};
};

}  // namespace datamesh::aws
