// DataMeshProducer::list_subscriptions end to end: a producer's subscriptions across its
// products with what each grants, filtered by status, product and consumer, paged oldest first;
// every bad filter refused naming what is allowed; only producers may list, each its own.
#include <algorithm>
#include <string>
#include <vector>

#include "datamesh/producer.h"
#include "gtest/gtest.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::test_support {
namespace {

using absl::StatusCode;
using Strings = std::vector<std::string>;

Strings ids_of(const SubscriptionPage& page) {
  Strings ids;
  for (const Subscription& sub : page.subscriptions) ids.push_back(sub.subscription_id);
  return ids;
}

class ProducerSubscriptionsTest : public MeshFixture {
 protected:
  // P's product sales-111111111111 (orders, order_items) with, oldest first: active_ (C,
  // orders, SELECT granted and grantable), pending_ (C, order_items), denied_ (C2, orders) and
  // deleted_ (C, both tables, approved then torn down).
  void SetUp() override {
    MeshFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_OK(publish_sales());
    ASSERT_OK_AND_ASSIGN(
        active_, active_subscription({"SELECT"}, Strings{"orders"},
                                     {.grantable_permissions = Strings{"SELECT"}}));
    ASSERT_OK_AND_ASSIGN(pending_, request({"SELECT"}, Strings{"order_items"}));
    ASSERT_OK_AND_ASSIGN(denied_, request({"SELECT"}, Strings{"orders"}, kConsumer2Account));
    ASSERT_OK(producer().deny_access_request(denied_, "not for marketing"));
    ASSERT_OK_AND_ASSIGN(deleted_,
                         request({"SELECT", "INSERT"}, Strings{"orders", "order_items"}));
    ASSERT_OK(producer().approve_access_request(deleted_));
    ASSERT_OK(producer().delete_subscription(deleted_, "project over"));
  }

  absl::StatusOr<SubscriptionPage> list(const ListSubscriptionsRequest& request) {
    return producer().list_subscriptions(request);
  }

  // `ids`, oldest first, in the order the store lists them: as created in the SQL stores; in
  // AWS mode by CreationDate, a second's resolution, then id (docs/AWS.md), so subscriptions
  // made within one second are listed by id.
  Strings listing_order(Strings ids) {
    if (!aws_mode()) return ids;
    std::vector<std::pair<std::string, std::string>> keyed;
    for (const std::string& id : ids) {
      absl::StatusOr<Subscription> sub = subscription(id);
      EXPECT_OK(sub.status());
      keyed.emplace_back(sub.ok() ? sub->creation_date : "", id);
    }
    std::sort(keyed.begin(), keyed.end());
    Strings ordered;
    for (auto& [date, id] : keyed) ordered.push_back(std::move(id));
    return ordered;
  }

  // The subscription `id` of `page`, or a failure.
  static const Subscription* find(const SubscriptionPage& page, const std::string& id) {
    for (const Subscription& sub : page.subscriptions) {
      if (sub.subscription_id == id) return &sub;
    }
    ADD_FAILURE() << id << " is not listed";
    return nullptr;
  }

  std::string active_, pending_, denied_, deleted_;
};

TEST_F(ProducerSubscriptionsTest, ByDefaultEveryStatusButDeletedOldestFirstWithWhatEachGrants) {
  ASSERT_OK_AND_ASSIGN(SubscriptionPage page, producer().list_subscriptions({}));
  EXPECT_EQ(ids_of(page), listing_order({active_, pending_, denied_}));
  EXPECT_TRUE(page.next_token.empty());
  const Subscription* listed_active = find(page, active_);
  const Subscription* listed_pending = find(page, pending_);
  const Subscription* listed_denied = find(page, denied_);
  ASSERT_TRUE(listed_active && listed_pending && listed_denied);
  const Subscription& active = *listed_active;
  EXPECT_EQ(active.status, SubscriptionStatus::kActive);
  EXPECT_EQ(active.database_name, kSalesProduct);
  EXPECT_EQ(active.subscriber_principal, kConsumerAccount);
  EXPECT_EQ(active.table_names, Strings{"orders"});
  EXPECT_NE(std::find(active.permitted_grants.begin(), active.permitted_grants.end(), "SELECT"),
            active.permitted_grants.end());
  EXPECT_EQ(active.grantable_grants, Strings{"SELECT"});
  EXPECT_EQ(listed_pending->status, SubscriptionStatus::kPending);
  EXPECT_EQ(listed_denied->status, SubscriptionStatus::kDenied);
  EXPECT_EQ(listed_denied->subscriber_principal, kConsumer2Account);
}

TEST_F(ProducerSubscriptionsTest, StatusFilterTakesOneOrSeveralStatuses) {
  ASSERT_OK_AND_ASSIGN(SubscriptionPage deleted, list({.status = {"Deleted"}}));
  EXPECT_EQ(ids_of(deleted), Strings{deleted_});
  ASSERT_OK_AND_ASSIGN(SubscriptionPage active, list({.status = {"Active"}}));
  EXPECT_EQ(ids_of(active), Strings{active_});
  ASSERT_OK_AND_ASSIGN(SubscriptionPage live_or_gone, list({.status = {"Active", "Deleted"}}));
  EXPECT_EQ(ids_of(live_or_gone), listing_order({active_, deleted_}));
  ASSERT_OK_AND_ASSIGN(SubscriptionPage undecided, list({.status = {"Denied", "Pending"}}));
  EXPECT_EQ(ids_of(undecided), listing_order({pending_, denied_}));
  ASSERT_OK_AND_ASSIGN(SubscriptionPage all,
                       list({.status = {"Pending", "Active", "Denied", "Deleted"}}));
  EXPECT_EQ(ids_of(all), listing_order({active_, pending_, denied_, deleted_}));
}

TEST_F(ProducerSubscriptionsTest, UnknownStatusIsRefusedNamingTheAllowedOnes) {
  EXPECT_STATUS(list({.status = {"Active", "Approved"}}), StatusCode::kInvalidArgument,
                "unknown status \"Approved\"; allowed: Pending, Active, Denied, Deleted");
  EXPECT_STATUS_CODE(list({.status = {"active"}}), StatusCode::kInvalidArgument);
}

TEST_F(ProducerSubscriptionsTest, ProductFilterTakesTheMeshOrTheSourceDatabaseName) {
  ASSERT_OK_AND_ASSIGN(SubscriptionPage by_mesh_name, list({.database_name = kSalesProduct}));
  EXPECT_EQ(ids_of(by_mesh_name), listing_order({active_, pending_, denied_}));
  ASSERT_OK_AND_ASSIGN(SubscriptionPage by_source_name,
                       list({.status = {"Deleted"}, .database_name = kSalesDatabase}));
  EXPECT_EQ(ids_of(by_source_name), Strings{deleted_});
  EXPECT_STATUS(list({.database_name = "inventory"}), StatusCode::kNotFound, "inventory");
  EXPECT_STATUS(list({.database_name = "Sales!"}), StatusCode::kInvalidArgument, "database_name");
}

TEST_F(ProducerSubscriptionsTest, ProductOfAnotherProducerIsRefusedAndItsSubscriptionsNeverShow) {
  ASSERT_OK(create_sales_database(kProducer2Account));
  ASSERT_OK(producer(kProducer2Account).create_data_products(kSalesDatabase).status());
  const std::string other_product = std::string(kSalesDatabase) + "-" + kProducer2Account;
  EXPECT_STATUS(list({.database_name = other_product}), StatusCode::kPermissionDenied,
                "another producer");
  ASSERT_OK_AND_ASSIGN(SubscriptionPage of_p2, producer(kProducer2Account).list_subscriptions(
                                                   {.status = {"Pending", "Active", "Denied",
                                                               "Deleted"}}));
  EXPECT_TRUE(of_p2.subscriptions.empty());
}

TEST_F(ProducerSubscriptionsTest, ConsumerFilterGivesThatConsumersSubscriptions) {
  ASSERT_OK_AND_ASSIGN(SubscriptionPage of_c2, list({.consumer_account_id = kConsumer2Account}));
  EXPECT_EQ(ids_of(of_c2), Strings{denied_});
  ASSERT_OK_AND_ASSIGN(SubscriptionPage of_c, list({.status = {"Active", "Deleted"},
                                                    .consumer_account_id = kConsumerAccount}));
  EXPECT_EQ(ids_of(of_c), listing_order({active_, deleted_}));
  EXPECT_STATUS(list({.consumer_account_id = "2222"}), StatusCode::kInvalidArgument,
                "consumer_account_id");
}

TEST_F(ProducerSubscriptionsTest, PagesFollowTheNextTokenAlsoWhenStatusesAreDropped) {
  // Two statuses that are neither one nor "all but Deleted": rows of the other statuses lie
  // between the wanted ones and are skipped without shortening a page.
  // {Pending, Deleted}: a wanted row ends a store page that does not fill the answer's page.
  const auto walk = [&](Strings statuses) {
    Strings seen;
    ListSubscriptionsRequest request{.status = std::move(statuses), .page = {.max_results = 1}};
    for (int pages = 0; pages < 5; ++pages) {
      absl::StatusOr<SubscriptionPage> listed = list(request);
      EXPECT_OK(listed.status());
      if (!listed.ok()) break;
      const SubscriptionPage& page = *listed;
      for (const Subscription& sub : page.subscriptions) seen.push_back(sub.subscription_id);
      if (page.next_token.empty()) break;
      request.page.next_token = page.next_token;
    }
    return seen;
  };
  EXPECT_EQ(walk({"Active", "Deleted"}), listing_order({active_, deleted_}));
  EXPECT_EQ(walk({"Pending", "Deleted"}), listing_order({pending_, deleted_}));
  EXPECT_EQ(walk({"Pending", "Denied"}), listing_order({pending_, denied_}));

  const Strings all = listing_order({active_, pending_, denied_});
  ASSERT_OK_AND_ASSIGN(SubscriptionPage first, list({.page = {.max_results = 2}}));
  EXPECT_EQ(ids_of(first), (Strings{all[0], all[1]}));
  ASSERT_FALSE(first.next_token.empty());
  ASSERT_OK_AND_ASSIGN(SubscriptionPage second,
                       list({.page = {.max_results = 2, .next_token = first.next_token}}));
  EXPECT_EQ(ids_of(second), Strings{all[2]});
  EXPECT_TRUE(second.next_token.empty());
}

TEST_F(ProducerSubscriptionsTest, BadPagingIsRefused) {
  EXPECT_STATUS_CODE(list({.page = {.max_results = 0}}), StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(list({.page = {.max_results = 1001}}), StatusCode::kInvalidArgument);
  EXPECT_STATUS(list({.page = {.next_token = "AAAAAAAAAAAAAAAAAAAAAA"}}),
                StatusCode::kInvalidArgument, "page token");
}

TEST_F(ProducerSubscriptionsTest, OnlyProducersList) {
  DataMeshProducer as_consumer(options(credentials(kConsumerAccount)));
  EXPECT_STATUS(as_consumer.list_subscriptions({}), StatusCode::kPermissionDenied,
                "enable-account-as-producer");
  DataMeshProducer as_admin(options(credentials(kMeshAccount)));
  EXPECT_STATUS_CODE(as_admin.list_subscriptions({}), StatusCode::kPermissionDenied);
}

TEST_F(ProducerSubscriptionsTest, BadCredentialsAreUnauthenticated) {
  if (aws_mode()) GTEST_SKIP() << "datamesh access keys do not exist in AWS mode";
  Credentials wrong_secret = credentials(kProducerAccount);
  wrong_secret.secret_access_key[0] = wrong_secret.secret_access_key[0] == 'A' ? 'B' : 'A';
  DataMeshProducer wrong(options(wrong_secret));
  EXPECT_STATUS_CODE(wrong.list_subscriptions({}), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace datamesh::test_support
