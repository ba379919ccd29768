// Fuzz target: table-name patterns (table_name_regex, tables, get_tables' expression), compiled
// and matched by core::Pattern with PCRE2 and its budget of matching steps. The input is the pattern, then
// a NUL byte, then the subject it is matched against (the pattern itself when there is no NUL).
//
// Properties:
//  - compiling and matching never crash, read out of bounds or hang: run under libFuzzer's
//    -timeout (scripts/fuzz.sh), a pattern whose matching explodes must stop at its budget or
//    the depth limit instead;
//  - a refused pattern is InvalidArgument naming the parameter; a match either answers or is
//    InvalidArgument ("too costly", or a subject that is not UTF-8), never another error;
//  - a literal pattern (no metacharacter) that compiles matches its own text;
//  - every subject a pattern matches starts with Pattern::literal_prefix(pattern), which the
//    engine uses to read only the table names in the prefix's range.
#include <string>

#include "core/pattern.h"
#include "fuzz_support.h"

namespace {

using datamesh::core::Pattern;
using datamesh::fuzz::describe;
using datamesh::fuzz::message;

constexpr char kParameter[] = "table_name_regex";

// Whether `subject` matched; false too when the match was refused (as it may be).
bool check_match(const Pattern& pattern, std::string_view subject) {
  const absl::StatusOr<bool> matched = pattern.full_match(subject);
  if (matched.ok()) return *matched;
  DATAMESH_FUZZ_CHECK(matched.status().code() == absl::StatusCode::kInvalidArgument,
                      describe(matched.status()));
  const std::string_view why = message(matched.status());
  DATAMESH_FUZZ_CHECK(why.find("is too costly to evaluate") != std::string_view::npos ||
                          why.starts_with("cannot match "),
                      describe(matched.status()));
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = datamesh::fuzz::as_text(data, size);
  const size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  const std::string_view subject = nul == std::string_view::npos ? text : input.substr(nul + 1);

  const absl::StatusOr<Pattern> pattern = Pattern::compile(kParameter, text);
  if (!pattern.ok()) {
    DATAMESH_FUZZ_CHECK(pattern.status().code() == absl::StatusCode::kInvalidArgument,
                        describe(pattern.status()));
    DATAMESH_FUZZ_CHECK(message(pattern.status()).starts_with("invalid table_name_regex "),
                        describe(pattern.status()));
    return 0;
  }
  if (check_match(*pattern, subject)) {
    const std::string prefix = Pattern::literal_prefix(text);
    DATAMESH_FUZZ_CHECK(subject.starts_with(prefix),
                        "pattern matched a subject without its literal prefix \"" + prefix + "\"");
  }
  if (Pattern::is_literal(text)) {
    // A literal that compiled is valid UTF-8, so it is a subject PCRE2 accepts.
    const absl::StatusOr<bool> itself = pattern->full_match(text);
    DATAMESH_FUZZ_CHECK(itself.ok() && *itself,
                        "a literal pattern does not match its own text: " +
                            (itself.ok() ? std::string("no match") : describe(itself.status())));
  }
  return 0;
}
