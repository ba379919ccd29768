#include "server/console_pages.h"

#include "api/json_codec.h"
#include "base/compression.h"
#include "base/text.h"
#include "base/trimmed.h"
#include "server/console_assets.h"

namespace datamesh::server {
namespace {

// Far above the page (about 100 KB): a bound on what inflating the built page may take.
constexpr std::size_t kMaxPlainPageBytes = 64 << 20;

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

// HTTP's optional white space (space and tab) around list elements and parameters.
std::string_view without_ows(std::string_view text) { return base::trimmed(text, " \t"); }

// Whether an Accept-Encoding entry's parameters ("q=0.5", ...) leave it acceptable: any weight
// but 0 (a weight that does not parse counts as given).
bool weighted_above_zero(std::string_view parameters) {
  while (!parameters.empty()) {
    const size_t semicolon = parameters.find(';');
    const std::string_view parameter = without_ows(parameters.substr(0, semicolon));
    parameters = semicolon == std::string_view::npos ? std::string_view()
                                                     : parameters.substr(semicolon + 1);
    if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') ||
        parameter[1] != '=') {
      continue;
    }
    const std::string_view weight = without_ows(parameter.substr(2));
    // 0, 0., 0.0, 0.00, 0.000: RFC 9110's zero weights.
    if (!weight.empty() && weight.find_first_not_of("0.") == std::string_view::npos &&
        weight[0] == '0') {
      return false;
    }
  }
  return true;
}

}  // namespace

bool accepts_gzip(std::optional<std::string_view> accept_encoding) {
  if (!accept_encoding) return true;
  std::optional<bool> gzip;
  std::optional<bool> any;
  std::string_view rest = *accept_encoding;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t semicolon = entry.find(';');
    const std::string_view coding = without_ows(entry.substr(0, semicolon));
    const bool acceptable = semicolon == std::string_view::npos ||
                            weighted_above_zero(entry.substr(semicolon + 1));
    if (base::equals_ignoring_ascii_case(coding, "gzip") ||
        base::equals_ignoring_ascii_case(coding, "x-gzip")) {
      gzip = acceptable;
    } else if (coding == "*") {
      any = acceptable;
    }
  }
  return gzip.value_or(any.value_or(false));
}

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
  // Made by the build's own gzip step, so it inflates; were it not to, every client would get
  // the gzip page, as before there was a plain one (console_pages_test checks it does).
  if (absl::StatusOr<std::string> plain = base::inflated(page->gzipped, kMaxPlainPageBytes);
      plain.ok()) {
    plain_index_ = index;
    plain_index_->headers.erase(plain_index_->headers.begin());  // Content-Encoding
    plain_index_->body = *std::move(plain);
  }
  pages_.emplace("/", std::move(index));
  Response config{.body = api::dump_json({{"Region", std::string(region)}})};
  config.headers.emplace_back("Cache-Control", "no-cache");
  add_security_headers(config);
  pages_.emplace("/console/config.json", std::move(config));
}

std::optional<Response> ConsolePages::find(
    std::string_view path, std::optional<std::string_view> accept_encoding) const {
  const Response* page = page_of(path);
  if (page == nullptr) return std::nullopt;
  if (plain_index_ && page == &pages_.at("/") && !accepts_gzip(accept_encoding)) {
    return *plain_index_;
  }
  return *page;
}

bool ConsolePages::serves(std::string_view path) const { return page_of(path) != nullptr; }

const Response* ConsolePages::page_of(std::string_view path) const {
  if (path == "/index.html") path = "/";
  const auto page = pages_.find(path);
  return page == pages_.end() ? nullptr : &page->second;
}

}  // namespace datamesh::server
