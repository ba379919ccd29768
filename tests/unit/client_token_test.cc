// Writes that act once (core/client_token.h), on core::Engine directly with an in-memory SQLite
// store and a ManualClock: a write repeated with its token answers the first answer and
// changes nothing (no audit event); the same token with another request is refused; tokens
// are per account; records expire after 24 h, are pruned, and keep new secrets sealed.
#include "core/client_token.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/engine_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::core::client_token_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::hours;
using std::chrono::seconds;

constexpr char kMesh[] = "999999999999";
constexpr char kProducer[] = "111111111111";
constexpr char kConsumer[] = "222222222222";
constexpr char kProduct[] = "sales-111111111111";

std::chrono::system_clock::time_point start_time() {
  using namespace std::chrono;
  return sys_days{year{2026} / January / 2} + hours{3};
}

class ClientTokenTest : public test_support::EngineMeshTest {
 protected:
  ClientTokenTest() : EngineMeshTest(start_time(), {"orders"}) {}

  // The engine for one call of `method` by `caller` with `token` and a request hashed from
  // `request`.
  Engine once(const Caller& caller, const std::string& token, const std::string& method,
              const std::string& request) const {
    return engine_->with_client_token(ClientToken{.account_id = caller.account.account_id,
                                                  .token = token,
                                                  .method = method,
                                                  .request_hash = request_hash(request)});
  }

  size_t audit_count() const {
    auto page = engine_->list_audit_events(admin_, {.page = {.max_results = 1000}});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events.size() : 0;
  }

  std::optional<store::ClientTokenRow> record(const std::string& account,
                                              const std::string& token) {
    auto found = store_->run(store::TxMode::kRead, [&](store::Transaction& tx) {
      return tx.get_client_token(account, token);
    });
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::nullopt;
  }

};

const CreateDatabaseRequest kCreateLanding{.database_input = {.name = "landing"}};

TEST_F(ClientTokenTest, AWriteRepeatedWithItsTokenActsOnceWithOneAuditEvent) {
  const size_t before = audit_count();
  const Engine engine = once(producer_, "tok-1", "catalog/create_database", "landing");
  ASSERT_OK(engine.create_database(producer_, kCreateLanding));
  // Without the token the same call is refused (the database exists); with it, the first
  // answer (OK) comes back and nothing is written.
  ASSERT_OK(engine.create_database(producer_, kCreateLanding));
  ASSERT_OK(once(producer_, "tok-1", "catalog/create_database", "landing")
                .create_database(producer_, kCreateLanding));
  EXPECT_EQ(audit_count(), before + 1);
  EXPECT_TRUE(absl::IsAlreadyExists(engine_->create_database(producer_, kCreateLanding)));
}

TEST_F(ClientTokenTest, AReplayAnswersTheFirstAnswerWithoutASecondSubscription) {
  const RequestAccessToProductRequest request{.owner_account_id = kProducer,
                                              .database_name = kProduct,
                                              .request_permissions = {"SELECT"},
                                              .tables = std::vector<std::string>{"orders"}};
  const Engine engine = once(consumer_, "req-1", "consumer/request_access_to_product", "r");
  ASSERT_OK_AND_ASSIGN(AccessRequest first, engine.request_access_to_product(consumer_, request));
  const size_t after_first = audit_count();
  ASSERT_OK_AND_ASSIGN(AccessRequest again, engine.request_access_to_product(consumer_, request));
  EXPECT_EQ(again.subscription_id, first.subscription_id);
  EXPECT_EQ(again.type, first.type);
  EXPECT_EQ(again.database, first.database);
  EXPECT_EQ(again.tables, first.tables);
  EXPECT_EQ(audit_count(), after_first);
  ASSERT_OK_AND_ASSIGN(SubscriptionPage pending,
                       engine_->list_pending_access_requests(producer_, {}));
  EXPECT_EQ(pending.subscriptions.size(), 1u);
}

TEST_F(ClientTokenTest, AReplayOfANewKeyAnswersTheSameSecretWhichTheRecordKeepsSealed) {
  const Engine engine = once(admin_, "key-1", "admin/create_access_key", kProducer);
  ASSERT_OK_AND_ASSIGN(AccountCredentials first,
                       engine.create_access_key(admin_, {.account_id = kProducer}));
  ASSERT_OK_AND_ASSIGN(AccountCredentials again,
                       engine.create_access_key(admin_, {.account_id = kProducer}));
  EXPECT_EQ(again.access_key_id, first.access_key_id);
  EXPECT_EQ(again.secret_access_key, first.secret_access_key);
  EXPECT_EQ(again.account_id, first.account_id);
  ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> keys,
                       engine_->list_access_keys(admin_, {.account_id = kProducer}));
  EXPECT_EQ(keys.size(), 2u);  // the account's first key and this one
  std::optional<store::ClientTokenRow> kept = record(kMesh, "key-1");
  ASSERT_TRUE(kept.has_value());
  EXPECT_THAT(kept->answer, HasSubstr(first.access_key_id));
  EXPECT_THAT(kept->answer, Not(HasSubstr(first.secret_access_key)));
}

TEST_F(ClientTokenTest, TheSameTokenWithAnotherRequestOrMethodIsRefusedAndChangesNothing) {
  ASSERT_OK(once(producer_, "tok", "catalog/create_database", "landing")
                .create_database(producer_, kCreateLanding));
  const size_t before = audit_count();
  const CreateDatabaseRequest other{.database_input = {.name = "other"}};
  absl::Status mismatch = once(producer_, "tok", "catalog/create_database", "other")
                              .create_database(producer_, other);
  EXPECT_TRUE(absl::IsInvalidArgument(mismatch)) << mismatch;
  EXPECT_THAT(std::string(mismatch.message()),
              HasSubstr("client_token tok was already used by account 111111111111 for another "
                        "request (other parameters of catalog/create_database)"));
  absl::Status other_method = once(producer_, "tok", "catalog/delete_database", "landing")
                                  .delete_database(producer_, {.name = "landing"});
  EXPECT_TRUE(absl::IsInvalidArgument(other_method)) << other_method;
  EXPECT_THAT(std::string(other_method.message()), HasSubstr("(catalog/create_database)"));
  EXPECT_EQ(audit_count(), before);
  EXPECT_TRUE(absl::IsNotFound(engine_->get_database(producer_, {.name = "other"}).status()));
  EXPECT_OK(engine_->get_database(producer_, {.name = "landing"}).status());
}

TEST_F(ClientTokenTest, TokensAreScopedPerAccount) {
  ASSERT_OK(once(producer_, "shared", "catalog/create_database", "landing")
                .create_database(producer_, kCreateLanding));
  // The consumer's own catalog has no landing database: its call with the same token acts.
  ASSERT_OK(once(consumer_, "shared", "catalog/create_database", "landing")
                .create_database(consumer_, kCreateLanding));
  EXPECT_OK(engine_->get_database(consumer_, {.name = "landing"}).status());
  EXPECT_TRUE(record(kProducer, "shared").has_value());
  EXPECT_TRUE(record(kConsumer, "shared").has_value());
}

TEST_F(ClientTokenTest, AnExpiredTokenActsAgainAndIsRecordedAnew) {
  const Engine engine = once(admin_, "key", "admin/create_access_key", kProducer);
  ASSERT_OK_AND_ASSIGN(AccountCredentials first,
                       engine.create_access_key(admin_, {.account_id = kProducer}));
  clock_.advance(kClientTokenLifetime - seconds{1});
  ASSERT_OK_AND_ASSIGN(AccountCredentials replayed,
                       engine.create_access_key(admin_, {.account_id = kProducer}));
  EXPECT_EQ(replayed.access_key_id, first.access_key_id);
  clock_.advance(seconds{1});
  ASSERT_OK_AND_ASSIGN(AccountCredentials second,
                       engine.create_access_key(admin_, {.account_id = kProducer}));
  EXPECT_NE(second.access_key_id, first.access_key_id);
  std::optional<store::ClientTokenRow> kept = record(kMesh, "key");
  ASSERT_TRUE(kept.has_value());
  EXPECT_THAT(kept->answer, HasSubstr(second.access_key_id));
}

TEST_F(ClientTokenTest, AFailedWriteIsNotRecordedSoItsRetryActs) {
  const Engine engine = once(producer_, "tok", "catalog/create_database", "sales");
  const CreateDatabaseRequest sales{.database_input = {.name = "sales"}};
  EXPECT_TRUE(absl::IsAlreadyExists(engine.create_database(producer_, sales)));
  EXPECT_FALSE(record(kProducer, "tok").has_value());
  ASSERT_OK(engine_->delete_database(producer_, {.name = "sales"}));
  ASSERT_OK(engine.create_database(producer_, sales));
  EXPECT_TRUE(record(kProducer, "tok").has_value());
}

TEST_F(ClientTokenTest, RecordingAWritePrunesExpiredRecords) {
  ASSERT_OK(once(producer_, "old", "catalog/create_database", "landing")
                .create_database(producer_, kCreateLanding));
  clock_.advance(kClientTokenLifetime + hours{1});
  ASSERT_TRUE(record(kProducer, "old").has_value());  // expired, not yet pruned
  ASSERT_OK(once(consumer_, "new", "catalog/create_database", "landing")
                .create_database(consumer_, kCreateLanding));
  EXPECT_FALSE(record(kProducer, "old").has_value());
  EXPECT_TRUE(record(kConsumer, "new").has_value());
}

TEST(ClientTokenCheckTest, TokensAreOneToSixtyFourPrintableAsciiCharacters) {
  EXPECT_OK(check_client_token("a"));
  EXPECT_OK(check_client_token(std::string(64, '~')));
  EXPECT_OK(check_client_token("550e8400-e29b-41d4-a716-446655440000"));
  for (const std::string& bad : {std::string(), std::string(65, 'a'), std::string("with space"),
                                 std::string("tab\there"), std::string("caf\xc3\xa9")}) {
    absl::Status status = check_client_token(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << bad;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("client_token must be 1 to 64 printable ASCII characters"));
  }
}

TEST(ClientTokenCheckTest, RecordedAnswersRoundTripAndADamagedRecordIsInternal) {
  ASSERT_OK_AND_ASSIGN(security::SecretBox sealer,
                       security::SecretBox::from_key(std::string(32, 'k')));
  const DataProduct product{.database_name = "sales-1",
                            .tables = {{.source_table = "orders", .link_table = "orders_link"}}};
  ASSERT_OK_AND_ASSIGN(std::string text, encode_answer(product, sealer));
  ASSERT_OK_AND_ASSIGN(DataProduct back, decode_answer(AnswerOf<DataProduct>{}, text, sealer));
  EXPECT_EQ(back.database_name, "sales-1");
  ASSERT_EQ(back.tables.size(), 1u);
  EXPECT_EQ(back.tables[0].link_table, "orders_link");
  const std::vector<std::string> names = {"a", "b"};
  ASSERT_OK_AND_ASSIGN(text, encode_answer(names, sealer));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names_back,
                       decode_answer(AnswerOf<std::vector<std::string>>{}, text, sealer));
  EXPECT_EQ(names_back, names);
  for (const char* damaged : {"not json", "{}", R"({"DatabaseName": 5, "Tables": []})"}) {
    EXPECT_TRUE(absl::IsInternal(
        decode_answer(AnswerOf<DataProduct>{}, damaged, sealer).status()))
        << damaged;
  }
  EXPECT_TRUE(absl::IsInternal(
      decode_answer(AnswerOf<AccountCredentials>{},
                    R"({"AccountId":"1","AccountName":"n","AccessKeyId":"k",)"
                    R"("SealedSecretAccessKey":"!!"})",
                    sealer)
          .status()));
}

}  // namespace
}  // namespace datamesh::core::client_token_test
