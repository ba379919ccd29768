// AWS error answers read per protocol, and the table that maps their codes to statuses
// (aws/aws_errors.h).
#include "aws/aws_errors.h"

#include <string>

#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

HttpResponse answer(long status, std::string body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  return {status, std::move(headers), std::move(body)};
}

TEST(AwsErrorsTest, ReadsJsonErrorsWithANamespacedType) {
  const AwsError error = parse_error(
      Protocol::kJson,
      answer(400,
             R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
             R"("message":"The conditional request failed"})",
             {{"X-Amzn-RequestId", "RID1"}}));
  EXPECT_EQ(error.code, "ConditionalCheckFailedException");
  EXPECT_EQ(error.message, "The conditional request failed");
  EXPECT_EQ(error.request_id, "RID1");
  EXPECT_EQ(error.http_status, 400);
}

TEST(AwsErrorsTest, RestJsonTakesTheCodeFromTheErrorTypeHeader) {
  const AwsError error = parse_error(
      Protocol::kRestJson,
      answer(403, R"({"Message":"User is not authorized"})",
             {{"x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/"}}));
  EXPECT_EQ(error.code, "AccessDeniedException");
  EXPECT_EQ(error.message, "User is not authorized");
}

TEST(AwsErrorsTest, ReadsQueryAndS3XmlErrors) {
  const AwsError iam = parse_error(
      Protocol::kQuery,
      answer(404,
             "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
             "<Type>Sender</Type><Code>NoSuchEntity</Code><Message>Role x not found</Message>"
             "</Error><RequestId>iam-rid</RequestId></ErrorResponse>"));
  EXPECT_EQ(iam.code, "NoSuchEntity");
  EXPECT_EQ(iam.message, "Role x not found");
  EXPECT_EQ(iam.request_id, "iam-rid");
  const AwsError s3 = parse_error(
      Protocol::kRestXml,
      answer(404,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucketPolicy</Code>"
             "<Message>The bucket policy does not exist</Message><RequestId>xml-rid</RequestId>"
             "</Error>",
             {{"x-amz-request-id", "header-rid"}}));
  EXPECT_EQ(s3.code, "NoSuchBucketPolicy");
  EXPECT_EQ(s3.request_id, "header-rid");  // the header wins over the body
}

TEST(AwsErrorsTest, UnreadableAnswersKeepTheirStatusAndBody) {
  const AwsError error = parse_error(Protocol::kJson, answer(502, "<html>Bad Gateway</html>"));
  EXPECT_EQ(error.code, "");
  EXPECT_EQ(error.message, "<html>Bad Gateway</html>");
  EXPECT_EQ(status_code_for(error), absl::StatusCode::kUnavailable);
  EXPECT_STATUS(to_status(Service::kGlue, "GetTable", error), absl::StatusCode::kUnavailable,
                "glue GetTable: (no error code): <html>Bad Gateway</html> (HTTP 502, request id "
                "none)");
  const AwsError empty = parse_error(Protocol::kRestXml, answer(404, ""));
  EXPECT_EQ(status_code_for(empty), absl::StatusCode::kNotFound);
}

TEST(AwsErrorsTest, TheTableMapsEachFamilyOfCodes) {
  const auto code_of = [](std::string code, long http = 400) {
    return status_code_for({http, std::move(code), "", ""});
  };
  using C = absl::StatusCode;
  for (const char* code : {"EntityNotFoundException", "NoSuchEntity", "ResourceNotFoundException",
                           "NoSuchBucketPolicy", "NoSuchBucket", "UnknownResourceException"}) {
    EXPECT_EQ(code_of(code), C::kNotFound) << code;
  }
  for (const char* code : {"AlreadyExistsException", "EntityAlreadyExists",
                           "ResourceInUseException", "BucketAlreadyOwnedByYou"}) {
    EXPECT_EQ(code_of(code), C::kAlreadyExists) << code;
  }
  for (const char* code :
       {"AccessDenied", "AccessDeniedException", "OperationNotPermittedException"}) {
    EXPECT_EQ(code_of(code, 403), C::kPermissionDenied) << code;
  }
  for (const char* code : {"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
                           "UnrecognizedClientException"}) {
    EXPECT_EQ(code_of(code, 403), C::kUnauthenticated) << code;
  }
  for (const char* code : {"ValidationException", "InvalidInputException",
                           "MalformedPolicyDocument", "InvalidParameterValueException"}) {
    EXPECT_EQ(code_of(code), C::kInvalidArgument) << code;
  }
  EXPECT_EQ(code_of("ConditionalCheckFailedException"), C::kFailedPrecondition);
  EXPECT_EQ(code_of("DeleteConflict", 409), C::kFailedPrecondition);
  EXPECT_EQ(code_of("ConcurrentModificationException"), C::kAborted);
  EXPECT_EQ(code_of("ResourceNumberLimitExceededException"), C::kResourceExhausted);
  EXPECT_EQ(code_of("LimitExceededException"), C::kResourceExhausted);
  for (const char* code : {"ThrottlingException", "Throttling", "TooManyRequestsException",
                           "ProvisionedThroughputExceededException", "SlowDown"}) {
    EXPECT_EQ(code_of(code), C::kUnavailable) << code;
    EXPECT_TRUE(is_throttling_code(code)) << code;
  }
  EXPECT_TRUE(is_throttling_code("LimitExceededException"));  // retried, as botocore does
  EXPECT_TRUE(is_transient_code("RequestTimeout"));
  EXPECT_FALSE(is_transient_code("ValidationException"));
  // Codes the table does not list fall back to the HTTP status.
  EXPECT_EQ(code_of("SomethingNew", 404), C::kNotFound);
  EXPECT_EQ(code_of("SomethingNew", 409), C::kAborted);
  EXPECT_EQ(code_of("SomethingNew", 418), C::kUnknown);
}

TEST(AwsErrorsTest, TheStatusCarriesTheAwsCode) {
  const absl::Status cancelled =
      to_status(Service::kDynamoDb, "TransactWriteItems",
                AwsError{400, "TransactionCanceledException", "Transaction cancelled", "R1"});
  EXPECT_EQ(cancelled.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(aws_error_code(cancelled), "TransactionCanceledException");
  // Two AWS codes of one canonical code stay apart.
  EXPECT_EQ(aws_error_code(to_status(Service::kDynamoDb, "PutItem",
                                     AwsError{400, "ConditionalCheckFailedException", "", ""})),
            "ConditionalCheckFailedException");
  // No code in the answer, or a status that is not an AWS error: "".
  EXPECT_EQ(aws_error_code(to_status(Service::kGlue, "GetTable", AwsError{500, "", "", ""})), "");
  EXPECT_EQ(aws_error_code(absl::NotFoundError("x")), "");
}

}  // namespace
}  // namespace datamesh::aws
