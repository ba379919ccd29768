// String building for messages. Debian's Abseil is built with its own absl::string_view (not
// std::string_view), so absl::StrCat/StrJoin do not take std::string_view; these do.
#pragma once

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace datamesh::base {

namespace text_internal {
inline void append(std::string& out, std::string_view piece) { out.append(piece); }
inline void append(std::string& out, const char* piece) { out.append(piece); }
inline void append(std::string& out, const std::string& piece) { out.append(piece); }
inline void append(std::string& out, char c) { out.push_back(c); }
// Status messages are absl::string_view, a distinct type in Debian's Abseil.
inline void append(std::string& out, absl::string_view piece) {
  out.append(piece.data(), piece.size());
}
inline void append(std::string& out, bool) = delete;  // say "true"/"false" explicitly
template <std::integral T>
  requires(!std::same_as<T, char> && !std::same_as<T, bool>)
void append(std::string& out, T value) {
  out.append(std::to_string(value));
}
}  // namespace text_internal

// Concatenates strings, string views, characters and integers.
template <typename... Pieces>
std::string cat(const Pieces&... pieces) {
  std::string out;
  (text_internal::append(out, pieces), ...);
  return out;
}

// Joins the elements of a range of string-like values with `separator`.
template <typename Range>
std::string join(const Range& range, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto& element : range) {
    if (!first) out.append(separator);
    first = false;
    text_internal::append(out, std::string_view(element));
  }
  return out;
}

// `text` with its ASCII letters in lower case and every other byte as it is, whatever the
// locale (HTTP header names, AWS operation names). absl::AsciiStrToLower takes only Abseil's own
// string_view here.
inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

// Whether `a` and `b` are equal when ASCII letters are compared without their case.
inline bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace datamesh::base
