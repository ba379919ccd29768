// A mesh account of its own for each test of the AWS store's DynamoDB tables: its client on the
// moto server, the AwsSessions of it, and its tables made by ensure_mesh_tables. Tests run in
// parallel on one moto server; an account per test keeps their tables apart.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "aws/http_transport.h"
#include "awsmode/moto_fixture.h"
#include "store/aws/aws_sessions.h"
#include "store/aws/dynamodb_request.h"
#include "store/aws/mesh_tables.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws::testing {

// Sends as a CurlTransport does, but runs `before` once, just before the first DynamoDB request
// of `operation`: another writer's change lands between what the caller read and its write.
class InterleavingTransport final : public datamesh::aws::HttpTransport {
 public:
  InterleavingTransport(std::string operation, std::function<void()> before)
      : target_("DynamoDB_20120810." + operation), before_(std::move(before)) {}

  absl::StatusOr<datamesh::aws::HttpResponse> send(
      std::string_view origin, const datamesh::aws::HttpRequest& request) override {
    for (const auto& [name, value] : request.headers) {
      if (before_ && absl::AsciiStrToLower(name) == "x-amz-target" && value == target_) {
        std::function<void()> before = std::move(before_);
        before_ = nullptr;
        before();
      }
    }
    return inner_.send(origin, request);
  }

 private:
  std::string target_;
  std::function<void()> before_;  // null once it ran
  datamesh::aws::CurlTransport inner_;
};

class MeshTablesTest : public datamesh::aws::testing::MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    mesh_ = unique_account();
    client_ = moto_account_client(mesh_);
    ASSERT_NE(client_, nullptr);
    sessions_.emplace("us-east-1", mesh_,
                      std::map<std::string, std::shared_ptr<const datamesh::aws::AwsClient>,
                               std::less<>>{{mesh_, client_}});
    ASSERT_OK(ensure_mesh_tables(*sessions_));
  }

  const AwsSessions& sessions() const { return *sessions_; }

  // Sessions of the same mesh account whose first DynamoDB `operation` lets `before` run first.
  AwsSessions interleaved(std::string operation, std::function<void()> before) const {
    auto client = moto_account_client(
        mesh_, "us-east-1",
        std::make_shared<InterleavingTransport>(std::move(operation), std::move(before)));
    EXPECT_NE(client, nullptr);
    return AwsSessions("us-east-1", mesh_,
                       std::map<std::string, std::shared_ptr<const datamesh::aws::AwsClient>,
                                std::less<>>{{mesh_, client}});
  }
  const std::string& mesh() const { return mesh_; }

  // Sends a request as it is (to write an item exactly as the original library does, or to
  // look at what datamesh wrote), failing the test on an error.
  nlohmann::json send(const DynamoRequest& request) const {
    absl::StatusOr<nlohmann::json> answer = send_to_mesh(*sessions_, request);
    EXPECT_TRUE(answer.ok()) << request.operation << ": " << answer.status();
    return answer.ok() ? *std::move(answer) : nlohmann::json();
  }

  // How many DynamoDB pages a Query or Scan takes: the tests' data must need more than one.
  int pages_of(const DynamoRequest& request) const {
    int pages = 0;
    EXPECT_OK(for_each_mesh_page(*sessions_, request, [&](const nlohmann::json&) {
      ++pages;
      return absl::OkStatus();
    }));
    return pages;
  }

 private:
  std::string mesh_;
  std::shared_ptr<const datamesh::aws::AwsClient> client_;
  std::optional<AwsSessions> sessions_;
};

}  // namespace datamesh::store::aws::testing
