// Authorization and authentication end to end: every producer and consumer method refuses the
// wrong principal with PermissionDenied and changes nothing; bad credentials are
// Unauthenticated; a client pointed at another mesh id is InvalidArgument.
#include <functional>
#include <string>
#include <vector>

#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

struct Who {
  const char* description;
  const char* account;
};

// Everyone but the producer that owns the sales product.
const std::vector<Who> kNotTheOwner = {{"other producer P2", kProducer2Account},
                                       {"consumer C", kConsumerAccount},
                                       {"other consumer C2", kConsumer2Account},
                                       {"account without role", kNoRoleAccount},
                                       {"mesh admin", kMeshAccount}};
// Everyone but the consumer C that made the request.
const std::vector<Who> kNotTheSubscriber = {{"other consumer C2", kConsumer2Account},
                                            {"producer P", kProducerAccount},
                                            {"other producer P2", kProducer2Account},
                                            {"account without role", kNoRoleAccount},
                                            {"mesh admin", kMeshAccount}};
const std::vector<Who> kNotAProducer = {{"consumer C", kConsumerAccount},
                                        {"other consumer C2", kConsumer2Account},
                                        {"account without role", kNoRoleAccount},
                                        {"mesh admin", kMeshAccount}};
const std::vector<Who> kNotAConsumer = {{"producer P", kProducerAccount},
                                        {"other producer P2", kProducer2Account},
                                        {"account without role", kNoRoleAccount},
                                        {"mesh admin", kMeshAccount}};

class AuthorizationTest : public MeshFixture {
 protected:
  void SetUp() override {
    MeshFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_OK(publish_sales());
    // P2 has a product of its own, so that its refusals are about ownership, not about roles.
    ASSERT_OK(create_sales_database(kProducer2Account));
    ASSERT_OK(producer(kProducer2Account).create_data_products(kSalesDatabase));
    ASSERT_OK_AND_ASSIGN(pending_, request({"SELECT", "INSERT"}, Strings{"orders"}));
    ASSERT_OK_AND_ASSIGN(active_, active_subscription({"SELECT", "INSERT"}, std::nullopt));
    ASSERT_OK(consumer().finalize_subscription(active_));
  }

  // Calls `call` as each of `callers`, expecting PermissionDenied and no change to subscription
  // `id` (as its owner sees it, with its grants) nor to the audit log.
  void expect_refused(const std::vector<Who>& callers, const std::string& id,
                      const std::function<absl::Status(const std::string& account)>& call) {
    ASSERT_OK_AND_ASSIGN(std::string before, snapshot(id));
    for (const Who& who : callers) {
      SCOPED_TRACE(who.description);
      EXPECT_STATUS_CODE(call(who.account), StatusCode::kPermissionDenied);
      EXPECT_EQ(snapshot(id).value_or("snapshot failed"), before);
    }
  }

  std::string pending_;  // C's Pending request for SELECT, INSERT on orders
  std::string active_;   // C's Active, finalized subscription for SELECT, INSERT on the database
};

// --- producer methods --------------------------------------------------------------------------

TEST_F(AuthorizationTest, ApproveByAnyoneButTheOwnerIsPermissionDenied) {
  expect_refused(kNotTheOwner, pending_, [&](const std::string& account) {
    return producer(account).approve_access_request(pending_);
  });
  EXPECT_OK(producer().approve_access_request(pending_));
}

TEST_F(AuthorizationTest, DenyByAnyoneButTheOwnerIsPermissionDenied) {
  expect_refused(kNotTheOwner, pending_, [&](const std::string& account) {
    return producer(account).deny_access_request(pending_, "no");
  });
  EXPECT_OK(producer().deny_access_request(pending_, "no"));
}

TEST_F(AuthorizationTest, UpdateByAnyoneButTheOwnerIsPermissionDenied) {
  expect_refused(kNotTheOwner, active_, [&](const std::string& account) {
    return producer(account).update_subscription_permissions(active_, {"SELECT"}, "narrow");
  });
  EXPECT_OK(producer().update_subscription_permissions(active_, {"SELECT"}, "narrow"));
}

TEST_F(AuthorizationTest, ProducerDeleteByAnyoneButTheOwnerIsPermissionDenied) {
  expect_refused(kNotTheOwner, active_, [&](const std::string& account) {
    return producer(account).delete_subscription(active_, "gone");
  });
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "orders"));
}

TEST_F(AuthorizationTest, ProducerReadsByAnyoneButTheOwnerArePermissionDenied) {
  expect_refused(kNotTheOwner, active_, [&](const std::string& account) {
    return producer(account).get_subscription(active_).status();
  });
  expect_refused(kNotTheOwner, active_, [&](const std::string& account) {
    return producer(account).get_subscription_grants(active_).status();
  });
  expect_refused(kNotTheOwner, active_, [&](const std::string& account) {
    return producer(account).get_subscription_history(active_).status();
  });
}

TEST_F(AuthorizationTest, ListPendingAccessRequestsNeedsTheProducerRole) {
  expect_refused(kNotAProducer, pending_, [&](const std::string& account) {
    return producer(account).list_pending_access_requests().status();
  });
}

TEST_F(AuthorizationTest, ConsumerCallingAProducerMethodIsToldTheMeshAdminMustEnableIt) {
  // C never was a producer: initializing itself would not give it the right, so the remedy
  // named first is the mesh admin's, then the account's own step.
  EXPECT_STATUS(producer(kConsumerAccount).list_pending_access_requests(),
                StatusCode::kPermissionDenied,
                "the mesh admin has not enabled it as producer (the mesh admin runs admin "
                "enable-account-as-producer --account-id 222222222222, "
                "enable_account_as_producer in the API); then the account runs "
                "initialize_producer_account with its credentials");
  // The remedy works: enabled by the admin and initialized by itself, C may act as producer.
  ASSERT_OK(admin().enable_account_as_producer(kConsumerAccount));
  ASSERT_OK(admin_as(kConsumerAccount).initialize_producer_account());
  EXPECT_OK(producer(kConsumerAccount).list_pending_access_requests());
}

TEST_F(AuthorizationTest, ProducerCallingAConsumerMethodIsToldTheMeshAdminMustEnableIt) {
  EXPECT_STATUS(consumer(kProducerAccount).list_product_access(), StatusCode::kPermissionDenied,
                "the mesh admin has not enabled it as consumer (the mesh admin runs admin "
                "enable-account-as-consumer --account-id 111111111111, "
                "enable_account_as_consumer in the API); then the account runs "
                "initialize_consumer_account with its credentials");
  ASSERT_OK(admin().enable_account_as_consumer(kProducerAccount));
  ASSERT_OK(admin_as(kProducerAccount).initialize_consumer_account());
  EXPECT_OK(consumer(kProducerAccount).list_product_access());
}

TEST_F(AuthorizationTest, CreateDataProductsNeedsTheProducerRole) {
  for (const Who& who : kNotAProducer) {
    if (std::string(who.account) != kMeshAccount) {
      ASSERT_OK(create_sales_database(who.account));
    }
  }
  expect_refused(kNotAProducer, pending_, [&](const std::string& account) {
    return producer(account).create_data_products(kSalesDatabase).status();
  });
  for (const Who& who : kNotAProducer) {
    SCOPED_TRACE(who.description);
    EXPECT_STATUS_CODE(catalog(kMeshAccount).get_database(std::string("sales-") + who.account),
                       StatusCode::kNotFound);
  }
}

TEST_F(AuthorizationTest, GetDataProductNeedsTheProducerRole) {
  expect_refused(kNotAProducer, pending_, [&](const std::string& account) {
    return producer(account).get_data_product(kSalesProduct).status();
  });
}

TEST_F(AuthorizationTest, GetDataProductOfAnotherProducersDatabaseIsPermissionDenied) {
  // producer.h: PermissionDenied when the caller does not own the product.
  EXPECT_STATUS_CODE(producer(kProducer2Account).get_data_product(kSalesProduct),
                     StatusCode::kPermissionDenied);
}

// --- consumer methods --------------------------------------------------------------------------

TEST_F(AuthorizationTest, RequestAccessNeedsTheConsumerRole) {
  expect_refused(kNotAConsumer, pending_, [&](const std::string& account) {
    return consumer(account)
        .request_access_to_product(kProducerAccount, kSalesProduct, {"SELECT"}, Strings{"orders"})
        .status();
  });
  ASSERT_OK_AND_ASSIGN(SubscriptionPage pending, producer().list_pending_access_requests());
  EXPECT_EQ(pending.subscriptions.size(), 1u);
}

TEST_F(AuthorizationTest, FinalizeByAnyoneButTheSubscriberIsPermissionDenied) {
  ASSERT_OK_AND_ASSIGN(std::string fresh, active_subscription({"DELETE"}, Strings{"orders"}));
  expect_refused(kNotTheSubscriber, fresh, [&](const std::string& account) {
    return consumer(account).finalize_subscription(fresh);
  });
  EXPECT_STATUS_CODE(catalog(kConsumer2Account).get_database(kSalesProduct), StatusCode::kNotFound);
}

TEST_F(AuthorizationTest, ConsumerDeleteByAnyoneButTheSubscriberIsPermissionDenied) {
  expect_refused(kNotTheSubscriber, active_, [&](const std::string& account) {
    return consumer(account).delete_subscription(active_, "leave");
  });
  expect_refused(kNotTheSubscriber, pending_, [&](const std::string& account) {
    return consumer(account).delete_subscription(pending_, "withdraw");
  });
  EXPECT_OK(consumer().get_table_info(kSalesProduct, "orders"));
}

TEST_F(AuthorizationTest, ConsumerReadsByAnyoneButTheSubscriberArePermissionDenied) {
  expect_refused(kNotTheSubscriber, active_, [&](const std::string& account) {
    return consumer(account).get_subscription(active_).status();
  });
  expect_refused(kNotTheSubscriber, active_, [&](const std::string& account) {
    return consumer(account).get_subscription_grants(active_).status();
  });
  expect_refused(kNotTheSubscriber, active_, [&](const std::string& account) {
    return consumer(account).get_subscription_history(active_).status();
  });
}

TEST_F(AuthorizationTest, ConsumerOwnViewsNeedTheConsumerRole) {
  expect_refused(kNotAConsumer, active_, [&](const std::string& account) {
    return consumer(account).list_product_access().status();
  });
  expect_refused(kNotAConsumer, active_, [&](const std::string& account) {
    return consumer(account).get_table_info(kSalesProduct, "orders").status();
  });
  expect_refused(kNotAConsumer, active_, [&](const std::string& account) {
    return consumer(account).check_permission(kSalesProduct, "orders", "SELECT").status();
  });
}

TEST_F(AuthorizationTest, AnotherConsumersViewsShowNothingOfTheSubscription) {
  ASSERT_OK_AND_ASSIGN(SubscriptionPage theirs, consumer(kConsumer2Account).list_product_access());
  EXPECT_TRUE(theirs.subscriptions.empty());
  EXPECT_STATUS_CODE(consumer(kConsumer2Account).get_table_info(kSalesProduct, "orders"),
                     StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(
      PermissionCheck check,
      consumer(kConsumer2Account).check_permission(kSalesProduct, "orders", "SELECT"));
  EXPECT_FALSE(check.allowed);
}

// --- authentication ----------------------------------------------------------------------------

TEST_F(AuthorizationTest, UnknownAccessKeyIsUnauthenticated) {
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(pending_));
  DataMeshProducer stranger(options(Credentials{.account_id = kProducerAccount,
                                                .access_key_id = "DMAKUNKNOWNKEY000000",
                                                .secret_access_key = "whatever"}));
  EXPECT_STATUS_CODE(stranger.approve_access_request(pending_), StatusCode::kUnauthenticated);
  EXPECT_EQ(snapshot(pending_).value_or(""), before);
}

TEST_F(AuthorizationTest, WrongSecretIsUnauthenticated) {
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(pending_));
  Credentials wrong = credentials(kProducerAccount);
  wrong.secret_access_key += "x";
  DataMeshProducer with_wrong_secret(options(wrong));
  EXPECT_STATUS_CODE(with_wrong_secret.approve_access_request(pending_),
                     StatusCode::kUnauthenticated);
  wrong.secret_access_key = credentials(kConsumerAccount).secret_access_key;
  DataMeshProducer with_other_secret(options(wrong));
  EXPECT_STATUS_CODE(with_other_secret.approve_access_request(pending_),
                     StatusCode::kUnauthenticated);
  Credentials admin_wrong = credentials(kMeshAccount);
  admin_wrong.secret_access_key = "not the secret";
  DataMeshAdmin admin_with_wrong_secret(options(admin_wrong));
  EXPECT_STATUS_CODE(admin_with_wrong_secret.list_accounts(), StatusCode::kUnauthenticated);
  EXPECT_EQ(snapshot(pending_).value_or(""), before);
}

TEST_F(AuthorizationTest, RevokedKeyIsUnauthenticated) {
  ASSERT_OK(admin().revoke_access_key(credentials(kProducerAccount).access_key_id));
  ASSERT_OK_AND_ASSIGN(std::size_t before, audit_count());
  EXPECT_STATUS_CODE(producer().approve_access_request(pending_), StatusCode::kUnauthenticated);
  EXPECT_STATUS_CODE(producer().get_subscription(pending_), StatusCode::kUnauthenticated);
  EXPECT_EQ(audit_count().value_or(0), before);
  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer().get_subscription(pending_));
  EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
}

TEST_F(AuthorizationTest, KeyOfAnotherAccountIsUnauthenticated) {
  // The consumer's key presented as the producer's account.
  Credentials mixed = credentials(kConsumerAccount);
  mixed.account_id = kProducerAccount;
  DataMeshProducer impostor(options(mixed));
  EXPECT_STATUS_CODE(impostor.approve_access_request(pending_), StatusCode::kUnauthenticated);
  ASSERT_OK_AND_ASSIGN(Subscription sub, subscription(pending_));
  EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
}

TEST_F(AuthorizationTest, WrongDataMeshAccountIdIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(std::string before, snapshot(pending_));
  DataMeshProducer elsewhere(options(credentials(kProducerAccount), "888888888888"));
  EXPECT_STATUS(elsewhere.approve_access_request(pending_), StatusCode::kInvalidArgument,
                "888888888888");
  DataMeshConsumer consumer_elsewhere(options(credentials(kConsumerAccount), "888888888888"));
  EXPECT_STATUS_CODE(consumer_elsewhere.delete_subscription(pending_, "gone"),
                     StatusCode::kInvalidArgument);
  DataMeshAdmin admin_elsewhere(options(credentials(kMeshAccount), "888888888888"));
  EXPECT_STATUS_CODE(admin_elsewhere.list_accounts(), StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(pending_).value_or(""), before);
}

}  // namespace
}  // namespace datamesh::test_support
