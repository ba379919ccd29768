// A mesh account of its own for each test of the AWS store's DynamoDB tables: its client on the
// moto server, the AwsSessions of it, and its tables made by ensure_mesh_tables. Tests run in
// parallel on one moto server; an account per test keeps their tables apart.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "awsmode/moto_fixture.h"
#include "store/aws/aws_sessions.h"
#include "store/aws/dynamodb_request.h"
#include "store/aws/mesh_tables.h"
#include "support/status_matchers.h"

namespace datamesh::store::aws::testing {

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
