// The HTTP transport under `datamesh serve` (server/http_transport.h, libmicrohttpd), with a
// scripted RequestHandler and raw sockets: what reaches the handler, the lanes, keep-alive,
// timeouts, the body limit, the connection limit and the graceful stop.
//
// Nothing sleeps. Where a test waits for the server (a timeout to close a connection, a stop
// to take effect) it blocks on a socket or a condition with a 30-second guard that only a hung
// server reaches.

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/text.h"
#include "gtest/gtest.h"
#include "server/http_transport.h"
#include "support/latch.h"
#include "support/status_matchers.h"
#include "testkit/http_connection.h"

namespace datamesh::server {
namespace {

using base::cat;
using test_support::Latch;

constexpr auto kGuard = Latch::kGuard;

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Answers every request with 200 and a body naming what it saw; paths under /slow/ are
// worker-lane requests that wait for `release` before answering; /worker/ paths are
// worker-lane requests answered at once; everything else is answered on the event loop.
class ScriptedHandler final : public RequestHandler {
 public:
  Lane lane(std::string_view, std::string_view path) const override {
    return path.starts_with("/slow/") || path.starts_with("/worker/") ? Lane::kWorker
                                                                      : Lane::kEventLoop;
  }

  // The X-Fairness-Key header's value ("" without one).
  std::string fairness_key(const Request& request) const override {
    for (const auto& [name, value] : request.http.headers) {
      if (lowercase(name) == "x-fairness-key") return value;
    }
    return "";
  }

  Response handle(const Request& request) override {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(request);
    }
    if (request.http.path.starts_with("/slow/")) {
      slow_started.open();
      if (!release.wait()) return Response{.status = 500, .body = "never released"};
    }
    {
      std::lock_guard lock(mutex_);
      finished_.push_back(request.http.path);
    }
    return Response{.status = 200, .content_type = "text/plain",
                    .body = cat(request.http.method, " ", request.http.path, " ",
                                request.http.body.size())};
  }

  // /early/ paths are answered on their head, their body unread.
  std::optional<Response> answer_before_body(const Request& head) override {
    if (!head.http.path.starts_with("/early/")) return std::nullopt;
    return Response{.status = 401, .body = cat("early ", head.http.body.size())};
  }

  Response body_refused(const Request&, BodyRefusal why, std::string_view detail) override {
    if (why == BodyRefusal::kMalformedHead) {
      return Response{.status = 400, .body = std::string(detail)};
    }
    if (why == BodyRefusal::kServerFull) return Response{.status = 429, .body = "full"};
    return Response{.status = 413, .body = R"({"Error":{"Code":"ResourceExhausted"}})"};
  }

  std::vector<Request> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  // The paths of the requests answered, in the order their answers were made.
  std::vector<std::string> finished() {
    std::lock_guard lock(mutex_);
    return finished_;
  }

  Latch slow_started;
  Latch release;

 private:
  std::mutex mutex_;
  std::vector<Request> seen_;
  std::vector<std::string> finished_;
};

// One TCP connection to 127.0.0.1:port speaking raw HTTP/1.1: the benchmarks' load generator's
// connection (testkit/http_connection.h), whose reads give up after the same 30 s guard.
class RawConnection : public testkit::HttpConnection {
 public:
  explicit RawConnection(int port) : HttpConnection("127.0.0.1", port) {}
  bool send_text(const std::string& text) { return send(text); }
};

std::string get(const std::string& target, const std::string& extra_headers = "") {
  return cat("GET ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\n", extra_headers, "\r\n");
}

std::string post(const std::string& target, const std::string& body) {
  return cat("POST ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ", body.size(),
             "\r\n\r\n", body);
}

// A transport serving a ScriptedHandler on a thread.
class TransportTest : public ::testing::Test {
 protected:
  static TransportOptions options() {
    return TransportOptions{.host = "127.0.0.1", .port = 0, .event_threads = 1, .workers = 2};
  }

  void start(TransportOptions options = TransportOptions{.port = 0}) {
    transport_ = make_microhttpd_transport(std::move(options));
    ASSERT_OK(transport_->bind());
    ASSERT_GT(transport_->port(), 0);
    thread_ = std::thread([this] {
      served_ = transport_->serve(handler_);
      returned_ = true;
    });
  }

  // Stops the transport and waits for serve() to return; its status.
  absl::Status stop() {
    if (!thread_.joinable()) return absl::OkStatus();
    transport_->stop();
    thread_.join();
    return served_;
  }

  void TearDown() override {
    handler_.release.open();
    EXPECT_OK(stop());
  }

  int port() const { return transport_->port(); }

  ScriptedHandler handler_;
  std::unique_ptr<HttpTransport> transport_;
  std::thread thread_;
  absl::Status served_;
  std::atomic<bool> returned_{false};
};

TEST_F(TransportTest, HandlerGetsThePathQueryAndHeadersExactlyAsSent) {
  start(options());
  RawConnection connection(port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send_text(
      "POST /worker/a%20b/c%2Fd?x=1+2&y&z=%41 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n"
      "X-Twice: first\r\nx-twice:  second\r\nContent-Length: 3\r\n\r\nabc"));
  auto answer = connection.read_answer();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200) << answer->body;

  const std::vector<Request> seen = handler_.seen();
  ASSERT_EQ(seen.size(), 1u);
  const aws::HttpRequest& http = seen[0].http;
  EXPECT_EQ(http.method, "POST");
  EXPECT_EQ(http.path, "/worker/a%20b/c%2Fd");  // not decoded: SigV4 signs it encoded
  EXPECT_EQ(http.query, "x=1+2&y&z=%41");
  EXPECT_EQ(http.body, "abc");
  std::vector<std::string> twice;
  for (const auto& [name, value] : http.headers) {
    if (lowercase(name) == "x-twice") twice.push_back(value);
  }
  EXPECT_EQ(twice, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(aws::header_values(http, "host"), std::vector<std::string>{"127.0.0.1:1"});
  EXPECT_EQ(seen[0].remote_address, "127.0.0.1");
}

TEST_F(TransportTest, KeepAliveServesManyRequestsOnOneConnection) {
  start(options());
  RawConnection connection(port());
  ASSERT_TRUE(connection.connected());
  for (int i = 0; i < 5; ++i) {
    const std::string target = i % 2 == 0 ? cat("/fast/", i) : cat("/worker/", i);
    ASSERT_TRUE(connection.send_text(post(target, "{}")));
    auto answer = connection.read_answer();
    ASSERT_TRUE(answer.has_value()) << "request " << i << " got no answer";
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(answer->body, cat("POST ", target, " 2"));
    EXPECT_EQ(lowercase(answer->head).find("connection: close"),
              std::string::npos);
  }
  EXPECT_EQ(handler_.seen().size(), 5u);
}

TEST_F(TransportTest, BlockedWorkerRequestDoesNotStallTheEventLoop) {
  TransportOptions one_of_each = options();
  one_of_each.event_threads = 1;
  one_of_each.workers = 1;
  start(one_of_each);
  RawConnection slow(port());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.send_text(post("/slow/1", "{}")));
  ASSERT_TRUE(handler_.slow_started.wait());

  // The only worker is blocked; the event loop still answers its own lane on other connections.
  for (int i = 0; i < 3; ++i) {
    RawConnection other(port());
    ASSERT_TRUE(other.send_text(get("/healthz")));
    auto answer = other.read_answer();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 200);
  }
  handler_.release.open();
  auto answer = slow.read_answer();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->body, "POST /slow/1 2");
}

TEST_F(TransportTest, WorkerRequestsRunConcurrentlyUpToThePoolSize) {
  TransportOptions two_workers = options();
  two_workers.workers = 2;
  two_workers.max_workers_per_key = 2;
  start(two_workers);
  // While one worker is blocked, the other still serves worker-lane requests.
  RawConnection slow(port());
  ASSERT_TRUE(slow.send_text(post("/slow/1", "")));
  ASSERT_TRUE(handler_.slow_started.wait());
  RawConnection other(port());
  ASSERT_TRUE(other.send_text(post("/worker/2", "x")));
  auto quick = other.read_answer();
  ASSERT_TRUE(quick.has_value());
  EXPECT_EQ(quick->body, "POST /worker/2 1");
  handler_.release.open();
  ASSERT_TRUE(slow.read_answer().has_value());
}

TEST_F(TransportTest, AKeyHoldsAtMostItsShareOfTheWorkers) {
  TransportOptions two_workers = options();
  two_workers.workers = 2;
  two_workers.max_workers_per_key = 1;
  start(two_workers);
  RawConnection slow(port());
  ASSERT_TRUE(slow.send_text(post("/slow/1", "")));  // key "" holds its one worker
  ASSERT_TRUE(handler_.slow_started.wait());
  RawConnection same_key(port());
  ASSERT_TRUE(same_key.send_text(post("/worker/3", "")));  // waits for /slow/1
  // Another key's request is served by the other worker while /slow/1 still runs.
  RawConnection other(port());
  ASSERT_TRUE(other.send_text(cat("POST /worker/2 HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                  "X-Fairness-Key: b\r\nContent-Length: 0\r\n\r\n")));
  auto served = other.read_answer();
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->body, "POST /worker/2 0");
  handler_.release.open();
  ASSERT_TRUE(slow.read_answer().has_value());
  ASSERT_TRUE(same_key.read_answer().has_value());
  EXPECT_EQ(handler_.finished(),
            (std::vector<std::string>{"/worker/2", "/slow/1", "/worker/3"}));
}

TEST_F(TransportTest, BodyDeclaredOverTheLimitIsRefusedUnreadAndTheConnectionClosed) {
  TransportOptions small = options();
  small.max_body_bytes = 16;
  start(small);
  RawConnection fits(port());
  ASSERT_TRUE(fits.send_text(post("/worker/fits", std::string(16, 'a'))));
  auto ok = fits.read_answer();
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);

  RawConnection big(port());
  ASSERT_TRUE(big.send_text(post("/worker/big", std::string(17, 'a'))));
  auto refused = big.read_answer();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 413);
  EXPECT_EQ(refused->body, R"({"Error":{"Code":"ResourceExhausted"}})");
  EXPECT_TRUE(big.closed_by_server());
  // The handler never saw the big one.
  ASSERT_EQ(handler_.seen().size(), 1u);
  EXPECT_EQ(handler_.seen()[0].http.path, "/worker/fits");
}

// Heads a proxy in front and this server could read differently (request smuggling): refused
// with 400 before the body, the connection closed, so that nothing after them is taken for a
// request, and the handler never sees them.
TEST_F(TransportTest, AmbiguousHeadsAreRefusedAndNothingAfterThemIsServed) {
  start(options());
  const std::string smuggled = "GET /fast/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const struct {
    std::string head;
    std::string body;
    std::string problem;
  } cases[] = {
      {"POST /fast/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
       "Content-Length: 47\r\n\r\n",
       "{}" + smuggled, "Content-Length is given 2 times; give it once"},
      {"POST /fast/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
       "content-length: 2\r\n\r\n",
       "{}" + smuggled, "Content-Length is given 2 times; give it once"},
      {"POST /fast/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 52\r\n"
       "Transfer-Encoding: chunked\r\n\r\n",
       "0\r\n\r\n" + smuggled, "both Content-Length and Transfer-Encoding are given; give one"},
      {"POST /fast/a HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: other\r\nContent-Length: 2\r\n\r\n",
       "{}" + smuggled, "Host is given 2 times; give it once"},
      {"GET /fast/a HTTP/1.1\r\n\r\n", smuggled, "an HTTP/1.1 request needs a Host header"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.head);
    RawConnection connection(port());
    ASSERT_TRUE(connection.connected());
    ASSERT_TRUE(connection.send_text(c.head + c.body));
    auto answer = connection.read_answer();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 400);
    EXPECT_EQ(answer->body, c.problem);
    EXPECT_TRUE(connection.closed_by_server());
  }
  EXPECT_TRUE(handler_.seen().empty());

  // What stays allowed: one length, a chunked body, HTTP/1.0 without Host.
  RawConnection fine(port());
  ASSERT_TRUE(fine.send_text(post("/fast/one", "{}")));
  ASSERT_TRUE(fine.send_text(
      "POST /fast/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\n"));
  for (const char* expected : {"POST /fast/one 2", "POST /fast/chunked 2"}) {
    auto answer = fine.read_answer();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->body, expected);
  }
  RawConnection old(port());
  ASSERT_TRUE(old.send_text("GET /fast/old HTTP/1.0\r\n\r\n"));
  auto answer = old.read_answer();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);
}

TEST_F(TransportTest, AnAnswerOnTheHeadIsSentWithoutWaitingForTheBodyAndCloses) {
  start(options());
  RawConnection connection(port());
  ASSERT_TRUE(connection.send_text("POST /early/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Content-Length: 1000000\r\n\r\nab"));
  auto answer = connection.read_answer();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 401);
  EXPECT_EQ(answer->body, "early 0");
  EXPECT_TRUE(connection.closed_by_server());
  EXPECT_TRUE(handler_.seen().empty());
}

TEST_F(TransportTest, ChunkedBodyGrowingOverTheLimitClosesTheConnection) {
  TransportOptions small = options();
  small.max_body_bytes = 16;
  start(small);
  RawConnection connection(port());
  ASSERT_TRUE(connection.send_text(
      "POST /worker/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "10\r\naaaaaaaaaaaaaaaa\r\n10\r\naaaaaaaaaaaaaaaa\r\n0\r\n\r\n"));
  EXPECT_FALSE(connection.read_answer().has_value());
  EXPECT_TRUE(handler_.seen().empty());
}

TEST_F(TransportTest, BodiesHeldAtOnceAreBoundedWhileSmallRequestsGetThrough) {
  constexpr size_t kFree = TransportOptions::kUncountedBodyBytes;
  TransportOptions bounded = options();
  bounded.max_buffered_body_bytes = 100 << 10;
  start(bounded);
  // A holds 86 KiB of counted body: all of its 164 KiB but the last 14 KiB.
  const std::string a_body(kFree + (100 << 10), 'a');
  RawConnection holder(port());
  const std::string a_request = post("/worker/a", a_body);
  ASSERT_TRUE(holder.send_text(a_request.substr(0, a_request.size() - (14 << 10))));
  // The server reads A's bytes asynchronously: wait until they are in.
  const size_t a_held = a_body.size() - (14 << 10) - kFree;
  for (int wait = 0; wait < 3000 && transport_->held_body_bytes() < a_held; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(transport_->held_body_bytes(), a_held);
  // B declares 20 KiB counted: it would pass the limit.
  const std::string b_request = post("/worker/b", std::string(kFree + (20 << 10), 'b'));
  RawConnection refused(port());
  ASSERT_TRUE(refused.send_text(b_request));
  std::optional<testkit::HttpConnection::Answer> b = refused.read_answer();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->status, 429);
  EXPECT_EQ(b->body, "full");
  EXPECT_TRUE(refused.closed_by_server()) << "B's unread body would be read as a request";
  // A request of up to 64 KiB always gets through.
  RawConnection small(port());
  ASSERT_TRUE(small.send_text(post("/worker/small", std::string(kFree, 's'))));
  auto small_answer = small.read_answer();
  ASSERT_TRUE(small_answer.has_value());
  EXPECT_EQ(small_answer->status, 200);
  // A body with no declared length that grows past the limit: its connection is closed.
  RawConnection chunked(port());
  const std::string chunk(40 << 10, 'c');
  std::string chunks;
  for (int i = 0; i < 3; ++i) chunks += cat("a000\r\n", chunk, "\r\n");
  ASSERT_TRUE(chunked.send_text(
      "POST /worker/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunks + "0\r\n\r\n"));
  EXPECT_FALSE(chunked.read_answer().has_value());
  // A's body completes: answered, and the bytes it held are free again for B.
  ASSERT_TRUE(holder.send_text(a_request.substr(a_request.size() - (14 << 10))));
  auto a = holder.read_answer();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(a->body, cat("POST /worker/a ", a_body.size()));
  // A's exchange ends just after its answer leaves.
  for (int wait = 0; wait < 3000 && transport_->held_body_bytes() > 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(transport_->held_body_bytes(), 0u);
  RawConnection accepted(port());
  ASSERT_TRUE(accepted.send_text(b_request));
  b = accepted.read_answer();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->status, 200);
  std::vector<std::string> paths;
  for (const Request& request : handler_.seen()) paths.push_back(request.http.path);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "/worker/chunked"), 0);
}

TEST_F(TransportTest, IdleConnectionIsClosedAfterTheKeepAliveTimeout) {
  TransportOptions quick = options();
  quick.keep_alive_seconds = 1;
  start(quick);
  RawConnection connection(port());
  ASSERT_TRUE(connection.send_text(get("/healthz")));
  ASSERT_TRUE(connection.read_answer().has_value());
  // Nothing more is sent: the server, not the 30 s guard, ends the connection.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, kGuard);
}

TEST_F(TransportTest, StalledBodyIsDroppedAfterTheReadTimeout) {
  TransportOptions quick = options();
  quick.keep_alive_seconds = 30;
  quick.read_timeout_seconds = 1;
  start(quick);
  RawConnection connection(port());
  ASSERT_TRUE(connection.send_text(
      "POST /worker/stalled HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc"));
  EXPECT_FALSE(connection.read_answer().has_value());
  EXPECT_TRUE(handler_.seen().empty());
}

TEST_F(TransportTest, ConnectionOverTheLimitWaitsUntilAnotherCloses) {
  TransportOptions limited = options();
  limited.max_connections = 2;
  limited.keep_alive_seconds = 30;
  start(limited);
  auto first = std::make_unique<RawConnection>(port());
  RawConnection second(port());
  for (RawConnection* connection : {first.get(), &second}) {
    ASSERT_TRUE(connection->send_text(get("/healthz")));
    ASSERT_TRUE(connection->read_answer().has_value());
  }
  // The kernel completes the third connection, but the server does not take it up...
  RawConnection third(port());
  ASSERT_TRUE(third.connected());
  ASSERT_TRUE(third.send_text(get("/fast/third")));
  ASSERT_TRUE(second.send_text(get("/fast/second")));
  ASSERT_TRUE(second.read_answer().has_value());
  EXPECT_FALSE(third.has_data_now()) << "the server took a connection over its limit";
  // ...until one of the others closes.
  first.reset();
  auto answer = third.read_answer();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->body, "GET /fast/third 0");
}

TEST_F(TransportTest, StopFinishesInFlightRequestsThenRefusesConnections) {
  start(options());
  RawConnection in_flight(port());
  ASSERT_TRUE(in_flight.send_text(post("/slow/1", "{}")));
  ASSERT_TRUE(handler_.slow_started.wait());
  RawConnection idle(port());
  ASSERT_TRUE(idle.send_text(get("/healthz")));
  ASSERT_TRUE(idle.read_answer().has_value());

  transport_->stop();
  // serve() is now draining: it cannot return while the slow request runs. New connections
  // are refused once the listening socket is shut; wait (bounded) until they are.
  const auto deadline = std::chrono::steady_clock::now() + kGuard;
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    RawConnection late(port());
    refused = !late.connected() || (late.send_text(get("/healthz")) && !late.read_answer());
  }
  EXPECT_TRUE(refused);
  EXPECT_FALSE(returned_.load()) << "serve() returned while a request was in flight";

  handler_.release.open();
  auto answer = in_flight.read_answer();
  ASSERT_TRUE(answer.has_value()) << "the in-flight request was cut off";
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "POST /slow/1 2");
  EXPECT_NE(lowercase(answer->head).find("connection: close"), std::string::npos)
      << answer->head;
  EXPECT_OK(stop());
  // The idle keep-alive connection was closed by the stop.
  EXPECT_TRUE(idle.closed_by_server());
}

TEST_F(TransportTest, StopBeforeAnyRequestReturnsAtOnce) {
  start(options());
  EXPECT_OK(stop());
}

TEST(TransportBindTest, TakenPortIsUnavailableNamingTheAddress) {
  auto first = make_microhttpd_transport(TransportOptions{.host = "127.0.0.1", .port = 0});
  ASSERT_OK(first->bind());
  auto second =
      make_microhttpd_transport(TransportOptions{.host = "127.0.0.1", .port = first->port()});
  const absl::Status status = second->bind();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(std::string(status.message()).find(cat("127.0.0.1:", first->port())),
            std::string::npos)
      << status;
}

TEST(TransportBindTest, UnknownHostIsUnavailable) {
  auto transport =
      make_microhttpd_transport(TransportOptions{.host = "no-such-host.invalid", .port = 0});
  EXPECT_EQ(transport->bind().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace datamesh::server
