// A caller a front end remembered instead of reading it for the call (Engine::confirming): each
// transaction of the call checks the key and the account first, so a key revoked or an account
// changed since is seen by the call itself, which then does nothing; on core::Engine directly
// with an in-memory SQLite store.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/engine_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::core::caller_confirmation_test {
namespace {

using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducerAccount;

constexpr char kProduct[] = "sales-111111111111";

class CallerConfirmationTest : public test_support::EngineMeshTest {
 protected:
  CallerConfirmationTest()
      : EngineMeshTest(std::chrono::system_clock::time_point{}, {"orders"}) {}

  // A second key of `account` and its caller, as a front end would remember it.
  Caller second_key(const std::string& account) {
    auto key = engine_->create_access_key(admin_, {.account_id = account});
    EXPECT_OK(key);
    if (!key.ok()) return {};
    auto caller = login(*key);
    EXPECT_OK(caller);
    return caller.ok() ? *caller : Caller{};
  }

  void revoke(const Caller& caller) {
    ASSERT_OK(engine_->revoke_access_key(admin_, {.key_id = caller.access_key_id}));
  }

  size_t audit_count() const {
    auto page = engine_->list_audit_events(admin_, {.page = {.max_results = 1000}});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events.size() : 0;
  }

  const RequestAccessToProductRequest request_orders_{
      .owner_account_id = kProducerAccount,
      .database_name = kProduct,
      .request_permissions = {"SELECT"},
      .tables = std::vector<std::string>{"orders"}};
};

TEST_F(CallerConfirmationTest, ACallerAsTheStoreHoldsItIsConfirmedByEachTransaction) {
  CallerConfirmation confirmation;
  const Engine engine = engine_->confirming(&consumer_, &confirmation);
  ASSERT_OK(engine.request_access_to_product(consumer_, request_orders_));
  EXPECT_EQ(confirmation.confirmed, 1);
  ASSERT_OK_AND_ASSIGN(const SubscriptionPage page, engine.list_product_access(consumer_, {}));
  EXPECT_EQ(page.subscriptions.size(), 1u);
  EXPECT_EQ(confirmation.confirmed, 2);
  EXPECT_FALSE(confirmation.stale);
  EXPECT_OK(engine_->confirm_caller(consumer_));
}

TEST_F(CallerConfirmationTest, AReadWithARevokedKeyIsStaleAndAnswersNothing) {
  const Caller remembered = second_key(kConsumerAccount);
  ASSERT_OK(engine_->request_access_to_product(consumer_, request_orders_));
  revoke(remembered);
  CallerConfirmation confirmation;
  const auto page =
      engine_->confirming(&remembered, &confirmation).list_product_access(remembered, {});
  EXPECT_TRUE(is_stale_caller(page.status())) << page.status();
  EXPECT_TRUE(absl::IsUnauthenticated(page.status()));
  EXPECT_TRUE(confirmation.stale);
  EXPECT_EQ(confirmation.confirmed, 0);
  EXPECT_TRUE(is_stale_caller(engine_->confirm_caller(remembered)));
}

TEST_F(CallerConfirmationTest, AWriteWithARevokedKeyIsStaleAndWritesNothing) {
  const Caller remembered = second_key(kConsumerAccount);
  revoke(remembered);
  const size_t before = audit_count();
  CallerConfirmation confirmation;
  const auto requested = engine_->confirming(&remembered, &confirmation)
                             .request_access_to_product(remembered, request_orders_);
  EXPECT_TRUE(is_stale_caller(requested.status())) << requested.status();
  EXPECT_TRUE(confirmation.stale);
  EXPECT_EQ(audit_count(), before);
  ASSERT_OK_AND_ASSIGN(const SubscriptionPage pending,
                       engine_->list_pending_access_requests(producer_, {}));
  EXPECT_TRUE(pending.subscriptions.empty());
}

TEST_F(CallerConfirmationTest, AWriteWithAClientTokenIsConfirmedBeforeTheTokenIsRecorded) {
  const Caller remembered = second_key(kConsumerAccount);
  revoke(remembered);
  CallerConfirmation confirmation;
  const Engine engine = engine_
                            ->with_client_token({.account_id = kConsumerAccount,
                                                 .token = "tok-1",
                                                 .method = "consumer/request_access_to_product",
                                                 .request_hash = request_hash("r")})
                            .confirming(&remembered, &confirmation);
  EXPECT_TRUE(is_stale_caller(engine.request_access_to_product(remembered, request_orders_)
                                  .status()));
  auto record = store_->run(store::TxMode::kRead, [](store::Transaction& tx) {
    return tx.get_client_token(kConsumerAccount, "tok-1");
  });
  ASSERT_OK(record);
  EXPECT_FALSE(record->has_value());
}

TEST_F(CallerConfirmationTest, AnAccountChangedSinceItWasRememberedIsStale) {
  const Caller remembered = consumer_;  // not enabled as a producer
  ASSERT_OK(engine_->enable_account_as(admin_, Persona::kProducer,
                                       {.account_id = kConsumerAccount}));
  CallerConfirmation confirmation;
  const auto page =
      engine_->confirming(&remembered, &confirmation).list_product_access(remembered, {});
  EXPECT_TRUE(is_stale_caller(page.status())) << page.status();
  EXPECT_TRUE(confirmation.stale);
  // As the store holds it now, the same caller is served.
  Caller now = remembered;
  now.account.producer_enabled = true;
  CallerConfirmation again;
  EXPECT_OK(engine_->confirming(&now, &again).list_product_access(now, {}));
  EXPECT_EQ(again.confirmed, 1);
  EXPECT_FALSE(again.stale);
}

TEST_F(CallerConfirmationTest, ARefusalBeforeAnyTransactionConfirmsNothing) {
  // A consumer asking as a producer is refused from the remembered account alone: the front end
  // confirms such a call with confirm_caller (api/mesh_service.h).
  CallerConfirmation confirmation;
  const auto pending = engine_->confirming(&consumer_, &confirmation)
                           .list_pending_access_requests(consumer_, {});
  EXPECT_TRUE(absl::IsPermissionDenied(pending.status())) << pending.status();
  EXPECT_EQ(confirmation.confirmed, 0);
  EXPECT_FALSE(confirmation.stale);
  EXPECT_OK(engine_->confirm_caller(consumer_));
}

TEST_F(CallerConfirmationTest, AReconcileByARevokedAdminKeyRepairsNothing) {
  const Caller remembered = second_key(kMeshAccount);
  revoke(remembered);
  const size_t before = audit_count();
  CallerConfirmation confirmation;
  const auto report =
      engine_->confirming(&remembered, &confirmation).reconcile(remembered, {.apply = true});
  EXPECT_TRUE(is_stale_caller(report.status())) << report.status();
  EXPECT_EQ(audit_count(), before);
}

TEST_F(CallerConfirmationTest, TheStaleErrorIsAnUnauthenticatedErrorNamingTheKey) {
  const absl::Status stale = stale_caller_error("AKIAEXAMPLE");
  EXPECT_TRUE(absl::IsUnauthenticated(stale));
  EXPECT_THAT(std::string(stale.message()), ::testing::HasSubstr("AKIAEXAMPLE"));
  EXPECT_TRUE(is_stale_caller(stale));
  EXPECT_FALSE(is_stale_caller(invalid_key_error("AKIAEXAMPLE")));
  EXPECT_FALSE(is_stale_caller(absl::OkStatus()));
}

}  // namespace
}  // namespace datamesh::core::caller_confirmation_test
