// Assertions on absl::Status and absl::StatusOr<T> for GoogleTest.
//
// Debian's Abseil ships no public gmock status matchers, so the suites use these macros:
//
//   ASSERT_OK(producer.deny_access_request(id));            // Status or StatusOr
//   EXPECT_OK(consumer.finalize_subscription(id));
//   ASSERT_OK_AND_ASSIGN(Subscription sub, producer.get_subscription(id));
//   EXPECT_STATUS_CODE(producer.approve_access_request(id), absl::StatusCode::kNotFound);
//   EXPECT_STATUS(producer.approve_access_request(id), absl::StatusCode::kFailedPrecondition,
//                 "already Active");                      // code and message substring
//
// On failure each prints the expression, the expected code (and text) and the whole status.
// The ASSERT_ forms return from the current function, as GoogleTest's do. Header-only;
// thread-safe as GoogleTest's assertions are.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace datamesh::test_support {

// The status of a Status or a StatusOr, by value (safe on temporaries).
inline absl::Status status_of(const absl::Status& status) { return status; }
template <typename T>
absl::Status status_of(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// The status as text: "OK" or "NOT_FOUND: subscription ... not found".
inline std::string describe_status(const absl::Status& status) {
  return std::string(status.ToString());
}

inline std::string code_name(absl::StatusCode code) {
  return std::string(absl::StatusCodeToString(code));
}

inline std::string message_of(const absl::Status& status) {
  return std::string(status.message().data(), status.message().size());
}

namespace internal {

inline ::testing::AssertionResult is_ok(const char* expression, const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << expression << " returned " << describe_status(status) << ", expected OK";
}

inline ::testing::AssertionResult has_code(const char* expression, const char* /*code_text*/,
                                           const absl::Status& status, absl::StatusCode code) {
  if (status.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expression << " returned " << describe_status(status)
                                       << ", expected code " << code_name(code);
}

inline ::testing::AssertionResult has_code_and_text(
    const char* expression, const char* /*code_text*/, const char* /*substring_text*/,
    const absl::Status& status, absl::StatusCode code, std::string_view substring) {
  const std::string message = message_of(status);
  if (status.code() == code && message.find(substring) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << expression << " returned " << describe_status(status) << ", expected code "
         << code_name(code) << " with a message containing \"" << substring << "\"";
}

}  // namespace internal
}  // namespace datamesh::test_support

#define DATAMESH_STATUS_CONCAT_INNER_(a, b) a##b
#define DATAMESH_STATUS_CONCAT_(a, b) DATAMESH_STATUS_CONCAT_INNER_(a, b)

#define EXPECT_OK(expr)                                          \
  EXPECT_PRED_FORMAT1(::datamesh::test_support::internal::is_ok, \
                      ::datamesh::test_support::status_of(expr))
#define ASSERT_OK(expr)                                          \
  ASSERT_PRED_FORMAT1(::datamesh::test_support::internal::is_ok, \
                      ::datamesh::test_support::status_of(expr))

#define EXPECT_STATUS_CODE(expr, code)                              \
  EXPECT_PRED_FORMAT2(::datamesh::test_support::internal::has_code, \
                      ::datamesh::test_support::status_of(expr), code)
#define ASSERT_STATUS_CODE(expr, code)                              \
  ASSERT_PRED_FORMAT2(::datamesh::test_support::internal::has_code, \
                      ::datamesh::test_support::status_of(expr), code)

// The code, and a message containing `substring`.
#define EXPECT_STATUS(expr, code, substring)                                 \
  EXPECT_PRED_FORMAT3(::datamesh::test_support::internal::has_code_and_text, \
                      ::datamesh::test_support::status_of(expr), code, substring)
#define ASSERT_STATUS(expr, code, substring)                                 \
  ASSERT_PRED_FORMAT3(::datamesh::test_support::internal::has_code_and_text, \
                      ::datamesh::test_support::status_of(expr), code, substring)

// Evaluates rexpr (a StatusOr), asserts it is OK and moves its value into lhs, which may be a
// declaration: ASSERT_OK_AND_ASSIGN(auto page, producer.list_pending_access_requests());
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  DATAMESH_ASSERT_OK_AND_ASSIGN_IMPL_(DATAMESH_STATUS_CONCAT_(dm_status_or_, __LINE__), lhs, rexpr)
#define DATAMESH_ASSERT_OK_AND_ASSIGN_IMPL_(var, lhs, rexpr) \
  auto var = (rexpr);                                        \
  ASSERT_OK(var.status());                                   \
  lhs = std::move(var).value()
