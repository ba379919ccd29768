#include "server/console_pages.h"

#include "api/json_codec.h"
#include "server/console_assets.h"

namespace datamesh::server {
namespace {

// Only the server's own files and API; no inline script or style, no plugins, no framing, no
// form posts elsewhere. The console sets no style attributes, so style-src needs no
// 'unsafe-inline' either.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void add_security_headers(Response& response) {
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

}  // namespace

ConsolePages::ConsolePages(std::string_view region) {
  for (const ConsoleAsset& asset : console_assets()) {
    Response response{.content_type = std::string(asset.content_type),
                      .body = std::string(asset.gzipped)};
    response.headers.emplace_back("Content-Encoding", "gzip");
    response.headers.emplace_back("Vary", "Accept-Encoding");
    // Hashed names never change content; the page itself is revalidated on every load so that
    // a new build's page names the new files.
    response.headers.emplace_back(
        "Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    add_security_headers(response);
    pages_.emplace(std::string(asset.path), std::move(response));
    built_ = true;
  }
  if (!built_) return;
  Response config{.body = api::dump_json({{"Region", std::string(region)}})};
  config.headers.emplace_back("Cache-Control", "no-cache");
  add_security_headers(config);
  pages_.emplace("/console/config.json", std::move(config));
}

std::optional<Response> ConsolePages::find(std::string_view path) const {
  if (path == "/index.html") path = "/";
  const auto page = pages_.find(path);
  if (page == pages_.end()) return std::nullopt;
  return page->second;
}

}  // namespace datamesh::server
