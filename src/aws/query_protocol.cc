// The query protocol (IAM, STS): protocols.h says what goes on the wire.
#include <string>
#include <utility>
#include <vector>

#include "aws/protocol_parts.h"
#include "aws/xml_json.h"
#include "base/text.h"

namespace datamesh::aws::protocol_parts {

using base::cat;

namespace {

// Flattens `value` into form fields named from `prefix`: members as prefix.Name, list items as
// prefix.member.N (1-based); null members are left out.
void flatten(const nlohmann::json& value, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      flatten(member, prefix.empty() ? key : cat(prefix, ".", key), out);
    }
  } else if (value.is_array()) {
    int index = 1;
    for (const nlohmann::json& item : value) flatten(item, cat(prefix, ".member.", index++), out);
  } else if (value.is_string()) {
    out.emplace_back(prefix, value.get<std::string>());
  } else if (value.is_boolean()) {
    out.emplace_back(prefix, value.get<bool>() ? "true" : "false");
  } else if (!value.is_null()) {
    out.emplace_back(prefix, value.dump());
  }
}

}  // namespace

absl::StatusOr<PreparedRequest> prepare_query(Service service, const Endpoint& endpoint,
                                              std::string_view operation,
                                              const nlohmann::json& request) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Action", std::string(operation)}, {"Version", std::string(info(service).api_version)}};
  flatten(request, "", fields);
  std::vector<std::string> encoded;
  encoded.reserve(fields.size());
  for (const auto& [key, value] : fields) {
    encoded.push_back(cat(url_encode(key), "=", url_encode(value)));
  }
  PreparedRequest prepared =
      request_to(origin_of(endpoint.url), "POST", cat(path_of(endpoint.url), "/"));
  prepared.request.headers.emplace_back("Content-Type",
                                        "application/x-www-form-urlencoded; charset=utf-8");
  prepared.request.body = base::join(encoded, "&");
  return prepared;
}

absl::StatusOr<nlohmann::json> read_query_answer(std::string_view operation,
                                                 const HttpResponse& response) {
  absl::StatusOr<nlohmann::json> document = xml_to_json(response.body);
  if (!document.ok()) {
    return absl::InternalError(
        cat(operation, " answered with a body that is not XML: ", body_start(response.body)));
  }
  const std::string response_name = cat(operation, "Response");
  const std::string result_name = cat(operation, "Result");
  if (!document->contains(response_name)) {
    return absl::InternalError(
        cat(operation, " answered with no <", response_name, ">: ", body_start(response.body)));
  }
  const nlohmann::json& whole = (*document)[response_name];
  nlohmann::json answer = nlohmann::json::object();
  if (whole.is_object() && whole.contains(result_name) && whole[result_name].is_object()) {
    answer = whole[result_name];
  }
  if (whole.is_object() && whole.contains("ResponseMetadata")) {
    answer["ResponseMetadata"] = whole["ResponseMetadata"];
  }
  return answer;
}

}  // namespace datamesh::aws::protocol_parts
