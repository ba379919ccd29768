// The routes of `datamesh serve` around the methods: /healthz, /openapi.json, /metrics, errors
// for unknown routes and bad bodies, the initialize switch, and what never leaves the server
// (secrets in metrics or the access log). In-process servers, raw HTTP.
#include "api/routes.h"

#include <set>
#include <string>
#include <vector>

#include "base/text.h"
#include "gtest/gtest.h"
#include "server/console_pages.h"
#include "server/request_router.h"
#include "server/served_mesh.h"
#include "support/manual_clock.h"
#include "support/mesh_fixture.h"
#include "support/status_matchers.h"
#include "testkit/http_connection.h"

namespace datamesh::server_test {
namespace {

using base::cat;
using test_support::kConsumerAccount;
using test_support::kMeshAccount;
using test_support::kProducer2Account;
using test_support::kProducerAccount;

constexpr char kRequestPath[] = "/v1/consumer/request-access-to-product";

class ServerRoutesTest : public ServedMeshTest {
 protected:
  // Sends `wire` (a request to kRequestPath) on a connection of its own and expects it refused
  // on its head: the error shape with `status`, `code` and `message` in it, the connection
  // closed after it (nothing after the head is read as a request), and the answer counted
  // under the method's route.
  void expect_refused_on_its_head(const std::string& wire, long status, const std::string& code,
                                  const std::string& message) {
    testkit::HttpConnection connection("127.0.0.1", port());
    ASSERT_TRUE(connection.send(wire)) << connection.error();
    auto answer = connection.read_answer();
    ASSERT_TRUE(answer.has_value()) << connection.error();
    EXPECT_TRUE(is_error_answer(HttpAnswer{.status = answer->status, .body = answer->body},
                                status, code, message));
    EXPECT_TRUE(answer->close);
    EXPECT_TRUE(connection.closed_by_server());
    EXPECT_EQ(metric_value(http_get(port(), "/metrics").body,
                           cat("datamesh_requests_total{route=\"consumer/request-access-to-"
                               "product\",status=\"", status, "\"}")),
              1.0);
  }

  aws::HttpRequest signed_as(const std::string& account, const std::string& path,
                             const std::string& body) {
    auto request = signed_post(port(), path, body, key(account));
    EXPECT_OK(request);
    return request.ok() ? *request : aws::HttpRequest{};
  }
};

TEST_F(ServerRoutesTest, HealthzAnswersOkWithoutSignature) {
  const HttpAnswer answer = http_get(port(), "/healthz");
  ASSERT_EQ(answer.status, 200) << answer.transport << answer.body;
  EXPECT_EQ(nlohmann::json::parse(answer.body, nullptr, false), nlohmann::json({{"Status", "ok"}}))
      << answer.body;
}

// The console page goes gzip-compressed to a client that takes gzip (or says nothing), plain to
// one that does not.
TEST_F(ServerRoutesTest, TheConsolePageIsPlainForAClientThatDoesNotTakeGzip) {
  if (!server::ConsolePages("us-east-1").built()) {
    EXPECT_EQ(http_send(port(), "GET", "/", {}, "").status, 404);
    return;
  }
  const HttpAnswer plain = http_send(port(), "GET", "/", {{"Accept-Encoding", "identity"}}, "");
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.body.starts_with("<!doctype html>") ||
              plain.body.starts_with("<!DOCTYPE html>"))
      << plain.body.substr(0, 40);
  for (const Headers& headers : {Headers{{"Accept-Encoding", "gzip, br"}}, Headers{}}) {
    const HttpAnswer gzipped = http_send(port(), "GET", "/", headers, "");
    ASSERT_EQ(gzipped.status, 200);
    EXPECT_TRUE(gzipped.body.starts_with("\x1f\x8b")) << "gzip magic";
  }
}

// Load balancers' health checks often send HEAD: it is answered as GET, without the body.
TEST_F(ServerRoutesTest, HeadIsAnsweredAsGetWithoutTheBody) {
  for (const char* path : {"/healthz", "/metrics", "/openapi.json"}) {
    const HttpAnswer answer = http_send(port(), "HEAD", path, {}, "");
    EXPECT_EQ(answer.status, 200) << path << " " << answer.transport << answer.body;
    EXPECT_EQ(answer.body, "") << path;
  }
  EXPECT_EQ(http_send(port(), "HEAD", "/nowhere", {}, "").status, 404);
}

// A route asked with an HTTP method it does not take is 405 with the methods it takes (Allow),
// not "no route": the path is right, the method is what to change.
TEST_F(ServerRoutesTest, ARouteAskedWithAnotherHttpMethodIs405NamingTheMethodsItTakes) {
  const struct {
    std::string request;
    std::string allow;
    std::string message;
  } cases[] = {
      {"GET /v1/admin/list-accounts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "POST",
       "/v1/admin/list-accounts takes POST (a JSON body, signed: see GET /openapi.json), not GET"},
      {"PUT /v1/admin/list-accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}",
       "POST", "not PUT"},
      {"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}",
       "GET, HEAD", "/healthz takes GET, HEAD, not POST"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.request);
    testkit::HttpConnection connection("127.0.0.1", port());
    ASSERT_TRUE(connection.send(c.request));
    auto answer = connection.read_answer();
    ASSERT_TRUE(answer.has_value()) << connection.error();
    EXPECT_TRUE(is_error_answer(HttpAnswer{.status = answer->status, .body = answer->body}, 405,
                                "InvalidArgument", c.message));
    EXPECT_NE(answer->head.find("Allow: " + c.allow + "\r\n"), std::string::npos) << answer->head;
  }
  // A path that is no route stays 404.
  EXPECT_EQ(http_send(port(), "GET", "/v1/admin/no-such-method", {}, "").status, 404);
}

// An unsigned call to a method that needs a signature is refused on its head: the server
// neither waits for nor holds its body (here a megabyte declared and never sent).
TEST_F(ServerRoutesTest, AnUnsignedCallIsRefusedBeforeItsBodyIsRead) {
  expect_refused_on_its_head(cat("POST ", kRequestPath, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                 "Content-Length: 1048576\r\n\r\n{"),
                             401, "Unauthenticated", "the request is not signed");
}

TEST_F(ServerRoutesTest, AnUnsignedCallIs401NamingTheSchemeThatAuthenticates) {
  testkit::HttpConnection connection("127.0.0.1", port());
  ASSERT_TRUE(connection.send(
      "POST /v1/admin/list-accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"));
  auto answer = connection.read_answer();
  ASSERT_TRUE(answer.has_value()) << connection.error();
  EXPECT_EQ(answer->status, 401);
  EXPECT_NE(answer->head.find("WWW-Authenticate: AWS4-HMAC-SHA256\r\n"), std::string::npos)
      << answer->head;
}

TEST_F(ServerRoutesTest, OpenApiDocumentHasAPathForEveryRouteAndTheSigV4Scheme) {
  const HttpAnswer answer = http_get(port(), "/openapi.json");
  ASSERT_EQ(answer.status, 200) << answer.transport << answer.body;
  const nlohmann::json document = nlohmann::json::parse(answer.body, nullptr, false);
  ASSERT_FALSE(document.is_discarded()) << "/openapi.json is not valid JSON";
  ASSERT_TRUE(document.contains("paths") && document["paths"].is_object());
  const nlohmann::json& paths = document["paths"];

  std::set<std::string> expected;
  for (const api::Route& route : api::routes()) {
    const std::string path = cat("/v1/", route.group, "/", api::dashed(route.method));
    expected.insert(path);
    SCOPED_TRACE(path);
    ASSERT_TRUE(paths.contains(path));
    ASSERT_TRUE(paths[path].contains("post"));
    const nlohmann::json& operation = paths[path]["post"];
    ASSERT_TRUE(operation.contains("security") && operation["security"].is_array());
    if (route.authenticated) {
      EXPECT_EQ(operation["security"], nlohmann::json::parse(R"([{"sigv4": []}])"));
    } else {
      EXPECT_TRUE(operation["security"].empty());
    }
  }
  std::set<std::string> documented;
  for (const auto& [path, item] : paths.items()) {
    if (path.starts_with("/v1/")) documented.insert(path);
  }
  EXPECT_EQ(documented, expected) << "the document lists /v1 paths that are not routes";
  for (const char* path : {"/healthz", "/metrics", "/openapi.json"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
  ASSERT_TRUE(document.contains("components"));
  ASSERT_TRUE(document["components"].contains("securitySchemes"));
  ASSERT_TRUE(document["components"]["securitySchemes"].contains("sigv4"));
  EXPECT_EQ(document["components"]["securitySchemes"]["sigv4"].value("name", ""), "Authorization");
}

TEST_F(ServerRoutesTest, MetricsCountRequestsErrorsLatencyAndSubscriptions) {
  const std::string request_route = "consumer/request-access-to-product";
  const std::string approve_route = "producer/approve-access-request";
  std::vector<std::string> ids;
  for (const char* table : {"orders", "order_items", "refunds"}) {
    ASSERT_OK_AND_ASSIGN(std::string id, request_orders(kConsumerAccount, {table}));
    ids.push_back(id);
  }
  ASSERT_OK(producer(kProducerAccount).approve_access_request(ids[0]));

  const HttpAnswer before_error = http_get(port(), "/metrics");
  ASSERT_EQ(before_error.status, 200);
  const std::string error_series =
      cat("datamesh_errors_total{route=\"", approve_route, "\",code=\"PermissionDenied\"}");
  EXPECT_EQ(metric_value(before_error.body, error_series), std::nullopt) << before_error.body;

  // P2 may not approve P's subscription: one failing call.
  EXPECT_STATUS_CODE(producer(kProducer2Account).approve_access_request(ids[1]),
                     absl::StatusCode::kPermissionDenied);

  const HttpAnswer answer = http_get(port(), "/metrics");
  ASSERT_EQ(answer.status, 200) << answer.transport;
  const std::string& text = answer.body;
  EXPECT_EQ(metric_value(
                text, cat("datamesh_requests_total{route=\"", request_route, "\",status=\"200\"}")),
            3.0)
      << text;
  EXPECT_EQ(metric_value(
                text, cat("datamesh_requests_total{route=\"", approve_route, "\",status=\"200\"}")),
            1.0);
  EXPECT_EQ(metric_value(
                text, cat("datamesh_requests_total{route=\"", approve_route, "\",status=\"403\"}")),
            1.0);
  EXPECT_EQ(metric_value(text, error_series), 1.0) << text;

  // The latency histogram of the request route: buckets cumulative, +Inf = count = calls.
  EXPECT_NE(text.find("# TYPE datamesh_request_duration_seconds histogram"), std::string::npos);
  double previous = 0;
  int buckets = 0;
  const std::string bucket_prefix =
      cat("datamesh_request_duration_seconds_bucket{route=\"", request_route, "\",le=\"");
  size_t at = 0;
  while ((at = text.find(bucket_prefix, at)) != std::string::npos) {
    const size_t value_at = text.find("} ", at);
    ASSERT_NE(value_at, std::string::npos);
    const double value = std::strtod(text.c_str() + value_at + 2, nullptr);
    EXPECT_GE(value, previous) << "histogram buckets must be cumulative";
    previous = value;
    ++buckets;
    at = value_at;
  }
  EXPECT_GE(buckets, 2);
  EXPECT_EQ(metric_value(text, cat(bucket_prefix, "+Inf\"}")), 3.0) << text;
  EXPECT_EQ(metric_value(text, cat("datamesh_request_duration_seconds_count{route=\"",
                                   request_route, "\"}")),
            3.0);
  const auto sum = metric_value(
      text, cat("datamesh_request_duration_seconds_sum{route=\"", request_route, "\"}"));
  ASSERT_TRUE(sum.has_value()) << text;
  EXPECT_GT(*sum, 0.0);

  // The subscription gauge tells the truth.
  ASSERT_OK_AND_ASSIGN(SubscriptionPage pending,
                       producer(kProducerAccount).list_pending_access_requests());
  EXPECT_EQ(pending.subscriptions.size(), 2u);
  EXPECT_EQ(metric_value(text, "datamesh_subscriptions{status=\"Pending\"}"),
            static_cast<double>(pending.subscriptions.size()))
      << text;
  EXPECT_EQ(metric_value(text, "datamesh_subscriptions{status=\"Active\"}"), 1.0);
  EXPECT_EQ(metric_value(text, "datamesh_subscriptions{status=\"Deleted\"}"), 0.0);
}

TEST_F(ServerRoutesTest, UnknownRouteIs404WithTheErrorBody) {
  EXPECT_TRUE(is_error_answer(http_send(port(), "POST", "/v1/consumer/no-such-method", {}, "{}"),
                              404, "NotFound", "no-such-method"));
  EXPECT_TRUE(is_error_answer(http_send(port(), "POST", "/v1/nogroup/anything", {}, "{}"), 404,
                              "NotFound", "nogroup"));
  EXPECT_TRUE(is_error_answer(http_get(port(), "/no/such/page"), 404, "NotFound", ""));
  // A method's route asked with GET exists: 405 (ARouteAskedWithAnotherHttpMethodIs405...).
  EXPECT_TRUE(is_error_answer(http_get(port(), "/v1/consumer/list-product-access"), 405,
                              "InvalidArgument", "takes POST"));
}

TEST_F(ServerRoutesTest, TheAccessLogCutsALongPath) {
  const std::string path = "/" + std::string(20000, 'a');
  EXPECT_TRUE(is_error_answer(http_get(port(), path), 404, "NotFound", ""));
  const std::string log = access_log();
  EXPECT_NE(log.find(cat("\"path\":\"/", std::string(255, 'a'), "...\"")), std::string::npos)
      << log.substr(0, 600);
  EXPECT_NE(log.find("\"path_bytes\":20001"), std::string::npos);
  EXPECT_EQ(log.find(std::string(300, 'a')), std::string::npos);
}

TEST_F(ServerRoutesTest, InventedMethodsShareOneMetricsLabel) {
  // Unsigned posts to made-up methods must not add series to /metrics, or anyone could grow it.
  for (const char* path : {"/v1/consumer/aaa-invented", "/v1/consumer/bbb-invented"}) {
    EXPECT_TRUE(is_error_answer(http_send(port(), "POST", path, {}, "{}"), 404, "NotFound", ""));
  }
  const HttpAnswer metrics = http_get(port(), "/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.transport;
  EXPECT_EQ(metrics.body.find("invented"), std::string::npos) << metrics.body;
  EXPECT_EQ(metric_value(metrics.body, "datamesh_requests_total{route=\"unknown\",status=\"404\"}"),
            2.0)
      << metrics.body;
}

TEST_F(ServerRoutesTest, MalformedJsonBodyIs400AndChangesNothing) {
  ASSERT_OK_AND_ASSIGN(const size_t before, audit_count());
  for (const std::string& body :
       {std::string(R"({"owner_account_id": "111111111111", "database_name": )"),
        std::string("not json at all"), std::string(R"(["owner_account_id"])")}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(is_error_answer(http_send(port(), signed_as(kConsumerAccount, kRequestPath, body)),
                                400, "InvalidArgument"));
  }
  ASSERT_OK_AND_ASSIGN(const size_t after, audit_count());
  EXPECT_EQ(after, before);
}

TEST_F(ServerRoutesTest, BodyOverTheLimitIs413WithTheErrorBody) {
  ScratchDir scratch;
  InProcessServer small;
  server::ServerConfig config = default_config();
  config.max_body_bytes = 2048;
  ASSERT_OK(small.start(config, scratch.path() / "mesh.db"));
  ASSERT_OK_AND_ASSIGN(
      auto keys, set_up_mesh(small.endpoint(), {{kConsumerAccount, "consumer", Role::kConsumer}}));
  DataMeshAdmin admin_client(client_options(small.endpoint(), keys[kMeshAccount]));
  ASSERT_OK_AND_ASSIGN(auto events_before, all_audit_events(admin_client));

  // Under the limit the request reaches the method (which finds no such product)...
  nlohmann::json params = {{"owner_account_id", kProducerAccount},
                           {"database_name", "sales-111111111111"},
                           {"request_permissions", {"SELECT"}}};
  auto fits = signed_post(small.port(), kRequestPath, params.dump(), keys[kConsumerAccount]);
  ASSERT_OK(fits);
  EXPECT_TRUE(is_error_answer(http_send(small.port(), *fits), 404, "NotFound"));
  // ...over it, the server refuses the body, signed or not.
  params["tables"] = std::vector<std::string>(200, std::string(40, 't'));
  const std::string big = params.dump();
  ASSERT_GT(big.size(), config.max_body_bytes);
  auto too_big = signed_post(small.port(), kRequestPath, big, keys[kConsumerAccount]);
  ASSERT_OK(too_big);
  EXPECT_TRUE(is_error_answer(
      http_send(small.port(), *too_big), 413, "ResourceExhausted",
      "larger than the server's limit of 2048 bytes (max_body_bytes of its configuration"));
  // Counted under its method's route, as the access log names it.
  EXPECT_EQ(metric_value(http_get(small.port(), "/metrics").body,
                         "datamesh_requests_total{route=\"consumer/request-access-to-product\","
                         "status=\"413\"}"),
            1.0);

  ASSERT_OK_AND_ASSIGN(auto events_after, all_audit_events(admin_client));
  EXPECT_EQ(events_after.size(), events_before.size());
}

// A head a proxy could read differently (here two lengths, the second hiding a request in the
// body) gets the JSON error shape, is counted under its route, and nothing after it is served.
TEST_F(ServerRoutesTest, AmbiguousHeadIs400AndClosesTheConnection) {
  const std::string hidden = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  expect_refused_on_its_head(
      cat("POST ", kRequestPath, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
          "Content-Length: 2\r\nContent-Length: ", 2 + hidden.size(), "\r\n\r\n{}", hidden),
      400, "InvalidArgument",
      "malformed request: Content-Length is given 2 times; give it once; the connection is "
      "closed");
}

TEST_F(ServerRoutesTest, InitializeOfAnInitializedMeshDoesNotNameItsAccountToAStranger) {
  // The fixture's server allows initialize over HTTP, and its mesh is initialized.
  const HttpAnswer refused =
      http_send(port(), "POST", "/v1/admin/initialize-mesh-account",
                {{"Content-Type", "application/json"}}, R"({"mesh_name": "again"})");
  EXPECT_TRUE(is_error_answer(refused, 409, "AlreadyExists", "the mesh is already initialized"));
  EXPECT_EQ(error_message(refused).find(kMeshAccount), std::string::npos)
      << error_message(refused);
}

TEST_F(ServerRoutesTest, InitializeOverHttpIsRefusedWith403UnlessAllowed) {
  ScratchDir scratch;
  InProcessServer closed;
  server::ServerConfig config = default_config();
  config.allow_initialize = false;
  ASSERT_OK(closed.start(config, scratch.path() / "mesh.db"));

  const HttpAnswer refused =
      http_send(closed.port(), "POST", "/v1/admin/initialize-mesh-account",
                {{"Content-Type", "application/json"}}, R"({"mesh_name": "stolen"})");
  EXPECT_TRUE(is_error_answer(refused, 403, "PermissionDenied", "--allow-initialize"));
  // A caller that showed no key learns nothing of where the mesh is kept.
  EXPECT_EQ(error_message(refused).find(scratch.path().string()), std::string::npos)
      << error_message(refused);
  {
    DataMeshAdmin installer(client_options(closed.endpoint(), std::nullopt));
    EXPECT_STATUS_CODE(installer.initialize_mesh_account("stolen"),
                       absl::StatusCode::kPermissionDenied);
  }
  // The mesh is still empty: nobody became its admin.
  EXPECT_STATUS_CODE(closed.service().check_mesh_id(""), absl::StatusCode::kFailedPrecondition);
  EXPECT_OK(closed.stop());
}

TEST_F(ServerRoutesTest, SecretsNeverAppearInMetricsOrTheAccessLog) {
  // Calls of every kind: accepted, refused for a wrong secret, by a revoked key, and failing.
  ASSERT_OK_AND_ASSIGN(const std::string id, request_orders(kConsumerAccount));
  ASSERT_OK(producer(kProducerAccount).approve_access_request(id));
  ASSERT_OK_AND_ASSIGN(AccountCredentials extra, admin().create_access_key(kConsumerAccount));
  remember_secret(extra.secret_access_key);
  ASSERT_OK(admin().revoke_access_key(extra.access_key_id));
  const Credentials revoked{.account_id = kConsumerAccount,
                            .access_key_id = extra.access_key_id,
                            .secret_access_key = extra.secret_access_key};
  auto by_revoked = signed_post(port(), kRequestPath, request_body("refunds"), revoked);
  ASSERT_OK(by_revoked);
  EXPECT_EQ(http_send(port(), *by_revoked).status, 401);
  Credentials wrong = key(kConsumerAccount);
  wrong.secret_access_key = "WrongSecretWrongSecretWrongSecretWrong00";
  remember_secret(wrong.secret_access_key);
  auto by_wrong = signed_post(port(), kRequestPath, request_body("refunds"), wrong);
  ASSERT_OK(by_wrong);
  EXPECT_EQ(http_send(port(), *by_wrong).status, 401);
  EXPECT_STATUS_CODE(producer(kProducer2Account).approve_access_request(id),
                     absl::StatusCode::kPermissionDenied);

  const HttpAnswer metrics = http_get(port(), "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string log = access_log();
  // The capture works: the calls above are in it, with the caller's account.
  ASSERT_NE(log.find(cat("\"path\":\"", kRequestPath, "\"")), std::string::npos) << log;
  ASSERT_NE(log.find(cat("\"account\":\"", kConsumerAccount, "\"")), std::string::npos) << log;
  ASSERT_NE(log.find("Unauthenticated"), std::string::npos) << log;
  ASSERT_NE(metrics.body.find("datamesh_requests_total"), std::string::npos);
  // Each line names the key that signed, a refused one too (the key tried, never its secret).
  EXPECT_NE(log.find(cat("\"key\":\"", key(kConsumerAccount).access_key_id,
                         "\",\"method\":\"POST\",\"micros\"")),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(cat("\"error\":\"Unauthenticated\",\"key\":\"", extra.access_key_id, "\"")),
            std::string::npos)
      << log;

  const std::vector<std::string> secrets = this->secrets();
  ASSERT_GE(secrets.size(), 8u);
  for (const std::string& secret : secrets) {
    ASSERT_GE(secret.size(), 32u);
    for (const std::string& piece :
         {secret, secret.substr(0, 16), secret.substr(secret.size() - 16)}) {
      EXPECT_EQ(log.find(piece), std::string::npos) << "the access log holds a secret";
      EXPECT_EQ(metrics.body.find(piece), std::string::npos) << "/metrics holds a secret";
    }
  }
  // Nor the signatures made with them: no header is logged.
  EXPECT_EQ(log.find("AWS4-HMAC-SHA256"), std::string::npos);
  EXPECT_EQ(log.find("Signature="), std::string::npos);
}

// The worker pool's turns (server/worker_pool.h) go by the key a request claims, before its
// signature is checked, else by the client's address.
TEST(RequestRouterFairnessKeyTest, IsTheClaimedAccessKeyElseTheClientAddress) {
  ScratchDir scratch;
  auto service = api::MeshService::open(cat("sqlite://", (scratch.path() / "mesh.db").string()),
                                        "us-east-1", /*create_if_missing=*/true,
                                        /*master_key_file=*/"");
  ASSERT_OK(service);
  const server::RequestRouter router(server::ServerConfig{}, std::move(*service));

  server::Request signed_request;
  signed_request.remote_address = "10.1.2.3";
  signed_request.http.headers = {
      {"authorization", cat("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20261205/us-east-1/"
                            "datamesh/aws4_request, SignedHeaders=host;x-amz-date, Signature=",
                            std::string(64, 'a'))}};
  EXPECT_EQ(router.fairness_key(signed_request), "key:AKIAEXAMPLEKEY000001");

  server::Request unsigned_request;
  unsigned_request.remote_address = "10.1.2.3";
  EXPECT_EQ(router.fairness_key(unsigned_request), "address:10.1.2.3");
  // IPv6 addresses hold colons: kept whole (the transport gives no port).
  unsigned_request.remote_address = "2001:db8::1";
  EXPECT_EQ(router.fairness_key(unsigned_request), "address:2001:db8::1");
  // A malformed Authorization header claims no key: the address decides.
  unsigned_request.http.headers = {{"Authorization", "Basic dXNlcjpwYXNz"}};
  EXPECT_EQ(router.fairness_key(unsigned_request), "address:2001:db8::1");
}

// The server's engine dates what it writes by the clock its MeshService was given, so a test
// clock reaches every date a served mesh answers.
TEST(ServerClockTest, ServedMeshDatesWhatItWritesByTheInjectedClock) {
  const test_support::ManualClock clock(std::chrono::sys_days{std::chrono::year{2026} / 3 / 4} +
                                        std::chrono::hours{5} + std::chrono::minutes{6} +
                                        std::chrono::seconds{7});
  ScratchDir scratch;
  InProcessServer server;
  ASSERT_OK(server.start(ServedMeshTest::default_config(), scratch.path() / "mesh.db", clock));
  ASSERT_OK_AND_ASSIGN(
      auto keys, set_up_mesh(server.endpoint(), {{kConsumerAccount, "consumer", Role::kConsumer}}));
  DataMeshAdmin admin(client_options(server.endpoint(), keys.at(kMeshAccount)));
  ASSERT_OK_AND_ASSIGN(const Account consumer, admin.describe_account(kConsumerAccount));
  EXPECT_EQ(consumer.creation_date, "2026-03-04 05:06:07");
  ASSERT_OK_AND_ASSIGN(const AuditPage audit, admin.list_audit_events());
  ASSERT_FALSE(audit.events.empty());
  for (const AuditEvent& event : audit.events) EXPECT_EQ(event.event_date, "2026-03-04 05:06:07");
  ASSERT_OK(server.stop());
}

}  // namespace
}  // namespace datamesh::server_test
