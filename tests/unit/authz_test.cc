// core/authz.h: who may call which method, and what a refusal tells the caller to do. Each rule
// is checked on its own, without a store: the Caller carries the account's flags.
#include "core/authz.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Caller caller_of(Account account) {
  return Caller{.account = std::move(account), .access_key_id = "AK"};
}

Account account(std::string id) { return Account{.account_id = std::move(id), .name = "test"}; }

Account producer(std::string id) {
  Account a = account(std::move(id));
  a.producer_enabled = a.producer_initialized = true;
  return a;
}

Account consumer(std::string id) {
  Account a = account(std::move(id));
  a.consumer_enabled = a.consumer_initialized = true;
  return a;
}

Account mesh_account() {
  Account a = account("999999999999");
  a.is_mesh = true;
  return a;
}

std::string message(const absl::Status& status) { return std::string(status.message()); }

TEST(RequireMeshAdmin, AcceptsOnlyTheMeshAccount) {
  EXPECT_OK(require_mesh_admin(caller_of(mesh_account()), "create accounts"));
  const absl::Status refused = require_mesh_admin(caller_of(producer("111111111111")),
                                                  "create accounts");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(message(refused),
            "only the mesh admin may create accounts; account 111111111111 is not the mesh "
            "account");
}

TEST(RequireProducer, AcceptsAnAccountEnabledAndInitializedAsProducer) {
  EXPECT_OK(require_producer(caller_of(producer("111111111111")), "approve access requests"));
}

TEST(RequireProducer, RefusesAConsumerNamingTheMeshAdminsStepFirst) {
  // A consumer has neither producer flag: its own initialize step alone would not let it act
  // as producer, so the message leads with the admin's step and then names the account's.
  const absl::Status refused =
      require_producer(caller_of(consumer("222222222222")), "approve access requests");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(message(refused),
            "account 222222222222 cannot approve access requests: the mesh admin has not enabled "
            "it as producer (the mesh admin runs admin enable-account-as-producer --account-id "
            "222222222222, enable_account_as_producer in the API); then the account runs "
            "initialize_producer_account with its credentials");
}

TEST(RequireProducer, RefusesAnInitializedButNotEnabledAccountNamingOnlyTheAdminsStep) {
  Account a = account("111111111111");
  a.producer_initialized = true;
  const absl::Status refused = require_producer(caller_of(a), "read data products");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(message(refused), HasSubstr("admin enable-account-as-producer --account-id "
                                          "111111111111"));
  EXPECT_THAT(message(refused), Not(HasSubstr("initialize_producer_account")));
}

TEST(RequireProducer, RefusesAnEnabledButUninitializedAccountNamingItsOwnStep) {
  Account a = account("111111111111");
  a.producer_enabled = true;
  const absl::Status refused = require_producer(caller_of(a), "read data products");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(message(refused),
            "account 111111111111 cannot read data products: it has not initialized itself as "
            "producer (run initialize_producer_account with its credentials)");
}

TEST(RequireProducer, RefusesTheMeshAccountWhateverItsFlags) {
  Account a = mesh_account();
  a.producer_enabled = a.producer_initialized = true;
  const absl::Status refused = require_producer(caller_of(a), "approve access requests");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(message(refused), HasSubstr("it acts only as admin"));
}

TEST(RequireConsumer, IsTheSymmetricRuleForConsumers) {
  EXPECT_OK(require_consumer(caller_of(consumer("222222222222")), "request access"));
  const absl::Status refused = require_consumer(caller_of(producer("111111111111")),
                                                "request access");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(message(refused),
            "account 111111111111 cannot request access: the mesh admin has not enabled it as "
            "consumer (the mesh admin runs admin enable-account-as-consumer --account-id "
            "111111111111, enable_account_as_consumer in the API); then the account runs "
            "initialize_consumer_account with its credentials");
  Account enabled = account("111111111111");
  enabled.consumer_enabled = true;
  EXPECT_THAT(message(require_consumer(caller_of(enabled), "request access")),
              HasSubstr("run initialize_consumer_account"));
}

TEST(RequireConsumer, AcceptsAnAccountThatIsBothProducerAndConsumer) {
  Account both = producer("111111111111");
  both.consumer_enabled = both.consumer_initialized = true;
  EXPECT_OK(require_consumer(caller_of(both), "request access"));
  EXPECT_OK(require_producer(caller_of(both), "approve access requests"));
}

TEST(RequireParty, TheProducerMustOwnTheProductAndTheConsumerMustBeTheSubscriber) {
  const Subscription sub{.subscription_id = "S1",
                         .owner_principal = "111111111111",
                         .subscriber_principal = "222222222222"};
  EXPECT_OK(require_party(caller_of(producer("111111111111")), Persona::kProducer, sub,
                          "approve"));
  EXPECT_OK(require_party(caller_of(consumer("222222222222")), Persona::kConsumer, sub,
                          "finalize"));

  const absl::Status other_producer =
      require_party(caller_of(producer("333333333333")), Persona::kProducer, sub, "approve");
  EXPECT_EQ(other_producer.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(message(other_producer),
            "account 333333333333 cannot approve subscription S1: it does not own the data "
            "product");
  const absl::Status other_consumer =
      require_party(caller_of(consumer("444444444444")), Persona::kConsumer, sub, "finalize");
  EXPECT_EQ(message(other_consumer),
            "account 444444444444 cannot finalize subscription S1: it is not the subscriber");
  // Each side is checked as its own persona: the subscriber is no party as producer.
  EXPECT_EQ(require_party(caller_of(consumer("222222222222")), Persona::kProducer, sub, "approve")
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(RequireCatalogOwner, RefusesOnlyTheMeshAccount) {
  EXPECT_OK(require_catalog_owner(caller_of(account("555555555555")), "create databases"));
  const absl::Status refused = require_catalog_owner(caller_of(mesh_account()),
                                                     "create databases");
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(message(refused), HasSubstr("only through create_data_products"));
}

}  // namespace
}  // namespace datamesh::core
