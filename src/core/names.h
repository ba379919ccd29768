// Validation of names and ids given by callers. Each returns InvalidArgument naming the
// parameter, the value and what is allowed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace datamesh::core {

// Quotes a caller's value for an error message: in double quotes, with '"', '\\', control
// characters and bytes that are not valid UTF-8 escaped C-style (\n, \x00), so that the message
// stays one printable line of valid UTF-8 (it may be sent as JSON). A value longer than
// `max_bytes` is cut at a character boundary and followed by its length: "abc"... (5000 bytes).
std::string quote_value(std::string_view value, std::size_t max_bytes = 80);

// For a message that a table name or pattern matched nothing: "; table names are lower case
// ..." when `given` has an upper-case ASCII letter (catalog names never do, and patterns are
// case-sensitive), else "".
std::string lower_case_hint(std::string_view given);

// Decodes the UTF-8 sequence at `text[*pos]` (*pos < text.size()), advancing `*pos`. Returns
// false for anything that is not the shortest encoding of a Unicode scalar value (overlong
// forms, surrogates, values above U+10FFFF, truncated or stray continuation bytes).
bool next_code_point(std::string_view text, std::size_t* pos, uint32_t* code_point);

// Whether `value` is an account id: 12 decimal digits.
bool is_account_id(std::string_view value);
// Whether `name` ends in "-" and an account id, as a mesh database's default name does
// ("<source database>-<producer account>").
bool has_account_suffix(std::string_view name);
// InvalidArgument naming `parameter` unless is_account_id(value).
absl::Status validate_account_id(std::string_view parameter, std::string_view value);
// Glue database/table names: 1..255 characters of lower-case letters, digits, '_' and '-'
// (Glue lower-cases names; datamesh refuses upper case instead of silently changing it).
absl::Status validate_catalog_name(std::string_view parameter, std::string_view value);
// Account display names: 1..64 printable characters, no control characters.
absl::Status validate_display_name(std::string_view parameter, std::string_view value);
// 22 characters of the subscription id alphabet.
absl::Status validate_subscription_id(std::string_view parameter, std::string_view value);
// Free text (notes, reasons, descriptions): at most 4096 bytes of valid UTF-8.
absl::Status validate_text(std::string_view parameter, std::string_view value);
// Link suffix: 0..64 characters of [a-z0-9_-].
absl::Status validate_link_suffix(std::string_view parameter, std::string_view value);
// IAM role ARN: arn:<aws|datamesh>:iam::<12 digits>:role/<path/name>.
absl::Status validate_role_arn(std::string_view parameter, std::string_view value);

}  // namespace datamesh::core
