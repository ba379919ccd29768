#include "aws/aws_errors.h"

#include <algorithm>
#include <array>
#include <pugixml.hpp>
#include <utility>

#include "absl/strings/cord.h"
#include "base/text.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws {

using base::cat;

namespace {

// Messages quote at most this much of an unreadable body.
constexpr std::size_t kMaxBodyInMessage = 200;

// botocore/retries/standard.py, ThrottledRetryableChecker._THROTTLED_ERROR_CODES, less
// LimitExceededException (a quota in Glue and Lake Formation: ResourceExhausted below, though
// it is retried as throttling).
constexpr std::array<std::string_view, 13> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

// TransientRetryableChecker._TRANSIENT_ERROR_CODES.
constexpr std::array<std::string_view, 3> kTransientCodes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"};

// The table of aws_errors.h.
constexpr std::pair<std::string_view, absl::StatusCode> kErrorCodes[] = {
    {"EntityNotFoundException", absl::StatusCode::kNotFound},
    {"NoSuchEntity", absl::StatusCode::kNotFound},
    {"ResourceNotFoundException", absl::StatusCode::kNotFound},
    {"NoSuchBucket", absl::StatusCode::kNotFound},
    {"NoSuchBucketPolicy", absl::StatusCode::kNotFound},
    {"NoSuchKey", absl::StatusCode::kNotFound},
    {"UnknownResourceException", absl::StatusCode::kNotFound},
    {"TableNotFoundException", absl::StatusCode::kNotFound},
    {"NotFound", absl::StatusCode::kNotFound},
    {"AlreadyExistsException", absl::StatusCode::kAlreadyExists},
    {"EntityAlreadyExists", absl::StatusCode::kAlreadyExists},
    {"ResourceInUseException", absl::StatusCode::kAlreadyExists},
    {"BucketAlreadyExists", absl::StatusCode::kAlreadyExists},
    {"BucketAlreadyOwnedByYou", absl::StatusCode::kAlreadyExists},
    {"TableAlreadyExistsException", absl::StatusCode::kAlreadyExists},
    {"AccessDenied", absl::StatusCode::kPermissionDenied},
    {"AccessDeniedException", absl::StatusCode::kPermissionDenied},
    {"UnauthorizedOperation", absl::StatusCode::kPermissionDenied},
    {"OperationNotPermittedException", absl::StatusCode::kPermissionDenied},
    {"AuthorizationErrorException", absl::StatusCode::kPermissionDenied},
    {"InvalidClientTokenId", absl::StatusCode::kUnauthenticated},
    {"UnrecognizedClientException", absl::StatusCode::kUnauthenticated},
    {"SignatureDoesNotMatch", absl::StatusCode::kUnauthenticated},
    {"InvalidSignatureException", absl::StatusCode::kUnauthenticated},
    {"IncompleteSignature", absl::StatusCode::kUnauthenticated},
    {"MissingAuthenticationToken", absl::StatusCode::kUnauthenticated},
    {"InvalidAccessKeyId", absl::StatusCode::kUnauthenticated},
    {"ExpiredToken", absl::StatusCode::kUnauthenticated},
    {"ExpiredTokenException", absl::StatusCode::kUnauthenticated},
    {"InvalidToken", absl::StatusCode::kUnauthenticated},
    {"ValidationException", absl::StatusCode::kInvalidArgument},
    {"ValidationError", absl::StatusCode::kInvalidArgument},
    {"InvalidInputException", absl::StatusCode::kInvalidArgument},
    {"InvalidInput", absl::StatusCode::kInvalidArgument},
    {"InvalidParameterException", absl::StatusCode::kInvalidArgument},
    {"InvalidParameterValue", absl::StatusCode::kInvalidArgument},
    {"InvalidParameterValueException", absl::StatusCode::kInvalidArgument},
    {"InvalidParameterCombination", absl::StatusCode::kInvalidArgument},
    {"MissingParameter", absl::StatusCode::kInvalidArgument},
    {"MalformedPolicyDocument", absl::StatusCode::kInvalidArgument},
    {"MalformedPolicyDocumentException", absl::StatusCode::kInvalidArgument},
    {"MalformedPolicy", absl::StatusCode::kInvalidArgument},
    {"MalformedXML", absl::StatusCode::kInvalidArgument},
    {"InvalidRequest", absl::StatusCode::kInvalidArgument},
    {"InvalidBucketName", absl::StatusCode::kInvalidArgument},
    {"InvalidLocationConstraint", absl::StatusCode::kInvalidArgument},
    {"IllegalLocationConstraintException", absl::StatusCode::kInvalidArgument},
    {"SerializationException", absl::StatusCode::kInvalidArgument},
    {"InvalidAction", absl::StatusCode::kInvalidArgument},
    {"UnknownOperationException", absl::StatusCode::kInvalidArgument},
    {"ConditionalCheckFailedException", absl::StatusCode::kFailedPrecondition},
    {"TransactionCanceledException", absl::StatusCode::kFailedPrecondition},
    {"DeleteConflict", absl::StatusCode::kFailedPrecondition},
    {"BucketNotEmpty", absl::StatusCode::kFailedPrecondition},
    {"IdempotentParameterMismatch", absl::StatusCode::kFailedPrecondition},
    {"IdempotentParameterMismatchException", absl::StatusCode::kFailedPrecondition},
    {"ConcurrentModificationException", absl::StatusCode::kAborted},
    {"ConcurrentModification", absl::StatusCode::kAborted},
    {"TransactionConflictException", absl::StatusCode::kAborted},
    {"LimitExceeded", absl::StatusCode::kResourceExhausted},
    {"LimitExceededException", absl::StatusCode::kResourceExhausted},
    {"ResourceNumberLimitExceededException", absl::StatusCode::kResourceExhausted},
    {"ServiceQuotaExceededException", absl::StatusCode::kResourceExhausted},
    {"InternalFailure", absl::StatusCode::kUnavailable},
    {"InternalError", absl::StatusCode::kUnavailable},
    {"InternalServiceException", absl::StatusCode::kUnavailable},
    {"InternalServerError", absl::StatusCode::kUnavailable},
    {"InternalServerException", absl::StatusCode::kUnavailable},
    {"ServiceUnavailable", absl::StatusCode::kUnavailable},
    {"ServiceUnavailableException", absl::StatusCode::kUnavailable},
    {"EntityTemporarilyUnmodifiable", absl::StatusCode::kUnavailable},
};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

absl::StatusCode code_for_http_status(long status) {
  if (status == 400) return absl::StatusCode::kInvalidArgument;
  if (status == 401) return absl::StatusCode::kUnauthenticated;
  if (status == 403) return absl::StatusCode::kPermissionDenied;
  if (status == 404) return absl::StatusCode::kNotFound;
  if (status == 409) return absl::StatusCode::kAborted;
  if (status == 429 || status >= 500) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kUnknown;
}

std::string cut(std::string_view text) {
  if (text.size() <= kMaxBodyInMessage) return std::string(text);
  return cat(text.substr(0, kMaxBodyInMessage), "...");
}

void read_json_error(const HttpResponse& response, AwsError& error) {
  std::string code = response.header("x-amzn-ErrorType");
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    for (const char* key : {"message", "Message", "errorMessage"}) {
      if (body.contains(key) && body[key].is_string()) {
        error.message = body[key].get<std::string>();
        break;
      }
    }
    if (code.empty()) {
      for (const char* key : {"__type", "code", "Code"}) {
        if (body.contains(key) && body[key].is_string()) {
          code = body[key].get<std::string>();
          break;
        }
      }
    }
  } else if (!response.body.empty()) {
    error.message = cut(response.body);
  }
  // "com.amazonaws.glue#EntityNotFoundException" and "AccessDeniedException:http://...".
  if (const std::size_t hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
  if (const std::size_t colon = code.find(':'); colon != std::string::npos) code.erase(colon);
  error.code = code;
}

void read_xml_error(const HttpResponse& response, AwsError& error) {
  pugi::xml_document document;
  if (!document.load_buffer(response.body.data(), response.body.size())) {
    if (!response.body.empty()) error.message = cut(response.body);
    return;
  }
  // <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse> (query) or
  // <Error><Code/><Message/><RequestId/></Error> (S3).
  const pugi::xml_node found = document.select_node("//Error").node();
  error.code = found.child("Code").text().as_string();
  error.message = found.child("Message").text().as_string();
  if (error.request_id.empty()) {
    for (const char* path : {"//RequestId", "//RequestID"}) {
      const pugi::xml_node id = document.select_node(path).node();
      if (id) {
        error.request_id = id.text().as_string();
        break;
      }
    }
  }
}

}  // namespace

AwsError parse_error(Protocol protocol, const HttpResponse& response) {
  AwsError error;
  error.http_status = response.status;
  error.request_id = response.header("x-amzn-RequestId");
  if (error.request_id.empty()) error.request_id = response.header("x-amz-request-id");
  if (protocol == Protocol::kJson || protocol == Protocol::kRestJson) {
    read_json_error(response, error);
  } else {
    read_xml_error(response, error);
  }
  return error;
}

absl::StatusCode status_code_for(const AwsError& error) {
  for (const auto& [code, status] : kErrorCodes) {
    if (code == error.code) return status;
  }
  if (is_throttling_code(error.code)) return absl::StatusCode::kUnavailable;
  return code_for_http_status(error.http_status);
}

absl::Status to_status(Service service, std::string_view operation, const AwsError& error) {
  const std::string code = error.code.empty() ? std::string("(no error code)") : error.code;
  const std::string message = error.message.empty() ? std::string("(no message)") : error.message;
  const std::string request_id = error.request_id.empty() ? std::string("none") : error.request_id;
  absl::Status status(status_code_for(error),
                      cat(name(service), " ", operation, ": ", code, ": ", message, " (HTTP ",
                          error.http_status, ", request id ", request_id, ")"));
  if (!error.code.empty()) status.SetPayload(kAwsErrorCodePayload, absl::Cord(error.code));
  return status;
}

std::string aws_error_code(const absl::Status& status) {
  const auto code = status.GetPayload(kAwsErrorCodePayload);  // absl::optional<absl::Cord>
  return code ? std::string(*code) : std::string();
}

bool is_throttling_code(std::string_view code) {
  return listed(kThrottlingCodes, code) || code == "LimitExceededException";
}

bool is_transient_code(std::string_view code) { return listed(kTransientCodes, code); }

}  // namespace datamesh::aws
