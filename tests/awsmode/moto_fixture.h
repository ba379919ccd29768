// The AWS-mode tests' access to the moto server of the ctest fixture "moto"
// (support/moto_server.sh): its URL, an AwsClient pointed at it through AWS_ENDPOINT_URL, and
// names no other test uses (all tests share one server, and ctest runs them in parallel).
//
// When moto could not be imported, the fixture wrote why; each test then reports itself skipped
// with that reason. Run outside ctest, the tests fail and say how to give them a server.
#pragma once

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "aws/client.h"
#include "aws/sts_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::aws::testing {

inline constexpr char kMotoAccount[] = "123456789012";

class MotoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* states = std::getenv("DATAMESH_TEST_MOTO_STATE");
    ASSERT_NE(states, nullptr)
        << "DATAMESH_TEST_MOTO_STATE is not set: run these tests with `ctest -L awsmode`, or "
           "start tests/support/moto_server.sh start DIR and set DATAMESH_TEST_MOTO_STATE=DIR";
    const std::string state = server_of(states);
    std::ifstream url(state + "/url");
    if (!std::getline(url, url_) || url_.empty()) {
      std::ifstream skipped(std::string(state) + "/skipped");
      std::string reason;
      if (std::getline(skipped, reason)) {
        GTEST_SKIP() << "the AWS-mode suite did not run: " << reason;
      }
      FAIL() << "no moto server: " << state << "/url is missing (did moto_start fail?)";
    }
  }

  // The state folder of this test's server. DATAMESH_TEST_MOTO_STATE may name several, separated
  // by ':' (the failure sweep's pool: moto serves one request at a time, so tests that keep it
  // busy spread over servers); a test always gets the same one, chosen by its name.
  static std::string server_of(std::string_view states) {
    const std::vector<std::string> folders =
        absl::StrSplit(absl::string_view(states.data(), states.size()), ':', absl::SkipEmpty());
    if (folders.size() <= 1) return std::string(states);
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const size_t hash =
        std::hash<std::string>{}(std::string(test->test_suite_name()) + "." + test->name());
    return folders[hash % folders.size()];
  }

  // The environment a client of the moto server sees: AWS_ENDPOINT_URL and `extra`.
  EnvironmentLookup moto_environment(std::map<std::string, std::string> extra = {}) const {
    extra.emplace("AWS_ENDPOINT_URL", url_);
    return [extra](std::string_view name) -> std::optional<std::string> {
      const auto found = extra.find(std::string(name));
      if (found == extra.end()) return std::nullopt;
      return found->second;
    };
  }

  // Options for a client of the moto server: moto accepts any key; retries never sleep.
  AwsClient::Options moto_options(std::string region = "us-east-1") const {
    AwsClient::Options options;
    options.region = std::move(region);
    options.credentials = fixed_credentials({"AKIDMOTOTESTING", "moto-testing-secret", ""});
    options.environment = moto_environment();
    options.sleep = [](std::chrono::nanoseconds) {};
    return options;
  }

  std::unique_ptr<AwsClient> moto_client(std::string region = "us-east-1") const {
    absl::StatusOr<std::unique_ptr<AwsClient>> client = AwsClient::create(moto_options(region));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // "<prefix>-<test name>-<random>", lower case, letters, digits and '-' only (valid for
  // buckets, tables, roles and databases alike), at most 60 characters.
  static std::string unique_name(std::string_view prefix) {
    static std::atomic<int> counter{0};
    thread_local std::mt19937 random{std::random_device{}()};
    std::string name(prefix);
    name += '-';
    for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
    }
    name = name.substr(0, 44);
    name += '-' + std::to_string(counter++) + '-' + std::to_string(random() % 1000000);
    return name;
  }

  const std::string& moto_url() const { return url_; }

  // A client acting in `account` on the moto server: moto gives the credentials of an
  // AssumeRole the account of the role assumed, so any 12-digit id is an account of its own
  // (its Glue catalog, DynamoDB tables, IAM, ...), isolated from the other tests'. `transport`:
  // the client's HttpTransport (null: its own CurlTransport), e.g. one that counts the calls.
  std::shared_ptr<const AwsClient> moto_account_client(
      const std::string& account, std::string region = "us-east-1",
      std::shared_ptr<HttpTransport> transport = nullptr) const {
    absl::StatusOr<StsCalls> sts = sts_calls(moto_options(region));
    EXPECT_TRUE(sts.ok()) << sts.status();
    if (!sts.ok()) return nullptr;
    absl::StatusOr<AssumedCredentials> assumed = sts->assume_role(
        SigningKey{"AKIDMOTOTESTING", "moto-testing-secret", ""},
        "arn:aws:iam::" + account + ":role/AwsDataMesh/DatameshTest", "datamesh-test");
    EXPECT_TRUE(assumed.ok()) << assumed.status();
    if (!assumed.ok()) return nullptr;
    AwsClient::Options options = moto_options(std::move(region));
    options.credentials = fixed_credentials(assumed->key);
    options.transport = std::move(transport);
    absl::StatusOr<std::unique_ptr<AwsClient>> client = AwsClient::create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::shared_ptr<const AwsClient>(*std::move(client)) : nullptr;
  }

  // A 12-digit account id no other test uses (tests share one moto server).
  static std::string unique_account() {
    static std::atomic<int> counter{0};
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::string id = std::to_string(100000000000ULL + random() % 800000000000ULL);
    id.replace(9, 3, std::to_string(100 + counter++ % 900));
    return id;
  }

 private:
  std::string url_;
};

// The principals associated with RAM share `share`, as its owner (`owner`) lists them.
inline std::vector<std::string> share_principals(const AwsClient& owner, const std::string& share) {
  absl::StatusOr<nlohmann::json> answer = owner.call(
      Service::kRam, "GetResourceShareAssociations",
      {{"associationType", "PRINCIPAL"}, {"resourceShareArns", {share}}});
  EXPECT_TRUE(answer.ok()) << answer.status();
  std::vector<std::string> principals;
  if (!answer.ok()) return principals;
  for (const nlohmann::json& association : (*answer)["resourceShareAssociations"]) {
    principals.push_back(association["associatedEntity"]);
  }
  return principals;
}

}  // namespace datamesh::aws::testing
