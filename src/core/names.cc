#include "core/names.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/ids.h"
#include "absl/strings/ascii.h"
#include "base/text.h"

namespace datamesh::core {
using base::cat;
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

bool is_name_char(char c) { return is_lower(c) || absl::ascii_isdigit(c) || c == '_' || c == '-'; }

bool all_name_chars(std::string_view text) {
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

std::string lower_case_hint(std::string_view given) {
  if (given.starts_with("(?i)") ||
      std::none_of(given.begin(), given.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return "";
  }
  return "; table names are lower case, and patterns are case-sensitive (lower-case the name, "
         "or start a pattern with (?i))";
}

bool next_code_point(std::string_view text, std::size_t* pos, uint32_t* code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(*pos);
  std::size_t length;
  uint32_t value;
  uint32_t minimum;
  if (lead < 0x80) {
    *code_point = lead;
    *pos += 1;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return false;
  }
  if (text.size() - *pos < length) return false;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) return false;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return false;
  }
  *code_point = value;
  *pos += length;
  return true;
}

namespace {

// C0 controls, DEL and the C1 controls.
bool is_control(uint32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

absl::Status invalid(std::string_view parameter, std::string_view value, std::string_view allowed) {
  return absl::InvalidArgumentError(
      cat("invalid ", parameter, " ", quote_value(value), ": ", allowed));
}

// An IAM path segment or role name: IAM allows letters, digits and "+=,.@_-".
bool is_role_name_char(char c) {
  return is_lower(c) || is_upper(c) || absl::ascii_isdigit(c) || c == '+' || c == '=' || c == ',' ||
         c == '.' || c == '@' || c == '_' || c == '-';
}

}  // namespace

std::string quote_value(std::string_view value, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  std::size_t pos = 0;
  while (pos < value.size()) {
    const std::size_t start = pos;
    uint32_t code_point = 0;
    const bool valid = next_code_point(value, &pos, &code_point);
    if (!valid) pos = start + 1;  // escape the one offending byte, then carry on
    if (pos > max_bytes) {
      pos = start;
      break;
    }
    if (valid && code_point == '"') {
      out += "\\\"";
    } else if (valid && code_point == '\\') {
      out += "\\\\";
    } else if (valid && code_point == '\n') {
      out += "\\n";
    } else if (valid && code_point == '\t') {
      out += "\\t";
    } else if (valid && code_point == '\r') {
      out += "\\r";
    } else if (!valid || is_control(code_point)) {
      for (std::size_t i = start; i < pos; ++i) {
        const auto byte = static_cast<unsigned char>(value[i]);
        out += "\\x";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
      }
    } else {
      out.append(value.substr(start, pos - start));
    }
  }
  out += '"';
  if (pos < value.size()) out += cat("... (", value.size(), " bytes)");
  return out;
}

bool is_account_id(std::string_view value) { return value.size() == 12 && all_digits(value); }

bool has_account_suffix(std::string_view name) {
  constexpr std::size_t kSuffix = 13;  // "-" and 12 digits
  return name.size() > kSuffix && name[name.size() - kSuffix] == '-' &&
         is_account_id(name.substr(name.size() - kSuffix + 1));
}

absl::Status validate_account_id(std::string_view parameter, std::string_view value) {
  if (!is_account_id(value)) {
    return invalid(parameter, value, "use 12 decimal digits");
  }
  return absl::OkStatus();
}

absl::Status validate_catalog_name(std::string_view parameter, std::string_view value) {
  if (value.empty() || value.size() > 255 || !all_name_chars(value)) {
    return invalid(parameter, value,
                   "use 1 to 255 characters of lower-case letters, digits, '_' and '-'");
  }
  return absl::OkStatus();
}

absl::Status validate_display_name(std::string_view parameter, std::string_view value) {
  constexpr std::string_view kAllowed =
      "use 1 to 64 printable characters of valid UTF-8, without control characters";
  std::size_t characters = 0;
  for (std::size_t pos = 0; pos < value.size();) {
    uint32_t code_point;
    if (!next_code_point(value, &pos, &code_point) || is_control(code_point)) {
      return invalid(parameter, value, kAllowed);
    }
    ++characters;
  }
  if (characters == 0 || characters > 64) return invalid(parameter, value, kAllowed);
  return absl::OkStatus();
}

absl::Status validate_subscription_id(std::string_view parameter, std::string_view value) {
  bool valid = value.size() == kSubscriptionIdLength;
  for (std::size_t i = 0; valid && i < value.size(); ++i) {
    valid = kSubscriptionIdAlphabet.find(value[i]) != std::string_view::npos;
  }
  if (!valid) {
    return invalid(parameter, value,
                   cat("use ", kSubscriptionIdLength, " characters of ", kSubscriptionIdAlphabet));
  }
  return absl::OkStatus();
}

absl::Status validate_text(std::string_view parameter, std::string_view value) {
  constexpr std::size_t kMaxBytes = 4096;
  if (value.size() > kMaxBytes) {
    return absl::InvalidArgumentError(
        cat(parameter, " is ", value.size(), " bytes long; at most ", kMaxBytes, " are allowed"));
  }
  for (std::size_t pos = 0; pos < value.size();) {
    const std::size_t start = pos;
    uint32_t code_point;
    if (!next_code_point(value, &pos, &code_point)) {
      return absl::InvalidArgumentError(
          cat(parameter, " is not valid UTF-8 (bad byte sequence at offset ", start, ")"));
    }
    // PostgreSQL cannot store it in text, and no text of a mesh needs it: refused by every store.
    if (code_point == 0) {
      return absl::InvalidArgumentError(
          cat(parameter, " contains a NUL character (at offset ", start, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status validate_link_suffix(std::string_view parameter, std::string_view value) {
  if (value.size() > 64 || !all_name_chars(value)) {
    return invalid(parameter, value,
                   "use 0 to 64 characters of lower-case letters, digits, '_' and '-'");
  }
  return absl::OkStatus();
}

absl::Status validate_role_arn(std::string_view parameter, std::string_view value) {
  constexpr std::string_view kAllowed =
      "use arn:aws:iam::<12-digit account id>:role/<name> or arn:datamesh:iam::...; the name "
      "may follow a path (a/b/name) and each part uses 1 to 64 letters, digits and \"+=,.@_-\"";
  std::string_view rest = value;
  if (rest.size() > 2048) return invalid(parameter, value, kAllowed);
  auto consume = [&rest](std::string_view prefix) {
    if (rest.substr(0, prefix.size()) != prefix) return false;
    rest.remove_prefix(prefix.size());
    return true;
  };
  if (!consume("arn:")) return invalid(parameter, value, kAllowed);
  if (!consume("aws:") && !consume("datamesh:")) return invalid(parameter, value, kAllowed);
  if (!consume("iam::")) return invalid(parameter, value, kAllowed);
  if (rest.size() < 12 || !all_digits(rest.substr(0, 12))) {
    return invalid(parameter, value, kAllowed);
  }
  rest.remove_prefix(12);
  if (!consume(":role/")) return invalid(parameter, value, kAllowed);
  // `rest` is now "path/.../name": non-empty parts of allowed characters.
  if (rest.empty() || rest.size() > 512) return invalid(parameter, value, kAllowed);
  std::size_t part_length = 0;
  for (char c : rest) {
    if (c == '/') {
      if (part_length == 0) return invalid(parameter, value, kAllowed);
      part_length = 0;
    } else if (!is_role_name_char(c) || ++part_length > 64) {
      return invalid(parameter, value, kAllowed);
    }
  }
  if (part_length == 0) return invalid(parameter, value, kAllowed);
  return absl::OkStatus();
}

}  // namespace datamesh::core
