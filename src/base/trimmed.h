// Cutting blanks off both ends of a piece of text, for parsers of lines and header values.
#pragma once

#include <cstddef>
#include <string_view>

namespace datamesh::base {

// C's isspace in the "C" locale.
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";

// `text` without the characters of `blanks` at its start and its end (empty when it holds
// nothing else). Each format says what its blanks are: HTTP's are space and tab, a line's
// may end in a carriage return.
inline std::string_view trimmed(std::string_view text, std::string_view blanks = kAsciiSpace) {
  const std::size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

}  // namespace datamesh::base
