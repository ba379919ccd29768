#include "client/remote_backend.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <thread>

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

namespace {

void ensure_curl_initialized() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }();
  (void)initialized;
}

}  // namespace

absl::StatusOr<std::shared_ptr<RemoteBackend>> RemoteBackend::create(std::string endpoint,
                                                                     std::string region,
                                                                     std::string ca_bundle) {
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
  ensure_curl_initialized();
  auto backend =
      std::make_shared<RemoteBackend>(base, host, std::move(region), std::move(ca_bundle));
  if (slash != std::string::npos) {
    backend->path_prefix_ = rest.substr(slash);
    while (!backend->path_prefix_.empty() && backend->path_prefix_.back() == '/') {
      backend->path_prefix_.pop_back();
    }
  }
  return backend;
}

RemoteBackend::RemoteBackend(std::string endpoint, std::string host, std::string region,
                             std::string ca_bundle)
    : endpoint_(std::move(endpoint)),
      host_(std::move(host)),
      region_(std::move(region)),
      ca_bundle_(std::move(ca_bundle)) {}

RemoteBackend::~RemoteBackend() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* RemoteBackend::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void RemoteBackend::release(void* handle) {
  std::lock_guard lock(mutex_);
  idle_.push_back(handle);
}

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
    // most a minute, so that a wrong header cannot hang the caller).
    const long wait = std::clamp(sent->retry_after_seconds, 1L, 60L);
    std::this_thread::sleep_for(std::chrono::seconds(wait));
  }
  return sent;
}

absl::Status RemoteBackend::transfer_error(int code, const char* detail) const {
  const CURLcode result = static_cast<CURLcode>(code);
  const bool tls_failed = result == CURLE_PEER_FAILED_VERIFICATION ||
                          result == CURLE_SSL_CACERT_BADFILE || result == CURLE_SSL_CONNECT_ERROR;
  std::string cause = curl_easy_strerror(result);
  // Only TLS failures get libcurl's detail (which certificate check failed, and why); the
  // others' would add only timings.
  if (tls_failed && detail[0] != '\0') cause = cat(cause, " (", detail, ")");
  // Not worth retrying: the same certificate will be refused again.
  if (result == CURLE_PEER_FAILED_VERIFICATION || result == CURLE_SSL_CACERT_BADFILE) {
    return absl::FailedPreconditionError(cat(
        "cannot trust the mesh server at ", endpoint_, ": ", cause,
        ca_bundle_.empty()
            ? "; if a private authority signed its certificate, give that authority's PEM file "
              "with --ca-bundle or DATAMESH_CA_BUNDLE"
            : cat("; the authorities trusted are those of ", ca_bundle_,
                  " (--ca-bundle or DATAMESH_CA_BUNDLE), and the certificate must name the "
                  "endpoint's host")));
  }
  std::string hint;
  if (result == CURLE_SSL_CONNECT_ERROR) {
    hint = "; is that port served with HTTPS (datamesh serve --tls-cert)?";
  } else if ((result == CURLE_GOT_NOTHING || result == CURLE_RECV_ERROR) &&
             endpoint_.starts_with("http://")) {
    // An HTTPS server closes a connection that does not begin with a TLS handshake: with a
    // FIN once it has read the request (nothing came), or a reset when it had not.
    hint = "; the server closed the connection without an answer: it may be stopping, or it "
           "serves HTTPS, which answers nothing to http:// (then try https://)";
  }
  return absl::UnavailableError(
      cat("cannot reach the mesh server at ", endpoint_, ": ", cause, hint));
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

namespace {

// Where libcurl puts the body of one answer: whole, or, for a 200 answer of a streamed call,
// into its list as it arrives.
struct BodyTarget {
  CURL* curl;
  std::string* body;
  api::JsonListReader* list;  // may be null
  absl::Status refused;       // the list's error, which stopped the transfer
};

size_t take_body(char* data, size_t size, size_t count, void* target_pointer) {
  auto* target = static_cast<BodyTarget*>(target_pointer);
  const size_t bytes = size * count;
  long http_code = 0;
  curl_easy_getinfo(target->curl, CURLINFO_RESPONSE_CODE, &http_code);
  if (target->list == nullptr || http_code != 200) {
    target->body->append(data, bytes);
    return bytes;
  }
  target->refused = target->list->feed(std::string_view(data, bytes));
  return target->refused.ok() ? bytes : 0;  // 0 stops the transfer
}

}  // namespace

absl::StatusOr<RemoteBackend::Answer> RemoteBackend::post(const aws::HttpRequest& request,
                                                         api::JsonListReader* list) {
  CURL* curl = static_cast<CURL*>(acquire());
  if (curl == nullptr) return absl::InternalError("libcurl could not create a handle");
  curl_easy_reset(curl);
  struct curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    if (name == "Host") continue;  // libcurl sends the URL's host, which is host_
    headers = curl_slist_append(headers, cat(name, ": ", value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  Answer answer;
  BodyTarget target{.curl = curl, .body = &answer.body, .list = list};
  const std::string url =
      cat(endpoint_.substr(0, endpoint_.size() - path_prefix_.size()), request.path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, take_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &target);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  // A streamed answer takes as long as its list: it must keep arriving instead (no byte for
  // 60 s is a lost connection).
  if (list == nullptr) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 60000L);
  } else {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  }
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!ca_bundle_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_bundle_.c_str());
  char detail[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  const CURLcode result = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.http_code);
  curl_off_t retry_after = 0;
  curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after);
  answer.retry_after_seconds = static_cast<long>(retry_after);
  curl_slist_free_all(headers);
  release(curl);
  if (!target.refused.ok()) return target.refused;
  if (result != CURLE_OK) return transfer_error(result, detail);
  return answer;
}

}  // namespace datamesh::client
