// The pieces behind docs/SECURITY.md "Abuse resistance", on their own with an injected clock:
// the per-key throttle (key_throttle.h), the failed-authentication limit per address
// (auth_failure_limit.h), the connection deadlines (connection_deadlines.h, on
// socket pairs) and the config keys that set them (server_config.h). abuse_test.cc proves the
// same limits end to end against `datamesh serve`.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "base/text.h"
#include "gtest/gtest.h"
#include "server/auth_failure_limit.h"
#include "server/connection_deadlines.h"
#include "server/key_throttle.h"
#include "server/server_config.h"
#include "server/server_harness.h"
#include "support/status_matchers.h"

namespace datamesh::server {
namespace {

using base::cat;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

const Clock::time_point kStart = Clock::time_point() + std::chrono::hours(1);

TEST(KeyThrottleTest, ConcurrencyLimitRefusesOneMoreCallUntilACallEnds) {
  KeyThrottle throttle({.max_concurrent = 2});
  KeyThrottle::Pass first, second, third, other;
  EXPECT_FALSE(throttle.admit("AKA", kStart, first));
  EXPECT_FALSE(throttle.admit("AKA", kStart, second));
  auto refused = throttle.admit("AKA", kStart, third);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->limit, KeyThrottle::Limit::kConcurrency);
  EXPECT_EQ(refused->retry_after, seconds(1));
  EXPECT_NE(refused->message.find("max_concurrent_requests_per_key"), std::string::npos);
  // Another key has its own slots.
  EXPECT_FALSE(throttle.admit("AKB", kStart, other));
  {
    KeyThrottle::Pass ended = std::move(first);  // the call ends with its Pass
  }
  KeyThrottle::Pass again;
  EXPECT_FALSE(throttle.admit("AKA", kStart, again));
}

TEST(KeyThrottleTest, RateLimitRefillsTokensOverTimeAndSaysWhenToRetry) {
  KeyThrottle throttle({.rate = 0.25, .burst = 2});  // one call per 4 s, two at once
  for (int i = 0; i < 2; ++i) {
    KeyThrottle::Pass pass;
    EXPECT_FALSE(throttle.admit("AKA", kStart, pass)) << i;
  }
  KeyThrottle::Pass pass;
  auto refused = throttle.admit("AKA", kStart + seconds(1), pass);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->limit, KeyThrottle::Limit::kRate);
  EXPECT_EQ(refused->retry_after, seconds(3));  // a quarter token is back; three more seconds
  EXPECT_NE(refused->message.find("requests_per_second_per_key"), std::string::npos);
  EXPECT_NE(refused->message.find("retry after 3 seconds"), std::string::npos)
      << refused->message;
  // Another key has its own bucket; this one's has a token again 4 s after it ran dry.
  KeyThrottle::Pass other;
  EXPECT_FALSE(throttle.admit("AKB", kStart + seconds(1), other));
  KeyThrottle::Pass later;
  EXPECT_FALSE(throttle.admit("AKA", kStart + seconds(4), later));
}

TEST(KeyThrottleTest, RefusalByConcurrencySpendsNoToken) {
  KeyThrottle throttle({.max_concurrent = 1, .rate = 0.001, .burst = 2});
  KeyThrottle::Pass running, refused_pass;
  EXPECT_FALSE(throttle.admit("AKA", kStart, running));
  ASSERT_TRUE(throttle.admit("AKA", kStart, refused_pass).has_value());
  { KeyThrottle::Pass ended = std::move(running); }
  KeyThrottle::Pass second;
  EXPECT_FALSE(throttle.admit("AKA", kStart, second)) << "the refused call took a token";
}

TEST(KeyThrottleTest, ZeroLimitsAdmitEverything) {
  KeyThrottle throttle({});
  std::vector<KeyThrottle::Pass> passes(100);
  for (auto& pass : passes) EXPECT_FALSE(throttle.admit("AKA", kStart, pass));
}

TEST(AuthFailureLimitTest, AnAddressIsRefusedAfterItsFailuresUntilTheWindowEnds) {
  AuthFailureLimit limit({.max_failures = 3, .window = seconds(60)});
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limit.check("10.0.0.1", kStart + seconds(i))) << "failure " << i;
    limit.record_failure("10.0.0.1", kStart + seconds(i));
  }
  auto refused = limit.check("10.0.0.1", kStart + seconds(10));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->retry_after, seconds(50)) << "the window opened at the first failure";
  EXPECT_NE(refused->message.find("10.0.0.1"), std::string::npos) << refused->message;
  EXPECT_NE(refused->message.find("max_auth_failures_per_address is 3"), std::string::npos)
      << refused->message;
  EXPECT_NE(refused->message.find("50 s"), std::string::npos) << refused->message;
  // A wait that is not whole seconds is rounded up, so that Retry-After is enough.
  auto almost = limit.check("10.0.0.1", kStart + seconds(59) + std::chrono::milliseconds(500));
  ASSERT_TRUE(almost);
  EXPECT_EQ(almost->retry_after, seconds(1));

  EXPECT_FALSE(limit.check("10.0.0.1", kStart + seconds(60))) << "the window has ended";
  // The next failure opens a new window with a count of one.
  limit.record_failure("10.0.0.1", kStart + seconds(61));
  EXPECT_FALSE(limit.check("10.0.0.1", kStart + seconds(62)));
}

TEST(AuthFailureLimitTest, AnotherAddressIsNotAffectedAndAnUnknownAddressIsNeverRefused) {
  AuthFailureLimit limit({.max_failures = 1, .window = seconds(60)});
  limit.record_failure("10.0.0.1", kStart);
  EXPECT_TRUE(limit.check("10.0.0.1", kStart));
  EXPECT_FALSE(limit.check("10.0.0.2", kStart));
  limit.record_failure("", kStart);
  limit.record_failure("", kStart);
  EXPECT_FALSE(limit.check("", kStart));
}

TEST(AuthFailureLimitTest, ZeroMeansNoLimit) {
  AuthFailureLimit limit({.max_failures = 0, .window = seconds(60)});
  for (int i = 0; i < 100; ++i) limit.record_failure("10.0.0.1", kStart);
  EXPECT_FALSE(limit.check("10.0.0.1", kStart));
  EXPECT_EQ(limit.tracked_addresses(), 0u);
}

TEST(AuthFailureLimitTest, EndedWindowsAreSweptOnceTheTableIsFull) {
  AuthFailureLimit limit({.max_failures = 5, .window = seconds(60)});
  for (size_t i = 0; i < AuthFailureLimit::kSweepAt; ++i) {
    limit.record_failure("10.1." + std::to_string(i), kStart);
  }
  EXPECT_EQ(limit.tracked_addresses(), AuthFailureLimit::kSweepAt);
  limit.record_failure("10.2.0.1", kStart + seconds(61));
  EXPECT_EQ(limit.tracked_addresses(), 1u) << "only the address with an open window is kept";
}

TEST(AuthFailureLimitTest, ASweepComesOnlyOnceTheTableHasDoubled) {
  AuthFailureLimit limit({.max_failures = 5, .window = seconds(60)});
  const auto fill = [&](std::string_view prefix, size_t count, AuthFailureLimit::Clock::time_point at) {
    for (size_t i = 0; i < count; ++i) limit.record_failure(cat(prefix, i), at);
  };
  fill("10.1.", AuthFailureLimit::kSweepAt, kStart);
  // Every window still open: the sweep drops nothing, and the next waits for twice as many.
  limit.record_failure("10.2.0.1", kStart + seconds(2));
  EXPECT_EQ(limit.tracked_addresses(), AuthFailureLimit::kSweepAt + 1);
  fill("10.3.", AuthFailureLimit::kSweepAt - 10, kStart + seconds(61));
  EXPECT_EQ(limit.tracked_addresses(), 2 * AuthFailureLimit::kSweepAt - 9)
      << "no sweep before the table doubled, although windows ended";
  fill("10.4.", 10, kStart + seconds(62));
  EXPECT_EQ(limit.tracked_addresses(), AuthFailureLimit::kSweepAt);
}

TEST(AuthFailureLimitTest, AtMostKMaxTrackedAddressesAreCounted) {
  AuthFailureLimit limit({.max_failures = 1, .window = seconds(60)});
  for (size_t i = 0; i < AuthFailureLimit::kMaxTracked + 100; ++i) {
    limit.record_failure(cat("10.", i / 65536, ".", i / 256 % 256, ".", i % 256), kStart);
  }
  EXPECT_EQ(limit.tracked_addresses(), AuthFailureLimit::kMaxTracked);
  EXPECT_TRUE(limit.check("10.0.0.0", kStart)) << "a tracked address stays refused";
}

TEST(AuthFailureLimitTest, AnIpv6NetworkSharesOneBudget) {
  AuthFailureLimit limit({.max_failures = 2, .window = seconds(60)});
  limit.record_failure("2001:db8:1:2::1", kStart);
  limit.record_failure("2001:db8:1:2:ffff:eeee:dddd:cccc", kStart);
  auto refused = limit.check("2001:db8:1:2::99", kStart);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message.find("from network 2001:db8:1:2::/64"), std::string::npos)
      << refused->message;
  EXPECT_FALSE(limit.check("2001:db8:1:3::1", kStart)) << "another /64";
}

TEST(AuthFailureLimitTest, ClientGroupIsTheAddressOrItsIpv6Network) {
  EXPECT_EQ(client_group("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(client_group("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(client_group("2001:db8::1"), "2001:db8::/64");
  EXPECT_EQ(client_group("fe80::1:2:3:4"), "fe80::/64");
  EXPECT_EQ(client_group("::1"), "::/64");
  EXPECT_EQ(client_group("not an address"), "not an address");
}

// A connected socket pair: the deadlines shut down `server`; `client` then reads its end.
struct SocketPair {
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int server() const { return fds[0]; }
  // True when the server side has been shut down (the client reads the end of the stream).
  bool shut_down() const {
    char byte;
    return ::recv(fds[1], &byte, 1, MSG_DONTWAIT) == 0;
  }
  int fds[2] = {-1, -1};
};

TEST(ConnectionDeadlinesTest, HeadAndBodyAreShutDownOnlyPastTheirDeadlines) {
  ConnectionDeadlines deadlines({.head = seconds(10), .body = seconds(60)});
  SocketPair head, body, answering;
  auto* in_head = deadlines.opened(head.server(), kStart);
  auto* in_body = deadlines.opened(body.server(), kStart);
  auto* in_answer = deadlines.opened(answering.server(), kStart);
  deadlines.entered(in_body, ConnectionDeadlines::Phase::kBody, kStart + seconds(5));
  deadlines.entered(in_answer, ConnectionDeadlines::Phase::kAnswer, kStart + seconds(5));

  deadlines.sweep(kStart + seconds(10));
  EXPECT_FALSE(head.shut_down());
  deadlines.sweep(kStart + seconds(11));
  EXPECT_TRUE(head.shut_down());
  EXPECT_FALSE(body.shut_down());
  deadlines.sweep(kStart + seconds(66));
  EXPECT_TRUE(body.shut_down());
  deadlines.sweep(kStart + std::chrono::hours(1));
  EXPECT_FALSE(answering.shut_down()) << "an answer being computed has no deadline";
  EXPECT_EQ(deadlines.counts().head_deadline, 1u);
  EXPECT_EQ(deadlines.counts().body_deadline, 1u);
  for (auto* connection : {in_head, in_body, in_answer}) deadlines.closed(connection);
}

TEST(ConnectionDeadlinesTest, ANewHeadRestartsTheClockAndZeroMeansNoDeadline) {
  ConnectionDeadlines deadlines({.head = seconds(10), .body = seconds(0)});
  SocketPair keep_alive, slow_body;
  auto* connection = deadlines.opened(keep_alive.server(), kStart);
  // A request answered at 8 s: the next head has 10 s from then.
  deadlines.entered(connection, ConnectionDeadlines::Phase::kHead, kStart + seconds(8));
  deadlines.sweep(kStart + seconds(15));
  EXPECT_FALSE(keep_alive.shut_down());
  auto* body = deadlines.opened(slow_body.server(), kStart);
  deadlines.entered(body, ConnectionDeadlines::Phase::kBody, kStart);
  deadlines.sweep(kStart + std::chrono::hours(1));
  EXPECT_FALSE(slow_body.shut_down()) << "a body deadline of 0 is none";
  deadlines.closed(connection);
  deadlines.closed(body);
}

TEST(ConnectionDeadlinesTest, OverTheHighWaterANewConnectionEvictsTheLongestWaitingHead) {
  ConnectionDeadlines deadlines({.head = seconds(0), .body = seconds(0), .high_water = 2});
  SocketPair oldest, busy, newer, newest;
  auto* a = deadlines.opened(oldest.server(), kStart);
  auto* b = deadlines.opened(busy.server(), kStart);
  deadlines.entered(b, ConnectionDeadlines::Phase::kAnswer, kStart);  // never evicted
  auto* c = deadlines.opened(newer.server(), kStart + seconds(1));
  EXPECT_TRUE(oldest.shut_down());
  EXPECT_FALSE(busy.shut_down());
  EXPECT_FALSE(newer.shut_down());
  auto* d = deadlines.opened(newest.server(), kStart + seconds(2));
  EXPECT_TRUE(newer.shut_down()) << "the oldest head still open goes next";
  EXPECT_FALSE(newest.shut_down());
  EXPECT_EQ(deadlines.counts().evicted, 2u);
  for (auto* connection : {a, b, c, d}) deadlines.closed(connection);
}

TEST(ConnectionDeadlinesTest, WithNoHeadWaitingTheLongestTrickledBodyIsEvicted) {
  ConnectionDeadlines deadlines({.head = seconds(0), .body = seconds(0), .high_water = 2});
  SocketPair slow_body, fresh_body, newcomer, last;
  auto* a = deadlines.opened(slow_body.server(), kStart);
  deadlines.entered(a, ConnectionDeadlines::Phase::kBody, kStart);
  auto* b = deadlines.opened(fresh_body.server(), kStart + seconds(5));
  deadlines.entered(b, ConnectionDeadlines::Phase::kBody, kStart + seconds(5));
  // A body arriving for less than kBodyEvictableAfter is left alone.
  auto* c = deadlines.opened(newcomer.server(),
                             kStart + seconds(5) + ConnectionDeadlines::kBodyEvictableAfter / 2);
  EXPECT_TRUE(slow_body.shut_down()) << "the body arriving for 5 s goes";
  EXPECT_FALSE(fresh_body.shut_down());
  // The newcomer now waits for its head: it goes before any body.
  auto* d = deadlines.opened(last.server(), kStart + seconds(10));
  EXPECT_TRUE(newcomer.shut_down());
  EXPECT_FALSE(fresh_body.shut_down());
  EXPECT_FALSE(last.shut_down());
  EXPECT_EQ(deadlines.counts().evicted, 2u);
  for (auto* connection : {a, b, c, d}) deadlines.closed(connection);
}

TEST(ConnectionDeadlinesTest, TheSweepMakesRoomBackDownToTheHighWater) {
  ConnectionDeadlines deadlines({.head = seconds(0), .body = seconds(0), .high_water = 2});
  SocketPair first, second, third, fourth;
  std::vector<ConnectionDeadlines::Connection*> opened;
  int i = 0;
  for (SocketPair* pair : {&first, &second, &third, &fourth}) {
    // Bodies arriving for less than kBodyEvictableAfter when each next one opens.
    const auto at = kStart + std::chrono::milliseconds(100 * i++);
    opened.push_back(deadlines.opened(pair->server(), at));
    deadlines.entered(opened.back(), ConnectionDeadlines::Phase::kBody, at);
  }
  EXPECT_EQ(deadlines.counts().evicted, 0u);
  deadlines.sweep(kStart + std::chrono::milliseconds(500));
  EXPECT_EQ(deadlines.counts().evicted, 0u) << "no body has been arriving for a second yet";
  deadlines.sweep(kStart + seconds(2));
  EXPECT_TRUE(first.shut_down());
  EXPECT_TRUE(second.shut_down());
  EXPECT_FALSE(third.shut_down());
  EXPECT_FALSE(fourth.shut_down());
  EXPECT_EQ(deadlines.counts().evicted, 2u);
  deadlines.sweep(kStart + seconds(3));
  EXPECT_EQ(deadlines.counts().evicted, 2u) << "at the high water: nothing more";
  for (auto* connection : opened) deadlines.closed(connection);
}

TEST(ServerConfigTest, TheOpenFileLimitIsRaisedAsFarAsTheHardLimitAllows) {
  const uint64_t needed = 1024 + kDescriptorsBesideConnections;
  EXPECT_EQ(plan_open_file_limit(1024, 1u << 20, 1024).soft, needed);
  EXPECT_TRUE(plan_open_file_limit(1024, 1u << 20, 1024).warning.empty());
  EXPECT_EQ(plan_open_file_limit(65536, 1u << 20, 1024).soft, 65536u) << "never lowered";
  const OpenFileLimit short_of = plan_open_file_limit(200, 200, 1024);
  EXPECT_EQ(short_of.soft, 200u);
  EXPECT_NE(short_of.warning.find("the open-file limit is 200, below max_connections (1024) + "
                                  "128"),
            std::string::npos)
      << short_of.warning;
  EXPECT_NE(short_of.warning.find("ulimit -n"), std::string::npos);
}

TEST(ServerConfigTest, ListenTakesHostAndPortOrABracketedIpv6Address) {
  ServerConfig config;
  ASSERT_OK(parse_listen("0.0.0.0:9090", config));
  EXPECT_EQ(config.host, "0.0.0.0");
  EXPECT_EQ(config.port, 9090);
  ASSERT_OK(parse_listen("[::1]:8091", config));
  EXPECT_EQ(config.host, "::1");
  EXPECT_EQ(config.port, 8091);
  ASSERT_OK(parse_listen("[::]:0", config));
  EXPECT_EQ(config.host, "::");
  EXPECT_EQ(config.port, 0);
  EXPECT_STATUS(parse_listen("[::1]8091", config), absl::StatusCode::kInvalidArgument,
                "listen address \"[::1]8091\" must be [IPv6 address]:port, e.g. [::1]:8080");
  EXPECT_STATUS(parse_listen("[]:8091", config), absl::StatusCode::kInvalidArgument,
                "must be [IPv6 address]:port");
  EXPECT_STATUS(parse_listen("[::1:8091", config), absl::StatusCode::kInvalidArgument,
                "must be [IPv6 address]:port");
  EXPECT_STATUS(parse_listen("8091", config), absl::StatusCode::kInvalidArgument,
                "must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080");
  EXPECT_STATUS(parse_listen("[::1]:http", config), absl::StatusCode::kInvalidArgument,
                "listen port \"http\" must be a number from 0 to 65535");
}

TEST(ServerConfigTest, AListenAddressIsWrittenAsAUrlWritesIt) {
  EXPECT_EQ(listen_address("127.0.0.1", 8080), "127.0.0.1:8080");
  EXPECT_EQ(listen_address("mesh.internal", 443), "mesh.internal:443");
  EXPECT_EQ(listen_address("::1", 8091), "[::1]:8091");
}

// Values that would start a server that cannot serve (threads it cannot start, no connection
// slot, no body a call fits in) are refused before anything starts, naming what is allowed.
TEST(ServerConfigTest, SettingsAServerCannotWorkWithAreRefused) {
  EXPECT_OK(check_config(ServerConfig{}));
  EXPECT_OK(check_config(ServerConfig{.workers = kMaxThreads, .max_connections = 1,
                                      .max_body_bytes = kMinBodyBytes}));
  EXPECT_STATUS(check_config(ServerConfig{.workers = 100000}), absl::StatusCode::kInvalidArgument,
                "workers (--workers) is 100000; allowed: 0 (the default for this machine) to "
                "1024 (docs/SERVER.md)");
  EXPECT_STATUS(check_config(ServerConfig{.workers = -3}), absl::StatusCode::kInvalidArgument,
                "workers (--workers) is -3");
  EXPECT_STATUS(check_config(ServerConfig{.event_threads = kMaxThreads + 1}),
                absl::StatusCode::kInvalidArgument, "event_threads is 1025");
  EXPECT_STATUS(check_config(ServerConfig{.max_workers_per_key = -1}),
                absl::StatusCode::kInvalidArgument, "max_workers_per_key is -1");
  EXPECT_STATUS(check_config(ServerConfig{.max_connections = 0}),
                absl::StatusCode::kInvalidArgument, "max_connections is 0; allowed: 1 or more");
  EXPECT_STATUS(check_config(ServerConfig{.max_body_bytes = 0}),
                absl::StatusCode::kInvalidArgument, "max_body_bytes is 0; allowed: 1024 or more");
}

TEST(ServerConfigTest, AbuseLimitsAreReadFromTheConfigFile) {
  server_test::ScratchDir scratch;
  const auto path = (scratch.path() / "serve.json").string();
  std::ofstream(path) << R"({"request_head_timeout_seconds": 3, "request_body_timeout_seconds": 4,
      "max_connections_per_address": 5, "connection_reserve": 6,
      "max_concurrent_requests_per_key": 7, "requests_per_second_per_key": 0.5,
      "request_burst_per_key": 9, "max_workers_per_key": 3,
      "max_auth_failures_per_address": 10, "auth_failure_window_seconds": 11})";
  ServerConfig config;
  ASSERT_OK(load_config_file(path, config));
  EXPECT_EQ(config.request_head_timeout_seconds, 3);
  EXPECT_EQ(config.request_body_timeout_seconds, 4);
  EXPECT_EQ(config.max_connections_per_address, 5);
  EXPECT_EQ(config.connection_reserve, 6);
  EXPECT_EQ(config.max_concurrent_requests_per_key, 7);
  EXPECT_EQ(config.requests_per_second_per_key, 0.5);
  EXPECT_EQ(config.request_burst_per_key, 9);
  EXPECT_EQ(config.max_workers_per_key, 3);
  EXPECT_EQ(config.max_auth_failures_per_address, 10);
  EXPECT_EQ(config.auth_failure_window_seconds, 11);
}

TEST(ServerConfigTest, MistypedAbuseLimitsAreRefusedByName) {
  server_test::ScratchDir scratch;
  const auto path = (scratch.path() / "serve.json").string();
  for (const std::string& text :
       {std::string(R"({"request_head_timeout_seconds": -1})"),
        std::string(R"({"max_connections_per_address": "many"})"),
        std::string(R"({"requests_per_second_per_key": -0.5})"),
        std::string(R"({"request_burst_per_key": "10"})"),
        std::string(R"({"max_workers_per_key": "half"})"),
        std::string(R"({"max_auth_failures_per_address": -1})"),
        std::string(R"({"auth_failure_window_seconds": "1m"})")}) {
    SCOPED_TRACE(text);
    std::ofstream(path) << text;
    ServerConfig config;
    const absl::Status loaded = load_config_file(path, config);
    EXPECT_EQ(loaded.code(), absl::StatusCode::kInvalidArgument);
    const std::string key = text.substr(3, text.find('"', 3) - 3);
    EXPECT_NE(loaded.message().find(key), std::string::npos) << loaded.message();
  }
}

TEST(ServerConfigTest, EveryKeyIsReadIntoItsField) {
  server_test::ScratchDir scratch;
  const auto path = (scratch.path() / "serve.json").string();
  std::ofstream(path) << R"({"listen": "0.0.0.0:9090", "store": "sqlite:///m.db",
      "master_key_file": "/k", "region": "eu-west-1", "tls_cert_file": "/c.pem",
      "tls_key_file": "/k.pem", "hsts_max_age_seconds": 86400, "event_threads": 3, "workers": 5,
      "max_workers_per_key": 2, "max_connections": 77, "max_body_bytes": 5000000000,
      "max_buffered_body_bytes": 6000000000,
      "read_timeout_seconds": 12, "write_timeout_seconds": 13, "keep_alive_seconds": 14,
      "request_head_timeout_seconds": 15, "request_body_timeout_seconds": 16,
      "max_connections_per_address": 17, "connection_reserve": 18,
      "max_concurrent_requests_per_key": 19, "requests_per_second_per_key": 20.5,
      "request_burst_per_key": 21, "max_auth_failures_per_address": 22,
      "auth_failure_window_seconds": 23, "allow_initialize": true, "access_log": false})";
  ServerConfig config;
  ASSERT_OK(load_config_file(path, config));
  EXPECT_EQ(config.host, "0.0.0.0");
  EXPECT_EQ(config.port, 9090);
  EXPECT_EQ(config.store, "sqlite:///m.db");
  EXPECT_EQ(config.master_key_file, "/k");
  EXPECT_EQ(config.region, "eu-west-1");
  EXPECT_EQ(config.tls_cert_file, "/c.pem");
  EXPECT_EQ(config.tls_key_file, "/k.pem");
  EXPECT_EQ(config.hsts_max_age_seconds, 86400);
  EXPECT_EQ(config.event_threads, 3);
  EXPECT_EQ(config.workers, 5);
  EXPECT_EQ(config.max_workers_per_key, 2);
  EXPECT_EQ(config.max_connections, 77);
  EXPECT_EQ(config.max_body_bytes, 5000000000u) << "a size is not capped at an int's range";
  EXPECT_EQ(config.max_buffered_body_bytes, 6000000000u);
  EXPECT_EQ(config.read_timeout_seconds, 12);
  EXPECT_EQ(config.write_timeout_seconds, 13);
  EXPECT_EQ(config.keep_alive_seconds, 14);
  EXPECT_EQ(config.request_head_timeout_seconds, 15);
  EXPECT_EQ(config.request_body_timeout_seconds, 16);
  EXPECT_EQ(config.max_connections_per_address, 17);
  EXPECT_EQ(config.connection_reserve, 18);
  EXPECT_EQ(config.max_concurrent_requests_per_key, 19);
  EXPECT_EQ(config.requests_per_second_per_key, 20.5);
  EXPECT_EQ(config.request_burst_per_key, 21);
  EXPECT_EQ(config.max_auth_failures_per_address, 22);
  EXPECT_EQ(config.auth_failure_window_seconds, 23);
  EXPECT_TRUE(config.allow_initialize);
  EXPECT_FALSE(config.access_log);
}

TEST(ServerConfigTest, EveryKeyRefusesAValueOfTheWrongKindByName) {
  server_test::ScratchDir scratch;
  const auto path = (scratch.path() / "serve.json").string();
  for (std::string_view key : config_file_keys()) {
    SCOPED_TRACE(key);
    std::ofstream(path) << "{\"" << key << "\": {}}";
    ServerConfig config;
    const absl::Status loaded = load_config_file(path, config);
    EXPECT_EQ(loaded.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(loaded.message().find(std::string(key) + " must be "), std::string::npos)
        << loaded.message();
  }
  // An int's range, for the counts and durations.
  std::ofstream(path) << R"({"workers": 2147483648})";
  ServerConfig config;
  EXPECT_EQ(load_config_file(path, config).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ServerConfigTest, AnUnknownKeyIsRefusedWithEveryAllowedKey) {
  server_test::ScratchDir scratch;
  const auto path = (scratch.path() / "serve.json").string();
  std::ofstream(path) << R"({"workers": 2, "wrokers": 3})";
  ServerConfig config;
  const absl::Status loaded = load_config_file(path, config);
  EXPECT_EQ(loaded.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.message().find("unknown key \"wrokers\"; allowed: listen, store, "),
            std::string::npos)
      << loaded.message();
  for (std::string_view key : config_file_keys()) {
    EXPECT_NE(std::string(loaded.message()).find(key), std::string::npos) << key;
  }
  // EveryKeyIsReadIntoItsField sets each of the keys: a new key goes there too.
  EXPECT_EQ(config_file_keys().size(), 27u);
}

TEST(ServerConfigTest, OneKeyMayHoldHalfTheWorkersUnlessConfigured) {
  ServerConfig config;
  config.workers = 8;
  EXPECT_EQ(resolve_defaults(config).max_workers_per_key, 4);
  config.workers = 1;
  EXPECT_EQ(resolve_defaults(config).max_workers_per_key, 1);
  config.workers = 8;
  config.max_workers_per_key = 8;
  EXPECT_EQ(resolve_defaults(config).max_workers_per_key, 8);
}

TEST(ServerConfigTest, ReserveIsCappedAtAnEighthOfTheConnections) {
  ServerConfig config;
  config.max_connections = 16;
  config.connection_reserve = 64;
  EXPECT_EQ(resolve_defaults(config).connection_reserve, 2);
  EXPECT_EQ(resolve_defaults(ServerConfig{}).connection_reserve, 64);
}

}  // namespace
}  // namespace datamesh::server
