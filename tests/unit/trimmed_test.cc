// base::trimmed: blanks off both ends only, each format's own blanks.
#include "base/trimmed.h"

#include "gtest/gtest.h"

namespace datamesh::base {
namespace {

TEST(TrimmedTest, CutsBlanksAtBothEndsOnly) {
  EXPECT_EQ(trimmed(" \t a b \r\n"), "a b");
  EXPECT_EQ(trimmed("a"), "a");
  EXPECT_EQ(trimmed("\v\fa\f\v"), "a");
}

TEST(TrimmedTest, TextOfBlanksOnlyOrNothingIsEmpty) {
  EXPECT_EQ(trimmed(""), "");
  EXPECT_EQ(trimmed(" \t\r\n\v\f"), "");
  EXPECT_EQ(trimmed("  ", " "), "");
}

TEST(TrimmedTest, KeepsWhatIsNotInTheGivenBlanks) {
  // HTTP's optional white space is space and tab: a carriage return is part of the value.
  EXPECT_EQ(trimmed(" gzip\r ", " \t"), "gzip\r");
  EXPECT_EQ(trimmed("\nkey = value\t", " \t"), "\nkey = value");
}

}  // namespace
}  // namespace datamesh::base
