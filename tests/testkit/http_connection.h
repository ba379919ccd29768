// One blocking keep-alive TCP connection to an HTTP/1.1 server on an IPv4 address, speaking
// just enough of the protocol for datamesh serve's answers (Content-Length framing, no chunked
// answers). Shared by the benchmarks' load generator (bench/load.h: one connection per client
// thread, so it stays cheap: blocking calls, no poll) and the transport tests, which send
// malformed and partial requests byte for byte.
// Every send and receive gives up after 30 s (SO_SNDTIMEO / SO_RCVTIMEO): a guard against a
// hung server, never a measurement. Not thread-safe: one thread per connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace datamesh::testkit {

class HttpConnection {
 public:
  // Connects at once (TCP_NODELAY); connected() and error() tell how it went. `source`, when
  // given, is the local IPv4 address to connect from (127.0.0.2, say: any of 127/8 is local),
  // so that a test can act as a second client address.
  HttpConnection(std::string host, int port, std::string source = "");
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // What the last failure was ("connect: Connection refused", "recv: ...", ...).
  const std::string& error() const { return error_; }
  // Closes the connection if open and connects again.
  bool reconnect();
  void close();

  // Sends all of `wire`; false (and closed) when the connection failed.
  bool send(std::string_view wire);

  struct Answer {
    int status = 0;
    std::string head;  // status line and headers, without the blank line
    std::string body;
    bool close = false;  // the answer said "Connection: close"
  };
  // Reads one whole answer. nullopt when the server closed the connection, the guard passed,
  // or the answer is not HTTP/1.x or chunked (error() says which); the connection is then
  // closed, except after the guard, so that closed_by_server() can still tell.
  std::optional<Answer> read_answer();

  // True when an answer (or the end of the connection) is ready to be read right now.
  bool has_data_now();
  // Reads until the connection ends: true when the server closed it (end of stream or reset)
  // before the guard passed, having sent nothing the caller did not read.
  bool closed_by_server();

 private:
  bool receive();

  std::string host_;
  int port_;
  std::string source_;
  int fd_ = -1;
  bool closed_by_peer_ = false;
  std::string error_;
  std::string buffer_;
};

}  // namespace datamesh::testkit
