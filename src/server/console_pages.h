// The web console's answers (docs/CONSOLE.md): GET / (the page, its script and style inside
// it) built into the binary (server/console_assets.h), and GET /console/config.json, which tells
// the page the region it signs for. Every answer is made once, at construction, and only
// copied afterwards: the router answers them on the event loop like /healthz.
//
// The page is sent gzip-compressed as built (Content-Encoding: gzip; every browser the console
// supports accepts it), and as plain HTML, inflated once at construction, to a client that does
// not take gzip (curl without --compressed takes anything, as RFC 9110 reads a request with no
// Accept-Encoding; `Accept-Encoding: identity` does not). With the headers of docs/SECURITY.md
// "Web console": a
// Content-Security-Policy allowing only the page's own inline script and style (by their
// SHA-256) and requests to this server, no framing; nosniff, no referrer. Thread-safe (const
// after construction).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_transport.h"

namespace datamesh::server {

class ConsolePages {
 public:
  // `region`: the server's signing region, which the page must sign for.
  explicit ConsolePages(std::string_view region);

  // The answer to GET `path` for a client whose Accept-Encoding is `accept_encoding` (nullopt
  // when it sent none), or nullopt when it is no console path.
  std::optional<Response> find(std::string_view path,
                               std::optional<std::string_view> accept_encoding = {}) const;
  // Whether `path` is a console path (what find answers), without copying its answer.
  bool serves(std::string_view path) const;

  // Whether this build has the console (built with npm; -DDATAMESH_CONSOLE).
  bool built() const { return built_; }

 private:
  // The answer kept for `path` ("/index.html" is "/"), or null.
  const Response* page_of(std::string_view path) const;

  std::map<std::string, Response, std::less<>> pages_;
  // The page of "/" as plain HTML, for clients that do not take gzip.
  std::optional<Response> plain_index_;
  bool built_ = false;
};

// Whether a client whose Accept-Encoding is `accept_encoding` (nullopt: it sent none, which
// takes any coding) takes a gzip body (RFC 9110, 12.5.3): gzip, x-gzip or "*" listed with a
// weight above 0, gzip's own entry deciding over "*".
bool accepts_gzip(std::optional<std::string_view> accept_encoding);

}  // namespace datamesh::server
