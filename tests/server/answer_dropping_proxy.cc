#include "server/answer_dropping_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "testkit/http_connection.h"

namespace datamesh::server_test {
namespace {

// The value of the Content-Length header of a request head, 0 when absent.
size_t content_length(const std::string& head) {
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::stoul(head.substr(at + 17));
}

bool send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one whole request (head and Content-Length body) from `fd`, with what is left in
// `buffer` from before; nullopt when the client closed the connection.
std::optional<std::string> read_request(int fd, std::string& buffer) {
  char chunk[16384];
  while (true) {
    const size_t head_end = buffer.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const size_t total = head_end + 4 + content_length(buffer.substr(0, head_end + 2));
      if (buffer.size() >= total) {
        std::string request = buffer.substr(0, total);
        buffer.erase(0, total);
        return request;
      }
    }
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace

AnswerDroppingProxy::AnswerDroppingProxy(int upstream_port, int drops)
    : upstream_port_(upstream_port), drops_left_(drops) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return;  // port() stays 0: the test's calls fail to connect
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

AnswerDroppingProxy::~AnswerDroppingProxy() {
  if (listener_ >= 0) ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) ::close(listener_);
}

std::vector<std::string> AnswerDroppingProxy::bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}

int AnswerDroppingProxy::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void AnswerDroppingProxy::serve() {
  while (true) {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;  // shut down
    serve_connection(client);
    ::close(client);
  }
}

void AnswerDroppingProxy::serve_connection(int client) {
  std::string buffer;
  while (std::optional<std::string> request = read_request(client, buffer)) {
    testkit::HttpConnection upstream("127.0.0.1", upstream_port_);
    if (!upstream.send(*request)) return;
    std::optional<testkit::HttpConnection::Answer> answer = upstream.read_answer();
    bool drop = false;
    {
      std::lock_guard lock(mutex_);
      bodies_.push_back(request->substr(request->find("\r\n\r\n") + 4));
      if (drops_left_ > 0) {
        --drops_left_;
        ++dropped_;
        drop = true;
      }
    }
    if (drop || !answer) return;  // the client sees its connection end without an answer
    if (!send_all(client, answer->head + "\r\n\r\n" + answer->body)) return;
  }
}

}  // namespace datamesh::server_test
