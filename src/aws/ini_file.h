// A reader of the INI files AWS tools share (~/.aws/config, ~/.aws/credentials), with the rules
// of botocore's reader (Python's configparser in strict mode):
//  - `[name]` opens a section; text after the closing ']' may only be a comment.
//  - `key = value` or `key: value` (the first '=' or ':' splits); keys are lower-cased, keys
//    and values trimmed. A value keeps any '#' or ';' in it: there are no inline comments.
//  - A line indented deeper than its key continues the key's value (joined with '\n'), which
//    is how nested settings such as `s3 =\n  addressing_style = path` are written.
//  - Lines whose first non-blank character is '#' or ';' are comments; blank lines are skipped.
//  - A section named twice, or a key set twice in one section, is an error, as in botocore.
// Errors name the file and line and say what is wrong, never quoting a value (values are
// secrets in the credentials file).
//
// Why not a library: Debian's libinih, the only maintained INI parser packaged, is built with a
// fixed 200-byte line buffer, which cuts a session token line (often 800+ bytes) and misreads
// the rest; the rules above are few.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace datamesh::aws {

struct IniEntry {
  std::string key;  // lower case
  std::string value;
  int line = 0;  // where the key is, 1-based
};

struct IniSection {
  std::string name;  // trimmed, case kept
  int line = 0;
  std::vector<IniEntry> entries;  // in file order, keys unique

  const IniEntry* find(std::string_view key) const;
};

struct IniFile {
  std::string path;                  // for messages
  std::vector<IniSection> sections;  // in file order, names unique

  const IniSection* find(std::string_view name) const;
};

// Parses `text`, the contents of `path` (which only names it in messages). InvalidArgument
// "<path>:<line>: <reason>" for a key before any section, a line that is neither a section, a
// key = value nor a comment, an unclosed or empty section header, text after a header, an
// empty key, a repeated section or a repeated key.
absl::StatusOr<IniFile> parse_ini(std::string_view text, std::string_view path);

// Reads and parses the file at `path`; nullopt when no file is there (AWS tools then go on
// without it). FailedPrecondition when something is there that is not a readable file;
// parse_ini's errors.
absl::StatusOr<std::optional<IniFile>> load_ini(const std::string& path);

}  // namespace datamesh::aws
