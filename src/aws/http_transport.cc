#include "aws/http_transport.h"

#include <curl/curl.h>

#include <mutex>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/match.h"
#include "aws/shared_config.h"
#include "base/files.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "base/trimmed.h"

namespace datamesh::aws {

using base::cat;

namespace {

// curl_global_init is not thread-safe: run it once, before the first handle.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Where libcurl puts an answer's body: whole, or, for a 200 answer given a sink, into the sink
// as it arrives.
struct BodyTarget {
  CURL* curl;
  std::string* body;
  const BodySink* sink;  // may be null
  absl::Status refused;  // the sink's error, which stopped the transfer
};

size_t take_body(char* data, size_t size, size_t count, void* target_pointer) {
  auto* target = static_cast<BodyTarget*>(target_pointer);
  const size_t bytes = size * count;
  long status = 0;
  if (target->sink != nullptr) curl_easy_getinfo(target->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    target->body->append(data, bytes);
    return bytes;
  }
  target->refused = (*target->sink)(std::string_view(data, bytes));
  return target->refused.ok() ? bytes : 0;  // 0 stops the transfer
}

// Collects the headers of the last answer: a new status line (after a 100 Continue) starts over.
size_t append_header(char* data, size_t size, size_t count, void* out) {
  auto* response = static_cast<HttpResponse*>(out);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    response->headers.clear();
    return size * count;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  const auto trim = [](std::string_view text) { return base::trimmed(text, " \t\r\n"); };
  response->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                 std::string(trim(line.substr(colon + 1))));
  return size * count;
}

// `connected`: whether the transfer got as far as a connection (a timeout before it is the
// server's host not answering at all, which is worth retrying).
TransferFailure failure(CURLcode code, const char* detail, bool connected) {
  TransferError kind = TransferError::kOther;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      kind = connected ? TransferError::kTimedOut : TransferError::kUnreachable;
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      kind = TransferError::kUntrusted;
      break;
    case CURLE_SSL_CONNECT_ERROR:
      kind = TransferError::kTlsHandshake;
      break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
      kind = TransferError::kClosedWithoutAnswer;
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      kind = TransferError::kUnreachable;
      break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      kind = TransferError::kBadUrl;
      break;
    default:
      break;
  }
  std::string cause = curl_easy_strerror(code);
  // libcurl's detail says which TLS check failed and why; for other failures it adds only
  // timings.
  const bool tls = kind == TransferError::kUntrusted || kind == TransferError::kTlsHandshake;
  if (tls && detail[0] != '\0') cause += cat(" (", detail, ")");
  return TransferFailure{.kind = kind, .cause = std::move(cause)};
}

std::string request_url(std::string_view origin, const HttpRequest& request) {
  const std::string path = request.path.empty() ? std::string("/") : request.path;
  return cat(origin, path, request.query.empty() ? std::string() : cat("?", request.query));
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

}  // namespace

struct CurlTransport::Handle {
  CURL* curl = curl_easy_init();
  ~Handle() { curl_easy_cleanup(curl); }
};

CurlTransport::CurlTransport(TransportOptions options) : options_(options) { init_curl_once(); }

CurlTransport::~CurlTransport() = default;

std::unique_ptr<CurlTransport::Handle> CurlTransport::take_handle() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Handle> handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  return std::make_unique<Handle>();
}

void CurlTransport::give_back(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(handle));
}

absl::StatusOr<std::variant<HttpResponse, TransferFailure>> CurlTransport::exchange(
    std::string_view origin, const HttpRequest& request, const BodySink* sink) {
  std::unique_ptr<Handle> handle = take_handle();
  if (handle->curl == nullptr) return absl::InternalError("libcurl could not make a handle");
  CURL* curl = handle->curl;
  // Options are per transfer; the handle's open connections survive the reset.
  curl_easy_reset(curl);

  const std::string url = request_url(origin, request);
  HeaderList headers;
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    // "Name;" sends a header with an empty value; "Name: " would remove it.
    headers.add(value.empty() ? cat(name, ";") : cat(name, ": ", value));
    has_content_type = has_content_type || absl::EqualsIgnoreCase(name, "Content-Type");
  }
  // Nothing libcurl would add unasked: no form Content-Type (it would go unsigned), no
  // Expect: 100-continue round trip.
  if (!has_content_type) headers.add("Content-Type:");
  headers.add("Expect:");

  HttpResponse response;
  BodyTarget target{.curl = curl, .body = &response.body, .sink = sink};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  if (sink == nullptr) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options_.request_timeout.count()));
  } else {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(options_.stall_timeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!options_.ca_bundle.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  }
  char detail[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, take_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &target);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  const CURLcode result = curl_easy_perform(curl);
  long new_connections = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &new_connections);
  connections_opened_ += new_connections;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t connect_time = 0;
  curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connect_time);
  // A failed handle may hold a broken connection; libcurl drops it, the handle is fine.
  give_back(std::move(handle));
  if (!target.refused.ok()) return target.refused;
  if (result != CURLE_OK) return failure(result, detail, connect_time > 0);
  return response;
}

absl::StatusOr<HttpResponse> CurlTransport::send(std::string_view origin,
                                                 const HttpRequest& request) {
  DATAMESH_ASSIGN_OR_RETURN(auto exchanged, exchange(origin, request));
  if (auto* response = std::get_if<HttpResponse>(&exchanged)) return std::move(*response);
  const TransferFailure& failed = std::get<TransferFailure>(exchanged);
  const std::string what =
      cat(request.method, " ", request_url(origin, request), " failed: ", failed.cause);
  switch (failed.kind) {
    case TransferError::kTimedOut:
      return absl::DeadlineExceededError(what);
    case TransferError::kUntrusted:
      return absl::FailedPreconditionError(cat(
          what, options_.ca_bundle.empty()
                    ? "; a certificate of a private authority is trusted once AWS_CA_BUNDLE "
                      "names that authority's PEM file"
                    : cat("; the authorities trusted are those of ", options_.ca_bundle,
                          " (AWS_CA_BUNDLE)")));
    case TransferError::kTlsHandshake:
    case TransferError::kClosedWithoutAnswer:
    case TransferError::kUnreachable:
      return absl::UnavailableError(what);
    case TransferError::kBadUrl:
      return absl::InvalidArgumentError(what);
    case TransferError::kOther:
      break;
  }
  return absl::InternalError(what);
}

absl::StatusOr<std::shared_ptr<HttpTransport>> default_transport(
    const EnvironmentLookup& environment) {
  TransportOptions options;
  std::string named_by = "AWS_CA_BUNDLE";
  options.ca_bundle = variable(environment, "AWS_CA_BUNDLE");
  if (options.ca_bundle.empty()) {
    DATAMESH_ASSIGN_OR_RETURN(const SharedConfig config, load_shared_config(environment));
    const Profile* profile = config.find(profile_name(environment));
    if (std::optional<std::string_view> bundle;
        profile != nullptr && (bundle = profile->get("ca_bundle")) && !bundle->empty()) {
      DATAMESH_ASSIGN_OR_RETURN(options.ca_bundle, expand_home(*bundle, environment));
      named_by = cat("ca_bundle of the profile ", profile->name, " at ",
                     profile->origin_of("ca_bundle"));
    }
  }
  if (!options.ca_bundle.empty()) {
    DATAMESH_RETURN_IF_ERROR(base::check_ca_bundle(options.ca_bundle, named_by));
  }
  return std::make_shared<CurlTransport>(std::move(options));
}

}  // namespace datamesh::aws
