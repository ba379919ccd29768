#include "api/json_list.h"

#include "absl/strings/str_replace.h"
#include "api/json_codec.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::api {
namespace {

// Stands for the entries in the answer's skeleton, whose text gives what surrounds them.
constexpr std::string_view kPlaceholder = "datamesh-list-entry-placeholder";

nlohmann::json skeleton(Wrap wrap, nlohmann::json list) {
  if (wrap.kind == Wrap::kUnderKey) return {{std::string(wrap.key), std::move(list)}};
  return list;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

JsonListWriter::JsonListWriter(Wrap wrap, int indent, Out out)
    : indent_(indent), out_(std::move(out)) {
  const std::string with_one =
      dump(skeleton(wrap, nlohmann::json::array({std::string(kPlaceholder)})));
  const std::string quoted = base::cat("\"", kPlaceholder, "\"");
  const size_t at = with_one.find(quoted);
  opening_ = with_one.substr(0, at);
  closing_ = with_one.substr(at + quoted.size());
  const size_t line = opening_.rfind('\n');
  if (line != std::string::npos) indentation_ = opening_.substr(line + 1);
  separator_ = indent_ < 0 ? std::string(",") : base::cat(",\n", indentation_);
  empty_ = dump(skeleton(wrap, nlohmann::json::array()));
}

std::string JsonListWriter::dump(const nlohmann::json& value) const {
  if (indent_ < 0) return dump_json(value);
  return value.dump(indent_, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::Status JsonListWriter::add(const nlohmann::json& entry) {
  std::string text = dump(entry);
  // An entry's own lines sit one level deeper in the whole answer (JSON strings hold no raw
  // newline, so every newline of the text is the indentation's).
  if (indent_ >= 0) text = absl::StrReplaceAll(text, {{"\n", base::cat("\n", indentation_)}});
  return write_entry(text);
}

absl::Status JsonListWriter::add_text(std::string_view entry) {
  if (indent_ >= 0) {
    return absl::InternalError("add_text writes compact entries into an indented list");
  }
  return write_entry(entry);
}

absl::Status JsonListWriter::write_entry(std::string_view text) {
  DATAMESH_RETURN_IF_ERROR(out_(added_ == 0 ? opening_ : separator_));
  ++added_;
  return out_(text);
}

absl::Status JsonListWriter::finish() { return out_(added_ == 0 ? empty_ : closing_); }

absl::Status JsonListReader::feed(std::string_view bytes) {
  if (!bytes.empty()) began_ = true;
  for (const char c : bytes) {
    if (where_ == Where::kAfterList) continue;
    const bool structural = strings_.outside_string(c);
    if (where_ == Where::kBeforeList) {
      if (structural && c == '[') where_ = Where::kInList;
      continue;
    }
    if (structural && depth_ == 0 && (c == ',' || c == ']')) {
      DATAMESH_RETURN_IF_ERROR(end_entry());
      if (c == ']') where_ = Where::kAfterList;
      continue;
    }
    if (structural) {
      if (c == '{' || c == '[') ++depth_;
      if (c == '}' || c == ']') --depth_;
    }
    if (entry_.empty() && is_space(c)) continue;
    entry_ += c;
  }
  return absl::OkStatus();
}

absl::Status JsonListReader::end_entry() {
  std::string_view text = entry_;
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.empty()) return absl::OkStatus();  // "[]", or the space before ']'
  auto entry = parse_json(text);
  entry_.clear();
  DATAMESH_RETURN_IF_ERROR(entry.status());
  ++entries_;
  return each_(*entry);
}

absl::Status JsonListReader::finish() const {
  if (where_ != Where::kAfterList) {
    return absl::DataLossError(
        base::cat("the answer ended before its list did, after ", entries_, " entries"));
  }
  return absl::OkStatus();
}

}  // namespace datamesh::api
