#include "server/console_pages.h"

#include "api/json_codec.h"
#include "base/text.h"
#include "server/console_assets.h"

namespace datamesh::server {
namespace {

// The page runs only its own inline script and style, named by their SHA-256 (console/build.mjs
// puts them inside the page, so that a first load is one request); nothing else inline, no
// script or style file, no eval, no plugins, no framing, no form posts elsewhere, requests only
// to this server. The console sets no style attributes, so style-src needs no 'unsafe-inline'
// or 'unsafe-hashes'. An answer that is no page (config.json) allows no script or style at all.
std::string content_security_policy(std::string_view script_sha256,
                                    std::string_view style_sha256) {
  const auto source = [](std::string_view sha256) {
    return sha256.empty() ? std::string("'none'") : cat("'", sha256, "'");
  };
  return cat("default-src 'self'; script-src ", source(script_sha256), "; style-src ",
             source(style_sha256),
             "; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
             "form-action 'self'; frame-ancestors 'none'");
}

// `script_sha256` and `style_sha256`: the page's inline blocks; empty for an answer that is no
// page.
void add_security_headers(Response& response, std::string_view script_sha256 = "",
                          std::string_view style_sha256 = "") {
  response.headers.emplace_back("Content-Security-Policy",
                                content_security_policy(script_sha256, style_sha256));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

}  // namespace

ConsolePages::ConsolePages(std::string_view region) {
  const ConsolePage* page = console_page();
  if (page == nullptr) return;
  built_ = true;
  Response index{.content_type = "text/html; charset=utf-8", .body = std::string(page->gzipped)};
  index.headers.emplace_back("Content-Encoding", "gzip");
  index.headers.emplace_back("Vary", "Accept-Encoding");
  // Revalidated on every load, so that a new build's page is fetched.
  index.headers.emplace_back("Cache-Control", "no-cache");
  add_security_headers(index, page->script_sha256, page->style_sha256);
  pages_.emplace("/", std::move(index));
  Response config{.body = api::dump_json({{"Region", std::string(region)}})};
  config.headers.emplace_back("Cache-Control", "no-cache");
  add_security_headers(config);
  pages_.emplace("/console/config.json", std::move(config));
}

std::optional<Response> ConsolePages::find(std::string_view path) const {
  const Response* page = page_of(path);
  if (page == nullptr) return std::nullopt;
  return *page;
}

bool ConsolePages::serves(std::string_view path) const { return page_of(path) != nullptr; }

const Response* ConsolePages::page_of(std::string_view path) const {
  if (path == "/index.html") path = "/";
  const auto page = pages_.find(path);
  return page == pages_.end() ? nullptr : &page->second;
}

}  // namespace datamesh::server
