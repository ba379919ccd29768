// The building blocks: hashing, dates, and the canonical path, query and headers.
#include <chrono>
#include <string>
#include <vector>

#include "aws/sigv4.h"
#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

TEST(Sha256Hex, MatchesTheFipsExamples) {
  EXPECT_EQ(sha256_hex(""), kEmptySha256);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// RFC 4231, test case 2.
TEST(HmacSha256, MatchesRfc4231) {
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AmzDate, FormatsUtcAndTruncatesToTheSecond) {
  const auto time = sys_days{year{2015} / 8 / 30} + hours{12} + minutes{36} + milliseconds{999};
  EXPECT_EQ(format_amz_date(time), "20150830T123600Z");
  EXPECT_EQ(format_amz_date(sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59}),
            "20240229T235959Z");
}

TEST(AmzDate, ParsesWhatItFormats) {
  const auto time = sys_days{year{2026} / 11 / 23} + hours{10} + minutes{55} + seconds{16};
  ASSERT_OK_AND_ASSIGN(const auto parsed, parse_amz_date("20261123T105516Z"));
  EXPECT_EQ(parsed, time);
}

TEST(AmzDate, RejectsWhatIsNotAnInstant) {
  for (const char* bad : {"", "20150830T123600", "20150830t123600Z", "2015-08-30T12:36:00Z",
                          "20150230T123600Z", "20150830T243600Z", "20150830T126000Z",
                          "20150830T123660Z", "2015083OT123600Z", "+0150830T123600Z"}) {
    EXPECT_STATUS(parse_amz_date(bad), absl::StatusCode::kInvalidArgument,
                  "is not of the form YYYYMMDDTHHMMSSZ")
        << bad;
  }
}

TEST(CanonicalUri, TreatsAnEmptyPathAsTheRoot) { EXPECT_EQ(canonical_uri(""), "/"); }

TEST(CanonicalUri, EncodesAnAlreadyEncodedPathOnceMore) {
  EXPECT_EQ(canonical_uri("/prod/data%20products/v1"), "/prod/data%2520products/v1");
  EXPECT_EQ(canonical_uri("/a%2Fb"), "/a%252Fb");
}

TEST(CanonicalUri, EncodesRawCharactersOnce) {
  EXPECT_EQ(canonical_uri("/example space/"), "/example%20space/");
  EXPECT_EQ(canonical_uri("/arn:aws:glue/t+1"), "/arn%3Aaws%3Aglue/t%2B1");
  EXPECT_EQ(canonical_uri("/\xE1\x88\xB4"), "/%E1%88%B4");
  EXPECT_EQ(canonical_uri("/-._~AZaz09"), "/-._~AZaz09");
}

TEST(CanonicalUri, RemovesDotSegmentsAndEmptySegments) {
  EXPECT_EQ(canonical_uri("//"), "/");
  EXPECT_EQ(canonical_uri("//example//"), "/example/");
  EXPECT_EQ(canonical_uri("/./example"), "/example");
  EXPECT_EQ(canonical_uri("/a/b/../c/./d/"), "/a/c/d/");
  EXPECT_EQ(canonical_uri("/../../a"), "/a");
  EXPECT_EQ(canonical_uri("/example/.."), "/");
}

// A canonical request copies a path that normalizing and encoding would leave as it is; every
// other path goes through canonical_uri. Both must give canonical_uri's line.
TEST(CanonicalRequest, ItsPathLineIsCanonicalUrisForCopiedAndRebuiltPaths) {
  for (const char* path :
       {"/", "/v1/consumer/get-subscription", "/a/", "/-._~AZaz09", "", "a/b", "//", "/a//b",
        "/a/./b", "/a/../b", "/a/.", "/a/..", "/.", "/..", "/a/b/", "/a b", "/a%20b", "/a:b",
        "/a.b/..c/.d", "/./", "/a/b//"}) {
    const HttpRequest request{"POST", path, "", {{"Host", "example.com"}}, ""};
    const std::string canonical = canonical_request(request, {"host"}, kEmptySha256);
    const std::size_t first_break = canonical.find('\n');
    const std::size_t second_break = canonical.find('\n', first_break + 1);
    EXPECT_EQ(canonical.substr(first_break + 1, second_break - first_break - 1),
              canonical_uri(path))
        << "path " << path;
  }
}

TEST(CanonicalQuery, IsEmptyForNoQuery) { EXPECT_EQ(canonical_query(""), ""); }

TEST(CanonicalQuery, SortsByNameThenValue) {
  EXPECT_EQ(canonical_query("tag=b&tag=a&Limit=10&after=x"), "Limit=10&after=x&tag=a&tag=b");
  // By name first: "a" < "a-b", although "a-b=3" < "a=4" as whole strings.
  EXPECT_EQ(canonical_query("a-b=3&a=4"), "a=4&a-b=3");
}

TEST(CanonicalQuery, ReencodesEveryComponentPerRfc3986) {
  EXPECT_EQ(canonical_query("name=sales orders&marker=a/b"), "marker=a%2Fb&name=sales%20orders");
  EXPECT_EQ(canonical_query("name=sales%20orders&marker=a%2fb"),
            "marker=a%2Fb&name=sales%20orders");
  EXPECT_EQ(canonical_query("\xE1\x88\xB4=bar"), "%E1%88%B4=bar");
  EXPECT_EQ(canonical_query("a=b=c"), "a=b%3Dc");
  EXPECT_EQ(canonical_query("q=1+1"), "q=1%2B1");  // '+' is a plus, not a space
  EXPECT_EQ(canonical_query("p=100%"), "p=100%25");
  EXPECT_EQ(canonical_query("x=%41"), "x=A");
}

TEST(CanonicalQuery, ReadsANameAloneAsAnEmptyValueAndDropsEmptyPieces) {
  EXPECT_EQ(canonical_query("versions&prefix=&&a=1&"), "a=1&prefix=&versions=");
}

TEST(CanonicalRequest, TrimsHeaderValuesAndCollapsesInnerWhitespace) {
  const HttpRequest request{"get",
                            "/",
                            "",
                            {{"Host", "example.com"},
                             {"X-Amz-Meta-Note", "  padded   value\twith \t tabs  "},
                             {"x-amz-meta-list", "b"},
                             {"X-AMZ-META-LIST", " a "}},
                            ""};
  EXPECT_EQ(canonical_request(request, {"X-Amz-Meta-Note", "host", "x-amz-meta-list", "host"},
                              kEmptySha256),
            "GET\n/\n\nhost:example.com\nx-amz-meta-list:b,a\n"
            "x-amz-meta-note:padded value with tabs\n\n"
            "host;x-amz-meta-list;x-amz-meta-note\n" +
                std::string(kEmptySha256));
}

TEST(HeaderValues, MatchesNamesWhateverTheirCase) {
  const HttpRequest request{"GET", "/", "", {{"HOST", "a"}, {"Accept", "x"}, {"host", "b"}}, ""};
  EXPECT_EQ(header_values(request, "Host"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(header_values(request, "content-type").empty());
}

TEST(HeadersToSign, PicksHostContentTypeAndAmzHeaders) {
  const HttpRequest request{"POST",
                            "/",
                            "",
                            {{"Host", "h"},
                             {"User-Agent", "u"},
                             {"X-Amz-Target", "t"},
                             {"Content-Type", "c"},
                             {"Content-Length", "1"},
                             {"x-amz-date", "d"},
                             {"X-Amzn-Trace-Id", "i"}},
                            "x"};
  EXPECT_EQ(headers_to_sign(request),
            (std::vector<std::string>{"content-type", "host", "x-amz-date", "x-amz-target"}));
}

}  // namespace
}  // namespace datamesh::aws
