// Writes that act once through the calls by name (Backend::call, as the CLI and the HTTP
// routes take them) and through the client classes' WriteOptions forms: a write given a
// client_token twice changes the mesh once, writes one audit event and answers the same;
// another request with the token is InvalidArgument; other accounts' tokens are their own;
// malformed tokens and tokens given to reads are refused.
// Runs on whatever mesh the fixture gives (embedded by default, `datamesh serve` with the
// endpoint factory).
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api/backend.h"
#include "client/open_backend.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support::client_token_test {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

class ClientTokenE2eTest : public MeshFixture {
 protected:
  absl::StatusOr<json> call(const std::string& account, const std::string& group,
                            const std::string& method, const json& params) {
    auto backend = open_backend(options(credentials(account)), /*create_if_missing=*/false);
    if (!backend.ok()) return backend.status();
    return (*backend)->call(group, method, params, credentials(account), kMeshAccount);
  }

  static json landing(const std::string& token) {
    return {{"database_input", {{"Name", "landing"}}}, {"client_token", token}};
  }
};

TEST_F(ClientTokenE2eTest, TheSameTokenTwiceChangesTheMeshOnceWithOneAuditEvent) {
  ASSERT_OK_AND_ASSIGN(size_t before, audit_count());
  ASSERT_OK(call(kProducerAccount, "catalog", "create-database", landing("t1")).status());
  ASSERT_OK(call(kProducerAccount, "catalog", "create-database", landing("t1")).status());
  ASSERT_OK_AND_ASSIGN(size_t after, audit_count());
  EXPECT_EQ(after, before + 1);
  // Without a token the same request acts, and is refused: the database exists.
  json plain = landing("");
  plain.erase("client_token");
  EXPECT_TRUE(absl::IsAlreadyExists(call(kProducerAccount, "catalog", "create_database", plain)
                                        .status()));
}

TEST_F(ClientTokenE2eTest, AReplayedWriteAnswersTheFirstAnswer) {
  // Each create_access_key makes another key: a replay must answer the first one's, secret
  // included, and make none.
  const json request = {{"account_id", kProducerAccount}, {"client_token", "new-key"}};
  ASSERT_OK_AND_ASSIGN(json first, call(kMeshAccount, "admin", "create_access_key", request));
  ASSERT_OK_AND_ASSIGN(size_t after_first, audit_count());
  ASSERT_OK_AND_ASSIGN(json again, call(kMeshAccount, "admin", "create_access_key", request));
  EXPECT_EQ(again, first);
  ASSERT_OK_AND_ASSIGN(size_t after_again, audit_count());
  EXPECT_EQ(after_again, after_first);
  ASSERT_OK_AND_ASSIGN(json keys, call(kMeshAccount, "admin", "list_access_keys",
                                       {{"account_id", kProducerAccount}}));
  EXPECT_EQ(keys.size(), 2u) << keys.dump();  // the account's first key and this one
}

TEST_F(ClientTokenE2eTest, TheSameTokenWithAnotherRequestIsRefusedAndChangesNothing) {
  ASSERT_OK(call(kProducerAccount, "catalog", "create_database", landing("t1")).status());
  ASSERT_OK_AND_ASSIGN(size_t before, audit_count());
  json other = landing("t1");
  other["database_input"]["Name"] = "other";
  auto refused = call(kProducerAccount, "catalog", "create_database", other);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("client_token t1 was already used by account 111111111111"));
  ASSERT_OK_AND_ASSIGN(size_t after, audit_count());
  EXPECT_EQ(after, before);
  EXPECT_TRUE(absl::IsNotFound(
      call(kProducerAccount, "catalog", "get_database", {{"name", "other"}}).status()));
}

TEST_F(ClientTokenE2eTest, AnotherAccountsSameTokenIsIndependent) {
  ASSERT_OK(call(kProducerAccount, "catalog", "create_database", landing("shared")).status());
  ASSERT_OK(call(kProducer2Account, "catalog", "create_database", landing("shared")).status());
  ASSERT_OK(call(kProducer2Account, "catalog", "get_database", {{"name", "landing"}}).status());
}

TEST_F(ClientTokenE2eTest, MalformedTokensAndTokensGivenToReadsAreRefused) {
  for (const std::string& bad : {std::string(), std::string(65, 'x'), std::string("a b")}) {
    auto refused = call(kProducerAccount, "catalog", "create_database", landing(bad));
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << bad;
    EXPECT_THAT(std::string(refused.status().message()),
                HasSubstr("client_token must be 1 to 64 printable ASCII characters"));
  }
  auto not_a_string =
      call(kProducerAccount, "catalog", "create_database",
           {{"database_input", {{"Name", "landing"}}}, {"client_token", 7}});
  EXPECT_TRUE(absl::IsInvalidArgument(not_a_string.status())) << not_a_string.status();
  auto read = call(kProducerAccount, "catalog", "get_databases", {{"client_token", "t"}});
  EXPECT_TRUE(absl::IsInvalidArgument(read.status())) << read.status();
  EXPECT_THAT(std::string(read.status().message()),
              HasSubstr("unknown parameter \"client_token\" for catalog get-databases"));
  ASSERT_OK_AND_ASSIGN(json databases,
                       call(kProducerAccount, "catalog", "get_databases", json::object()));
  EXPECT_THAT(databases.dump(), ::testing::Not(HasSubstr("landing")));
}

// The C++ API's form: the request and WriteOptions. A request sent again under its token (after
// a DeadlineExceeded, say) answers the first subscription id and makes no second request; an
// approval sent again is not refused as "already Active".
TEST_F(ClientTokenE2eTest, TheClientClassesWriteOptionsMakeAWriteActOnce) {
  ASSERT_OK(publish_sales().status());
  const RequestAccessToProductRequest request{.owner_account_id = kProducerAccount,
                                              .database_name = kSalesProduct,
                                              .request_permissions = {"SELECT"},
                                              .tables = std::vector<std::string>{"orders"}};
  ASSERT_OK_AND_ASSIGN(AccessRequest first,
                       consumer().request_access_to_product(request, {.client_token = "req-1"}));
  ASSERT_OK_AND_ASSIGN(size_t after_first, audit_count());
  ASSERT_OK_AND_ASSIGN(AccessRequest again,
                       consumer().request_access_to_product(request, {.client_token = "req-1"}));
  EXPECT_EQ(again.subscription_id, first.subscription_id);
  ASSERT_OK_AND_ASSIGN(size_t after_again, audit_count());
  EXPECT_EQ(after_again, after_first);

  const ApproveAccessRequestRequest approve{.request_id = first.subscription_id};
  ASSERT_OK(producer().approve_access_request(approve, {.client_token = "ok-1"}));
  EXPECT_OK(producer().approve_access_request(approve, {.client_token = "ok-1"}));
  EXPECT_TRUE(absl::IsFailedPrecondition(producer().approve_access_request(approve)))
      << "without the token the approval acts again, and is refused";

  RequestAccessToProductRequest other = request;
  other.tables = std::vector<std::string>{"order_items"};
  const auto refused = consumer().request_access_to_product(other, {.client_token = "req-1"});
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("client_token req-1 was already used by account 222222222222"));
  const auto malformed = consumer().request_access_to_product(request, {.client_token = "a b"});
  EXPECT_TRUE(absl::IsInvalidArgument(malformed.status())) << malformed.status();
  // An empty token is none: the request acts (and answers the live request it repeats).
  EXPECT_OK(consumer().request_access_to_product(request, {}).status());
}

}  // namespace
}  // namespace datamesh::test_support::client_token_test
