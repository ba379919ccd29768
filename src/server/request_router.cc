#include "server/request_router.h"

#include <map>
#include <optional>
#include <string>

#include "api/errors.h"
#include "api/json_codec.h"
#include "api/json_list.h"
#include "api/logging.h"
#include "api/routes.h"
#include "aws/sigv4.h"
#include "core/subscription_status.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "server/http_status.h"
#include "server/openapi.h"

namespace datamesh::server {

using base::cat;

namespace {

// The request's Accept-Encoding, its headers joined as one list; nullopt when it sent none.
std::optional<std::string> accept_encoding_of(const aws::HttpRequest& http) {
  const std::vector<std::string> values = aws::header_values(http, "Accept-Encoding");
  if (values.empty()) return std::nullopt;
  return base::join(values, ",");
}

constexpr std::string_view kMethodPrefix = "/v1/";

Response json_response(int status, const nlohmann::json& body) {
  return Response{.status = status,
                  .body = body.is_null() ? std::string("{}") : api::dump_json(body)};
}

Response error_response(const absl::Status& status) {
  Response response = json_response(http_status(status.code()), error_body(status));
  // A 401 names the scheme that authenticates (RFC 9110, section 11.6.1).
  if (response.status == 401) {
    response.headers.emplace_back("WWW-Authenticate", "AWS4-HMAC-SHA256");
  }
  return response;
}

// 429 in the error shape, with the code AWS services use for throttling (which SDKs retry) and
// the wait in Retry-After.
Response throttled_response(std::chrono::seconds retry_after, const std::string& message) {
  Response response = json_response(
      429, {{"Error", {{"Code", "ThrottlingException"}, {"Message", message}}}});
  response.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return response;
}

// The access key id a request's Authorization header claims, before any signature is checked;
// nullopt without a well-formed header.
std::optional<std::string> claimed_access_key(const aws::HttpRequest& http) {
  absl::StatusOr<aws::Authorization> auth =
      aws::parse_authorization(first_header(http, "Authorization"));
  if (!auth.ok()) return std::nullopt;
  return std::move(auth->access_key_id);
}

// "/v1/{group}/{method}" with both parts non-empty and without further '/': the group and the
// method, else false.
bool split_method_path(std::string_view path, std::string_view& group, std::string_view& method) {
  if (!path.starts_with(kMethodPrefix)) return false;
  const std::string_view rest = path.substr(kMethodPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return false;
  group = rest.substr(0, slash);
  method = rest.substr(slash + 1);
  return method.find('/') == std::string_view::npos;
}

// The label a method-table route's calls are recorded under ("consumer/get-subscription").
std::string route_label(const api::Route& route) {
  return cat(route.group, "/", api::dashed(route.method));
}

// Every label RequestRouter records: one per method-table route, and the fixed routes.
std::vector<std::string> route_labels() {
  std::vector<std::string> labels = {"healthz", "metrics", "openapi", "console"};
  for (const api::Route& route : api::routes()) labels.push_back(route_label(route));
  return labels;
}

}  // namespace

RequestRouter::RequestRouter(const ServerConfig& config,
                             std::shared_ptr<api::MeshService> service)
    : allow_initialize_(config.allow_initialize),
      access_log_(config.access_log),
      max_body_bytes_(config.max_body_bytes),
      service_(std::move(service)),
      authenticator_(*service_, config.max_clock_skew),
      throttle_(KeyThrottle::Limits{.max_concurrent = config.max_concurrent_requests_per_key,
                                    .rate = config.requests_per_second_per_key,
                                    .burst = config.request_burst_per_key}),
      auth_failures_(AuthFailureLimit::Limits{
          .max_failures = config.max_auth_failures_per_address,
          .window = std::chrono::seconds(config.auth_failure_window_seconds)}),
      metrics_(route_labels()),
      healthz_body_(api::dump_json({{"Status", "ok"}})),
      openapi_body_(openapi_document().dump(2)),
      console_(config.region) {
  subscription_counts_ = std::make_unique<BoundedReading>(
      [service = service_]() -> std::optional<std::string> {
        // Built inside the body, which the store may run more than once.
        absl::StatusOr<std::string> lines = service->store().run(
            store::TxMode::kRead, [](store::Transaction& tx) -> absl::StatusOr<std::string> {
              DATAMESH_ASSIGN_OR_RETURN(const auto counts, tx.count_subscriptions_by_status());
              std::map<SubscriptionStatus, int64_t> by_status(counts.begin(), counts.end());
              std::string text;
              for (SubscriptionStatus s :
                   {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
                    SubscriptionStatus::kDenied, SubscriptionStatus::kDeleted}) {
                text += cat("datamesh_subscriptions{status=\"", core::status_name(s), "\"} ",
                            by_status[s], "\n");
              }
              return text;
            });
        if (!lines.ok()) return std::nullopt;
        return *std::move(lines);
      });
}

Lane RequestRouter::lane(std::string_view method, std::string_view path) const {
  if (method == "POST" && path.starts_with(kMethodPrefix)) return Lane::kWorker;
  if ((method == "GET" || method == "HEAD") && path == "/metrics") return Lane::kWorker;
  return Lane::kEventLoop;  // /healthz, /openapi.json, the console's files, 404s: constant
}

std::string RequestRouter::fairness_key(const Request& request) const {
  if (std::optional<std::string> key = claimed_access_key(request.http)) {
    return cat("key:", *key);
  }
  return cat("address:", request.remote_address);
}

Response RequestRouter::handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  const aws::HttpRequest& http = request.http;
  std::string_view group, method;
  if (http.method == "POST" && split_method_path(http.path, group, method)) {
    Outcome outcome = call_method(request, group, method);
    if (outcome.response.produce) return streamed(request, std::move(outcome), started);
    return finish(request, std::move(outcome), started);
  }
  // HEAD is GET without the body, which the transport leaves out (load balancers' health
  // checks send it).
  if (http.method == "GET" || http.method == "HEAD") {
    if (http.path == "/healthz") {
      return finish(request, {.response = {.body = healthz_body_}, .route = "healthz"}, started);
    }
    if (http.path == "/openapi.json") {
      return finish(request, {.response = {.body = openapi_body_}, .route = "openapi"}, started);
    }
    if (http.path == "/metrics") return finish(request, metrics_page(), started);
    if (auto page = console_.find(http.path, accept_encoding_of(http))) {
      return finish(request, {.response = *std::move(page), .route = "console"}, started);
    }
  }
  // A route that exists, asked with another HTTP method: 405, with the methods it takes.
  const absl::StatusOr<const api::Route*> route =
      split_method_path(http.path, group, method) ? api::find_route(group, method)
                                                  : absl::NotFoundError("no method path");
  const bool page_route = http.path == "/healthz" || http.path == "/openapi.json" ||
                          http.path == "/metrics" || console_.serves(http.path);
  if (route.ok() || page_route) {
    const std::string_view allowed = route.ok() ? "POST" : "GET, HEAD";
    const absl::Status refused = absl::InvalidArgumentError(
        cat(http.path, " takes ", allowed,
            route.ok() ? " (a JSON body, signed: see GET /openapi.json)" : "", ", not ",
            http.method));
    Outcome outcome{.response = error_response(refused),
                    .route = route.ok() ? route_label(**route)
                                        : std::string(Metrics::kUnknownRoute),
                    .status = refused};
    outcome.response.status = 405;
    outcome.response.headers.emplace_back("Allow", std::string(allowed));
    return finish(request, std::move(outcome), started);
  }
  // Unknown routes share one label, so that nobody can grow /metrics by inventing paths.
  const absl::Status missing = absl::NotFoundError(
      cat("no route ", http.method, " ", http.path, "; see GET /openapi.json"));
  return finish(request,
                {.response = error_response(missing),
                 .route = std::string(Metrics::kUnknownRoute),
                 .status = missing},
                started);
}

std::optional<Response> RequestRouter::answer_before_body(const Request& head) {
  std::string_view group, method;
  if (head.http.method != "POST" || !split_method_path(head.http.path, group, method) ||
      has_authorization(head.http)) {
    return std::nullopt;
  }
  const auto route = api::find_route(group, method);
  if (!route.ok() || !(*route)->authenticated) return std::nullopt;
  Outcome outcome{.route = route_label(**route),
                  .status = absl::UnauthenticatedError(kNotSigned)};
  outcome.response = error_response(outcome.status);
  return finish(head, std::move(outcome), std::chrono::steady_clock::now());
}

Response RequestRouter::body_refused(const Request& request, BodyRefusal why,
                                     std::string_view detail) {
  Outcome outcome{.route = std::string(Metrics::kUnknownRoute)};
  // A method's route keeps its own label (the set of labels is fixed: no path grows it).
  std::string_view group, method;
  if (split_method_path(request.http.path, group, method)) {
    if (auto route = api::find_route(group, method); route.ok()) {
      outcome.route = route_label(**route);
    }
  }
  if (why == BodyRefusal::kTooLarge) {
    outcome.status = absl::ResourceExhaustedError(cat(
        "request body is larger than the server's limit of ", max_body_bytes_,
        " bytes (max_body_bytes of its configuration, docs/SERVER.md): send less in one call "
        "(catalog import_tables: the tables in parts), or run the call on the mesh's store "
        "directly"));
    outcome.response = error_response(outcome.status);
    outcome.response.status = 413;
  } else if (why == BodyRefusal::kMalformedHead) {
    outcome.status = absl::InvalidArgumentError(
        cat("malformed request: ", detail, "; the connection is closed"));
    outcome.response = error_response(outcome.status);
    outcome.response.status = 400;
  } else {
    // A wait, not a fault of the request: answered as throttling, which clients retry.
    outcome.status = absl::ResourceExhaustedError(
        "the server holds as many large request bodies as it may at once "
        "(max_buffered_body_bytes); retry after 1 s");
    outcome.response =
        throttled_response(std::chrono::seconds(1), std::string(outcome.status.message()));
  }
  return finish(request, std::move(outcome), std::chrono::steady_clock::now());
}

RequestRouter::Outcome RequestRouter::call_method(const Request& request, std::string_view group,
                                                  std::string_view method) {
  Outcome outcome{.route = std::string(Metrics::kUnknownRoute)};
  auto fail = [&](absl::Status status) {
    outcome.response = error_response(status);
    outcome.status = std::move(status);
    return std::move(outcome);
  };
  auto route = api::find_route(group, method);
  if (!route.ok()) return fail(route.status());
  outcome.route = route_label(**route);

  const aws::HttpRequest& http = request.http;
  const bool has_credentials = !first_header(http, "Authorization").empty();
  std::optional<core::Caller> caller;
  bool remembered = false;
  // The caller of the request, remembered (a streamed answer cannot be started again, so it
  // always reads its caller from the store) or read afresh.
  const auto authenticate = [&](bool may_remember) -> absl::Status {
    auto proven = authenticator_.authenticate(http, may_remember);
    if (!proven.ok()) {
      if (has_credentials && absl::IsUnauthenticated(proven.status())) {
        auth_failures_.record_failure(request.remote_address, AuthFailureLimit::Clock::now());
        // Which key a failure claimed, so that an operator sees which one is tried: an id,
        // never a secret, cut short since anyone can send any text.
        if (std::optional<std::string> claimed = claimed_access_key(http)) {
          constexpr std::size_t kLoggedKeyBytes = 64;
          outcome.access_key_id = claimed->substr(0, kLoggedKeyBytes);
        }
      }
      return proven.status();
    }
    remembered = proven->remembered;
    metrics_.record_caller(remembered ? Metrics::CallerSource::kRemembered
                                      : Metrics::CallerSource::kStore);
    caller = std::move(proven->caller);
    outcome.account = caller->account.account_id;
    outcome.access_key_id = caller->access_key_id;
    return absl::OkStatus();
  };
  if ((*route)->authenticated) {
    // An address past its failed authentications is refused before any signature work; only
    // requests that carry credentials count and are refused.
    if (has_credentials) {
      if (auto refused = auth_failures_.check(request.remote_address,
                                              AuthFailureLimit::Clock::now())) {
        metrics_.record_auth_refused();
        outcome.response = throttled_response(refused->retry_after, refused->message);
        outcome.status = absl::ResourceExhaustedError(std::move(refused->message));
        return outcome;
      }
    }
    if (absl::Status proven = authenticate(/*may_remember=*/!(*route)->stream); !proven.ok()) {
      return fail(std::move(proven));
    }
  }
  // Held until the call returns: it counts in its key's running calls.
  KeyThrottle::Pass pass;
  if (caller) {
    if (auto refused = throttle_.admit(caller->access_key_id, KeyThrottle::Clock::now(), pass)) {
      metrics_.record_throttled(refused->limit);
      return throttled(std::move(outcome), *std::move(refused));
    }
  } else if (!allow_initialize_) {
    // The store is not named: the caller has shown no key, and a PostgreSQL URL names the
    // database's user, host and port.
    return fail(absl::PermissionDeniedError(
        cat("this server does not initialize meshes over HTTP: on the server host, run "
            "`datamesh admin ", api::dashed((*route)->method),
            " --endpoint STORE` with the store the server names as it starts, or start the "
            "server with --allow-initialize")));
  }

  nlohmann::json params = nlohmann::json::object();
  if (!http.body.empty()) {
    auto parsed = api::parse_json(http.body);
    if (!parsed.ok()) {
      // Refused before any transaction of the method: a remembered caller is read first, so
      // that a revoked key is answered as one.
      if (remembered) {
        if (absl::Status proven = authenticate(/*may_remember=*/false); !proven.ok()) {
          return fail(std::move(proven));
        }
      }
      return fail(parsed.status());
    }
    params = *std::move(parsed);
  }
  if ((*route)->stream) {
    // The body is written as the engine reads it (api/json_list.h), on this worker thread
    // after handle() returns; the call's key keeps its place in the throttle until then.
    auto held = std::make_shared<KeyThrottle::Pass>(std::move(pass));
    outcome.response.produce = [this, route = *route, params = std::move(params),
                                caller = std::move(caller),
                                mesh_id = std::string(first_header(http, kMeshIdHeader)),
                                held](BodyWriter& out) -> absl::Status {
      api::JsonListWriter list(route->wrap, /*indent=*/-1,
                               [&out](std::string_view text) { return out.write(text); });
      DATAMESH_RETURN_IF_ERROR(service_->dispatch_text_stream(
          *route, params, caller ? &*caller : nullptr, mesh_id,
          [&list](std::string_view entry) { return list.add_text(entry); }));
      return list.finish();
    };
    return outcome;
  }
  auto answer = service_->dispatch_text(**route, params, caller ? &*caller : nullptr,
                                        first_header(http, kMeshIdHeader), remembered);
  if (remembered && !answer.ok() && core::is_stale_caller(answer.status())) {
    // The key or its account changed since it was remembered; nothing was done. The call again,
    // as the store holds the caller now.
    metrics_.record_caller(Metrics::CallerSource::kStale);
    authenticator_.forget(caller->access_key_id);
    if (absl::Status proven = authenticate(/*may_remember=*/false); !proven.ok()) {
      return fail(std::move(proven));
    }
    answer = service_->dispatch_text(**route, params, &*caller, first_header(http, kMeshIdHeader));
  }
  if (!answer.ok()) return fail(answer.status());
  // A method that answers None answers {} over HTTP, as json_response writes null.
  outcome.response =
      Response{.status = 200, .body = *answer == "null" ? std::string("{}") : *std::move(answer)};
  return outcome;
}

RequestRouter::Outcome RequestRouter::throttled(Outcome outcome, KeyThrottle::Refusal refusal) {
  outcome.response = throttled_response(refusal.retry_after, refusal.message);
  outcome.status = absl::ResourceExhaustedError(std::move(refusal.message));
  return outcome;
}

RequestRouter::Outcome RequestRouter::metrics_page() {
  std::string extra =
      "# HELP datamesh_subscriptions Subscriptions in the mesh, by status.\n"
      "# TYPE datamesh_subscriptions gauge\n";
  // A scrape waits at most this for the store. Without an answer the counts are left out (the
  // gauge's absence is what an alert on it sees), not given stale.
  constexpr auto kStoreWait = std::chrono::seconds(2);
  const std::optional<std::string> counts = subscription_counts_->get(kStoreWait);
  extra += counts ? *counts
                  : cat("# subscriptions unavailable: the store did not answer within ",
                        kStoreWait.count(), " s\n");
  for (const auto& source : metric_sources_) extra += source();
  return {.response = {.status = 200,
                       .content_type = "text/plain; version=0.0.4",
                       .body = metrics_.render(extra)},
          .route = "metrics"};
}

Response RequestRouter::streamed(const Request& request, Outcome outcome,
                                 std::chrono::steady_clock::time_point started) {
  Response response = std::move(outcome.response);
  // What the access log needs of the request, which may be gone when the answer ends.
  Request head{.http = {.method = request.http.method, .path = request.http.path},
               .remote_address = request.remote_address};
  response.produce = [this, produce = std::move(response.produce), head = std::move(head),
                      route = std::move(outcome.route), account = std::move(outcome.account),
                      started](BodyWriter& out) -> absl::Status {
    absl::Status status = produce(out);
    Outcome done{.route = route, .status = status, .account = account};
    if (!status.ok() && !out.started()) {
      // Nothing has left: the call fails as any other does.
      done.response = error_response(status);
      out.replace(done.response);
    }
    finish(head, std::move(done), started);
    return status;
  };
  return response;
}

Response RequestRouter::finish(const Request& request, Outcome outcome,
                               std::chrono::steady_clock::time_point started) {
  const auto latency = std::chrono::steady_clock::now() - started;
  metrics_.record(outcome.route, outcome.response.status, outcome.status.code(), latency);
  if (access_log_) {
    // Structured, and never with secrets: no headers, no bodies. A long path is cut, so that
    // requests nobody signed cannot fill the log at the rate they can be sent.
    constexpr std::size_t kLoggedPathBytes = 256;
    const std::string& path = request.http.path;
    nlohmann::json line = {
        {"remote", request.remote_address},
        {"method", request.http.method},
        {"path", path.size() <= kLoggedPathBytes
                     ? path
                     : cat(std::string_view(path).substr(0, kLoggedPathBytes), "...")},
        {"status", outcome.response.status},
        {"micros", std::chrono::duration_cast<std::chrono::microseconds>(latency).count()}};
    if (path.size() > kLoggedPathBytes) line["path_bytes"] = path.size();
    if (!outcome.account.empty()) line["account"] = outcome.account;
    if (!outcome.access_key_id.empty()) line["key"] = outcome.access_key_id;
    if (!outcome.status.ok()) {
      line["error"] = std::string(api::error_code_name(outcome.status.code()));
    }
    api::logger().info("access {}", api::dump_json(line));
  }
  return std::move(outcome.response);
}

}  // namespace datamesh::server
