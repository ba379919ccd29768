#include "load.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

namespace datamesh::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum Phase : int { kWaiting = 0, kWarmup = 1, kMeasuring = 2, kDone = 3 };

std::string serialize(const HttpCall& call) {
  std::string wire;
  wire.reserve(256 + call.body.size());
  wire.append(call.method).append(" ").append(call.path).append(" HTTP/1.1\r\n");
  for (const auto& [name, value] : call.headers) {
    wire.append(name).append(": ").append(value).append("\r\n");
  }
  if (!call.body.empty() || call.method == "POST") {
    wire.append("Content-Length: ").append(std::to_string(call.body.size())).append("\r\n");
  }
  wire.append("\r\n").append(call.body);
  return wire;
}

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

// One blocking keep-alive connection that speaks just enough HTTP/1.1 for the server's answers.
class RawConnection {
 public:
  RawConnection(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~RawConnection() { close_socket(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connect(std::string& error) {
    close_socket();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error = std::string("socket: ") + std::strerror(errno);
      return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    if (::inet_pton(AF_INET, host_.c_str(), &address.sin_addr) != 1) {
      error = "not an IPv4 address: " + host_;
      close_socket();
      return false;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval timeout{.tv_sec = 30, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      error = std::string("connect: ") + std::strerror(errno);
      close_socket();
      return false;
    }
    buffer_.clear();
    return true;
  }

  // The HTTP status, or 0 with `error` set when the connection failed (it is then closed).
  int round_trip(const std::string& wire, std::string* body, std::string& error) {
    if (fd_ < 0 && !connect(error)) return 0;
    size_t sent = 0;
    while (sent < wire.size()) {
      const ssize_t n = ::send(fd_, wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        error = std::string("send: ") + std::strerror(errno);
        close_socket();
        return 0;
      }
      sent += static_cast<size_t>(n);
    }
    size_t header_end = std::string::npos;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive(error)) return 0;
    }
    const std::string_view head(buffer_.data(), header_end);
    if (head.size() < 12 || !head.starts_with("HTTP/1.")) {
      error = "answer without an HTTP status line";
      close_socket();
      return 0;
    }
    const int status = std::atoi(std::string(head.substr(9, 3)).c_str());
    size_t length = 0;
    bool close_after = false;
    size_t line_start = head.find("\r\n");
    while (line_start != std::string_view::npos) {
      line_start += 2;
      const size_t line_end = head.find("\r\n", line_start);
      const std::string_view line = head.substr(
          line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                        : line_end - line_start);
      if (iequals_prefix(line, "content-length:")) {
        length = std::strtoull(std::string(line.substr(15)).c_str(), nullptr, 10);
      } else if (iequals_prefix(line, "transfer-encoding:")) {
        error = "chunked answers are not supported by the raw transport";
        close_socket();
        return 0;
      } else if (iequals_prefix(line, "connection:") &&
                 line.find("close") != std::string_view::npos) {
        close_after = true;
      }
      line_start = line_end;
    }
    const size_t total = header_end + 4 + length;
    while (buffer_.size() < total) {
      if (!receive(error)) return 0;
    }
    if (body != nullptr) body->assign(buffer_, header_end + 4, length);
    buffer_.erase(0, total);
    if (close_after) close_socket();
    return status;
  }

 private:
  bool receive(std::string& error) {
    char chunk[16384];
    while (true) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
      }
      if (n < 0 && errno == EINTR) continue;
      error = n == 0 ? "the server closed the connection" : std::string("recv: ") +
                                                                std::strerror(errno);
      close_socket();
      return false;
    }
  }

  void close_socket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
  }

  std::string host_;
  int port_;
  int fd_ = -1;
  std::string buffer_;
};

struct ThreadTally {
  std::vector<int64_t> latencies;
  int64_t make_nanos = 0;
  uint64_t requests = 0, ok = 0, failures = 0;
  std::map<int, uint64_t> statuses;
  std::string first_error;
};

double quantile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t index =
      std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[index]) / 1000.0;
}

}  // namespace

LatencySummary summarize(std::vector<int64_t>& nanoseconds) {
  LatencySummary summary;
  summary.count = nanoseconds.size();
  if (nanoseconds.empty()) return summary;
  std::sort(nanoseconds.begin(), nanoseconds.end());
  long double total = 0;
  for (int64_t value : nanoseconds) total += static_cast<long double>(value);
  summary.mean_us = static_cast<double>(total / nanoseconds.size() / 1000.0L);
  summary.p50_us = quantile(nanoseconds, 0.50);
  summary.p90_us = quantile(nanoseconds, 0.90);
  summary.p99_us = quantile(nanoseconds, 0.99);
  summary.p999_us = quantile(nanoseconds, 0.999);
  summary.max_us = static_cast<double>(nanoseconds.back()) / 1000.0;
  return summary;
}

std::pair<int, std::string> fetch_once(const std::string& host, int port, const HttpCall& call) {
  RawConnection connection(host, port);
  std::string error;
  std::string body;
  const int status = connection.round_trip(serialize(call), &body, error);
  return {status, status == 0 ? error : body};
}

LoadResult run_load(const LoadOptions& options, const RequestMaker& make) {
  const int connections = std::max(1, options.connections);
  std::atomic<int> phase{kWaiting};
  std::atomic<int> ready{0};
  std::vector<ThreadTally> tallies(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(connections));

  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      ThreadTally& tally = tallies[static_cast<size_t>(c)];
      tally.latencies.reserve(1 << 16);
      RawConnection connection(options.host, options.port);
      std::string error;
      if (!connection.connect(error) && tally.first_error.empty()) tally.first_error = error;
      ready.fetch_add(1);
      while (phase.load(std::memory_order_acquire) == kWaiting) std::this_thread::yield();

      std::string body;
      for (uint64_t sequence = 0; phase.load(std::memory_order_relaxed) != kDone; ++sequence) {
        const auto make_start = Clock::now();
        HttpCall call = make(c, sequence);
        const std::string wire = serialize(call);
        const auto sent = Clock::now();
        error.clear();
        const int status = connection.round_trip(wire, &body, error);
        const auto answered = Clock::now();
        // A dead server must not turn the loop into a busy spin of failed connects.
        if (status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (phase.load(std::memory_order_relaxed) != kMeasuring) continue;
        tally.make_nanos +=
            std::chrono::duration_cast<std::chrono::nanoseconds>(sent - make_start).count();
        if (status == 0) {
          ++tally.failures;
          if (tally.first_error.empty()) tally.first_error = error;
          continue;
        }
        ++tally.requests;
        ++tally.statuses[status];
        if (status == 200) {
          ++tally.ok;
          tally.latencies.push_back(
              std::chrono::duration_cast<std::chrono::nanoseconds>(answered - sent).count());
        } else if (tally.first_error.empty()) {
          tally.first_error = "HTTP " + std::to_string(status) + ": " + body;
        }
      }
    });
  }
  while (ready.load() < connections) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  phase.store(kWarmup, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_seconds));
  if (options.on_window_start) options.on_window_start();
  const auto start = Clock::now();
  phase.store(kMeasuring, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds));
  phase.store(kDone, std::memory_order_release);
  const auto end = Clock::now();
  if (options.on_window_end) options.on_window_end();
  for (std::thread& thread : threads) thread.join();

  LoadResult result;
  result.seconds = std::chrono::duration<double>(end - start).count();
  std::vector<int64_t> all;
  int64_t make_nanos = 0;
  uint64_t made = 0;
  for (ThreadTally& tally : tallies) {
    result.requests += tally.requests;
    result.ok += tally.ok;
    result.failures += tally.failures;
    for (const auto& [status, count] : tally.statuses) result.statuses[status] += count;
    if (result.first_error.empty()) result.first_error = tally.first_error;
    all.insert(all.end(), tally.latencies.begin(), tally.latencies.end());
    make_nanos += tally.make_nanos;
    made += tally.requests + tally.failures;
    if (tally.ok > 0) ++result.connections_answered;
  }
  result.requests_per_second =
      result.seconds > 0 ? static_cast<double>(result.ok) / result.seconds : 0;
  result.make_mean_us = made > 0 ? static_cast<double>(make_nanos) / made / 1000.0 : 0;
  result.latency = summarize(all);
  return result;
}

}  // namespace datamesh::bench
