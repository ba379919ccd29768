// An HttpTransport that counts the AWS calls made through it and can make one of them fail,
// for the partial-failure tests (issue 13, point 5): every call is sent to moto by a real
// CurlTransport, except the one armed to fail, which either
//   - kRefused:    never reaches moto and is answered HTTP 400, AWS error code InjectedFailure
//                  (not retryable: the AWS client gives the error to its caller at once), or
//   - kAnswerLost: reaches moto, which makes the change, and its answer is replaced by that same
//                  400 — the request was made but the answer lost.
// The error body is the protocol's own (JSON for Glue, DynamoDB, Lake Formation and RAM; XML for
// IAM, STS and S3), so that the client reads it as it would read AWS's.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <algorithm>
#include <cctype>

#include "aws/http_transport.h"

namespace datamesh::aws::testing {

// The value of the request's header `name` (any case), or nullopt.
inline std::optional<std::string> header_value(const HttpRequest& request,
                                               std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return std::nullopt;
}

// The AWS operation a request calls: X-Amz-Target's (JSON protocols), Action's (query
// protocol), the last path segment of a REST POST (Lake Formation, RAM), else
// "<method> <path>" (S3, REST reads).
inline std::string operation_of(const HttpRequest& request) {
  if (const std::optional<std::string> target = header_value(request, "x-amz-target")) {
    return target->substr(target->find('.') + 1);
  }
  if (const size_t action = request.body.find("Action="); action != std::string::npos) {
    const size_t end = request.body.find('&', action);
    return request.body.substr(action + 7, end == std::string::npos ? end : end - action - 7);
  }
  if (request.method == "POST" && !request.path.empty()) {
    return request.path.substr(request.path.rfind('/') + 1);
  }
  return request.method + " " + request.path;
}

class FailingTransport final : public HttpTransport {
 public:
  enum class Failure { kRefused, kAnswerLost };

  FailingTransport() : real_(std::make_shared<CurlTransport>()) {}

  // From now on, count calls from zero; the `k`-th (1-based) fails as `failure`. k = 0: none.
  void arm(long k, Failure failure) {
    std::lock_guard lock(mutex_);
    calls_ = 0;
    operations_.clear();
    fail_at_ = k;
    failure_ = failure;
    failed_ = false;
  }
  // Counts from zero, failing nothing.
  void count_only() { arm(0, Failure::kRefused); }

  // Runs `action` once, just before the first call `when` picks is sent (another writer acting
  // between two of a method's calls); with `refuse`, that call is then refused as kRefused.
  void before_first(std::function<bool(const HttpRequest&)> when, std::function<void()> action,
                    bool refuse = false) {
    std::lock_guard lock(mutex_);
    before_when_ = std::move(when);
    before_action_ = std::move(action);
    before_refuses_ = refuse;
  }

  // The operation of each call counted (failing_transport.h's operation_of), in order.
  std::vector<std::string> operations() const {
    std::lock_guard lock(mutex_);
    return operations_;
  }

  long calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  // Whether the armed call came (a k larger than the method's calls never fails anything).
  bool failed() const {
    std::lock_guard lock(mutex_);
    return failed_;
  }

  absl::StatusOr<HttpResponse> send(std::string_view origin, const HttpRequest& request) override {
    bool fail = false;
    Failure failure;
    std::function<void()> before;
    {
      std::lock_guard lock(mutex_);
      fail = ++calls_ == fail_at_;
      operations_.push_back(operation_of(request));
      failure = failure_;
      if (fail) failed_ = true;
      if (before_when_ && before_when_(request)) {
        before = std::move(before_action_);
        before_when_ = nullptr;
        if (before_refuses_) {
          fail = failed_ = true;
          failure = Failure::kRefused;
        }
      }
    }
    if (before) before();
    if (!fail) return real_->send(origin, request);
    if (failure == Failure::kAnswerLost) {
      // What moto answered is thrown away, as a connection dropped after the request would.
      (void)real_->send(origin, request);
    }
    return injected_error(request);
  }

 private:
  static HttpResponse injected_error(const HttpRequest& request) {
    HttpResponse response;
    response.status = 400;
    const bool json =
        request.body.starts_with('{') || header_value(request, "x-amz-target").has_value();
    if (json) {
      response.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                          {"x-amzn-ErrorType", "InjectedFailure"},
                          {"x-amzn-RequestId", "injected-failure"}};
      response.body =
          R"({"__type":"InjectedFailure","message":"failure injected by the partial-failure test"})";
    } else {
      response.headers = {{"Content-Type", "text/xml"}};
      response.body =
          "<ErrorResponse><Error><Type>Sender</Type><Code>InjectedFailure</Code>"
          "<Message>failure injected by the partial-failure test</Message></Error>"
          "<RequestId>injected-failure</RequestId></ErrorResponse>";
    }
    return response;
  }

  std::shared_ptr<CurlTransport> real_;
  mutable std::mutex mutex_;
  long calls_ = 0;
  long fail_at_ = 0;
  Failure failure_ = Failure::kRefused;
  bool failed_ = false;
  std::vector<std::string> operations_;
  std::function<bool(const HttpRequest&)> before_when_;
  std::function<void()> before_action_;
  bool before_refuses_ = false;
};

}  // namespace datamesh::aws::testing
