#include "testkit/http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace datamesh::testkit {
namespace {

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::string failure(const char* call) { return std::string(call) + ": " + std::strerror(errno); }

}  // namespace

HttpConnection::HttpConnection(std::string host, int port, std::string source)
    : host_(std::move(host)), port_(port), source_(std::move(source)) {
  reconnect();
}

HttpConnection::~HttpConnection() { close(); }

void HttpConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool HttpConnection::reconnect() {
  close();
  closed_by_peer_ = false;
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error_ = failure("socket");
    return false;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port_));
  if (::inet_pton(AF_INET, host_.c_str(), &address.sin_addr) != 1) {
    error_ = "not an IPv4 address: " + host_;
    close();
    return false;
  }
  if (!source_.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_.c_str(), &local.sin_addr) != 1) {
      error_ = "not an IPv4 address: " + source_;
      close();
      return false;
    }
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      error_ = failure("bind");
      close();
      return false;
    }
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval guard{.tv_sec = 30, .tv_usec = 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &guard, sizeof guard);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    error_ = failure("connect");
    close();
    return false;
  }
  return true;
}

bool HttpConnection::send(std::string_view wire) {
  if (fd_ < 0) return false;
  size_t sent = 0;
  while (sent < wire.size()) {
    const ssize_t n = ::send(fd_, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      error_ = failure("send");
      close();
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::optional<HttpConnection::Answer> HttpConnection::read_answer() {
  if (fd_ < 0) return std::nullopt;
  size_t header_end = std::string::npos;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!receive()) return std::nullopt;
  }
  Answer answer;
  answer.head.assign(buffer_, 0, header_end);
  const std::string_view head = answer.head;
  if (head.size() < 12 || !head.starts_with("HTTP/1.")) {
    error_ = "answer without an HTTP status line";
    close();
    return std::nullopt;
  }
  answer.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  size_t length = 0;
  size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos) {
    line_start += 2;
    const size_t line_end = head.find("\r\n", line_start);
    const std::string_view line =
        head.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                   : line_end - line_start);
    if (iequals_prefix(line, "content-length:")) {
      length = std::strtoull(std::string(line.substr(15)).c_str(), nullptr, 10);
    } else if (iequals_prefix(line, "transfer-encoding:")) {
      error_ = "chunked answers are not supported";
      close();
      return std::nullopt;
    } else if (iequals_prefix(line, "connection:") &&
               line.find("close") != std::string_view::npos) {
      answer.close = true;
    }
    line_start = line_end;
  }
  const size_t total = header_end + 4 + length;
  while (buffer_.size() < total) {
    if (!receive()) return std::nullopt;
  }
  answer.body.assign(buffer_, header_end + 4, length);
  buffer_.erase(0, total);
  return answer;
}

bool HttpConnection::has_data_now() {
  if (!buffer_.empty()) return true;
  if (fd_ < 0) return false;
  pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
  return ::poll(&ready, 1, 0) > 0;
}

bool HttpConnection::closed_by_server() {
  while (receive()) {
  }
  return closed_by_peer_;
}

bool HttpConnection::receive() {
  if (fd_ < 0) return false;
  char chunk[16384];
  while (true) {
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      error_ = "no answer within the 30 s guard";
      return false;  // left open: the server did not close it
    }
    error_ = n == 0 ? "the server closed the connection" : failure("recv");
    closed_by_peer_ = true;
    close();
    return false;
  }
}

}  // namespace datamesh::testkit
