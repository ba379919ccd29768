#include "server/server.h"

#include <httplib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/errors.h"
#include "api/json_codec.h"
#include "api/routes.h"
#include "aws/sigv4.h"
#include "core/subscription_status.h"
#include "core/text.h"
#include "server/http_status.h"
#include "server/openapi.h"
#include "api/logging.h"

namespace datamesh::server {

using core::cat;

namespace {

constexpr std::string_view kService = "datamesh";
// The header a remote client sends the constructor's data_mesh_account_id in (signed).
constexpr const char* kMeshIdHeader = "X-Datamesh-Mesh-Account-Id";
// The header a remote client sends its credentials' AccountId in (signed).
constexpr const char* kAccountHeader = "X-Datamesh-Account-Id";

aws::HttpRequest signing_view(const httplib::Request& request) {
  aws::HttpRequest view{.method = request.method, .path = request.path, .body = request.body};
  std::string query;
  for (const auto& [key, value] : request.params) {
    if (!query.empty()) query += '&';
    query += cat(httplib::detail::encode_query_param(key), "=",
                 httplib::detail::encode_query_param(value));
  }
  view.query = query;
  for (const auto& [name, value] : request.headers) view.headers.emplace_back(name, value);
  return view;
}

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.is_null() ? std::string("{}") : api::dump_json(body),
                       "application/json");
}

}  // namespace

absl::Status parse_listen(std::string_view listen, ServerConfig& config) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        cat("listen address \"", listen, "\" must be host:port, e.g. 127.0.0.1:8080"));
  }
  const std::string port(listen.substr(colon + 1));
  char* end = nullptr;
  const long value = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value < 0 || value > 65535) {
    return absl::InvalidArgumentError(
        cat("listen port \"", port, "\" must be a number from 0 to 65535"));
  }
  config.host = std::string(listen.substr(0, colon));
  config.port = static_cast<int>(value);
  return absl::OkStatus();
}

absl::Status load_config_file(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(cat("cannot read config file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  auto json = api::parse_json(text.str());
  if (!json.ok()) return absl::InvalidArgumentError(cat(path, ": ", json.status().message()));
  if (!json->is_object()) return absl::InvalidArgumentError(cat(path, ": must be a JSON object"));
  for (const auto& [key, value] : json->items()) {
    auto mistyped = [&, &key = key](std::string_view expected) {
      return absl::InvalidArgumentError(cat(path, ": ", key, " must be ", expected));
    };
    if (key == "listen") {
      if (!value.is_string()) return mistyped("a string host:port");
      if (absl::Status parsed = parse_listen(value.get<std::string>(), config); !parsed.ok()) {
        return parsed;
      }
    } else if (key == "store" || key == "region" || key == "master_key_file") {
      if (!value.is_string()) return mistyped("a string");
      (key == "store"    ? config.store
       : key == "region" ? config.region
                         : config.master_key_file) = value.get<std::string>();
    } else if (key == "workers" || key == "read_timeout_seconds" ||
               key == "write_timeout_seconds" || key == "keep_alive_seconds" ||
               key == "max_body_bytes") {
      if (!value.is_number_unsigned()) return mistyped("a non-negative integer");
      const auto number = value.get<uint64_t>();
      if (key == "workers") config.workers = static_cast<int>(number);
      if (key == "read_timeout_seconds") config.read_timeout_seconds = static_cast<int>(number);
      if (key == "write_timeout_seconds") config.write_timeout_seconds = static_cast<int>(number);
      if (key == "keep_alive_seconds") config.keep_alive_seconds = static_cast<int>(number);
      if (key == "max_body_bytes") config.max_body_bytes = number;
    } else if (key == "allow_initialize" || key == "access_log") {
      if (!value.is_boolean()) return mistyped("true or false");
      (key == "allow_initialize" ? config.allow_initialize : config.access_log) = value.get<bool>();
    } else {
      return absl::InvalidArgumentError(cat(
          path, ": unknown key \"", key, "\"; allowed: listen, store, master_key_file, region, "
          "workers, max_body_bytes, read_timeout_seconds, write_timeout_seconds, keep_alive_seconds, "
          "allow_initialize, access_log"));
    }
  }
  return absl::OkStatus();
}

Server::Server(ServerConfig config, std::shared_ptr<api::MeshService> service)
    : config_(std::move(config)),
      service_(std::move(service)),
      http_(std::make_unique<httplib::Server>()) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int workers = config_.workers > 0 ? config_.workers : std::max(64, 16 * cores);
  http_->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  // Debian's cpp-httplib is a shared library: its compile-time defaults cannot be changed by
  // macros here, only by these setters (Nagle off, long keep-alive, bounded waits and sizes).
  http_->set_tcp_nodelay(true);
  http_->set_keep_alive_max_count(100000);
  http_->set_keep_alive_timeout(config_.keep_alive_seconds);
  http_->set_read_timeout(config_.read_timeout_seconds, 0);
  http_->set_write_timeout(config_.write_timeout_seconds, 0);
  http_->set_payload_max_length(config_.max_body_bytes);

  http_->Post(R"(/v1/([a-z]+)/([a-z-]+))",
              [this](const httplib::Request& request, httplib::Response& response) {
                handle_method(request, response);
              });
  http_->Get("/healthz", [this](const httplib::Request& request, httplib::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    send_json(response, 200, {{"Status", "ok"}});
    finish(request, response, "healthz", absl::OkStatus(), started, "");
  });
  http_->Get("/metrics", [this](const httplib::Request& request, httplib::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    handle_metrics(response);
    finish(request, response, "metrics", absl::OkStatus(), started, "");
  });
  http_->Get("/openapi.json",
             [this](const httplib::Request& request, httplib::Response& response) {
               const auto started = std::chrono::steady_clock::now();
               static const std::string document = openapi_document().dump(2);
               response.status = 200;
               response.set_content(document, "application/json");
               finish(request, response, "openapi", absl::OkStatus(), started, "");
             });
  // Anything else, and bodies over the limit, answer in the same error shape.
  http_->set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;
    absl::Status status =
        response.status == 413
            ? absl::ResourceExhaustedError("request body is larger than the server's limit")
            : absl::NotFoundError(cat("no route ", request.method, " ", request.path,
                                      "; see GET /openapi.json"));
    const int code = response.status;
    send_json(response, code, error_body(status));
  });
}

Server::~Server() = default;

absl::Status Server::bind() {
  if (config_.port == 0) {
    port_ = http_->bind_to_any_port(config_.host);
    if (port_ < 0) {
      return absl::UnavailableError(cat("cannot listen on ", config_.host, ": no free port"));
    }
    return absl::OkStatus();
  }
  if (!http_->bind_to_port(config_.host, config_.port)) {
    return absl::UnavailableError(
        cat("cannot listen on ", config_.host, ":", config_.port, ": address in use or denied"));
  }
  port_ = config_.port;
  return absl::OkStatus();
}

absl::Status Server::serve() {
  if (!http_->listen_after_bind()) {
    return absl::UnavailableError(cat("the server on port ", port_, " stopped unexpectedly"));
  }
  return absl::OkStatus();
}

void Server::stop() { http_->stop(); }

void Server::handle_method(const httplib::Request& request, httplib::Response& response) {
  const auto started = std::chrono::steady_clock::now();
  const std::string group = request.matches[1];
  const std::string method = request.matches[2];
  // Unknown methods share one label, so that nobody can grow /metrics by inventing routes.
  std::string route_name = "unknown";
  std::string account;
  auto fail = [&](const absl::Status& status) {
    send_json(response, http_status(status.code()), error_body(status));
    finish(request, response, route_name, status, started, account);
  };
  auto route = api::find_route(group, method);
  if (!route.ok()) return fail(route.status());
  route_name = cat((*route)->group, "/", api::dashed((*route)->method));

  const core::Caller* caller = nullptr;
  core::Caller proven;
  if ((*route)->authenticated) {
    if (absl::Status mesh = service_->check_mesh_id(request.get_header_value(kMeshIdHeader));
        !mesh.ok()) {
      return fail(mesh);
    }
    if (!request.has_header("Authorization")) {
      return fail(absl::UnauthenticatedError(
          "the request is not signed: sign it with AWS Signature Version 4, service datamesh"));
    }
    auto authorization = aws::parse_authorization(request.get_header_value("Authorization"));
    if (!authorization.ok()) return fail(authorization.status());
    auto key = service_->engine().resolve_access_key(authorization->access_key_id);
    if (!key.ok()) return fail(key.status());
    absl::Status verified =
        aws::verify(signing_view(request), *authorization, key->secret_access_key,
                    aws::Scope{.region = service_->region(), .service = std::string(kService)},
                    std::chrono::system_clock::now(), config_.max_clock_skew);
    if (!verified.ok()) {
      // A wrong secret gets the unknown-key answer, so keys cannot be probed; the other
      // refusals (date, scope, body) keep their message, which helps fix a client.
      const std::string_view message(verified.message().data(), verified.message().size());
      if (message.starts_with(aws::kSignatureMismatch)) {
        return fail(core::invalid_key_error(authorization->access_key_id));
      }
      return fail(verified);
    }
    // The ids a client claims count only when they are signed.
    for (const char* header : {kMeshIdHeader, kAccountHeader}) {
      std::string lower(header);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (request.has_header(header) &&
          std::find(authorization->signed_headers.begin(), authorization->signed_headers.end(),
                    lower) == authorization->signed_headers.end()) {
        return fail(absl::UnauthenticatedError(cat("header ", header, " is not signed")));
      }
    }
    // A client that names the account its key belongs to (the credentials' AccountId) is
    // refused when the key belongs to another, as in the embedded mode.
    const std::string claimed = request.get_header_value(kAccountHeader);
    if (!claimed.empty() && claimed != key->caller.account.account_id) {
      return fail(absl::UnauthenticatedError(
          cat("access key ", authorization->access_key_id, " belongs to account ",
              key->caller.account.account_id, ", not to account ", claimed)));
    }
    proven = std::move(key->caller);
    caller = &proven;
    account = proven.account.account_id;
  } else if (!config_.allow_initialize) {
    return fail(absl::PermissionDeniedError(
        cat("this server does not initialize meshes over HTTP: run `datamesh admin ",
            api::dashed((*route)->method), " --endpoint ", config_.store,
            "` on the server host, or start the server with --allow-initialize")));
  }

  nlohmann::json params = nlohmann::json::object();
  if (!request.body.empty()) {
    auto parsed = api::parse_json(request.body);
    if (!parsed.ok()) return fail(parsed.status());
    params = std::move(*parsed);
  }
  auto answer =
      service_->dispatch(**route, params, caller, request.get_header_value(kMeshIdHeader));
  if (!answer.ok()) return fail(answer.status());
  send_json(response, 200, *answer);
  finish(request, response, route_name, absl::OkStatus(), started, account);
}

void Server::handle_metrics(httplib::Response& response) {
  std::string extra =
      "# HELP datamesh_subscriptions Subscriptions in the mesh, by status.\n"
      "# TYPE datamesh_subscriptions gauge\n";
  absl::Status status =
      service_->store().run(store::TxMode::kRead, [&](store::Transaction& tx) -> absl::Status {
        auto counts = tx.count_subscriptions_by_status();
        if (!counts.ok()) return counts.status();
        std::map<SubscriptionStatus, int64_t> by_status(counts->begin(), counts->end());
        for (SubscriptionStatus s :
             {SubscriptionStatus::kPending, SubscriptionStatus::kActive,
              SubscriptionStatus::kDenied, SubscriptionStatus::kDeleted}) {
          extra += cat("datamesh_subscriptions{status=\"", core::status_name(s), "\"} ",
                       by_status[s], "\n");
        }
        return absl::OkStatus();
      });
  if (!status.ok()) {
    extra += "# subscriptions unavailable: the store did not answer\n";
  }
  response.status = 200;
  response.set_content(metrics_.render(extra), "text/plain; version=0.0.4");
}

void Server::finish(const httplib::Request& request, httplib::Response& response,
                    const std::string& route, const absl::Status& status,
                    std::chrono::steady_clock::time_point started, const std::string& account) {
  const auto latency = std::chrono::steady_clock::now() - started;
  metrics_.record(route, response.status, status.code(), latency);
  if (!config_.access_log) return;
  // Structured, and never with secrets: no headers, no bodies.
  nlohmann::json line = {
      {"remote", request.remote_addr},
      {"method", request.method},
      {"path", request.path},
      {"status", response.status},
      {"micros", std::chrono::duration_cast<std::chrono::microseconds>(latency).count()}};
  if (!account.empty()) line["account"] = account;
  if (!status.ok()) line["error"] = std::string(api::error_code_name(status.code()));
  api::logger().info("access {}", api::dump_json(line));
}

}  // namespace datamesh::server
