// Table-name patterns: Python `re` syntax, matched against the whole name (fullmatch), with
// PCRE2 and a budget of matching steps so that a catastrophic pattern fails quickly instead of
// hanging. The budget (MatchBudget) belongs to one call of a method and is shared by every
// name that call matches: a pattern that stays just under a per-name limit cannot add its
// cost up over 10,000 names.
// A compiled Pattern is immutable and thread-safe to match from several threads; a MatchBudget
// belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace datamesh::core {

// The backtracking steps one call may spend matching, over all the names it matches. A name
// whose match needs no more than Pattern::kFreeSteps costs nothing (the cost of reading the name
// is larger); beyond that every step counts. Matching on an exhausted budget fails.
class MatchBudget {
 public:
  // About 60 ms of matching with PCRE2's JIT (0.3 s with its interpreter).
  static constexpr uint64_t kDefaultSteps = 10'000'000;

  explicit MatchBudget(uint64_t steps = kDefaultSteps) : total_(steps), remaining_(steps) {}
  uint64_t remaining() const { return remaining_; }

 private:
  friend class Pattern;
  uint64_t total_;
  uint64_t remaining_;  // <= total_
};

class Pattern {
 public:
  // InvalidArgument naming `parameter`, the pattern, the offset and PCRE2's reason.
  static absl::StatusOr<Pattern> compile(std::string_view parameter, std::string_view pattern);

  // Steps a name may take without drawing on the budget: every table-name pattern that is not
  // catastrophic needs fewer (a literal prefix 1, ".*_eu" 4 with the JIT).
  static constexpr uint64_t kFreeSteps = 32;
  // Steps one name may take at most, whatever the budget holds.
  static constexpr uint64_t kNameSteps = 1'000'000;

  // True when the whole of `subject` matches; the steps beyond kFreeSteps are taken from
  // `budget`. InvalidArgument saying the pattern is too costly, and how to narrow it, when the
  // budget or kNameSteps runs out; InvalidArgument when `subject` is not UTF-8. A name that
  // needs more than kFreeSteps is matched further on one of a few process-wide threads (half
  // the cores) at the lowest CPU priority, the caller waiting: costly matching never takes
  // every core, and yields to everything else.
  absl::StatusOr<bool> full_match(std::string_view subject, MatchBudget& budget) const;
  // The same with a budget of its own: for a call that matches one name.
  absl::StatusOr<bool> full_match(std::string_view subject) const;

  const std::string& source() const { return source_; }

  // True when `text` holds no regular-expression metacharacter, i.e. it can only match itself.
  static bool is_literal(std::string_view text);

  // Characters that every subject `pattern` fully matches begins with: "orders_eu_" for
  // "orders_eu_.*", "sales_" for "sales_(eu|us)", "" when there is nothing to rely on (a
  // top-level alternation, a leading group, class or escape, an inline flag). Conservative: a
  // literal followed by ?, * or {…} is left out, and the prefix stops at the first
  // non-ASCII character. Lets a caller read only the names in the prefix's range.
  static std::string literal_prefix(std::string_view pattern);

 private:
  struct Compiled;
  Pattern(std::string source, std::shared_ptr<const Compiled> compiled);
  std::string source_;
  std::shared_ptr<const Compiled> compiled_;
};

// What a pattern selects from lists of names, remembered per name. A write method matches the
// names before its write transaction (in a read transaction), then calls select() again inside
// the write with the names as they are there: only names added in between are matched, so a
// costly pattern never runs while the write lock is held (it has already failed on the budget
// by then). Not thread-safe; the Pattern must outlive it.
class NameSelection {
 public:
  explicit NameSelection(const Pattern& pattern) : pattern_(&pattern) {}

  // The names of `names` the pattern fully matches, in the order of `names`. Matches only the
  // names no earlier call saw, taking their steps from `budget`. Errors: full_match's.
  absl::StatusOr<std::vector<std::string>> select(const std::vector<std::string>& names,
                                                  MatchBudget& budget);

  const Pattern& pattern() const { return *pattern_; }

 private:
  const Pattern* pattern_;
  std::unordered_map<std::string, bool> verdicts_;  // name -> whether the pattern matches it
};

}  // namespace datamesh::core
