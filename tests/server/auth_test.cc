// Authentication and authorization of `datamesh serve`, with raw signed HTTP requests to an
// in-process server.
//
// Every refused request is a state-changing call (consumer C requests SELECT on a table of
// sales-111111111111) that would add a subscription and an audit event if it got through; each
// test checks the status, the {"Error": {"Code", "Message"}} body, and that the audit log and
// C's subscriptions did not change. The happy-path test shows the same request, properly
// signed, does change both, so the "nothing done" checks can fail.
#include <chrono>
#include <string>
#include <vector>

#include "aws/sigv4.h"
#include "base/sha256.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "server/served_mesh.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"

namespace datamesh::server_test {
namespace {

using std::chrono::minutes;
using std::chrono::system_clock;
using test_support::kConsumer2Account;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducer2Account;
using test_support::kProducerAccount;

constexpr char kRequestPath[] = "/v1/consumer/request-access-to-product";

// `message` with every occurrence of `key_id` replaced by "<key>".
std::string without_key_id(std::string message, const std::string& key_id) {
  for (size_t at = message.find(key_id); !key_id.empty() && at != std::string::npos;
       at = message.find(key_id, at)) {
    message.replace(at, key_id.size(), "<key>");
  }
  return message;
}

class ServerAuthTest : public ServedMeshTest {
 protected:
  // What a refused request must not have changed.
  struct Footprint {
    size_t audit_events = 0;
    size_t consumer_subscriptions = 0;
  };

  Footprint footprint() {
    Footprint seen;
    auto count = audit_count();
    EXPECT_OK(count);
    if (count.ok()) seen.audit_events = *count;
    auto listed = consumer(kConsumerAccount).list_product_access();
    EXPECT_OK(listed);
    if (listed.ok()) seen.consumer_subscriptions = listed->subscriptions.size();
    return seen;
  }

  // Sends `request`, expects the error answer, and that nothing changed. Returns the answer.
  HttpAnswer expect_refused(const aws::HttpRequest& request, long status, const std::string& code,
                            const std::string& message_part) {
    const Footprint before = footprint();
    HttpAnswer answer = http_send(port(), request);
    EXPECT_TRUE(is_error_answer(answer, status, code, message_part));
    const Footprint after = footprint();
    EXPECT_EQ(after.audit_events, before.audit_events) << "a refused request wrote audit events";
    EXPECT_EQ(after.consumer_subscriptions, before.consumer_subscriptions)
        << "a refused request created a subscription";
    return answer;
  }

  // Checks that `refused` (signed with `key_id`) got exactly the answer an unknown key gets.
  void expect_answered_as_an_unknown_key(const HttpAnswer& refused, const std::string& key_id) {
    const Credentials unknown{.access_key_id = "DMAKUNKNOWNUNKNOWN09",
                              .secret_access_key = "UnknownSecretUnknownSecretUnknownSecret0"};
    const HttpAnswer unknown_answer = expect_refused(
        signed_as(unknown, kRequestPath, request_body()), 401, "Unauthenticated", "");
    EXPECT_EQ(without_key_id(error_message(refused), key_id),
              without_key_id(error_message(unknown_answer), unknown.access_key_id));
  }

  // C's request for SELECT on `table`, signed with C's key unless told otherwise.
  aws::HttpRequest consumer_request(const std::string& table = "orders",
                                    system_clock::time_point when = system_clock::now(),
                                    const aws::Scope& scope = {kRegion, "datamesh"},
                                    const Headers& extra = {}) {
    return signed_as(key(kConsumerAccount), kRequestPath, request_body(table), when, scope, extra);
  }

  aws::HttpRequest signed_as(const Credentials& credentials, const std::string& path,
                             const std::string& body,
                             system_clock::time_point when = system_clock::now(),
                             const aws::Scope& scope = {kRegion, "datamesh"},
                             const Headers& extra = {}) {
    auto request = signed_post(port(), path, body, credentials, when, scope, extra);
    EXPECT_OK(request);
    return request.ok() ? *request : aws::HttpRequest{};
  }
};

TEST_F(ServerAuthTest, SignedRequestAccessToProductAnswersTheDocumentedJson) {
  const auto before = footprint();
  const HttpAnswer answer = http_send(port(), consumer_request("orders"));
  ASSERT_EQ(answer.status, 200) << answer.transport << answer.body;
  const nlohmann::json body = nlohmann::json::parse(answer.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << answer.body;
  EXPECT_EQ(body.size(), 4u) << answer.body;
  EXPECT_EQ(body.value("Type", ""), "TABLE");
  EXPECT_EQ(body.value("Database", ""), kProduct);
  EXPECT_EQ(body.value("Table", nlohmann::json()), nlohmann::json::array({"orders"}));
  ASSERT_TRUE(body.contains("SubscriptionId") && body["SubscriptionId"].is_string());
  const std::string id = body["SubscriptionId"].get<std::string>();
  ASSERT_FALSE(id.empty());

  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer(kConsumerAccount).get_subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
  EXPECT_EQ(sub.subscriber_principal, kConsumerAccount);
  EXPECT_EQ(sub.table_names, std::vector<std::string>{"orders"});
  const auto after = footprint();
  EXPECT_EQ(after.audit_events, before.audit_events + 1);
  EXPECT_EQ(after.consumer_subscriptions, before.consumer_subscriptions + 1);
  ASSERT_OK_AND_ASSIGN(auto events, all_audit_events(admin()));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().action, "request_access_to_product");
  EXPECT_EQ(events.back().subscription_id, id);
  EXPECT_EQ(events.back().actor_account, kConsumerAccount);
}

TEST_F(ServerAuthTest, RequestWithoutAuthorizationIsRefusedWith401) {
  aws::HttpRequest request = consumer_request();
  std::erase_if(request.headers, [](const auto& h) { return h.first == "Authorization"; });
  expect_refused(request, 401, "Unauthenticated", "not signed");
}

TEST_F(ServerAuthTest, MalformedAuthorizationIsRefusedWith401) {
  const aws::HttpRequest good = consumer_request();
  const std::string key_id = key(kConsumerAccount).access_key_id;
  const std::vector<std::string> malformed = {
      "Bearer abcdef",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 Credential=" + key_id + "/20240101/us-east-1/datamesh/aws4_request",
      "AWS4-HMAC-SHA256 Credential=" + key_id +
          "/20240101/us-east-1/datamesh/aws4_request, SignedHeaders=host;x-amz-date, "
          "Signature=not-hex",
      "AWS4-HMAC-SHA256 Credential=garbage, SignedHeaders=host, Signature=" + std::string(64, 'a'),
  };
  for (const std::string& value : malformed) {
    SCOPED_TRACE("Authorization: " + value);
    aws::HttpRequest request = good;
    for (auto& [name, header_value] : request.headers) {
      if (name == "Authorization") header_value = value;
    }
    expect_refused(request, 401, "Unauthenticated", "");
  }
}

TEST_F(ServerAuthTest, WrongSecretGetsTheSameAnswerAsAnUnknownKey) {
  Credentials wrong_secret = key(kConsumerAccount);
  wrong_secret.secret_access_key = "WrongSecretWrongSecretWrongSecretWrong00";
  remember_secret(wrong_secret.secret_access_key);
  const HttpAnswer wrong = expect_refused(signed_as(wrong_secret, kRequestPath, request_body()),
                                          401, "Unauthenticated", "");

  expect_answered_as_an_unknown_key(wrong, wrong_secret.access_key_id);
  EXPECT_EQ(error_message(wrong).find("signature does not match"), std::string::npos)
      << error_message(wrong);
}

TEST_F(ServerAuthTest, RevokedKeyGetsTheSameAnswerAsAnUnknownKey) {
  ASSERT_OK_AND_ASSIGN(AccountCredentials extra, admin().create_access_key(kConsumerAccount));
  remember_secret(extra.secret_access_key);
  const Credentials extra_key{.account_id = kConsumerAccount,
                              .access_key_id = extra.access_key_id,
                              .secret_access_key = extra.secret_access_key};
  // The key works before it is revoked.
  const HttpAnswer accepted =
      http_send(port(), signed_as(extra_key, "/v1/consumer/list-product-access", "{}"));
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  ASSERT_OK(admin().revoke_access_key(extra.access_key_id));

  const HttpAnswer revoked = expect_refused(signed_as(extra_key, kRequestPath, request_body()), 401,
                                            "Unauthenticated", "");
  expect_answered_as_an_unknown_key(revoked, extra.access_key_id);
}

TEST_F(ServerAuthTest, DateSixMinutesStaleIsRefused) {
  expect_refused(consumer_request("orders", system_clock::now() - minutes(6)), 401,
                 "Unauthenticated", "more than");
}

TEST_F(ServerAuthTest, DateSixMinutesInTheFutureIsRefused) {
  expect_refused(consumer_request("orders", system_clock::now() + minutes(6)), 401,
                 "Unauthenticated", "more than");
}

TEST_F(ServerAuthTest, SignatureReplayedWithAnotherBodyIsRefused) {
  const aws::HttpRequest original = consumer_request("orders");
  const HttpAnswer first = http_send(port(), original);
  ASSERT_EQ(first.status, 200) << first.body;

  aws::HttpRequest replayed = original;
  replayed.body = request_body("refunds");
  expect_refused(replayed, 401, "Unauthenticated", "payload hash does not match");
}

// A client that signs no X-Amz-Content-Sha256 (curl's --aws-sigv4 signs none for this service)
// gets a changed body only as a signature that does not match. The answer says so, and is the
// unknown key's all the same: which of the causes it was is not told.
TEST_F(ServerAuthTest, BodyChangedAfterSigningWithoutAPayloadHeaderSaysItMayHaveChanged) {
  aws::HttpRequest request = consumer_request("orders");
  std::erase_if(request.headers, [](const auto& header) {
    return header.first == "Authorization" || header.first == "X-Amz-Content-Sha256";
  });
  const std::string amz_date = aws::header_values(request, "X-Amz-Date").at(0);
  const Credentials& signer = key(kConsumerAccount);
  const aws::Scope scope{kRegion, "datamesh"};
  const std::vector<std::string> signed_names = {"content-type", "host", "x-amz-date"};
  const std::string to_sign = aws::string_to_sign(
      amz_date, scope,
      aws::canonical_request(request, signed_names, base::sha256_hex(request.body)));
  const std::string signing_key = aws::signing_key(
      signer.secret_access_key, std::string_view(amz_date).substr(0, 8), kRegion, "datamesh");
  request.headers.emplace_back(
      "Authorization",
      base::cat("AWS4-HMAC-SHA256 Credential=", signer.access_key_id, "/",
                aws::credential_scope(std::string_view(amz_date).substr(0, 8), scope),
                ", SignedHeaders=content-type;host;x-amz-date, Signature=",
                aws::signature(signing_key, to_sign)));

  aws::HttpRequest changed = request;
  changed.body = request_body("refunds");
  const HttpAnswer refused =
      expect_refused(changed, 401, "Unauthenticated", "changed after it was signed");
  expect_answered_as_an_unknown_key(refused, signer.access_key_id);
  // The same request, unchanged, is accepted: the hand-made signature is right.
  const HttpAnswer accepted = http_send(port(), request);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
}

TEST_F(ServerAuthTest, WrongRegionInTheCredentialScopeIsRefused) {
  expect_refused(consumer_request("orders", system_clock::now(), {"eu-west-1", "datamesh"}), 401,
                 "Unauthenticated", "region");
}

TEST_F(ServerAuthTest, WrongServiceInTheCredentialScopeIsRefused) {
  expect_refused(consumer_request("orders", system_clock::now(), {kRegion, "s3"}), 401,
                 "Unauthenticated", "service");
}

TEST_F(ServerAuthTest, MeshAccountHeaderAddedAfterSigningIsRefused) {
  aws::HttpRequest request = consumer_request();
  request.headers.emplace_back("X-Datamesh-Mesh-Account-Id", kMeshAccount);
  expect_refused(request, 401, "Unauthenticated", "not signed");
}

TEST_F(ServerAuthTest, AccountHeaderAddedAfterSigningIsRefused) {
  aws::HttpRequest request = consumer_request();
  request.headers.emplace_back("X-Datamesh-Account-Id", kConsumerAccount);
  expect_refused(request, 401, "Unauthenticated", "not signed");
}

TEST_F(ServerAuthTest, SignedMeshAccountHeaderIsAccepted) {
  // The counterpart of the two tests above: the same headers, signed, get through.
  const HttpAnswer answer =
      http_send(port(), consumer_request("orders", system_clock::now(), {kRegion, "datamesh"},
                                         {{"X-Datamesh-Mesh-Account-Id", kMeshAccount},
                                          {"X-Datamesh-Account-Id", kConsumerAccount}}));
  EXPECT_EQ(answer.status, 200) << answer.body;
}

TEST_F(ServerAuthTest, AnotherMeshIsNamedOnlyToACallerThatProvedAKey) {
  // Signed with a key of this mesh: told which mesh this is.
  expect_refused(consumer_request("orders", system_clock::now(), {kRegion, "datamesh"},
                                  {{"X-Datamesh-Mesh-Account-Id", "123456789012"}}),
                 400, "InvalidArgument",
                 cat("123456789012 is not this mesh's account (", kMeshAccount, ")"));
  // Unsigned, or signed with an unknown key: refused for that, the mesh's account untold.
  aws::HttpRequest unsigned_request = consumer_request();
  unsigned_request.headers.clear();
  unsigned_request.headers.emplace_back("X-Datamesh-Mesh-Account-Id", "1");
  const HttpAnswer answer = http_send(port(), unsigned_request);
  EXPECT_EQ(answer.status, 401) << answer.body;
  EXPECT_EQ(answer.body.find(kMeshAccount), std::string::npos) << answer.body;
}

TEST_F(ServerAuthTest, ClaimedAccountThatIsNotTheKeysAccountIsRefused) {
  expect_refused(consumer_request("orders", system_clock::now(), {kRegion, "datamesh"},
                                  {{"X-Datamesh-Account-Id", kConsumer2Account}}),
                 401, "Unauthenticated", "belongs to account");
}

TEST_F(ServerAuthTest, ProducerCannotDecideOrReadAnotherProducersSubscription) {
  ASSERT_OK_AND_ASSIGN(const std::string id, request_orders(kConsumerAccount));
  const std::string by_id = nlohmann::json{{"request_id", id}}.dump();
  expect_refused(signed_as(key(kProducer2Account), "/v1/producer/approve-access-request", by_id),
                 403, "PermissionDenied", id);
  expect_refused(signed_as(key(kProducer2Account), "/v1/producer/deny-access-request", by_id), 403,
                 "PermissionDenied", id);
  expect_refused(signed_as(key(kProducer2Account), "/v1/producer/get-subscription", by_id), 403,
                 "PermissionDenied", id);
  ASSERT_OK_AND_ASSIGN(Subscription sub, producer(kProducerAccount).get_subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kPending);
  ASSERT_OK_AND_ASSIGN(auto grants, producer(kProducerAccount).get_subscription_grants(id));
  EXPECT_TRUE(grants.empty());
}

TEST_F(ServerAuthTest, ConsumerCannotReadOrDeleteAnotherConsumersSubscription) {
  ASSERT_OK_AND_ASSIGN(const std::string id, request_orders(kConsumerAccount));
  ASSERT_OK(producer(kProducerAccount).approve_access_request(id));
  expect_refused(signed_as(key(kConsumer2Account), "/v1/consumer/get-subscription",
                           nlohmann::json{{"request_id", id}}.dump()),
                 403, "PermissionDenied", id);
  expect_refused(signed_as(key(kConsumer2Account), "/v1/consumer/delete-subscription",
                           nlohmann::json{{"subscription_id", id}, {"reason", "not mine"}}.dump()),
                 403, "PermissionDenied", id);
  expect_refused(signed_as(key(kConsumer2Account), "/v1/consumer/get-subscription-grants",
                           nlohmann::json{{"subscription_id", id}}.dump()),
                 403, "PermissionDenied", id);
  ASSERT_OK_AND_ASSIGN(Subscription sub, consumer(kConsumerAccount).get_subscription(id));
  EXPECT_EQ(sub.status, SubscriptionStatus::kActive);
  ASSERT_OK_AND_ASSIGN(auto grants, consumer(kConsumerAccount).get_subscription_grants(id));
  EXPECT_FALSE(grants.empty());
}

}  // namespace
}  // namespace datamesh::server_test
