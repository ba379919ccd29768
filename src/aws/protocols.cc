#include "aws/protocols.h"

#include "absl/strings/ascii.h"
#include "aws/protocol_parts.h"
#include "base/text.h"

namespace datamesh::aws {

using base::cat;

namespace protocol_parts {

PreparedRequest request_to(std::string_view origin, std::string method, std::string path) {
  PreparedRequest prepared;
  prepared.origin = std::string(origin);
  prepared.request.method = std::move(method);
  prepared.request.path = std::move(path);
  prepared.request.headers.emplace_back("Host", std::string(origin.substr(origin.find("://") + 3)));
  return prepared;
}

std::string origin_of(std::string_view url) {
  const std::size_t authority = url.find("://") + 3;
  return std::string(url.substr(0, url.find('/', authority)));
}

std::string path_of(std::string_view url) {
  const std::size_t slash = url.find('/', url.find("://") + 3);
  return slash == std::string_view::npos ? std::string() : std::string(url.substr(slash));
}

std::string body_start(std::string_view body) {
  constexpr std::size_t kShown = 120;
  if (body.empty()) return "an empty body";
  return cat("'", body.substr(0, kShown), body.size() > kShown ? "...'" : "'");
}

}  // namespace protocol_parts

namespace {

using protocol_parts::body_start;
using protocol_parts::path_of;
using protocol_parts::request_to;

// A request member as a query-string value.
std::string as_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

absl::StatusOr<PreparedRequest> prepare_json(const ServiceInfo& service, const Endpoint& endpoint,
                                             std::string_view operation,
                                             const nlohmann::json& request) {
  PreparedRequest prepared =
      request_to(protocol_parts::origin_of(endpoint.url), "POST", cat(path_of(endpoint.url), "/"));
  prepared.request.headers.emplace_back("Content-Type",
                                        cat("application/x-amz-json-", service.json_version));
  prepared.request.headers.emplace_back("X-Amz-Target", cat(service.target_prefix, ".", operation));
  prepared.request.body = request.dump();
  return prepared;
}

absl::StatusOr<PreparedRequest> prepare_rest_json(const ServiceInfo& service,
                                                  const Endpoint& endpoint,
                                                  std::string_view operation,
                                                  const nlohmann::json& request) {
  const bool ram = service.service == Service::kRam;
  const std::string route = ram ? base::ascii_lower(operation) : std::string(operation);
  const bool in_query = ram && operation.starts_with("Delete");
  PreparedRequest prepared =
      request_to(protocol_parts::origin_of(endpoint.url), in_query ? "DELETE" : "POST",
                 cat(path_of(endpoint.url), "/", route));
  if (in_query) {
    std::vector<std::string> pairs;
    for (const auto& [key, value] : request.items()) {
      pairs.push_back(cat(url_encode(key), "=", url_encode(as_text(value))));
    }
    prepared.request.query = base::join(pairs, "&");
    return prepared;
  }
  prepared.request.headers.emplace_back("Content-Type", "application/json");
  prepared.request.body = request.dump();
  return prepared;
}

absl::StatusOr<nlohmann::json> read_json_answer(std::string_view operation,
                                                const HttpResponse& response) {
  if (response.body.empty()) return nlohmann::json::object();
  nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, false);
  if (answer.is_discarded()) {
    return absl::InternalError(
        cat(operation, " answered with a body that is not JSON: ", body_start(response.body)));
  }
  return answer;
}

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
  return out;
}

absl::StatusOr<PreparedRequest> prepare_request(Service service, const Endpoint& endpoint,
                                                std::string_view operation,
                                                const nlohmann::json& request) {
  if (!request.is_object()) {
    return absl::InvalidArgumentError(cat(name(service), " ", operation,
                                          ": the request must be a JSON object, not ",
                                          request.type_name()));
  }
  const ServiceInfo& about = info(service);
  switch (about.protocol) {
    case Protocol::kJson:
      return prepare_json(about, endpoint, operation, request);
    case Protocol::kRestJson:
      return prepare_rest_json(about, endpoint, operation, request);
    case Protocol::kQuery:
      return protocol_parts::prepare_query(service, endpoint, operation, request);
    case Protocol::kRestXml:
      return protocol_parts::prepare_s3(endpoint, operation, request);
  }
  return absl::InternalError("unknown protocol");
}

absl::StatusOr<nlohmann::json> read_answer(Service service, std::string_view operation,
                                           const HttpResponse& response) {
  switch (info(service).protocol) {
    case Protocol::kJson:
    case Protocol::kRestJson:
      return read_json_answer(operation, response);
    case Protocol::kQuery:
      return protocol_parts::read_query_answer(operation, response);
    case Protocol::kRestXml:
      return protocol_parts::read_s3_answer(operation, response);
  }
  return absl::InternalError("unknown protocol");
}

}  // namespace datamesh::aws
