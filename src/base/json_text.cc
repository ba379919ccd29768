#include "base/json_text.h"

#include <simdjson.h>

namespace datamesh::base {

void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  std::size_t plain_from = 0;
  // Runs of bytes that need no escape are appended whole.
  const auto flush = [&](std::size_t until) {
    out.append(value.data() + plain_from, until - plain_from);
  };
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && c != '"' && c != '\\') continue;
    flush(i);
    plain_from = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out.append("\\u00");
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xf]);
      }
    }
  }
  flush(value.size());
  out.push_back('"');
}

bool is_valid_utf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

}  // namespace datamesh::base
