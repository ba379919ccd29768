// One page of a listing, bounded in bytes as well as in count (issue 15.4): with rows of up to
// 1 MiB (a database's or a table's input, docs/SECURITY.md), a page of 1,000 made one answer of
// a gigabyte. Every listing of the engine reads its page here, a few rows per store call, and
// ends it at max_results rows or once it holds kMaxPageBytes of text, whichever comes first,
// with at least one row; the NextToken continues after its last row.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "core/store.h"
#include "datamesh/catalog_types.h"
#include "datamesh/types.h"

namespace datamesh::core {

inline constexpr std::size_t kMaxPageBytes = 8 << 20;
// Rows read per store call while a page fills: the server holds about one page at a time.
inline constexpr int kPageChunk = 16;

template <typename T>
struct RowPage {
  std::vector<T> rows;
  std::string next_token;  // empty on the last page
};

// The text a row holds in all (every string it answers): what kMaxPageBytes adds up.
std::size_t text_bytes(const Database& database);
std::size_t text_bytes(const Table& table);
std::size_t text_bytes(const Subscription& subscription);
std::size_t text_bytes(const AuditEvent& event);
std::size_t text_bytes(const store::ProductRow& product);
std::size_t text_bytes(const PublishedProduct& product);

// The rows of one page as they come: add() takes a row while the page holds fewer than
// max_results rows and, past its first row, at most kMaxPageBytes of text; once it refuses one,
// the page is full and its NextToken is the key of its last row.
template <typename T, typename Key>
class PageFiller {
 public:
  PageFiller(const PageRequest& request, Key key) : max_results_(request.max_results), key_(key) {}

  bool add(T row) {
    const std::size_t size = text_bytes(row);
    if (static_cast<int>(page_.rows.size()) == max_results_ ||
        (!page_.rows.empty() && bytes_ + size > kMaxPageBytes)) {
      page_.next_token = key_(page_.rows.back());
      return false;
    }
    bytes_ += size;
    page_.rows.push_back(std::move(row));
    return true;
  }
  int size() const { return static_cast<int>(page_.rows.size()); }
  RowPage<T> take() && { return std::move(page_); }

 private:
  int max_results_;
  Key key_;
  std::size_t bytes_ = 0;
  RowPage<T> page_;
};

// Reads the page of `request` (after request.next_token) through fetch(store::Page) ->
// StatusOr<vector<T>> (rows ordered by key(row), after page.after, at most page.limit),
// kPageChunk rows at a time. Rows that `wanted` refuses are skipped and not counted.
template <typename T, typename Fetch, typename Key, typename Wanted>
absl::StatusOr<RowPage<T>> read_page(const PageRequest& request, Fetch&& fetch, Key key,
                                     Wanted&& wanted) {
  PageFiller<T, Key> page(request, key);
  std::string after = request.next_token;
  bool skipping = false;  // once rows are skipped, fewer than the page lacks may not fill it
  while (true) {
    const int lacking = request.max_results + 1 - page.size();
    const int limit = skipping ? kPageChunk : std::min(kPageChunk, lacking);
    DATAMESH_ASSIGN_OR_RETURN(std::vector<T> chunk,
                              fetch(store::Page{.after = after, .limit = limit}));
    if (!chunk.empty()) after = key(chunk.back());  // before the rows move
    for (T& row : chunk) {
      if (!wanted(row)) {
        skipping = true;
        continue;
      }
      if (!page.add(std::move(row))) return std::move(page).take();
    }
    if (static_cast<int>(chunk.size()) < limit) return std::move(page).take();
  }
}

// The same, every row wanted.
template <typename T, typename Fetch, typename Key>
absl::StatusOr<RowPage<T>> read_page(const PageRequest& request, Fetch&& fetch, Key key) {
  return read_page<T>(request, std::forward<Fetch>(fetch), key, [](const T&) { return true; });
}

}  // namespace datamesh::core
