// Streamed answers through the libmicrohttpd transport (http_transport.h Response::produce and
// BodyWriter): a body larger than the transport's buffer leaves in chunks as it is produced; a
// small one leaves whole with a Content-Length, as answers always did; a failure before any
// byte left is answered whole; a failure after the first bytes closes the connection without
// the chunked body's end, so no client can take the cut answer for a whole one.
//
// Raw sockets read the answers byte for byte (Connection: close: the answer ends with the
// connection). Nothing sleeps; reads give up after a 30-second guard.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "server/http_transport.h"
#include "support/status_matchers.h"

namespace datamesh::server {
namespace {

using base::cat;

// The body of /stream/<pieces>/<fail>: <pieces> pieces of 100 bytes ("000042....\n"), then,
// when <fail> is 1, a failure (answered 503 when nothing has left yet).
std::string piece(int i) {
  std::string text = std::to_string(100000 + i);
  text.resize(99, '.');
  return text + "\n";
}

class StreamingHandler final : public RequestHandler {
 public:
  Lane lane(std::string_view, std::string_view) const override { return Lane::kWorker; }
  std::string fairness_key(const Request&) const override { return ""; }
  Response body_refused(const Request&, BodyRefusal, std::string_view) override {
    return Response{.status = 413};
  }

  Response handle(const Request& request) override {
    int pieces = 0;
    int fail = 0;
    const std::string path = request.http.path;  // /stream/<pieces>/<fail>
    const size_t slash = path.rfind('/');
    if (!absl::SimpleAtoi(path.substr(8, slash - 8), &pieces) ||
        !absl::SimpleAtoi(path.substr(slash + 1), &fail)) {
      return Response{.status = 404};
    }
    Response response{.status = 200, .content_type = "text/plain",
                      .headers = {{"X-Streamed", "yes"}}};
    response.produce = [pieces, fail](BodyWriter& out) -> absl::Status {
      for (int i = 0; i < pieces; ++i) DATAMESH_RETURN_IF_ERROR(out.write(piece(i)));
      if (fail == 0) return absl::OkStatus();
      if (!out.started()) out.replace(Response{.status = 503, .body = "failed"});
      return absl::InternalError("failed while producing");
    };
    return response;
  }
};

// Sends `wire` to 127.0.0.1:port and returns every byte the server sent until it closed.
std::string exchange(int port, const std::string& wire) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval guard{.tv_sec = 30, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string received;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, wire.data(), wire.size(), 0) == static_cast<ssize_t>(wire.size())) {
    char buffer[16384];
    ssize_t got = 0;
    while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) received.append(buffer, got);
  }
  ::close(fd);
  return received;
}

std::string request(int pieces, int fail) {
  return cat("POST /stream/", pieces, "/", fail,
             " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
}

// The payload of a chunked body, and whether it ended with its last (empty) chunk.
struct Chunks {
  std::string payload;
  bool complete = false;
  size_t largest = 0;
};

Chunks dechunk(std::string_view body) {
  Chunks chunks;
  while (true) {
    const size_t line = body.find("\r\n");
    if (line == std::string_view::npos) return chunks;
    size_t size = 0;
    const std::string_view digits = body.substr(0, line);
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
    if (error != std::errc() || end != digits.data() + digits.size()) return chunks;
    body.remove_prefix(line + 2);
    if (size == 0) {
      chunks.complete = body.starts_with("\r\n");
      return chunks;
    }
    if (body.size() < size + 2) return chunks;  // cut inside a chunk
    chunks.payload.append(body.substr(0, size));
    chunks.largest = std::max(chunks.largest, size);
    body.remove_prefix(size + 2);
  }
}

class StreamedTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_ = make_microhttpd_transport(
        TransportOptions{.host = "127.0.0.1", .port = 0, .event_threads = 1, .workers = 2});
    ASSERT_OK(transport_->bind());
    thread_ = std::thread([this] { served_ = transport_->serve(handler_); });
  }
  void TearDown() override {
    transport_->stop();
    thread_.join();
    EXPECT_OK(served_);
  }

  // The head and the body of the answer to /stream/<pieces>/<fail>.
  std::pair<std::string, std::string> answer(int pieces, int fail) {
    const std::string wire = exchange(transport_->port(), request(pieces, fail));
    const size_t end = wire.find("\r\n\r\n");
    if (end == std::string::npos) return {wire, ""};
    return {wire.substr(0, end + 2), wire.substr(end + 4)};
  }

  StreamingHandler handler_;
  std::unique_ptr<HttpTransport> transport_;
  std::thread thread_;
  absl::Status served_;
};

std::string expected_body(int pieces) {
  std::string body;
  for (int i = 0; i < pieces; ++i) body += piece(i);
  return body;
}

TEST_F(StreamedTransportTest, AnAnswerThatFitsTheBufferLeavesWholeWithItsLength) {
  const auto [head, body] = answer(10, 0);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_NE(head.find("Content-Length: 1000\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Streamed: yes\r\n"), std::string::npos) << head;
  EXPECT_EQ(body, expected_body(10));
}

TEST_F(StreamedTransportTest, ALargeAnswerLeavesInChunksAsItIsProduced) {
  constexpr int kPieces = 20000;  // 2 MB, 30 times the buffer
  const auto [head, body] = answer(kPieces, 0);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/plain\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Streamed: yes\r\n"), std::string::npos) << head;
  const Chunks chunks = dechunk(body);
  EXPECT_TRUE(chunks.complete);
  EXPECT_EQ(chunks.payload, expected_body(kPieces));
  // Sent in pieces of at most the content reader's block, never the whole body at once.
  EXPECT_LE(chunks.largest, size_t{32} << 10);
}

TEST_F(StreamedTransportTest, AFailureBeforeAnyByteLeftIsAnsweredWhole) {
  const auto [head, body] = answer(5, 1);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 503")) << head;
  EXPECT_EQ(body, "failed");
}

TEST_F(StreamedTransportTest, AFailureAfterTheFirstBytesCutsTheChunkedBody) {
  constexpr int kPieces = 5000;  // the failure comes well after the head left
  const auto [head, body] = answer(kPieces, 1);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  const Chunks chunks = dechunk(body);
  EXPECT_FALSE(chunks.complete) << "a failed answer ended like a whole one";
  EXPECT_TRUE(expected_body(kPieces).starts_with(chunks.payload));
}

TEST_F(StreamedTransportTest, AClientThatLeavesMidAnswerStopsTheProducer) {
  // The client reads the head and leaves; the producer's next writes fail (Cancelled) instead
  // of waiting forever, so the stop below is not held up by it.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(transport_->port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string wire = request(1000000, 0);  // 100 MB: never fully sent
  ASSERT_EQ(::send(fd, wire.data(), wire.size(), 0), static_cast<ssize_t>(wire.size()));
  char buffer[1024];
  ASSERT_GT(::recv(fd, buffer, sizeof buffer, 0), 0);
  ::close(fd);
}

}  // namespace
}  // namespace datamesh::server
