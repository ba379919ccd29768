// base::JsonStringTracker (base/json_text.h): which bytes of a JSON text stand outside its
// strings, for the scans that count brackets (api/json_codec.cc's depth limit) and split a
// streamed list into entries (api/json_list.cc).
#include "base/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace datamesh::base {
namespace {

// The bytes of `text` that the tracker says stand outside every string, in order.
std::string outside(std::string_view text) {
  JsonStringTracker strings;
  std::string kept;
  for (const char c : text) {
    if (strings.outside_string(c)) kept += c;
  }
  return kept;
}

TEST(JsonStringTrackerTest, KeepsTheStructureAndLeavesOutStringsWithTheirQuotes) {
  EXPECT_EQ(outside(R"([1, {"a": [true]}, null])"), R"([1, {: [true]}, null])");
  EXPECT_EQ(outside(R"("")"), "");
  EXPECT_EQ(outside("{}"), "{}");
}

TEST(JsonStringTrackerTest, BracketsCommasAndColonsInsideAStringAreInside) {
  EXPECT_EQ(outside(R"(["a,b]", "{c}:"])"), "[, ]");
}

TEST(JsonStringTrackerTest, AnEscapedQuoteDoesNotEndTheString) {
  EXPECT_EQ(outside(R"(["say \"[hi]\"", 2])"), "[, 2]");
}

TEST(JsonStringTrackerTest, AnEscapedBackslashBeforeAQuoteLetsTheQuoteEndTheString) {
  // "a\\" is the string a\ : its last quote ends it, so the bracket after it is outside.
  EXPECT_EQ(outside(R"(["a\\"])"), "[]");
  EXPECT_EQ(outside(R"(["a\\\"]"])"), "[]");
}

TEST(JsonStringTrackerTest, OtherEscapesAndUnicodeStayInside) {
  EXPECT_EQ(outside(R"({"k\n\u005d": "\t]"})"), "{: }");
  EXPECT_EQ(outside("[\"é]\", 1]"), "[, 1]");
}

TEST(JsonStringTrackerTest, ATextCutInsideAStringGoesOnWhereItStopped) {
  JsonStringTracker strings;
  std::string kept;
  const std::string_view pieces[] = {R"(["a\)", R"("]", 3])"};
  for (const std::string_view piece : pieces) {
    for (const char c : piece) {
      if (strings.outside_string(c)) kept += c;
    }
  }
  EXPECT_EQ(kept, "[, 3]");
}

}  // namespace
}  // namespace datamesh::base
