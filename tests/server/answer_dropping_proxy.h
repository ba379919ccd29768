// A TCP proxy in front of a `datamesh serve` that loses answers: it forwards each HTTP request
// to the server, reads the server's whole answer (so the server has acted), and for the first
// `drops` requests closes the client's connection instead of passing the answer on. This is
// what a client sees when a connection dies after the server committed a write: no answer,
// though the write happened. The proxy keeps every request body it forwarded.
//
// One thread serves one client connection at a time (Content-Length framing, as the remote
// client sends). Loopback only; port 0. Thread-safe accessors.
#pragma once

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace datamesh::server_test {

class AnswerDroppingProxy {
 public:
  AnswerDroppingProxy(int upstream_port, int drops);
  ~AnswerDroppingProxy();
  AnswerDroppingProxy(const AnswerDroppingProxy&) = delete;
  AnswerDroppingProxy& operator=(const AnswerDroppingProxy&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The bodies of the requests forwarded so far, in order.
  std::vector<std::string> bodies() const;
  // How many answers were dropped so far.
  int dropped() const;

 private:
  void serve();
  // Serves the requests of one client connection until it closes or an answer is dropped.
  void serve_connection(int client);

  const int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  int drops_left_;
  int dropped_ = 0;
  std::vector<std::string> bodies_;
  std::thread thread_;
};

}  // namespace datamesh::server_test
