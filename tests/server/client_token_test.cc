// Writes that act once over HTTP (issue 15, acceptance 5): a signed write replayed byte for
// byte within the signature's 5-minute window acts once when it carries a client_token, and
// the remote client's retry of a write whose answer was lost (the server committed, the
// connection died) repeats its token, so the write acts once and the caller gets the answer.
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "datamesh/admin.h"
#include "datamesh/consumer.h"
#include "datamesh/producer.h"
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
using test_support::kProducerAccount;

constexpr char kRequestPath[] = "/v1/consumer/request-access-to-product";
constexpr char kCreateKeyPath[] = "/v1/admin/create-access-key";

class ServerClientTokenTest : public ServedMeshTest {
 protected:
  absl::StatusOr<size_t> consumer_subscriptions() {
    auto listed = consumer(kConsumerAccount).list_product_access();
    if (!listed.ok()) return listed.status();
    return listed->subscriptions.size();
  }

  absl::StatusOr<size_t> producer_keys() {
    auto keys = admin().list_access_keys(kProducerAccount);
    if (!keys.ok()) return keys.status();
    return keys->size();
  }

  // The mesh admin's signed create-access-key for P, with `token` unless it is empty.
  absl::StatusOr<aws::HttpRequest> create_key_request(const std::string& token) {
    json body = {{"account_id", kProducerAccount}};
    if (!token.empty()) body["client_token"] = token;
    return signed_post(port(), kCreateKeyPath, body.dump(), key(test_support::kMeshAccount));
  }
};

// create_access_key is the write a replay hurts most: every call makes another key.
TEST_F(ServerClientTokenTest, ASignedWriteReplayedByteForByteActsOnceAndAnswersTheSame) {
  ASSERT_OK_AND_ASSIGN(aws::HttpRequest request, create_key_request("replayed-request-1"));
  ASSERT_OK_AND_ASSIGN(size_t events_before, audit_count());
  ASSERT_OK_AND_ASSIGN(size_t keys_before, producer_keys());

  const HttpAnswer first = http_send(port(), request);
  ASSERT_EQ(first.status, 200) << first.transport << first.body;
  const HttpAnswer replayed = http_send(port(), request);
  ASSERT_EQ(replayed.status, 200) << replayed.transport << replayed.body;

  EXPECT_EQ(replayed.body, first.body) << "the same key and secret";
  remember_secret(json::parse(first.body).value("SecretAccessKey", ""));
  ASSERT_OK_AND_ASSIGN(size_t events_after, audit_count());
  EXPECT_EQ(events_after, events_before + 1);
  ASSERT_OK_AND_ASSIGN(size_t keys_after, producer_keys());
  EXPECT_EQ(keys_after, keys_before + 1);
}

TEST_F(ServerClientTokenTest, CopiesOfASignedWriteSentAtOnceActOnce) {
  ASSERT_OK_AND_ASSIGN(aws::HttpRequest request, create_key_request("sent-at-once"));
  ASSERT_OK_AND_ASSIGN(size_t events_before, audit_count());
  ASSERT_OK_AND_ASSIGN(size_t keys_before, producer_keys());
  constexpr int kCopies = 8;
  std::vector<HttpAnswer> answers(kCopies);
  std::vector<std::thread> senders;
  for (int i = 0; i < kCopies; ++i) {
    senders.emplace_back([&, i] { answers[i] = http_send(port(), request); });
  }
  for (std::thread& sender : senders) sender.join();
  for (const HttpAnswer& answer : answers) {
    ASSERT_EQ(answer.status, 200) << answer.transport << answer.body;
    EXPECT_EQ(answer.body, answers[0].body);
  }
  remember_secret(json::parse(answers[0].body).value("SecretAccessKey", ""));
  ASSERT_OK_AND_ASSIGN(size_t events_after, audit_count());
  EXPECT_EQ(events_after, events_before + 1);
  ASSERT_OK_AND_ASSIGN(size_t keys_after, producer_keys());
  EXPECT_EQ(keys_after, keys_before + 1);
}

// What the token prevents: the same replay without one acts twice (SigV4 allows it).
TEST_F(ServerClientTokenTest, ASignedWriteReplayedWithoutATokenActsTwice) {
  ASSERT_OK_AND_ASSIGN(aws::HttpRequest request, create_key_request(""));
  ASSERT_OK_AND_ASSIGN(size_t keys_before, producer_keys());
  const HttpAnswer first = http_send(port(), request);
  ASSERT_EQ(first.status, 200) << first.transport << first.body;
  const HttpAnswer replayed = http_send(port(), request);
  ASSERT_EQ(replayed.status, 200) << replayed.transport << replayed.body;
  remember_secret(json::parse(first.body).value("SecretAccessKey", ""));
  remember_secret(json::parse(replayed.body).value("SecretAccessKey", ""));
  EXPECT_NE(replayed.body, first.body);
  ASSERT_OK_AND_ASSIGN(size_t keys_after, producer_keys());
  EXPECT_EQ(keys_after, keys_before + 2);
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
  ASSERT_OK_AND_ASSIGN(size_t keys_before, producer_keys());

  DataMeshAdmin through_proxy(
      client_options(proxy.endpoint(), key(test_support::kMeshAccount), "INFO"));
  ASSERT_OK_AND_ASSIGN(AccountCredentials made, through_proxy.create_access_key(kProducerAccount));
  remember_secret(made.secret_access_key);

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
  ASSERT_OK_AND_ASSIGN(size_t keys_after, producer_keys());
  EXPECT_EQ(keys_after, keys_before + 1);
  // The answer is the key the first attempt made, and it works.
  ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> keys, admin().list_access_keys(kProducerAccount));
  bool listed = false;
  for (const AccessKey& k : keys) listed |= k.access_key_id == made.access_key_id;
  EXPECT_TRUE(listed) << made.access_key_id;
  const Credentials new_key{.account_id = kProducerAccount,
                            .access_key_id = made.access_key_id,
                            .secret_access_key = made.secret_access_key};
  DataMeshProducer with_new_key(client_options(endpoint(), new_key, "INFO"));
  EXPECT_OK(with_new_key.list_pending_access_requests().status());
}

TEST_F(ServerClientTokenTest, TheRemoteClientRetriesAReadWhoseAnswerWasLost) {
  AnswerDroppingProxy proxy(port(), /*drops=*/1);
  DataMeshConsumer through_proxy(client_options(proxy.endpoint(), key(kConsumerAccount), "INFO"));
  EXPECT_OK(through_proxy.list_product_access().status());
  EXPECT_EQ(proxy.dropped(), 1);
  EXPECT_EQ(proxy.bodies().size(), 2u);
}

// initialize_mesh_account takes no token (it is unauthenticated), so a lost answer is not
// retried: the caller gets Unavailable and can read the mesh to see what happened.
TEST_F(ServerClientTokenTest, TheRemoteClientDoesNotRetryInitializeMeshAccountWithoutAnAnswer) {
  AnswerDroppingProxy proxy(port(), /*drops=*/1);
  DataMeshAdmin through_proxy(client_options(proxy.endpoint(), std::nullopt, "INFO"));
  auto answer = through_proxy.initialize_mesh_account();
  EXPECT_TRUE(absl::IsUnavailable(answer.status())) << answer.status();
  ASSERT_EQ(proxy.bodies().size(), 1u);
  EXPECT_FALSE(json::parse(proxy.bodies()[0]).contains("client_token"));
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
