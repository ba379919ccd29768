// HttpTransport over libmicrohttpd (GNU libmicrohttpd 0.9.75, Debian's libmicrohttpd-dev).
//
// Why this library: on the 2-core machine of docs/PERFORMANCE.md it answered 70-76k req/s
// where cpp-httplib, which holds one thread per keep-alive connection, answered about 30k
// (shared/research/deps.md §2). Its event loop (epoll, `event_threads` threads) reads
// requests and writes answers for every connection; kEventLoop requests are answered right there,
// kWorker requests are suspended (MHD_suspend_connection), run on the WorkerPool and resumed
// (MHD_resume_connection) with their answer, so that a slow store call never holds the loop.
//
// A connection's life: MHD_OPTION_NOTIFY_CONNECTION reports it opened and closed to a
// ConnectionDeadlines (connection_deadlines.h), which the serving thread sweeps every
// kSweepInterval to close connections whose head or body is late, however they trickle; the
// request callbacks below move it through its phases (head, body, answer, head again).
//
// A request's life, and what MHD calls:
//   request line   -> on_request_line: the Exchange is created (raw path and query kept) and
//                     counted in flight;
//   headers in     -> on_request, first call: headers copied, the lane chosen, a body declared
//                     over a limit (its own size, the bodies held at once) refused at once;
//   body pieces    -> on_request with data: appended, or the connection closed past a limit;
//   request in     -> on_request, last call: answered here (kEventLoop), or suspended and posted
//                     to a worker, whose resume brings one more last call that sends the answer;
//   answer sent    -> on_completed (also when the connection broke): the Exchange is freed and
//                     no longer in flight.
// A streamed answer (Response::produce) keeps its worker: produce() writes into a BodyPipe
// (body_pipe.h) while the event loop sends, through MHD_create_response_from_callback, what the
// pipe holds. The pipe resumes the connection with the answer's head once its buffer is full
// (or hands back the whole answer if produce() ends first); the content reader suspends the
// connection while the pipe is empty and the producer resumes it; on_completed tells the pipe
// the client has gone, which stops the producer.
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/logging.h"
#include "aws/sigv4.h"
#include "base/text.h"
#include "server/body_pipe.h"
#include "server/connection_deadlines.h"
#include "server/http_transport.h"
#include "server/server_config.h"
#include "server/tls_credentials.h"
#include "server/worker_pool.h"

namespace datamesh::server {
namespace {

using base::cat;

// How often late connections are looked for: deadlines are whole seconds, so they are kept to
// within a quarter of one.
constexpr auto kSweepInterval = std::chrono::milliseconds(250);

// The protocols and ciphers of HTTPS, in GnuTLS's syntax.
constexpr char kTlsPriorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

// One request, from its request line to the last byte of its answer.
struct Exchange {
  Request request;
  bool headers_read = false;
  bool body_refused = false;  // answered before its body was read
  // Bytes of the body counted in the transport's max_buffered_body_bytes.
  std::size_t counted_body_bytes = 0;
  Lane lane = Lane::kWorker;
  // Set by the worker before it resumes the connection; read on the event loop after the
  // resume (MHD's resume takes a mutex, which orders the two).
  bool answered = false;
  Response response;
  // A streamed answer's body (set by the worker before it resumes the connection).
  std::shared_ptr<BodyPipe> pipe;
};

// The content reader of a streamed answer: cls holds its pipe.
ssize_t read_streamed(void* cls, uint64_t, char* out, size_t max) {
  size_t taken = 0;
  switch ((*static_cast<std::shared_ptr<BodyPipe>*>(cls))->take(out, max, taken)) {
    case BodyPipe::Take::kBytes: return static_cast<ssize_t>(taken);
    case BodyPipe::Take::kWait: return 0;  // suspended until the producer writes
    case BodyPipe::Take::kEnd: return MHD_CONTENT_READER_END_OF_STREAM;
    case BodyPipe::Take::kFailed: break;
  }
  // The producer failed after the head left: the connection is closed without the chunked
  // body's end, so the client cannot take what came for a whole answer.
  return MHD_CONTENT_READER_END_WITH_ERROR;
}

void free_streamed(void* cls) { delete static_cast<std::shared_ptr<BodyPipe>*>(cls); }

// Bytes the content reader may be asked for at once.
constexpr size_t kStreamBlockBytes = 32 << 10;

// "address" of the peer, without the port, as the access log has always shown it.
std::string peer_address(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  const sockaddr* address = info->client_addr;
  const socklen_t size =
      address->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  char host[NI_MAXHOST];
  if (::getnameinfo(address, size, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return "";
  return host;
}

MHD_Result collect_header(void* out, MHD_ValueKind, const char* name, const char* value) {
  static_cast<std::vector<std::pair<std::string, std::string>>*>(out)->emplace_back(
      name, value == nullptr ? "" : value);
  return MHD_YES;
}

// What makes a request head ambiguous (BodyRefusal::kMalformedHead), or nullopt.
std::optional<std::string> head_problem(const aws::HttpRequest& http, std::string_view version) {
  // Counted in one pass, copying nothing: every request's head goes through here.
  std::size_t lengths = 0, hosts = 0;
  bool chunked = false;
  for (const auto& [name, value] : http.headers) {
    if (base::equals_ignoring_ascii_case(name, "content-length")) ++lengths;
    if (base::equals_ignoring_ascii_case(name, "host")) ++hosts;
    if (base::equals_ignoring_ascii_case(name, "transfer-encoding")) chunked = true;
  }
  if (lengths > 1) return cat("Content-Length is given ", lengths, " times; give it once");
  if (lengths == 1 && chunked) {
    return std::string("both Content-Length and Transfer-Encoding are given; give one");
  }
  if (hosts > 1) return cat("Host is given ", hosts, " times; give it once");
  if (hosts == 0 && version == MHD_HTTP_VERSION_1_1) {
    return std::string("an HTTP/1.1 request needs a Host header");
  }
  return std::nullopt;
}

class MicrohttpdTransport final : public HttpTransport {
 public:
  explicit MicrohttpdTransport(TransportOptions options)
      : options_(std::move(options)),
        deadlines_(ConnectionDeadlines::Limits{
            .head = std::chrono::seconds(options_.head_timeout_seconds),
            .body = std::chrono::seconds(options_.body_timeout_seconds),
            .high_water = options_.connection_reserve > 0
                              ? std::max(1, options_.max_connections - options_.connection_reserve)
                              : 0}) {}
  ~MicrohttpdTransport() override;

  absl::Status bind() override;
  int port() const override { return port_; }
  absl::Status serve(RequestHandler& handler) override;
  void stop() override;
  ClosedConnections closed_connections() const override {
    const ConnectionDeadlines::Counts counts = deadlines_.counts();
    return {.head_deadline = counts.head_deadline,
            .body_deadline = counts.body_deadline,
            .evicted = counts.evicted};
  }
  std::size_t held_body_bytes() const override {
    return counted_body_bytes_.load(std::memory_order_relaxed);
  }

 private:
  static void* on_request_line(void* self, const char* uri, MHD_Connection* connection);
  static MHD_Result on_request(void* self, MHD_Connection* connection, const char* url,
                               const char* method, const char* version, const char* upload_data,
                               size_t* upload_data_size, void** context);
  static void on_completed(void* self, MHD_Connection* connection, void** context,
                           MHD_RequestTerminationCode why);
  static void on_library_message(void* self, const char* format, va_list arguments);
  static MHD_Result on_accept(void* self, const sockaddr* address, socklen_t length);
  static void on_connection(void* self, MHD_Connection* connection, void** socket_context,
                            MHD_ConnectionNotificationCode code);

  // The connection's phase, for the deadlines.
  void enter(MHD_Connection* connection, ConnectionDeadlines::Phase phase);
  // Waits on `lock` until `done`, sweeping the deadlines meanwhile.
  template <typename Predicate>
  void wait_sweeping(std::unique_lock<std::mutex>& lock, Predicate done);

  MHD_Result begin(MHD_Connection* connection, Exchange& exchange, const char* method,
                   const char* version);
  // Whether a body of `length` bytes fits in max_buffered_body_bytes now.
  bool body_fits(uint64_t length) const;
  // Counts `exchange`'s body grown to `size` bytes; false, counting nothing, when it would
  // pass max_buffered_body_bytes.
  bool count_body(Exchange& exchange, std::size_t size);
  MHD_Result send(MHD_Connection* connection, const Response& response, bool close);
  MHD_Result send_streamed(MHD_Connection* connection, std::shared_ptr<BodyPipe> pipe,
                           bool close);
  // Runs handle() and, for a streamed answer, its produce(), on the worker thread.
  void answer_on_worker(MHD_Connection* connection, Exchange* exchange);
  MHD_Result queue(MHD_Connection* connection, MHD_Response* response, const Response& answer,
                   bool close);
  void set_timeout(MHD_Connection* connection, int seconds);

  const TransportOptions options_;
  // The Strict-Transport-Security header's value; empty over plain HTTP or when not wanted.
  const std::string strict_transport_security_ =
      options_.tls != nullptr && options_.hsts_max_age_seconds > 0
          ? cat("max-age=", options_.hsts_max_age_seconds)
          : std::string();
  int listen_fd_ = -1;
  int port_ = 0;
  RequestHandler* handler_ = nullptr;
  std::unique_ptr<WorkerPool> workers_;
  ConnectionDeadlines deadlines_;
  MHD_Daemon* daemon_ = nullptr;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_requested_ = false;  // guarded by mutex_
  // Exchanges begun and not completed. Guarded by mutex_. Once it reached 0 in the drain,
  // `closed_` turns away every later request, so none is suspended when the daemon stops.
  int in_flight_ = 0;
  bool closed_ = false;  // guarded by mutex_
  // Answers sent while draining close their connection, so clients leave; connections accepted
  // while draining are closed at once.
  std::atomic<bool> draining_{false};
  // The bytes of request bodies held now that count in max_buffered_body_bytes.
  std::atomic<std::size_t> counted_body_bytes_{0};
};

MicrohttpdTransport::~MicrohttpdTransport() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

absl::Status MicrohttpdTransport::bind() {
  const std::string where = listen_address(options_.host, options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(options_.port);
  if (const int error = ::getaddrinfo(options_.host.c_str(), port_text.c_str(), &hints, &found);
      error != 0) {
    return absl::UnavailableError(cat("cannot listen on ", where, ": ", gai_strerror(error)));
  }
  std::string last_error = "no address";
  for (const addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    const int fd = ::socket(candidate->ai_family,
                            candidate->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    // SO_REUSEADDR lets a restarted server bind while old connections sit in TIME_WAIT. No
    // SO_REUSEPORT: a second server on a taken port must fail, not share the port silently.
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, candidate->ai_addr, candidate->ai_addrlen) != 0 ||
        ::listen(fd, SOMAXCONN) != 0) {
      last_error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    sockaddr_storage bound{};
    socklen_t size = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &size);
    port_ = ntohs(bound.ss_family == AF_INET6
                      ? reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port
                      : reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
    listen_fd_ = fd;
    ::freeaddrinfo(found);
    return absl::OkStatus();
  }
  ::freeaddrinfo(found);
  return absl::UnavailableError(cat("cannot listen on ", where, ": ", last_error));
}

absl::Status MicrohttpdTransport::serve(RequestHandler& handler) {
  if (listen_fd_ < 0) return absl::FailedPreconditionError("serve() before a successful bind()");
  handler_ = &handler;
  workers_ = std::make_unique<WorkerPool>(std::max(1, options_.workers),
                                          std::max(1, options_.max_workers_per_key));
  std::vector<MHD_OptionItem> items = {
      // First, so that libmicrohttpd's messages about the options after it come here too.
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&on_library_message), this},
      {MHD_OPTION_LISTEN_SOCKET, listen_fd_, nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, options_.keep_alive_seconds, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, options_.max_connections, nullptr},
      {MHD_OPTION_URI_LOG_CALLBACK, reinterpret_cast<intptr_t>(&on_request_line), this},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&on_completed), this},
      {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&on_connection), this},
  };
  if (options_.max_connections_per_address > 0) {
    items.push_back(
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, options_.max_connections_per_address, nullptr});
  }
  if (options_.event_threads > 1) {
    items.push_back({MHD_OPTION_THREAD_POOL_SIZE, options_.event_threads, nullptr});
  }
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  const bool https = options_.tls != nullptr;
  if (https) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      workers_.reset();
      return absl::FailedPreconditionError(
          "this libmicrohttpd was built without TLS: serve plain HTTP behind a TLS proxy");
    }
    flags |= MHD_USE_TLS;
    // GnuTLS's defaults less TLS 1.0 and 1.1, which Debian 12's still accept.
    items.push_back({MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>(kTlsPriorities)});
    // Asked at each handshake (on_connection attaches the credentials to the session), so that
    // a replaced certificate serves the next handshake.
    items.push_back({MHD_OPTION_HTTPS_CERT_CALLBACK, 0,
                     reinterpret_cast<void*>(&TlsCredentials::retrieve)});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  daemon_ = MHD_start_daemon(flags, 0, &on_accept, this, &on_request, this, MHD_OPTION_ARRAY,
                             items.data(), MHD_OPTION_END);
  if (daemon_ == nullptr) {
    workers_.reset();
    return absl::UnavailableError(cat("libmicrohttpd could not start serving ",
                                      https ? "HTTPS" : "HTTP", " on port ", port_,
                                      " (see the log above)"));
  }

  std::unique_lock lock(mutex_);
  wait_sweeping(lock, [this] { return stop_requested_; });
  draining_ = true;
  lock.unlock();
  // From now on on_accept closes every new connection, those waiting in the backlog included,
  // so clients are refused instead of hanging. Not MHD_quiesce_daemon: in libmicrohttpd 0.9.75
  // it races with the event threads, which remove the listening socket from their epoll sets
  // too, and the loser aborts the process ("Failed to remove listen FD from epoll set"; seen
  // once in ServerAuthTest).
  lock.lock();
  // Sweeping on: a request whose headers trickle must not hold up the stop either.
  wait_sweeping(lock, [this] { return in_flight_ == 0; });
  closed_ = true;
  lock.unlock();
  // No request is in flight, so no job is queued; joining the workers also waits for one that
  // has resumed its connection but not yet returned from MHD_resume_connection, which still
  // signals the daemon. Then no connection is suspended and the daemon may stop, closing idle
  // connections.
  workers_.reset();
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
  ::close(listen_fd_);
  listen_fd_ = -1;
  return absl::OkStatus();
}

template <typename Predicate>
void MicrohttpdTransport::wait_sweeping(std::unique_lock<std::mutex>& lock, Predicate done) {
  while (!changed_.wait_for(lock, kSweepInterval, done)) {
    lock.unlock();
    deadlines_.sweep(ConnectionDeadlines::Clock::now());
    lock.lock();
  }
}

void MicrohttpdTransport::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  changed_.notify_all();
}

MHD_Result MicrohttpdTransport::on_accept(void* self, const sockaddr*, socklen_t) {
  const bool draining =
      static_cast<MicrohttpdTransport*>(self)->draining_.load(std::memory_order_relaxed);
  return draining ? MHD_NO : MHD_YES;
}

void MicrohttpdTransport::on_connection(void* self_pointer, MHD_Connection* connection,
                                        void** socket_context,
                                        MHD_ConnectionNotificationCode code) {
  auto* self = static_cast<MicrohttpdTransport*>(self_pointer);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == nullptr) return;
    *socket_context = self->deadlines_.opened(info->connect_fd, ConnectionDeadlines::Clock::now());
    // Before the session's first byte: its handshake will ask the credentials for a certificate.
    if (self->options_.tls != nullptr) {
      if (const MHD_ConnectionInfo* tls =
              MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
          tls != nullptr) {
        self->options_.tls->attach(static_cast<gnutls_session_t>(tls->tls_session));
      }
    }
  } else if (*socket_context != nullptr) {
    // MHD_CONNECTION_NOTIFY_CLOSED comes before MHD closes the descriptor.
    self->deadlines_.closed(static_cast<ConnectionDeadlines::Connection*>(*socket_context));
    *socket_context = nullptr;
  }
}

void MicrohttpdTransport::enter(MHD_Connection* connection, ConnectionDeadlines::Phase phase) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  if (info == nullptr || info->socket_context == nullptr) return;
  deadlines_.entered(static_cast<ConnectionDeadlines::Connection*>(info->socket_context), phase,
                     ConnectionDeadlines::Clock::now());
}

void* MicrohttpdTransport::on_request_line(void* self_pointer, const char* uri,
                                           MHD_Connection*) {
  auto* self = static_cast<MicrohttpdTransport*>(self_pointer);
  {
    std::lock_guard lock(self->mutex_);
    if (self->closed_) return nullptr;  // on_request then refuses it
    ++self->in_flight_;
  }
  auto* exchange = new Exchange;  // freed by on_completed
  // The target as sent: SigV4 signs the percent-encoded path and the raw query.
  const std::string_view target(uri);
  const size_t question = target.find('?');
  exchange->request.http.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    exchange->request.http.query = std::string(target.substr(question + 1));
  }
  return exchange;
}

MHD_Result MicrohttpdTransport::on_request(void* self_pointer, MHD_Connection* connection,
                                           const char*, const char* method,
                                           const char* version, const char* upload_data,
                                           size_t* upload_data_size, void** context) {
  auto* self = static_cast<MicrohttpdTransport*>(self_pointer);
  auto* exchange = static_cast<Exchange*>(*context);
  if (exchange == nullptr) return MHD_NO;  // arrived after the drain: close the connection
  if (!exchange->headers_read) return self->begin(connection, *exchange, method, version);

  std::string& body = exchange->request.http.body;
  if (*upload_data_size > 0) {
    if (!exchange->body_refused) {
      const std::size_t size = body.size() + *upload_data_size;
      if (size > self->options_.max_body_bytes || !self->count_body(*exchange, size)) {
        // A body past a limit its declared length did not show (chunked, or longer than
        // declared). MHD accepts an answer only before or after the body, so stop reading:
        // the connection is closed.
        return MHD_NO;
      }
      body.append(upload_data, *upload_data_size);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }

  // The whole request is in (or a worker has answered it).
  if (exchange->body_refused) return MHD_YES;  // answered by begin()
  self->enter(connection, ConnectionDeadlines::Phase::kAnswer);
  const bool close = self->draining_.load(std::memory_order_relaxed);
  if (exchange->answered) {
    if (exchange->pipe) return self->send_streamed(connection, exchange->pipe, close);
    return self->send(connection, exchange->response, close);
  }
  if (exchange->lane == Lane::kEventLoop) {
    return self->send(connection, self->handler_->handle(exchange->request), close);
  }
  MHD_suspend_connection(connection);
  self->workers_->post(self->handler_->fairness_key(exchange->request),
                       [self, connection, exchange] {
                         self->answer_on_worker(connection, exchange);
                       });
  return MHD_YES;
}

void MicrohttpdTransport::answer_on_worker(MHD_Connection* connection, Exchange* exchange) {
  Response response = handler_->handle(exchange->request);
  if (!response.produce) {
    exchange->response = std::move(response);
    exchange->answered = true;
    MHD_resume_connection(connection);
    return;
  }
  const std::function<absl::Status(BodyWriter&)> produce = std::move(response.produce);
  // The hooks run under the pipe's lock. `start` is the last use of `exchange` by this thread
  // once the answer streams: on_completed may free it as soon as the connection runs again.
  auto pipe = std::make_shared<BodyPipe>(
      BodyWriter::kStreamBufferBytes, std::move(response),
      BodyPipe::Hooks{.start =
                          [exchange, connection] {
                            exchange->answered = true;
                            MHD_resume_connection(connection);
                          },
                      .suspend = [connection] { MHD_suspend_connection(connection); },
                      .resume = [connection] { MHD_resume_connection(connection); }});
  exchange->pipe = pipe;
  const absl::Status produced = produce(*pipe);
  if (std::optional<Response> whole = pipe->finish(produced)) {
    // Never started: answered whole, as any other answer.
    exchange->pipe.reset();
    exchange->response = *std::move(whole);
    exchange->answered = true;
    MHD_resume_connection(connection);
  }
}

MHD_Result MicrohttpdTransport::begin(MHD_Connection* connection, Exchange& exchange,
                                      const char* method, const char* version) {
  exchange.headers_read = true;
  aws::HttpRequest& http = exchange.request.http;
  http.method = method;
  MHD_get_connection_values(connection, MHD_HEADER_KIND, &collect_header, &http.headers);
  if (options_.want_remote_address) exchange.request.remote_address = peer_address(connection);
  exchange.lane = handler_->lane(http.method, http.path);
  set_timeout(connection, options_.read_timeout_seconds);
  enter(connection, ConnectionDeadlines::Phase::kBody);

  // libmicrohttpd takes the first of several Content-Length headers, and a chunked body's end
  // over a Content-Length, and then reads what follows as the next request: refused here, with
  // the connection closed, before any byte of the body is read.
  if (std::optional<std::string> problem = head_problem(http, version)) {
    exchange.body_refused = true;
    return send(connection,
                handler_->body_refused(exchange.request, BodyRefusal::kMalformedHead, *problem),
                /*close=*/true);
  }
  if (std::optional<Response> early = handler_->answer_before_body(exchange.request)) {
    exchange.body_refused = true;
    return send(connection, *early, /*close=*/true);
  }

  if (const char* declared = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH)) {
    const std::string_view text(declared);
    uint64_t length = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
    // MHD has already refused a malformed Content-Length; a length too big to parse is over.
    const std::optional<BodyRefusal> refusal =
        error != std::errc() || length > options_.max_body_bytes ? BodyRefusal::kTooLarge
        : !body_fits(length)                                     ? BodyRefusal::kServerFull
                                                                 : std::optional<BodyRefusal>();
    if (refusal) {
      exchange.body_refused = true;
      // Answered before the body is read; MHD then closes the connection, as it must, since the
      // unread body would otherwise be taken for the next request.
      return send(connection, handler_->body_refused(exchange.request, *refusal, ""),
                  /*close=*/true);
    }
    // Memory follows the bytes that arrive, not the length a client declares.
    http.body.reserve(std::min<uint64_t>(length, TransportOptions::kUncountedBodyBytes));
  }
  return MHD_YES;
}

bool MicrohttpdTransport::body_fits(uint64_t length) const {
  return options_.max_buffered_body_bytes == 0 ||
         length <= TransportOptions::kUncountedBodyBytes ||
         counted_body_bytes_.load(std::memory_order_relaxed) + length -
                 TransportOptions::kUncountedBodyBytes <=
             options_.max_buffered_body_bytes;
}

bool MicrohttpdTransport::count_body(Exchange& exchange, std::size_t size) {
  if (options_.max_buffered_body_bytes == 0) return true;
  const std::size_t counted =
      size > TransportOptions::kUncountedBodyBytes ? size - TransportOptions::kUncountedBodyBytes
                                                   : 0;
  if (counted <= exchange.counted_body_bytes) return true;
  const std::size_t more = counted - exchange.counted_body_bytes;
  if (counted_body_bytes_.fetch_add(more, std::memory_order_relaxed) + more >
      options_.max_buffered_body_bytes) {
    counted_body_bytes_.fetch_sub(more, std::memory_order_relaxed);
    return false;
  }
  exchange.counted_body_bytes = counted;
  return true;
}

MHD_Result MicrohttpdTransport::send(MHD_Connection* connection, const Response& answer,
                                     bool close) {
  MHD_Response* response = MHD_create_response_from_buffer(
      answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  return queue(connection, response, answer, close);
}

MHD_Result MicrohttpdTransport::send_streamed(MHD_Connection* connection,
                                              std::shared_ptr<BodyPipe> pipe, bool close) {
  const Response& head = pipe->head();
  auto* holder = new std::shared_ptr<BodyPipe>(std::move(pipe));  // freed by free_streamed
  MHD_Response* response = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, kStreamBlockBytes, &read_streamed, holder, &free_streamed);
  if (response == nullptr) {
    delete holder;
    return MHD_NO;
  }
  return queue(connection, response, head, close);
}

MHD_Result MicrohttpdTransport::queue(MHD_Connection* connection, MHD_Response* response,
                                      const Response& answer, bool close) {
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, answer.content_type.c_str());
  for (const auto& [name, value] : answer.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  if (close) MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
  if (!strict_transport_security_.empty()) {
    MHD_add_response_header(response, "Strict-Transport-Security",
                            strict_transport_security_.c_str());
  }
  set_timeout(connection, options_.write_timeout_seconds);
  const MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned>(answer.status), response);
  MHD_destroy_response(response);
  return queued;
}

void MicrohttpdTransport::set_timeout(MHD_Connection* connection, int seconds) {
  MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                            static_cast<unsigned>(seconds));
}

void MicrohttpdTransport::on_completed(void* self_pointer, MHD_Connection* connection,
                                       void** context, MHD_RequestTerminationCode why) {
  auto* self = static_cast<MicrohttpdTransport*>(self_pointer);
  std::unique_ptr<Exchange> exchange(static_cast<Exchange*>(*context));
  *context = nullptr;
  if (exchange == nullptr) return;
  self->counted_body_bytes_.fetch_sub(exchange->counted_body_bytes, std::memory_order_relaxed);
  // A producer still writing stops: its client has gone.
  if (exchange->pipe) exchange->pipe->gone();
  // The connection stays open for the next request: from now on it is idle.
  if (why == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
    self->set_timeout(connection, self->options_.keep_alive_seconds);
    self->enter(connection, ConnectionDeadlines::Phase::kHead);
  }
  exchange.reset();
  bool idle = false;
  {
    std::lock_guard lock(self->mutex_);
    idle = --self->in_flight_ == 0;
  }
  if (idle) self->changed_.notify_all();
}

void MicrohttpdTransport::on_library_message(void*, const char* format, va_list arguments) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, arguments);
  std::string_view message(text);
  while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
  api::logger().debug("libmicrohttpd: {}", std::string(message));
}

}  // namespace

std::unique_ptr<HttpTransport> make_microhttpd_transport(TransportOptions options) {
  return std::make_unique<MicrohttpdTransport>(std::move(options));
}

}  // namespace datamesh::server
