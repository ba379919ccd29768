// What `datamesh serve` does with one HTTP request, whatever library carries it (see
// http_transport.h): the routes, signature checks, JSON in and out, errors in one shape, the
// metrics and the access log.
//
// Routes: POST /v1/{group}/{method-with-dashes} runs a method of the method table (signed,
// except initialize-mesh-account when allowed; a signed call over its key's limits of
// key_throttle.h, or from an address past its failed authentications of auth_failure_limit.h,
// gets 429 ThrottlingException with Retry-After); GET /healthz, GET /openapi.json and the web
// console's files (server/console_pages.h: GET / and /console/config.json), constant
// and answered on the event loop; GET /metrics (reads the store, so on a worker); anything else
// is 404 in the error shape. A method that streams its answer (api/routes.h Route::stream,
// get_data_product) answers with a body written as the engine reads it (http_transport.h
// BodyWriter): byte for byte the JSON of the whole answer, in memory bounded by the transport's
// buffer; a failure once bytes have left closes the connection before the answer's end.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "api/mesh_service.h"
#include "server/auth_failure_limit.h"
#include "server/bounded_reading.h"
#include "server/console_pages.h"
#include "server/http_transport.h"
#include "server/key_throttle.h"
#include "server/metrics.h"
#include "server/request_auth.h"
#include "server/server_config.h"

namespace datamesh::server {

class RequestRouter final : public RequestHandler {
 public:
  RequestRouter(const ServerConfig& config, std::shared_ptr<api::MeshService> service);

  Lane lane(std::string_view method, std::string_view path) const override;
  // "key:" and the access key id the Authorization header names (not verified yet), else
  // "address:" and the client's address (empty when the transport does not collect it).
  std::string fairness_key(const Request& request) const override;
  Response handle(const Request& request) override;
  Response body_refused(const Request& request, BodyRefusal why,
                        std::string_view detail) override;
  // A call to a method that needs a signature, with no Authorization header: 401 before its
  // body is read (it would be refused whatever the body; clients that sign nothing make the
  // server hold nothing).
  std::optional<Response> answer_before_body(const Request& head) override;

  // Adds lines (Prometheus text, HELP and TYPE included) that /metrics appends, made anew for
  // each scrape by `source` (the transport's closed connections, the TLS certificate). Call
  // before serving; `source` is called on a worker thread.
  void add_metrics(std::function<std::string()> source) {
    metric_sources_.push_back(std::move(source));
  }

 private:
  // What a request came to: the answer, and what the metrics and the access log say of it.
  struct Outcome {
    Response response;
    std::string route;  // metrics label: "consumer/get-subscription", "healthz", "unknown"
    absl::Status status;
    std::string account;  // the caller's, once known
    // The access key that signed: the caller's, or the one a failed authentication claimed.
    std::string access_key_id;
  };

  Outcome call_method(const Request& request, std::string_view group, std::string_view method);
  Outcome throttled(Outcome outcome, KeyThrottle::Refusal refusal);
  Outcome metrics_page();
  Response finish(const Request& request, Outcome outcome,
                  std::chrono::steady_clock::time_point started);
  // The answer of a method that streams (Response::produce): its metrics and access log line
  // are recorded when the body ends, and a failure before the body has begun to leave is
  // answered in the error shape as any other.
  Response streamed(const Request& request, Outcome outcome,
                    std::chrono::steady_clock::time_point started);

  const bool allow_initialize_;
  const bool access_log_;
  const size_t max_body_bytes_;  // named in the answer to a larger body
  std::shared_ptr<api::MeshService> service_;
  RequestAuthenticator authenticator_;
  KeyThrottle throttle_;
  AuthFailureLimit auth_failures_;
  Metrics metrics_;
  std::vector<std::function<std::string()>> metric_sources_;
  // datamesh_subscriptions' lines, read from the store within a bound (bounded_reading.h), so
  // that /metrics answers while the store does not. After service_: destroyed (its reading
  // joined) before the store it reads.
  std::unique_ptr<BoundedReading> subscription_counts_;
  const std::string healthz_body_;
  const std::string openapi_body_;
  const ConsolePages console_;
};

}  // namespace datamesh::server
