// The text of a streamed list answer (api/methods.h Method::stream), written and read entry by
// entry so that neither side holds the whole list.
//
// JsonListWriter writes exactly the bytes that dumping the whole answer would give (compact, as
// the HTTP server's body, or indented, as the CLI prints): golden answers do not change when a
// method streams. JsonListReader takes those bytes as they arrive, in pieces of any size, and
// hands each entry on as JSON, holding one entry at a time. Neither is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "api/answer_json.h"
#include "base/json_text.h"
#include "datamesh/each.h"

namespace datamesh::api {

class JsonListWriter {
 public:
  using Out = std::function<absl::Status(std::string_view text)>;
  // indent: -1 for dump_json's compact text, else nlohmann's indentation (the CLI uses 2).
  // Nothing is written before the first entry or finish(), so that a call that fails before
  // its first entry has written nothing.
  JsonListWriter(Wrap wrap, int indent, Out out);

  absl::Status add(const nlohmann::json& entry);
  // add() for an entry already written as compact text (answer_text with the bare wrap,
  // api/answer_json.h). Internal for a writer that indents.
  absl::Status add_text(std::string_view entry);
  // Writes the end of the answer (the whole answer when no entry was added).
  absl::Status finish();

 private:
  std::string dump(const nlohmann::json& value) const;
  absl::Status write_entry(std::string_view text);

  int indent_;
  Out out_;
  std::string opening_;    // up to the first entry
  std::string separator_;  // between two entries
  std::string closing_;    // after the last entry
  std::string empty_;      // the answer without entries
  std::string indentation_;  // of an entry's lines after its first
  int64_t added_ = 0;
};

class JsonListReader {
 public:
  explicit JsonListReader(Each<nlohmann::json> each) : each_(std::move(each)) {}

  // The next bytes of the answer. The list is the first JSON array in the text (the whole
  // answer for a bare list, the value of its key for a list under a key). Errors: each's, and
  // InvalidArgument for an entry that is not JSON.
  absl::Status feed(std::string_view bytes);
  // DataLoss when the text ended before the list did.
  absl::Status finish() const;
  int64_t entries() const { return entries_; }
  // Whether any byte came: an answer begun cannot be read again from its start.
  bool began() const { return began_; }

 private:
  absl::Status end_entry();

  Each<nlohmann::json> each_;
  enum class Where { kBeforeList, kInList, kAfterList } where_ = Where::kBeforeList;
  base::JsonStringTracker strings_;
  int depth_ = 0;  // of the current entry's arrays and objects
  std::string entry_;
  int64_t entries_ = 0;
  bool began_ = false;
};

}  // namespace datamesh::api
