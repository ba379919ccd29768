// The client of `datamesh serve` against a server that takes a call and never answers: the call
// ends after the client's timeout (ClientOptions::timeout_seconds, the CLI's --timeout) with
// DeadlineExceeded, sent once: a retry would make the caller wait as long again, each time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "datamesh/admin.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh {
namespace {

// Accepts every connection on 127.0.0.1 and reads what comes, answering nothing, until
// destroyed.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int connection = accept(fd_, nullptr, nullptr);
        if (connection < 0) return;  // the listening socket was shut down
        ++accepted_;
        connections_.push_back(connection);
      }
    });
  }
  ~SilentServer() {
    shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    for (int connection : connections_) close(connection);
    close(fd_);
  }

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::vector<int> connections_;  // the accepting thread's until it ends
  std::thread thread_;
};

TEST(RemoteTimeoutTest, ACallWithNoAnswerEndsAfterTheTimeoutAndIsSentOnce) {
  SilentServer server;
  DataMeshAdmin admin(ClientOptions{
      .use_credentials = Credentials{.access_key_id = "AKIDEXAMPLE", .secret_access_key = "s"},
      .endpoint = "http://127.0.0.1:" + std::to_string(server.port()),
      .timeout_seconds = 1});
  EXPECT_STATUS(admin.list_accounts(), absl::StatusCode::kDeadlineExceeded,
                "the mesh server at http://127.0.0.1:" + std::to_string(server.port()) +
                    " did not answer within 1 s");
  EXPECT_EQ(server.accepted(), 1);
}

TEST(RemoteTimeoutTest, ATimeoutOutsideItsRangeIsRefused) {
  DataMeshAdmin admin(ClientOptions{.endpoint = "http://127.0.0.1:1", .timeout_seconds = 0});
  EXPECT_STATUS(admin.list_accounts(), absl::StatusCode::kInvalidArgument,
                "timeout 0 s is outside 1 to 3600 seconds");
}

}  // namespace
}  // namespace datamesh
