#include "core/pattern.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::core {
namespace {

using ::testing::HasSubstr;

// Compiles `pattern` (failing the test if it does not compile) and full-matches `subject`.
bool matches(const std::string& pattern, const std::string& subject) {
  absl::StatusOr<Pattern> compiled = Pattern::compile("expression", pattern);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return false;
  absl::StatusOr<bool> matched = compiled->full_match(subject);
  EXPECT_TRUE(matched.ok()) << matched.status();
  return matched.ok() && *matched;
}

TEST(Pattern, MatchesTheWholeSubjectOnly) {
  EXPECT_TRUE(matches("sales", "sales"));
  EXPECT_FALSE(matches("sales", "sales_eu"));
  EXPECT_FALSE(matches("sales", "old_sales"));
  EXPECT_TRUE(matches("sales_.*", "sales_eu"));
  EXPECT_FALSE(matches("sales_.*", "old_sales_eu"));
  EXPECT_TRUE(matches("", ""));
  EXPECT_FALSE(matches("", "x"));
}

TEST(Pattern, MatchesPatternsWithMoreGroupsThanTheMatchDataKeeps) {
  // full_match keeps one pair of offsets per thread; PCRE2 answers 0 (not a failure) when a
  // match has more groups than that.
  EXPECT_TRUE(matches("(o)(r)(d)(e)(r)(s)_(?P<region>eu|us)_(\\d+)", "orders_eu_000123"));
  EXPECT_FALSE(matches("(o)(r)(d)(e)(r)(s)_(?P<region>eu|us)_(\\d+)", "orders_ap_000123"));
  // A backreference still sees its group.
  EXPECT_TRUE(matches("(\\w+)_\\1", "sales_sales"));
  EXPECT_FALSE(matches("(\\w+)_\\1", "sales_items"));
}

TEST(Pattern, FullMatchesAnAlternationAsAWhole) {
  EXPECT_TRUE(matches("a|b", "a"));
  EXPECT_TRUE(matches("a|b", "b"));
  EXPECT_FALSE(matches("a|b", "ab"));
  EXPECT_FALSE(matches("a|b", "ba"));
  EXPECT_FALSE(matches("orders|customers", "orders_archive"));
  EXPECT_FALSE(matches("orders|customers", "old_customers"));
}

TEST(Pattern, BacktracksIntoLongerAlternativesToReachTheEnd) {
  EXPECT_TRUE(matches("a|ab", "ab"));
  EXPECT_TRUE(matches("(a|ab)(c|bcd)", "abcd"));
}

TEST(Pattern, DollarDoesNotLetATrailingNewlineThrough) {
  EXPECT_FALSE(matches("abc$", "abc\n"));
  EXPECT_TRUE(matches("abc\\n", "abc\n"));
}

TEST(Pattern, TranslatesPythonEndOfStringAnchor) {
  // Python's \Z is an absolute end; PCRE2's \Z would also match before a final newline.
  EXPECT_TRUE(matches("abc\\Z", "abc"));
  EXPECT_FALSE(matches("abc\\Z\\n", "abc\n"));
  EXPECT_TRUE(matches("(?:abc\\Z|abc\\n)", "abc\n"));
}

TEST(Pattern, LeavesAnEscapedBackslashFollowedByZAlone) {
  EXPECT_TRUE(matches("a\\\\Z", "a\\Z"));   // pattern a\\Z: 'a', '\', 'Z'
  EXPECT_TRUE(matches("a\\\\\\Z", "a\\"));  // pattern a\\\Z: 'a', '\', end
  EXPECT_FALSE(matches("a\\\\Z", "a\\"));
}

TEST(Pattern, SupportsLookaheadAndLookbehind) {
  EXPECT_TRUE(matches("(?!tmp_).*", "sales"));
  EXPECT_FALSE(matches("(?!tmp_).*", "tmp_sales"));
  EXPECT_TRUE(matches("(?=.*_eu).*", "sales_eu_2024"));
  EXPECT_TRUE(matches(".*(?<=_v2)", "orders_v2"));
  EXPECT_FALSE(matches(".*(?<!_v2)", "orders_v2"));
  EXPECT_TRUE(matches(".*(?<!_v2)", "orders_v3"));
}

TEST(Pattern, SupportsBackreferences) {
  EXPECT_TRUE(matches("(\\w+)_\\1", "sales_sales"));
  EXPECT_FALSE(matches("(\\w+)_\\1", "sales_orders"));
}

TEST(Pattern, SupportsPythonNamedGroupsAndReferences) {
  EXPECT_TRUE(matches("(?P<region>eu|us)_(?P=region)", "eu_eu"));
  EXPECT_FALSE(matches("(?P<region>eu|us)_(?P=region)", "eu_us"));
}

TEST(Pattern, ReadsPythonsOpenLowerBoundRepetition) {
  EXPECT_TRUE(matches("a{,3}", ""));
  EXPECT_TRUE(matches("a{,3}", "aaa"));
  EXPECT_FALSE(matches("a{,3}", "aaaa"));
  EXPECT_FALSE(matches("a{,3}", "a{,3}"));
  // Inside a character class the braces are ordinary characters.
  EXPECT_TRUE(matches("[a{,3}]+", "{,3}"));
  EXPECT_FALSE(matches("[a{,3}]+", "0"));
}

TEST(Pattern, ReadsPythonUnicodeEscapes) {
  EXPECT_TRUE(matches("caf\\u00e9", "café"));
  EXPECT_TRUE(matches("\\U0001F600", "😀"));
  EXPECT_TRUE(matches("[\\u00e0-\\u00ff]+", "éè"));
}

TEST(Pattern, ClassesAreUnicodeAware) {
  EXPECT_TRUE(matches("\\w+", "données"));
  EXPECT_TRUE(matches("\\d+", "٣"));  // ARABIC-INDIC DIGIT THREE, a digit for Python too
  EXPECT_TRUE(matches("(?i)SALES", "sales"));
  EXPECT_TRUE(matches(".", "é"));  // one character, two bytes
}

TEST(Pattern, AClassMayStartWithALiteralClosingBracket) {
  // The class is "]{,3}" up to the second ']'. Were the first ']' taken as its end, "{,3}"
  // would be rewritten as "{0,3}" and the class would gain a '0'.
  EXPECT_TRUE(matches("[]{,3}]+", "]{,3}"));
  EXPECT_FALSE(matches("[]{,3}]+", "0"));
  EXPECT_TRUE(matches("[^]{,3}]+", "0"));
  EXPECT_TRUE(matches("[^]{,3}]+", "abc"));
  EXPECT_FALSE(matches("[^]{,3}]+", "a,c"));
}

TEST(Pattern, ReportsACatastrophicPatternAsTooCostlyAndSaysHowToNarrowIt) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "^(a+)+$");
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  const absl::StatusOr<bool> matched = pattern->full_match(std::string(26, 'a') + "!");
  ASSERT_FALSE(matched.ok());
  EXPECT_EQ(matched.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(matched.status().message()),
              HasSubstr("pattern \"^(a+)+$\" is too costly to evaluate: matching table name "
                        "\"aaaaaaaaaaaaaaaaaaaaaaaaaa!\" alone needs more than 1000000 "
                        "backtracking steps; narrow it: anchor it with a literal prefix "
                        "(orders_.*), avoid nested or repeated quantifiers"));
  EXPECT_THAT(std::string(matched.status().message()),
              HasSubstr("or give the table names literally"));
  // The same pattern is fine on a subject that does not make it explode.
  EXPECT_EQ(pattern->full_match("aaa"), absl::StatusOr<bool>(true));
}

// With 21 'a's this pattern needs about 4-5 million backtracking steps: under PCRE2's default
// limit of 10 million, over datamesh's 1 million. With 17 it needs about 300,000: allowed.
TEST(Pattern, AppliesAMatchLimitWellBelowPcre2sDefault) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "(a+)+");
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  EXPECT_EQ(pattern->full_match(std::string(21, 'a') + "!").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(pattern->full_match(std::string(17, 'a') + "!"), absl::StatusOr<bool>(false));
}

// The names the issue 15 attacker used: 24 bytes each, every one just under the per-name limit
// for its pattern (the longest run of 'a's whose match fits), so that only a budget shared by the
// whole call stops the cost from adding up over 10,000 of them.
std::string costliest_name_under_the_name_limit(const Pattern& pattern) {
  std::string best;
  for (int run = 1; run < 24; ++run) {
    const std::string name = std::string(run, 'a') + std::string(24 - run, 'b');
    MatchBudget fresh(Pattern::kNameSteps);
    if (!pattern.full_match(name, fresh).ok()) break;
    best = name;
  }
  return best;
}

TEST(MatchBudget, CostlyPatternsOverTenThousandNamesEndWithInvalidArgument) {
  for (const std::string source : {"(.*a){12}$", "(a+)+$", "(a|a)+$"}) {
    SCOPED_TRACE(source);
    absl::StatusOr<Pattern> pattern = Pattern::compile("expression", source);
    ASSERT_TRUE(pattern.ok()) << pattern.status();
    const std::string name = costliest_name_under_the_name_limit(*pattern);
    ASSERT_EQ(name.size(), 24u);
    MatchBudget budget;
    absl::Status status;
    int matched_names = 0;
    for (; matched_names < 10'000 && status.ok(); ++matched_names) {
      status = pattern->full_match(name, budget).status();
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("is too costly to evaluate: the names of this call need more than "
                          "10000000 backtracking steps in all"));
    EXPECT_THAT(std::string(status.message()), HasSubstr("narrow it"));
    EXPECT_LT(matched_names, 10'000);
    EXPECT_EQ(budget.remaining(), 0u);
  }
}

TEST(MatchBudget, OrdinaryPatternsOverManyNamesCostNothing) {
  for (const std::string source : {"orders_.*", ".*_eu", "[a-z]+_[0-9]+", "sales_(eu|us)_.*"}) {
    SCOPED_TRACE(source);
    absl::StatusOr<Pattern> pattern = Pattern::compile("expression", source);
    ASSERT_TRUE(pattern.ok()) << pattern.status();
    MatchBudget budget;
    for (int i = 0; i < 10'000; ++i) {
      const std::string name = "orders_eu_" + std::to_string(1'000'000'000'000 + i);
      ASSERT_TRUE(pattern->full_match(name, budget).ok()) << name;
    }
    EXPECT_EQ(budget.remaining(), MatchBudget::kDefaultSteps);
  }
}

TEST(MatchBudget, ASmallBudgetRunsOutBeforeTheNameLimit) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "(a+)+");
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  MatchBudget budget(1000);
  const absl::Status status = pattern->full_match(std::string(17, 'a') + "!", budget).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("need more than 1000 backtracking steps in all (it stopped at "
                        "\"aaaaaaaaaaaaaaaaa!\")"));
  // With the whole default budget the same name fits.
  MatchBudget whole;
  EXPECT_EQ(pattern->full_match(std::string(17, 'a') + "!", whole), absl::StatusOr<bool>(false));
  EXPECT_LT(whole.remaining(), MatchBudget::kDefaultSteps);
}

TEST(NameSelection, MatchesOnlyNamesItHasNotSeenAndFollowsTheList) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "(a+)+");
  ASSERT_TRUE(pattern.ok()) << pattern.status();
  const std::string costly = std::string(17, 'a') + "!";  // about 300,000 steps, no match
  NameSelection selection(*pattern);
  MatchBudget budget;
  EXPECT_EQ(selection.select({"a", costly, "aa"}, budget),
            absl::StatusOr<std::vector<std::string>>(std::vector<std::string>{"a", "aa"}));
  const uint64_t after_first = budget.remaining();
  EXPECT_LT(after_first, MatchBudget::kDefaultSteps);
  // The list as the write transaction sees it: "a" is gone, "aaa" was added. The costly name is
  // not matched again (the budget does not move for it).
  EXPECT_EQ(selection.select({costly, "aa", "aaa"}, budget),
            absl::StatusOr<std::vector<std::string>>(std::vector<std::string>{"aa", "aaa"}));
  EXPECT_EQ(budget.remaining(), after_first);
}

TEST(Pattern, ReportsAnInvalidPatternWithTheOffsetAndReason) {
  const absl::StatusOr<Pattern> pattern = Pattern::compile("table_name_regex", "sales_(eu");
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(pattern.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(pattern.status().message()),
            "invalid table_name_regex \"sales_(eu\": missing closing parenthesis at offset 9");
}

TEST(Pattern, ReportsOffsetsInTheCallersTextAfterTranslation) {
  // "{,3}" becomes "{0,3}" for PCRE2, one byte longer; the error must still point at the
  // caller's offset of the stray ')' (7), not PCRE2's (8).
  const absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "a{,3}bc)");
  ASSERT_FALSE(pattern.ok());
  EXPECT_THAT(std::string(pattern.status().message()), HasSubstr("at offset 7"));
}

TEST(Pattern, RejectsInvalidConstructs) {
  for (const char* text : {"[a-", "*a", "a{2,1}", "(?<=a+)b", "\\", "(?P<1x>a)", "\\C"}) {
    const absl::StatusOr<Pattern> pattern = Pattern::compile("expression", text);
    EXPECT_EQ(pattern.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(Pattern, RejectsAPatternThatIsNotUtf8) {
  const absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "sales\xff");
  EXPECT_EQ(pattern.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Pattern, RejectsASubjectThatIsNotUtf8) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", ".*");
  ASSERT_TRUE(pattern.ok());
  const absl::StatusOr<bool> matched = pattern->full_match("sales\xff");
  EXPECT_EQ(matched.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Pattern, KeepsItsSourceText) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "abc\\Z");
  ASSERT_TRUE(pattern.ok());
  EXPECT_EQ(pattern->source(), "abc\\Z");
}

TEST(Pattern, CopiesShareTheCompiledPattern) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "s.*");
  ASSERT_TRUE(pattern.ok());
  const Pattern copy = *pattern;
  pattern = Pattern::compile("expression", "x");  // the original goes away
  EXPECT_EQ(copy.full_match("sales"), absl::StatusOr<bool>(true));
}

TEST(Pattern, MatchesFromSeveralThreadsAtOnce) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "(?P<r>eu|us)_\\w+_(?P=r)");
  ASSERT_TRUE(pattern.ok());
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const bool expect = (i + t) % 2 == 0;
        const absl::StatusOr<bool> got =
            pattern->full_match(expect ? "eu_sales_eu" : "eu_sales_us");
        if (!got.ok() || *got != expect) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

// Costly matching takes turns in a few process-wide slots: threads that all match costly names
// at once each still get their own answers, and each one's budget runs out as it would alone.
TEST(Pattern, CostlyMatchesFromManyThreadsAtOnceEachGetTheirAnswer) {
  absl::StatusOr<Pattern> pattern = Pattern::compile("expression", "(a+)+$");
  ASSERT_TRUE(pattern.ok());
  const std::string costly_miss = std::string(17, 'a') + "!";
  constexpr int kThreads = 8;
  std::vector<int> wrong(kThreads, 0);
  std::vector<absl::Status> ends(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      MatchBudget budget;
      for (int i = 0; i < 100'000 && ends[t].ok(); ++i) {
        const absl::StatusOr<bool> got = pattern->full_match(
            i % 2 == 0 ? std::string(20, 'a') : costly_miss, budget);
        if (!got.ok()) {
          ends[t] = got.status();
        } else if (*got != (i % 2 == 0)) {
          ++wrong[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(kThreads, 0));
  for (const absl::Status& end : ends) {
    EXPECT_EQ(end.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(end.message()), HasSubstr("backtracking steps in all"));
  }
}

TEST(PatternIsLiteral, TrueForPlainNames) {
  EXPECT_TRUE(Pattern::is_literal("sales_orders-2024"));
  EXPECT_TRUE(Pattern::is_literal(""));
  EXPECT_TRUE(Pattern::is_literal("données"));
}

TEST(PatternIsLiteral, FalseWhenAnyMetacharacterIsPresent) {
  for (char c : std::string("\\^$.|?*+()[]{}")) {
    EXPECT_FALSE(Pattern::is_literal(std::string("ab") + c + "cd")) << c;
  }
}

}  // namespace
}  // namespace datamesh::core

namespace datamesh::core {
namespace {

TEST(PatternLiteralPrefix, IsTheLiteralStartOfAPattern) {
  EXPECT_EQ(Pattern::literal_prefix("orders_eu_.*"), "orders_eu_");
  EXPECT_EQ(Pattern::literal_prefix("sales_(eu|us)_\\d+"), "sales_");
  EXPECT_EQ(Pattern::literal_prefix("orders"), "orders");
  EXPECT_EQ(Pattern::literal_prefix("ab+c"), "ab");
  EXPECT_EQ(Pattern::literal_prefix("t[0-9]+"), "t");
}

TEST(PatternLiteralPrefix, LeavesOutALiteralThatMayBeAbsent) {
  EXPECT_EQ(Pattern::literal_prefix("abc?d"), "ab");
  EXPECT_EQ(Pattern::literal_prefix("abc*"), "ab");
  EXPECT_EQ(Pattern::literal_prefix("abc{0,2}"), "ab");
  EXPECT_EQ(Pattern::literal_prefix("a*"), "");
}

TEST(PatternLiteralPrefix, IsEmptyWhenNothingCanBeReliedOn) {
  EXPECT_EQ(Pattern::literal_prefix(".*"), "");
  EXPECT_EQ(Pattern::literal_prefix("orders|items"), "");
  EXPECT_EQ(Pattern::literal_prefix("orders_eu|orders_us"), "");
  EXPECT_EQ(Pattern::literal_prefix("(?i)orders"), "");
  EXPECT_EQ(Pattern::literal_prefix("\\w+"), "");
  EXPECT_EQ(Pattern::literal_prefix("[ab]c"), "");
  EXPECT_EQ(Pattern::literal_prefix("^orders"), "");
  EXPECT_EQ(Pattern::literal_prefix("ventes_é.*"), "ventes_");
  EXPECT_EQ(Pattern::literal_prefix(""), "");
}

TEST(PatternLiteralPrefix, IgnoresBarsInsideGroupsClassesAndEscapes) {
  EXPECT_EQ(Pattern::literal_prefix("orders_(eu|us)"), "orders_");
  EXPECT_EQ(Pattern::literal_prefix("orders_[|]x"), "orders_");
  EXPECT_EQ(Pattern::literal_prefix("orders_[]|]x"), "orders_");
  EXPECT_EQ(Pattern::literal_prefix("orders_\\|x"), "orders_");
  // A bar after a closed group is at the top level again.
  EXPECT_EQ(Pattern::literal_prefix("orders_(eu)|items"), "");
}

TEST(PatternLiteralPrefix, EveryFullMatchStartsWithThePrefix) {
  // The property callers rely on, over names around the prefix's range.
  const std::vector<std::string> patterns = {"orders_eu_.*", "ab+c", "abc?d", "t[0-9]+",
                                             "sales_(eu|us)_\\d+", "x{2,3}y"};
  const std::vector<std::string> names = {"orders_eu_", "orders_eu_1", "orders_eu", "abc",
                                          "abbbc",      "abd",         "abcd",      "t1",
                                          "t",          "sales_eu_12", "xxy",       "xxxy"};
  for (const std::string& source : patterns) {
    auto pattern = Pattern::compile("p", source);
    ASSERT_TRUE(pattern.ok()) << pattern.status();
    const std::string prefix = Pattern::literal_prefix(source);
    for (const std::string& name : names) {
      auto matched = pattern->full_match(name);
      ASSERT_TRUE(matched.ok());
      if (*matched) {
        EXPECT_TRUE(name.starts_with(prefix)) << source << " " << name;
      }
    }
  }
}

}  // namespace
}  // namespace datamesh::core
