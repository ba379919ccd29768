#include "client/remote_backend.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <variant>

#include "absl/strings/numbers.h"
#include "api/client_token.h"
#include "api/errors.h"
#include "api/json_codec.h"
#include "api/routes.h"
#include "aws/signing_key_cache.h"
#include "aws/sigv4.h"
#include "base/files.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::client {

using base::cat;

absl::StatusOr<std::shared_ptr<RemoteBackend>> RemoteBackend::create(
    std::string endpoint, std::string region, std::string ca_bundle,
    std::chrono::seconds timeout) {
  if (timeout < std::chrono::seconds(1) || timeout > std::chrono::hours(1)) {
    return absl::InvalidArgumentError(
        cat("timeout ", timeout.count(), " s is outside 1 to 3600 seconds"));
  }
  std::string_view scheme;
  for (std::string_view known : {"http://", "https://"}) {
    if (std::string_view(endpoint).starts_with(known)) scheme = known;
  }
  if (scheme.empty()) {
    return absl::InvalidArgumentError(
        cat("endpoint \"", endpoint, "\" is not http://host:port or https://host[:port]"));
  }
  std::string rest = endpoint.substr(scheme.size());
  const auto slash = rest.find('/');
  std::string host = rest.substr(0, slash);
  if (host.empty()) {
    return absl::InvalidArgumentError(cat("endpoint \"", endpoint, "\" names no host"));
  }
  if (scheme == "http://") ca_bundle.clear();  // nothing to verify
  if (!ca_bundle.empty()) {
    DATAMESH_RETURN_IF_ERROR(
        base::check_ca_bundle(ca_bundle, "--ca-bundle or DATAMESH_CA_BUNDLE"));
  }
  std::string base = cat(scheme, rest);
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto backend = std::make_shared<RemoteBackend>(base, host, std::move(region),
                                                 std::move(ca_bundle), timeout);
  if (slash != std::string::npos) {
    backend->path_prefix_ = rest.substr(slash);
    while (!backend->path_prefix_.empty() && backend->path_prefix_.back() == '/') {
      backend->path_prefix_.pop_back();
    }
  }
  return backend;
}

RemoteBackend::RemoteBackend(std::string endpoint, std::string host, std::string region,
                             std::string ca_bundle, std::chrono::seconds timeout)
    : endpoint_(std::move(endpoint)),
      host_(std::move(host)),
      region_(std::move(region)),
      ca_bundle_(ca_bundle),
      timeout_(timeout),
      transport_(aws::TransportOptions{.connect_timeout = std::min(timeout, kConnectTimeout),
                                       .request_timeout = timeout,
                                       .stall_timeout = timeout,
                                       .ca_bundle = std::move(ca_bundle)}) {}

RemoteBackend::~RemoteBackend() = default;

absl::StatusOr<nlohmann::json> RemoteBackend::call(std::string_view group,
                                                   std::string_view method,
                                                   const nlohmann::json& params,
                                                   const std::optional<Credentials>& credentials,
                                                   std::string_view data_mesh_account_id,
                                                   const core::ProgressObserver&) {
  DATAMESH_ASSIGN_OR_RETURN(
      const Answer sent,
      send(group, method, params, credentials, data_mesh_account_id, /*list=*/nullptr));
  if (sent.http_code != 200) return answer_error(sent);
  auto json = api::parse_json(sent.body);
  if (!json.ok()) {
    return absl::UnavailableError(cat("the mesh server at ", endpoint_,
                                      " answered HTTP 200 with a body that is not JSON"));
  }
  // Methods that return None answer {}; the embedded mode gives null for them.
  if (json->is_object() && json->empty()) return nlohmann::json();
  return json;
}

absl::Status RemoteBackend::stream(std::string_view group, std::string_view method,
                                   const nlohmann::json& params,
                                   const std::optional<Credentials>& credentials,
                                   std::string_view data_mesh_account_id,
                                   const Each<nlohmann::json>& each) {
  DATAMESH_ASSIGN_OR_RETURN(const api::Route* route, api::find_streamed_route(group, method));
  api::JsonListReader list(each);
  absl::StatusOr<Answer> sent =
      send(group, method, params, credentials, data_mesh_account_id, &list);
  if (!sent.ok()) {
    if (!list.began() || !absl::IsUnavailable(sent.status())) return sent.status();
    return absl::UnavailableError(cat("the answer of ", group, " ", api::dashed(route->method),
                                      " was cut off after ", list.entries(),
                                      " entries: ", sent.status().message()));
  }
  if (sent->http_code != 200) return answer_error(*sent);
  // A server that fails after its first bytes closes the connection before the list's end.
  return list.finish();
}

absl::StatusOr<RemoteBackend::Answer> RemoteBackend::send(
    std::string_view group, std::string_view method, const nlohmann::json& params,
    const std::optional<Credentials>& credentials, std::string_view data_mesh_account_id,
    api::JsonListReader* list) {
  DATAMESH_ASSIGN_OR_RETURN(const api::Route* route, api::find_route(group, method));
  const std::string path =
      cat(path_prefix_, "/v1/", route->group, "/", api::dashed(route->method));
  aws::HttpRequest request{.method = "POST", .path = path};
  // A write gets a token, which every attempt below repeats: an attempt whose answer was lost
  // after the server committed is answered from the server's record instead of acting again.
  nlohmann::json sent_params = params;
  if (route->takes_client_token && sent_params.is_object() &&
      !sent_params.contains(api::kClientTokenParam)) {
    sent_params[std::string(api::kClientTokenParam)] = api::new_client_token();
  }
  try {
    request.body = sent_params.dump();  // strict: invalid UTF-8 is the caller's error
  } catch (const nlohmann::json::exception&) {
    return absl::InvalidArgumentError(
        cat("the parameters of ", group, " ", method, " hold text that is not valid UTF-8"));
  }
  request.headers = {{"Host", host_}, {"Content-Type", "application/json"}};
  if (!data_mesh_account_id.empty()) {
    request.headers.emplace_back("X-Datamesh-Mesh-Account-Id", std::string(data_mesh_account_id));
  }
  if (route->authenticated) {
    if (!credentials || credentials->access_key_id.empty() ||
        credentials->secret_access_key.empty()) {
      return absl::UnauthenticatedError(
          "no credentials: give an access key id and secret (--access-key-id/--secret-access-key,"
          " DATAMESH_ACCESS_KEY_ID/DATAMESH_SECRET_ACCESS_KEY, a profile or --credentials-file)");
    }
    if (!credentials->account_id.empty()) {
      request.headers.emplace_back("X-Datamesh-Account-Id", credentials->account_id);
    }
  }

  absl::StatusOr<Answer> sent;
  // Waits the server asks for (429) stay within the call's timeout: past it, its answer is the
  // caller's at once, as a wait the caller did not allow.
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (int attempt = 0;; ++attempt) {
    aws::HttpRequest signed_request = request;  // signed anew each time: X-Amz-Date moves on
    if (route->authenticated) {
      DATAMESH_RETURN_IF_ERROR(aws::sign(
          signed_request,
          aws::SigningKey{.access_key_id = credentials->access_key_id,
                          .secret_access_key = credentials->secret_access_key,
                          .session_token = credentials->session_token},
          aws::Scope{.region = region_, .service = "datamesh"}, std::chrono::system_clock::now(),
          &signing_keys_));
    }
    sent = post(signed_request, list);
    if (attempt == kRetries) break;
    if (!sent.ok()) {
      // No answer (connection refused or lost): retried when that cannot act twice, i.e. a
      // read or a write with its token; initialize_mesh_account's second call would be refused.
      // Not once entries of a streamed answer were handed on, nor when the list refused one.
      if (!route->authenticated || !absl::IsUnavailable(sent.status())) break;
      if (list != nullptr && list->began()) break;
      std::this_thread::sleep_for(kLostConnectionBackoff * (1 << attempt));
      continue;
    }
    if (sent->http_code != 429) break;
    // Over a per-key limit of the server: wait as it says (a second when it says nothing; at
    // most a minute, so that a wrong header cannot hang the caller), unless the wait would
    // outlast the call's timeout (an address past its failed authentications is told to wait
    // up to a minute).
    const std::chrono::seconds wait(std::clamp(sent->retry_after_seconds, 1L, 60L));
    if (std::chrono::steady_clock::now() + wait > deadline) break;
    std::this_thread::sleep_for(wait);
  }
  return sent;
}

absl::Status RemoteBackend::transfer_error(const aws::TransferFailure& failure) const {
  using aws::TransferError;
  // Not retried (only Unavailable is): a server that took this long once is likely to again,
  // and each try would make the caller wait as long.
  if (failure.kind == TransferError::kTimedOut) {
    return absl::DeadlineExceededError(
        cat("the mesh server at ", endpoint_, " did not answer within ", timeout_.count(),
            " s (", failure.cause, "); the call was not sent again. The server may be "
            "overloaded or stuck (its /healthz and log tell); a longer wait: --timeout "
            "(timeout_seconds). A write may have been made: sent again with the same client "
            "token (--client-token; WriteOptions::client_token in C++) it acts once"));
  }
  // Not worth retrying: the same certificate will be refused again.
  if (failure.kind == TransferError::kUntrusted) {
    return absl::FailedPreconditionError(cat(
        "cannot trust the mesh server at ", endpoint_, ": ", failure.cause,
        ca_bundle_.empty()
            ? "; if a private authority signed its certificate, give that authority's PEM file "
              "with --ca-bundle or DATAMESH_CA_BUNDLE"
            : cat("; the authorities trusted are those of ", ca_bundle_,
                  " (--ca-bundle or DATAMESH_CA_BUNDLE), and the certificate must name the "
                  "endpoint's host")));
  }
  std::string hint;
  if (failure.kind == TransferError::kTlsHandshake) {
    hint = "; is that port served with HTTPS (datamesh serve --tls-cert)?";
  } else if (failure.kind == TransferError::kClosedWithoutAnswer &&
             endpoint_.starts_with("http://")) {
    // An HTTPS server closes a connection that does not begin with a TLS handshake: with a
    // FIN once it has read the request (nothing came), or a reset when it had not.
    hint = "; the server closed the connection without an answer: it may be stopping, or it "
           "serves HTTPS, which answers nothing to http:// (then try https://)";
  }
  return absl::UnavailableError(
      cat("cannot reach the mesh server at ", endpoint_, ": ", failure.cause, hint));
}

absl::Status RemoteBackend::answer_error(const Answer& answer) const {
  auto json = api::parse_json(answer.body);
  if (!json.ok()) {
    return absl::UnavailableError(cat("the mesh server at ", endpoint_, " answered HTTP ",
                                      answer.http_code, " with a body that is not JSON"));
  }
  if (json->is_object() && json->contains("Error") && (*json)["Error"].is_object()) {
    const nlohmann::json& error = (*json)["Error"];
    const std::string code = error.value("Code", "Internal");
    const std::string message = error.value("Message", "");
    // The server's throttling code is AWS's, not one of the mesh's error names.
    if (code == "ThrottlingException") return absl::ResourceExhaustedError(message);
    return absl::Status(api::error_code_from_name(code), message);
  }
  return absl::UnavailableError(
      cat("the mesh server at ", endpoint_, " answered HTTP ", answer.http_code));
}

absl::StatusOr<RemoteBackend::Answer> RemoteBackend::post(const aws::HttpRequest& request,
                                                         api::JsonListReader* list) {
  const aws::BodySink sink = [list](std::string_view chunk) { return list->feed(chunk); };
  DATAMESH_ASSIGN_OR_RETURN(
      auto exchanged,
      transport_.exchange(endpoint_.substr(0, endpoint_.size() - path_prefix_.size()), request,
                          list == nullptr ? nullptr : &sink));
  if (auto* failed = std::get_if<aws::TransferFailure>(&exchanged)) return transfer_error(*failed);
  auto& response = std::get<aws::HttpResponse>(exchanged);
  Answer answer{.http_code = response.status, .body = std::move(response.body)};
  // The server says how long to wait in whole seconds (server/request_router.cc).
  if (!absl::SimpleAtoi(response.header("Retry-After"), &answer.retry_after_seconds)) {
    answer.retry_after_seconds = 0;
  }
  return answer;
}

}  // namespace datamesh::client
