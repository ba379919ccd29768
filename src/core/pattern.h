// Table-name patterns: Python `re` syntax, matched against the whole name (fullmatch), with
// PCRE2 and a match limit so that a catastrophic pattern fails quickly instead of hanging.
// A compiled Pattern is immutable and thread-safe to match from several threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace datamesh::core {

class Pattern {
 public:
  // InvalidArgument naming `parameter`, the pattern, the offset and PCRE2's reason.
  static absl::StatusOr<Pattern> compile(std::string_view parameter, std::string_view pattern);

  // True when the whole of `subject` matches. InvalidArgument when the match limit is hit.
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

}  // namespace datamesh::core
