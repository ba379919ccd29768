// The seam between what `datamesh serve` does with a request and the HTTP library that carries
// it.
//
// A transport owns the sockets: HTTP/1.1 parsing, keep-alive, timeouts, the body size limit and
// the graceful stop. It hands each complete request to a RequestHandler and sends back the
// Response it gets. The handler (request_router.h: routing, SigV4, JSON, errors, metrics, access
// log) includes nothing of the library, so replacing the library means writing one new
// transport (microhttpd_transport.cc is the one in use).
//
// Lanes: from the method and path alone a handler says whether a request may be answered on
// the transport's event-loop thread (kEventLoop: constant answers that touch no store and never
// wait) or must run on a worker thread (kWorker: everything that may call the store). A
// transport must never run a kWorker request on an event-loop thread, where one slow store call
// would stall every connection that thread serves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "aws/sigv4.h"

namespace datamesh::server {

struct Request {
  // The method; the path and query exactly as received (still percent-encoded, which SigV4
  // verification needs); the headers in the order received, names as sent; the body.
  aws::HttpRequest http;
  // The peer's address, without its port ("127.0.0.1", "::1"), for the access log, the
  // failed-authentication limit and the worker pool's turns; empty unless
  // TransportOptions::want_remote_address.
  std::string remote_address;
};

class BodyWriter;
class TlsCredentials;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Further headers of the answer (Retry-After of a 429, for instance).
  std::vector<std::pair<std::string, std::string>> headers;
  // A body produced while it is sent, for an answer too large to hold (a streamed list,
  // api/json_list.h): when set, `body` is unused and the transport calls produce() once, on the
  // worker thread that ran handle(), after handle() returned. See BodyWriter.
  std::function<absl::Status(BodyWriter&)> produce;
};

// What produce() writes the body to. The transport holds at most kStreamBufferBytes not yet
// sent (plus one write): write() waits while the client has not taken them, so the answer's
// memory stays flat whatever its size. The answer is sent as it was before streaming while it
// fits in that buffer: it leaves, with a Content-Length, once produce() returns OK; a larger one
// leaves as soon as the buffer is full, in chunked transfer encoding, with the status and
// headers of the Response.
//
// Failures: before any byte has left (started() false), produce() may replace() the answer,
// say with an error; what it wrote is dropped. Once bytes have left, the status is sent: a
// produce() that fails then makes the transport close the connection without the chunked
// body's end, so the client sees a cut transfer, never a complete-looking answer.
class BodyWriter {
 public:
  static constexpr std::size_t kStreamBufferBytes = 64 << 10;

  virtual ~BodyWriter() = default;
  // Cancelled once the client has gone (closed, or stopped reading past the write timeout):
  // produce() should stop and return.
  virtual absl::Status write(std::string_view bytes) = 0;
  virtual bool started() const = 0;
  // Precondition: !started(). The transport sends `answer` (which must not stream) instead.
  virtual void replace(Response answer) = 0;
};

enum class Lane { kEventLoop, kWorker };

// Why a request's body is not read.
enum class BodyRefusal {
  kTooLarge,     // over TransportOptions::max_body_bytes
  kServerFull,   // the bodies held at once would pass TransportOptions::max_buffered_body_bytes
  // The head does not say unambiguously where the request ends or which host it is for
  // (several Content-Length headers, Content-Length with Transfer-Encoding, an HTTP/1.1 request
  // without exactly one Host): a server and a proxy in front of it could read two different
  // requests from the same bytes (request smuggling, RFC 9112 sections 3.2 and 6.3).
  kMalformedHead,
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Must be cheap and must not block: the transport calls it on its event loop.
  virtual Lane lane(std::string_view method, std::string_view path) const = 0;
  // Whose turn a kWorker request takes in the worker pool: requests with the same key share
  // TransportOptions::max_workers_per_key workers. Must be cheap; called on the event loop with
  // the complete request.
  virtual std::string fairness_key(const Request& request) const = 0;
  // The answer to a complete request. Called concurrently from event-loop threads (kEventLoop
  // requests) and worker threads (kWorker requests).
  virtual Response handle(const Request& request) = 0;
  // An answer `head` (a request whose body has not been read, and never will be if answered)
  // gets whatever its body holds, or nullopt to read the body and call handle(). Called on the
  // event loop: must be cheap and must not block. The transport closes the connection after it.
  virtual std::optional<Response> answer_before_body(const Request& head) {
    (void)head;
    return std::nullopt;
  }
  // The answer to a request whose body the transport will not read (`request` holds none),
  // for `why`; `detail` says what was wrong with a kMalformedHead. Called on the event loop.
  // The transport closes the connection after it.
  virtual Response body_refused(const Request& request, BodyRefusal why,
                                std::string_view detail) = 0;
};

struct TransportOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port
  // Threads running the event loop (epoll); each serves its share of the connections.
  int event_threads = 1;
  // Threads running kWorker requests, and how many of them the requests of one fairness key
  // (RequestHandler::fairness_key) may hold at once (server/worker_pool.h).
  int workers = 2;
  int max_workers_per_key = 1;
  // At most this many connections open at once; the next ones wait in the listen backlog.
  int max_connections = 1024;
  // At most this many of them from one client address; the next ones are closed on accept.
  // 0 = no cap per address.
  int max_connections_per_address = 0;
  // Once fewer than this many slots are free, each new connection closes the one that has
  // waited longest for a request head (server/connection_deadlines.h). 0 = none.
  int connection_reserve = 0;
  std::size_t max_body_bytes = 8 << 20;
  // The request bodies held at once, beyond the first kUncountedBodyBytes of each (which every
  // connection may hold, so that small requests always get through): a body that would pass
  // it is refused (BodyRefusal::kServerFull) when its declared length says so, else its
  // connection is closed. Bounds the memory clients can hold before any signature is checked
  // to max_buffered_body_bytes + max_connections x kUncountedBodyBytes. 0 = no limit.
  std::size_t max_buffered_body_bytes = 0;
  static constexpr std::size_t kUncountedBodyBytes = 64 << 10;
  // An idle connection (no request in progress; also one that has not finished sending a
  // request's headers) is closed after keep_alive_seconds without traffic. Once a request's
  // headers are in, its body must keep arriving (read_timeout_seconds between bytes), and the
  // client must keep reading the answer (write_timeout_seconds). Time spent computing the answer
  // never counts.
  int keep_alive_seconds = 5;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  // Those count idle time only. Whatever the trickle, a request's line and headers must be in
  // within head_timeout_seconds of the connection's start (or of the end of its previous
  // answer), and its body within body_timeout_seconds of its headers; else the connection is
  // closed. 0 = no deadline.
  int head_timeout_seconds = 0;
  int body_timeout_seconds = 0;
  bool want_remote_address = true;
  // HTTPS: what handshakes are answered with (server/tls_credentials.h), replaceable while
  // serving. None = plain HTTP.
  std::shared_ptr<TlsCredentials> tls;
  // HTTPS only: the max-age of the Strict-Transport-Security header on every answer; 0 = none.
  int hsts_max_age_seconds = 0;
};

// Connections a transport closed early, for /metrics.
struct ClosedConnections {
  uint64_t head_deadline = 0;  // request head not complete by head_timeout_seconds
  uint64_t body_deadline = 0;  // body not complete by body_timeout_seconds
  uint64_t evicted = 0;        // closed to make room (connection_reserve)
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Binds and listens; port() is known afterwards. Unavailable, naming the address, when the
  // address is taken or cannot be bound.
  virtual absl::Status bind() = 0;
  virtual int port() const = 0;
  // Serves requests through `handler` until stop(); then stops accepting, lets every request
  // already begun finish (answers sent during this drain close their connection), closes the
  // idle connections and returns. Precondition: bind() succeeded. Called once.
  virtual absl::Status serve(RequestHandler& handler) = 0;
  // Asks serve() to return as above. Safe from any thread, also before serve() starts; does not
  // wait.
  virtual void stop() = 0;
  // What the deadlines and the reserve have closed so far. Safe from any thread.
  virtual ClosedConnections closed_connections() const = 0;
  // The bytes of request bodies held now that count in max_buffered_body_bytes. Safe from any
  // thread.
  virtual std::size_t held_body_bytes() const = 0;
};

// The libmicrohttpd transport (microhttpd_transport.cc).
std::unique_ptr<HttpTransport> make_microhttpd_transport(TransportOptions options);

}  // namespace datamesh::server
