// A small local HTTP server for the AWS client's tests: it answers each request with the next
// answer of a script (the last one repeats), checks every request's SigV4 signature with the
// project's verifier, and records what it received. Binds 127.0.0.1 on a port the kernel
// chooses. Thread-safe; the server stops when the object is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "aws/sigv4.h"
#include "httplib.h"

namespace datamesh::aws::testing {

struct ScriptedAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/x-amz-json-1.1";
  std::vector<std::pair<std::string, std::string>> headers;
  // Answer only once release() was called (a server that does not answer in time).
  bool hold = false;
};

struct ReceivedRequest {
  HttpRequest request;  // as received: method, path, query, headers, body
  bool signature_valid = false;
  std::string signature_problem;  // verify's message when it refused
};

class ScriptedAwsServer {
 public:
  // `secret` is the secret access key the client signs with.
  ScriptedAwsServer(std::vector<ScriptedAnswer> script, std::string secret)
      : script_(std::move(script)), secret_(std::move(secret)) {
    server_.set_keep_alive_max_count(1000);
    const auto handle = [this](const httplib::Request& in, httplib::Response& out) {
      answer(in, out);
    };
    server_.Get(".*", handle);
    server_.Post(".*", handle);
    server_.Put(".*", handle);
    server_.Delete(".*", handle);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the accept loop runs would be lost and the loop would never end.
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~ScriptedAwsServer() {
    release();
    server_.stop();
    thread_.join();
  }
  ScriptedAwsServer(const ScriptedAwsServer&) = delete;
  ScriptedAwsServer& operator=(const ScriptedAwsServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<ReceivedRequest> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::size_t attempts() const { return received().size(); }

  // Lets held answers go (and every later one through at once).
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_changed_.notify_all();
  }

 private:
  void answer(const httplib::Request& in, httplib::Response& out) {
    ReceivedRequest got;
    got.request.method = in.method;
    got.request.path = in.path;
    // httplib decodes the query into params; the raw target keeps it as sent.
    const std::size_t question = in.target.find('?');
    got.request.query = question == std::string::npos ? "" : in.target.substr(question + 1);
    for (const auto& [name, value] : in.headers) {
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
          name == "LOCAL_PORT") {
        continue;  // httplib's own additions, not sent by the client
      }
      got.request.headers.emplace_back(name, value);
    }
    got.request.body = in.body;
    const std::vector<std::string> authorization = header_values(got.request, "Authorization");
    if (authorization.size() == 1) {
      absl::StatusOr<Authorization> parsed = parse_authorization(authorization[0]);
      if (parsed.ok()) {
        const absl::Status verified =
            verify(got.request, *parsed, secret_, {parsed->region, parsed->service},
                   std::chrono::system_clock::now(), std::chrono::hours(24 * 365 * 100));
        got.signature_valid = verified.ok();
        got.signature_problem = std::string(verified.message());
      } else {
        got.signature_problem = std::string(parsed.status().message());
      }
    }
    std::size_t index;
    {
      std::lock_guard lock(mutex_);
      index = std::min(received_.size(), script_.size() - 1);
      received_.push_back(std::move(got));
    }
    const ScriptedAnswer& scripted = script_[index];
    if (scripted.hold) {
      std::unique_lock lock(mutex_);
      released_changed_.wait(lock, [this] { return released_; });
    }
    out.status = scripted.status;
    for (const auto& [name, value] : scripted.headers) out.set_header(name, value);
    out.set_content(scripted.body, scripted.content_type);
  }

  const std::vector<ScriptedAnswer> script_;
  const std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> received_;  // guarded by mutex_
  bool released_ = false;                  // guarded by mutex_
  std::condition_variable released_changed_;
};

}  // namespace datamesh::aws::testing
