// JSON text written directly, for the hot paths that would otherwise build nlohmann's DOM only to
// dump it (stored subscription documents, answers of signed reads): strings escaped exactly as
// nlohmann's dump() escapes them without ensure_ascii, so that text written here and text dumped
// by nlohmann are the same bytes.
#pragma once

#include <string>
#include <string_view>

namespace datamesh::base {

// Appends `value` as a JSON string: '"' and '\\' escaped, \b \f \n \r \t by name, the other
// control characters as \u00xx (lower-case hex); every other byte as it is, DEL and UTF-8
// sequences included. Precondition for the bytes to be what nlohmann writes: `value` is valid
// UTF-8 (check the whole text with is_valid_utf8).
void append_json_string(std::string& out, std::string_view value);

// Whether `text` is valid UTF-8 (simdjson's validator: gigabytes a second).
bool is_valid_utf8(std::string_view text);

// Follows JSON text byte by byte and tells which bytes stand outside its strings, so that a scan
// for brackets and commas passes over what strings hold (escaped quotes included).
class JsonStringTracker {
 public:
  // Whether `c`, the text's next byte, stands outside every string: false for a string's quotes
  // and each byte between them.
  bool outside_string(char c) {
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      return false;
    }
    in_string_ = c == '"';
    return !in_string_;
  }

 private:
  bool in_string_ = false;
  bool escaped_ = false;
};

}  // namespace datamesh::base
