// The rest-xml protocol of S3, for the bucket operations datamesh needs: protocols.h says what
// goes on the wire.
#include <openssl/evp.h>

#include <string>

#include "absl/strings/escaping.h"
#include "aws/protocol_parts.h"
#include "base/text.h"

namespace datamesh::aws::protocol_parts {

using base::cat;

namespace {

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Content-MD5: the base64 MD5 of the body, which S3 requires of PutBucketPolicy.
std::string content_md5(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_md5(), nullptr);
  return absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::StatusOr<std::string> string_member(const nlohmann::json& request, std::string_view operation,
                                          const char* member) {
  if (!request.contains(member) || !request[member].is_string() ||
      request[member].get<std::string>().empty()) {
    return absl::InvalidArgumentError(
        cat("s3 ", operation, ": the request needs a non-empty string ", member));
  }
  return request[member].get<std::string>();
}

}  // namespace

absl::StatusOr<PreparedRequest> prepare_s3(const Endpoint& endpoint, std::string_view operation,
                                           const nlohmann::json& request) {
  absl::StatusOr<std::string> bucket = string_member(request, operation, "Bucket");
  if (!bucket.ok()) return bucket.status();
  const BucketAddress address = bucket_address(endpoint, *bucket);
  const auto to_bucket = [&](std::string method) {
    PreparedRequest prepared = request_to(address.origin, std::move(method), address.path);
    prepared.uri_rule = UriRule::kAsSent;
    return prepared;
  };
  if (operation == "CreateBucket") {
    PreparedRequest prepared = to_bucket("PUT");
    std::string location;
    const nlohmann::json configuration =
        request.value("CreateBucketConfiguration", nlohmann::json::object());
    if (configuration.is_object() && configuration.contains("LocationConstraint") &&
        configuration["LocationConstraint"].is_string()) {
      location = configuration["LocationConstraint"].get<std::string>();
    } else if (endpoint.signing_region != "us-east-1") {
      location = endpoint.signing_region;
    }
    if (!location.empty()) {
      prepared.request.body =
          cat("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              "<LocationConstraint>",
              xml_escape(location), "</LocationConstraint></CreateBucketConfiguration>");
      prepared.request.headers.emplace_back("Content-Type", "application/xml");
    }
    return prepared;
  }
  if (operation == "DeleteBucket") return to_bucket("DELETE");
  if (operation == "GetBucketPolicy") {
    PreparedRequest prepared = to_bucket("GET");
    prepared.request.query = "policy";
    return prepared;
  }
  if (operation == "PutBucketPolicy") {
    if (!request.contains("Policy")) {
      return absl::InvalidArgumentError("s3 PutBucketPolicy: the request needs a Policy");
    }
    const nlohmann::json& policy = request["Policy"];
    PreparedRequest prepared = to_bucket("PUT");
    prepared.request.query = "policy";
    prepared.request.body = policy.is_string() ? policy.get<std::string>() : policy.dump();
    prepared.request.headers.emplace_back("Content-MD5", content_md5(prepared.request.body));
    return prepared;
  }
  return absl::UnimplementedError(
      cat("s3 ", operation,
          " is not an operation of this client (CreateBucket, DeleteBucket, GetBucketPolicy, "
          "PutBucketPolicy)"));
}

absl::StatusOr<nlohmann::json> read_s3_answer(std::string_view operation,
                                              const HttpResponse& response) {
  nlohmann::json answer = nlohmann::json::object();
  if (operation == "CreateBucket") {
    const std::string location = response.header("Location");
    if (!location.empty()) answer["Location"] = location;
  } else if (operation == "GetBucketPolicy") {
    answer["Policy"] = response.body;
  }
  const std::string request_id = response.header("x-amz-request-id");
  if (!request_id.empty()) answer["ResponseMetadata"] = {{"RequestId", request_id}};
  return answer;
}

}  // namespace datamesh::aws::protocol_parts
