// The web console's answers (server/console_pages.h): the page, gzipped, revalidated on each
// load, with the security headers (its inline script and style allowed by hash, nothing else);
// the region the page signs for; nothing else. The browser suite (tests/console) checks the same through a real server and
// Chromium, and that the hashes are those of the page's blocks; this runs in the sanitizer job
// with the other server suites.
#include "server/console_pages.h"

#include <algorithm>

#include "base/compression.h"
#include "base/text.h"
#include "gtest/gtest.h"
#include "server/console_assets.h"

namespace datamesh::server {
namespace {

std::string header(const Response& response, std::string_view name) {
  const auto found = std::find_if(response.headers.begin(), response.headers.end(),
                                  [&](const auto& h) { return h.first == name; });
  return found == response.headers.end() ? "" : found->second;
}

TEST(ConsolePagesTest, ServesThePageGzippedWithSecurityHeaders) {
  const ConsolePages pages("eu-west-1");
  const ConsolePage* built = console_page();
  if (built == nullptr) {
    EXPECT_FALSE(pages.built());
    EXPECT_FALSE(pages.find("/").has_value()) << "a build without the console answers / with 404";
    EXPECT_FALSE(pages.find("/console/config.json").has_value());
    return;
  }
  ASSERT_TRUE(pages.built());
  const auto page = pages.find("/");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page->body, built->gzipped);
  ASSERT_GE(page->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(page->body[0]), 0x1f) << "gzip magic";
  EXPECT_EQ(static_cast<unsigned char>(page->body[1]), 0x8b) << "gzip magic";
  EXPECT_EQ(header(*page, "Content-Encoding"), "gzip");
  const std::string csp = header(*page, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-hashes"), std::string::npos);
  // The page's own inline blocks, by hash, and nothing else: no script or style file.
  for (const std::string_view sha256 : {built->script_sha256, built->style_sha256}) {
    EXPECT_TRUE(sha256.starts_with("sha256-")) << sha256;
    EXPECT_EQ(sha256.size(), 7u + 44u) << "base64 of 32 bytes: " << sha256;
  }
  EXPECT_NE(csp.find(base::cat("script-src '", built->script_sha256, "';")), std::string::npos)
      << csp;
  EXPECT_NE(csp.find(base::cat("style-src '", built->style_sha256, "';")), std::string::npos)
      << csp;
  EXPECT_EQ(header(*page, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(*page, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(header(*page, "Cache-Control"), "no-cache");
  EXPECT_EQ(pages.find("/index.html")->body, page->body);
}

// A client that does not take gzip gets the same page as plain HTML, with the same headers but
// Content-Encoding; one that sends no Accept-Encoding takes any coding (RFC 9110).
TEST(ConsolePagesTest, ServesThePagePlainToAClientThatDoesNotTakeGzip) {
  const ConsolePages pages("eu-west-1");
  if (!pages.built()) GTEST_SKIP() << "built without the console (-DDATAMESH_CONSOLE=OFF)";
  const auto gzipped = pages.find("/", "gzip, deflate, br");
  const auto plain = pages.find("/", "identity");
  ASSERT_TRUE(gzipped.has_value() && plain.has_value());
  EXPECT_EQ(header(*gzipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(*plain, "Content-Encoding"), "");
  EXPECT_TRUE(plain->body.starts_with("<!doctype html>") ||
              plain->body.starts_with("<!DOCTYPE html>"))
      << plain->body.substr(0, 40);
  const absl::StatusOr<std::string> inflated = base::inflated(gzipped->body, 64 << 20);
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(plain->body, *inflated);
  EXPECT_EQ(plain->headers.size() + 1, gzipped->headers.size());
  for (const char* name : {"Content-Security-Policy", "Vary", "Cache-Control", "X-Frame-Options"}) {
    EXPECT_EQ(header(*plain, name), header(*gzipped, name)) << name;
  }
  EXPECT_EQ(pages.find("/")->body, gzipped->body) << "no Accept-Encoding takes any coding";
  EXPECT_EQ(pages.find("/index.html", "")->body, plain->body) << "an empty one takes none";
}

TEST(ConsolePagesTest, AcceptEncodingIsReadAsRfc9110Says) {
  EXPECT_TRUE(accepts_gzip(std::nullopt));
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("br, *;q=0.1"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000, identity"));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));
  EXPECT_TRUE(accepts_gzip("*;q=0, gzip"));
}

TEST(ConsolePagesTest, TellsThePageTheServersRegion) {
  const ConsolePages pages("eu-west-1");
  if (!pages.built()) GTEST_SKIP() << "built without the console (-DDATAMESH_CONSOLE=OFF)";
  const auto config = pages.find("/console/config.json");
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->body, R"({"Region":"eu-west-1"})");
  EXPECT_EQ(config->content_type, "application/json");
  EXPECT_EQ(header(*config, "Content-Encoding"), "");
  const std::string csp = header(*config, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'none'; style-src 'none';"), std::string::npos) << csp;
}

TEST(ConsolePagesTest, AnswersNothingElse) {
  const ConsolePages pages("us-east-1");
  for (const char* path : {"/assets/", "/assets/main-NOPE.js", "/index.htm", "/v1/admin/x",
                           "/console/", "/healthz", "//", ""}) {
    EXPECT_FALSE(pages.find(path).has_value()) << path;
  }
}

}  // namespace
}  // namespace datamesh::server
