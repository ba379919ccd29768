// Writes that act once over HTTP (issue 15, acceptance 5): a signed write replayed byte for
// byte within the signature's 5-minute window acts once when it carries a client_token, and
// the remote client's retry of a write whose answer was lost (the server committed, the
// connection died) repeats its token, so the write acts once and the caller gets the answer.
#include <string>

#include <nlohmann/json.hpp>

#include "datamesh/consumer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/answer_dropping_proxy.h"
#include "server/served_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test::client_token_test {
namespace {

using nlohmann::json;
using test_support::kConsumerAccount;

constexpr char kRequestPath[] = "/v1/consumer/request-access-to-product";

class ServerClientTokenTest : public ServedMeshTest {
 protected:
  absl::StatusOr<size_t> consumer_subscriptions() {
    auto listed = consumer(kConsumerAccount).list_product_access();
    if (!listed.ok()) return listed.status();
    return listed->subscriptions.size();
  }
};

TEST_F(ServerClientTokenTest, ASignedWriteReplayedByteForByteActsOnceAndAnswersTheSame) {
  json body = json::parse(request_body("orders"));
  body["client_token"] = "replayed-request-1";
  ASSERT_OK_AND_ASSIGN(aws::HttpRequest request,
                       signed_post(port(), kRequestPath, body.dump(), key(kConsumerAccount)));
  ASSERT_OK_AND_ASSIGN(size_t events_before, audit_count());
  ASSERT_OK_AND_ASSIGN(size_t subscriptions_before, consumer_subscriptions());

  const HttpAnswer first = http_send(port(), request);
  ASSERT_EQ(first.status, 200) << first.transport << first.body;
  const HttpAnswer replayed = http_send(port(), request);
  ASSERT_EQ(replayed.status, 200) << replayed.transport << replayed.body;

  EXPECT_EQ(replayed.body, first.body);
  ASSERT_OK_AND_ASSIGN(size_t events_after, audit_count());
  EXPECT_EQ(events_after, events_before + 1);
  ASSERT_OK_AND_ASSIGN(size_t subscriptions_after, consumer_subscriptions());
  EXPECT_EQ(subscriptions_after, subscriptions_before + 1);
}

TEST_F(ServerClientTokenTest, ATokenReusedForAnotherSignedRequestIsRefusedAndChangesNothing) {
  json orders = json::parse(request_body("orders"));
  orders["client_token"] = "reused";
  json refunds = json::parse(request_body("refunds"));
  refunds["client_token"] = "reused";
  ASSERT_OK_AND_ASSIGN(aws::HttpRequest first,
                       signed_post(port(), kRequestPath, orders.dump(), key(kConsumerAccount)));
  ASSERT_OK_AND_ASSIGN(aws::HttpRequest second,
                       signed_post(port(), kRequestPath, refunds.dump(), key(kConsumerAccount)));
  ASSERT_EQ(http_send(port(), first).status, 200);
  ASSERT_OK_AND_ASSIGN(size_t events_before, audit_count());
  const HttpAnswer refused = http_send(port(), second);
  EXPECT_TRUE(is_error_answer(refused, 400, "InvalidArgument",
                              "client_token reused was already used by account"))
      << refused.status << " " << refused.body;
  ASSERT_OK_AND_ASSIGN(size_t events_after, audit_count());
  EXPECT_EQ(events_after, events_before);
}

TEST_F(ServerClientTokenTest, TheRemoteClientsRetryOfAWriteWhoseAnswerWasLostActsOnce) {
  AnswerDroppingProxy proxy(port(), /*drops=*/1);
  ASSERT_NE(proxy.port(), 0);
  ASSERT_OK_AND_ASSIGN(size_t events_before, audit_count());
  ASSERT_OK_AND_ASSIGN(size_t subscriptions_before, consumer_subscriptions());

  DataMeshConsumer through_proxy(client_options(proxy.endpoint(), key(kConsumerAccount), "INFO"));
  ASSERT_OK_AND_ASSIGN(AccessRequest made,
                       through_proxy.request_access_to_product(
                           test_support::kProducerAccount, kProduct, {"SELECT"},
                           std::vector<std::string>{"orders"}));

  // The first attempt reached the server, which acted; its answer was dropped. The retry
  // carried the same token and was answered from the server's record.
  EXPECT_EQ(proxy.dropped(), 1);
  const std::vector<std::string> bodies = proxy.bodies();
  ASSERT_EQ(bodies.size(), 2u);
  const json first = json::parse(bodies[0], nullptr, false);
  const json retry = json::parse(bodies[1], nullptr, false);
  ASSERT_TRUE(first.contains("client_token")) << bodies[0];
  EXPECT_EQ(retry.value("client_token", ""), first.value("client_token", "?"));
  EXPECT_EQ(first.value("client_token", "").size(), 32u);

  ASSERT_OK_AND_ASSIGN(size_t events_after, audit_count());
  EXPECT_EQ(events_after, events_before + 1);
  ASSERT_OK_AND_ASSIGN(size_t subscriptions_after, consumer_subscriptions());
  EXPECT_EQ(subscriptions_after, subscriptions_before + 1);
  ASSERT_OK_AND_ASSIGN(SubscriptionPage access, consumer(kConsumerAccount).list_product_access());
  bool found = false;
  for (const Subscription& s : access.subscriptions) {
    found |= s.subscription_id == made.subscription_id;
  }
  EXPECT_TRUE(found) << "the answer names the subscription the first attempt made";
}

TEST_F(ServerClientTokenTest, TheRemoteClientSendsANewTokenWithEachWriteCall) {
  AnswerDroppingProxy proxy(port(), /*drops=*/0);
  DataMeshConsumer through_proxy(client_options(proxy.endpoint(), key(kConsumerAccount), "INFO"));
  for (const char* table : {"orders", "refunds"}) {
    ASSERT_OK(through_proxy
                  .request_access_to_product(
                      test_support::kProducerAccount, kProduct, {"SELECT"},
                      std::vector<std::string>{table})
                  .status());
  }
  ASSERT_OK(through_proxy.list_product_access().status());
  const std::vector<std::string> bodies = proxy.bodies();
  ASSERT_EQ(bodies.size(), 3u);
  const std::string first = json::parse(bodies[0]).value("client_token", "");
  const std::string second = json::parse(bodies[1]).value("client_token", "");
  EXPECT_FALSE(first.empty());
  EXPECT_FALSE(second.empty());
  EXPECT_NE(first, second);
  EXPECT_FALSE(json::parse(bodies[2]).contains("client_token")) << "a read takes no token";
}

}  // namespace
}  // namespace datamesh::server_test::client_token_test
