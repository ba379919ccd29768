#include "aws/ini_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <system_error>

#include "base/files.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "base/trimmed.h"

namespace datamesh::aws {
namespace {

using base::cat;

constexpr std::string_view kBlank = " \t\r\f\v";

std::string_view trim(std::string_view text) { return base::trimmed(text, kBlank); }

bool is_comment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed.front() == '#' || trimmed.front() == ';');
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Builds the file line by line; holds the section and key a continuation line extends.
class IniReader {
 public:
  explicit IniReader(std::string_view path) { file_.path = std::string(path); }

  absl::Status read_line(std::string_view raw, int number) {
    const std::string_view text = trim(raw);
    if (text.empty() || is_comment(text)) return absl::OkStatus();
    const std::size_t indent = raw.find_first_not_of(kBlank);
    if (continued_ != nullptr && indent > continued_indent_) {
      continued_->value.append("\n").append(text);  // in place: linear in the file's size
      return absl::OkStatus();
    }
    if (text.front() == '[') return read_section(text, number);
    return read_entry(text, indent, number);
  }

  IniFile take() { return std::move(file_); }

 private:
  absl::Status error(int number, std::string_view reason) const {
    return absl::InvalidArgumentError(cat(file_.path, ":", number, ": ", reason));
  }

  absl::Status read_section(std::string_view text, int number) {
    const auto close = text.rfind(']');
    if (close == std::string_view::npos) {
      return error(number, "section header without a closing ']'");
    }
    const std::string_view after = trim(text.substr(close + 1));
    if (!after.empty() && !is_comment(after)) {
      return error(number, "unexpected text after the section header");
    }
    const std::string_view name = trim(text.substr(1, close - 1));
    if (name.empty()) return error(number, "empty section name");
    const auto [earlier, added] = section_lines_.try_emplace(std::string(name), number);
    if (!added) {
      return error(number, cat("section [", name, "] repeats the one at line ", earlier->second));
    }
    file_.sections.push_back(IniSection{.name = std::string(name), .line = number, .entries = {}});
    key_lines_.clear();
    continued_ = nullptr;
    return absl::OkStatus();
  }

  absl::Status read_entry(std::string_view text, std::size_t indent, int number) {
    const auto delimiter = text.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      return error(number, "expected key = value, a [section] or a comment");
    }
    if (file_.sections.empty()) return error(number, "key = value before any [section] header");
    const std::string key = lower(trim(text.substr(0, delimiter)));
    if (key.empty()) return error(number, "empty key before '=' or ':'");
    IniSection& section = file_.sections.back();
    const auto [earlier, added] = key_lines_.try_emplace(key, number);
    if (!added) {
      return error(number, cat("key ", key, " repeats the one at line ", earlier->second,
                               " in section [", section.name, "]"));
    }
    section.entries.push_back(IniEntry{
        .key = key, .value = std::string(trim(text.substr(delimiter + 1))), .line = number});
    continued_ = &section.entries.back();
    continued_indent_ = indent;
    return absl::OkStatus();
  }

  IniFile file_;
  // The lines of the sections so far, and of the keys of the last section: repeats are found
  // in logarithmic time, so a hostile file of many keys costs no quadratic time.
  std::map<std::string, int, std::less<>> section_lines_;
  std::map<std::string, int, std::less<>> key_lines_;
  // The entry an indented line continues, and the indentation of its key. Reset by a section;
  // valid until the next push_back into its section, which replaces it first.
  IniEntry* continued_ = nullptr;
  std::size_t continued_indent_ = 0;
};

}  // namespace

const IniEntry* IniSection::find(std::string_view key) const {
  for (const IniEntry& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

const IniSection* IniFile::find(std::string_view name) const {
  for (const IniSection& section : sections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

absl::StatusOr<IniFile> parse_ini(std::string_view text, std::string_view path) {
  IniReader reader(path);
  int number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    DATAMESH_RETURN_IF_ERROR(reader.read_line(line, number));
  }
  return reader.take();
}

absl::StatusOr<std::optional<IniFile>> load_ini(const std::string& path) {
  std::error_code code;
  const std::filesystem::file_status status = std::filesystem::status(path, code);
  if (!std::filesystem::exists(status)) return std::optional<IniFile>();
  if (!std::filesystem::is_regular_file(status)) {
    return absl::FailedPreconditionError(cat("cannot read ", path, ": not a regular file"));
  }
  const std::optional<std::string> text = base::read_whole_file(path);
  if (!text) {
    return absl::FailedPreconditionError(cat("cannot read ", path, ": ", std::strerror(errno)));
  }
  DATAMESH_ASSIGN_OR_RETURN(IniFile parsed, parse_ini(*text, path));
  return std::optional<IniFile>(std::move(parsed));
}

}  // namespace datamesh::aws
