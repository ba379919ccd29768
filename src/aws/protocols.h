// The four wire protocols of the services datamesh calls (botocore's metadata.protocol): how an
// operation and its JSON request become an HTTP request, and how the HTTP answer becomes JSON.
//
//   json       Glue, DynamoDB: POST /, X-Amz-Target: <prefix>.<Operation>,
//              Content-Type: application/x-amz-json-<1.1 Glue | 1.0 DynamoDB>; the request is
//              the body, the answer's body is the answer.
//   rest-json  Lake Formation: POST /<Operation>; RAM: POST /<operation in lower case>, but
//              DELETE with the request's members in the query string for its Delete*
//              operations (their members are all "location": "querystring" in the model);
//              Content-Type: application/json; the answer's body is the answer.
//   query      IAM, STS: POST / with the form Action=<Operation>&Version=<api version> and the
//              request flattened (a.b for members, a.member.N for list items, 1-based); the XML
//              answer's <OperationResult> read by xml_json.h, plus
//              "ResponseMetadata": {"RequestId": ...}.
//   rest-xml   S3, the operations datamesh needs: CreateBucket (PUT /<bucket>, with a
//              CreateBucketConfiguration whose LocationConstraint is the request's or, outside
//              us-east-1, the signing region), DeleteBucket (DELETE /<bucket>), GetBucketPolicy
//              (GET /<bucket>?policy; answer {"Policy": <the body>}), PutBucketPolicy (PUT
//              /<bucket>?policy with the request's Policy as body, and Content-MD5); every
//              request has "Bucket". Answers: {"Location": ...} for CreateBucket, else {}.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "aws/endpoints.h"
#include "aws/http_types.h"
#include "aws/services.h"
#include "aws/sigv4.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws {

// An unsigned request, ready for sigv4.h's sign with `uri_rule`, and where to send it.
struct PreparedRequest {
  std::string origin;   // scheme://host[:port]
  HttpRequest request;  // with its Host header
  UriRule uri_rule = UriRule::kNormalizeAndEncode;
};

// Builds the request of `operation` on `service` at `endpoint`. InvalidArgument when the request
// is not a JSON object or lacks what the protocol needs (S3's Bucket, PutBucketPolicy's Policy),
// naming it; Unimplemented for an S3 operation outside the four above.
absl::StatusOr<PreparedRequest> prepare_request(Service service, const Endpoint& endpoint,
                                                std::string_view operation,
                                                const nlohmann::json& request);

// The JSON answer of a 2xx `response`. Internal, quoting the start of the body, when the body is
// not the JSON or XML the protocol promises.
absl::StatusOr<nlohmann::json> read_answer(Service service, std::string_view operation,
                                           const HttpResponse& response);

// RFC 3986 percent-encoding, keeping only unreserved characters (form and query values).
std::string url_encode(std::string_view text);

}  // namespace datamesh::aws
