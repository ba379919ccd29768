// Internal to protocols.cc: the query and rest-xml (S3) protocols, each in its own file
// (query_protocol.cc, s3_protocol.cc), and what the protocols share. Not for other modules.
#pragma once

#include <string>
#include <string_view>

#include "aws/protocols.h"

namespace datamesh::aws::protocol_parts {

// A request to `origin` + `path` with its Host header (the origin's authority).
PreparedRequest request_to(std::string_view origin, std::string method, std::string path);

// The scheme://host[:port] part of an endpoint URL, and its path ("" or "/base").
std::string origin_of(std::string_view url);
std::string path_of(std::string_view url);

// The start of a body, for messages.
std::string body_start(std::string_view body);

absl::StatusOr<PreparedRequest> prepare_query(Service service, const Endpoint& endpoint,
                                              std::string_view operation,
                                              const nlohmann::json& request);
absl::StatusOr<nlohmann::json> read_query_answer(std::string_view operation,
                                                 const HttpResponse& response);

absl::StatusOr<PreparedRequest> prepare_s3(const Endpoint& endpoint, std::string_view operation,
                                           const nlohmann::json& request);
absl::StatusOr<nlohmann::json> read_s3_answer(std::string_view operation,
                                              const HttpResponse& response);

}  // namespace datamesh::aws::protocol_parts
