// What the libFuzzer targets of fuzz/ share: cutting one input into the parts a target feeds
// its parser, and checking a property. A failed check prints what broke and aborts, so that
// libFuzzer saves the input as a crash artifact; sanitizers report the other crashes.
//
// Every target is a pure function of its input: whatever state a target builds once (the
// route target's seeded mesh) is never changed by a run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace datamesh::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// `text` cut at the first `parts - 1` occurrences of `separator`; always `parts` pieces, the
// missing ones empty, so that every input means something to the target.
inline std::vector<std::string_view> split_input(std::string_view text, std::string_view separator,
                                                 size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    const size_t at = text.find(separator);
    if (at == std::string_view::npos) break;
    out.push_back(text.substr(0, at));
    text.remove_prefix(at + separator.size());
  }
  out.push_back(text);
  out.resize(parts);
  return out;
}

// Every occurrence of `from` in `text` replaced by `to`.
inline std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(from, start);
    if (at == std::string_view::npos) break;
    out.append(text.substr(start, at - start));
    out.append(to);
    start = at + from.size();
  }
  out.append(text.substr(start));
  return out;
}

[[noreturn]] inline void fail(const char* property, std::string_view detail) {
  std::fprintf(stderr, "\nPROPERTY BROKEN: %s\n%.*s\n", property, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline std::string describe(const absl::Status& status) { return status.ToString(); }

// The message as a std::string_view (Debian's Abseil has its own string_view type).
inline std::string_view message(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

}  // namespace datamesh::fuzz

// Checks a property of the code under test; on failure prints it with `detail` and aborts.
#define DATAMESH_FUZZ_CHECK(condition, detail)                               \
  do {                                                                       \
    if (!(condition)) ::datamesh::fuzz::fail(#condition, (detail));          \
  } while (false)
