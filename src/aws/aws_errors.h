// What an AWS error answer says (code, message, request id), read per protocol, and the
// absl::Status datamesh returns for it. One table (aws_errors.cc, kErrorCodes) maps each AWS error
// code to a canonical code; codes it does not list are mapped by HTTP status. The status text is
//
//   "<service> <Operation>: <AwsCode>: <message> (HTTP <status>, request id <id>)"
//
// so that the AWS code, message and request id reach logs and users unchanged.
//
//   NotFound           EntityNotFoundException NoSuchEntity ResourceNotFoundException
//                      NoSuchBucket NoSuchBucketPolicy NoSuchKey UnknownResourceException
//                      TableNotFoundException NotFound; HTTP 404
//   AlreadyExists      AlreadyExistsException EntityAlreadyExists ResourceInUseException
//                      BucketAlreadyExists BucketAlreadyOwnedByYou TableAlreadyExistsException
//   PermissionDenied   AccessDenied AccessDeniedException UnauthorizedOperation
//                      OperationNotPermittedException AuthorizationErrorException; HTTP 403
//   Unauthenticated    InvalidClientTokenId UnrecognizedClientException SignatureDoesNotMatch
//                      InvalidSignatureException IncompleteSignature MissingAuthenticationToken
//                      InvalidAccessKeyId ExpiredToken ExpiredTokenException InvalidToken; HTTP 401
//   InvalidArgument    ValidationException ValidationError InvalidInputException InvalidInput
//                      InvalidParameterException InvalidParameterValue(Exception)
//                      InvalidParameterCombination MissingParameter
//                      MalformedPolicyDocument(Exception) MalformedPolicy MalformedXML
//                      InvalidRequest InvalidBucketName InvalidLocationConstraint
//                      IllegalLocationConstraintException SerializationException InvalidAction
//                      UnknownOperationException; HTTP 400
//   FailedPrecondition ConditionalCheckFailedException TransactionCanceledException DeleteConflict
//                      BucketNotEmpty IdempotentParameterMismatch(Exception)
//   Aborted            ConcurrentModificationException ConcurrentModification
//                      TransactionConflictException; HTTP 409
//   ResourceExhausted  LimitExceeded LimitExceededException ResourceNumberLimitExceededException
//                      ServiceQuotaExceededException
//   Unavailable        the throttling codes of botocore's standard retry mode (Throttling,
//                      ThrottlingException, TooManyRequestsException, SlowDown,
//                      ProvisionedThroughputExceededException, RequestLimitExceeded, ...),
//                      RequestTimeout(Exception), PriorRequestNotComplete, InternalFailure,
//                      InternalError, InternalServiceException, InternalServerError,
//                      ServiceUnavailable(Exception), EntityTemporarilyUnmodifiable; HTTP 429, 5xx
//   Unknown            anything else
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "aws/http_types.h"
#include "aws/services.h"

namespace datamesh::aws {

struct AwsError {
  long http_status = 0;
  std::string code;  // "EntityNotFoundException"; "" when the answer named none
  std::string message;
  std::string request_id;
};

// Reads the error of a non-2xx answer as `protocol` writes it: the JSON `__type`/`code` (after
// any '#') or the X-Amzn-ErrorType header (before any ':') and `message`/`Message` for json and
// rest-json; <Error><Code> and <Message> for query and rest-xml. The request id comes from the
// x-amzn-RequestId or x-amz-request-id header, else the XML <RequestId>. Never fails: an answer
// it cannot read gives an AwsError with an empty code and the body (cut) as message.
AwsError parse_error(Protocol protocol, const HttpResponse& response);

// The canonical code of the table above.
absl::StatusCode status_code_for(const AwsError& error);

// The status of the table above with the text described at the top of this file, carrying the
// AWS error code as a payload (aws_error_code) for callers that must tell one AWS error from
// another of the same canonical code (ConditionalCheckFailedException from
// TransactionCanceledException, say) without reading the text.
absl::Status to_status(Service service, std::string_view operation, const AwsError& error);

// The AWS error code a status of to_status carries ("" for any other status).
std::string aws_error_code(const absl::Status& status);
inline constexpr char kAwsErrorCodePayload[] = "datamesh.dev/aws-error-code";

// True for the codes botocore's standard mode treats as throttling (retried with backoff).
bool is_throttling_code(std::string_view code);
// True for the codes botocore's standard mode treats as transient (RequestTimeout, ...).
bool is_transient_code(std::string_view code);

}  // namespace datamesh::aws
