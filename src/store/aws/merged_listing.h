// How BufferedTransaction (buffered_transaction.h) merges a key-ordered listing of the base with
// the rows its overlay holds for the same listing, reading no more of the base than the page
// needs. Header-only templates; pure functions of their callbacks, no thread-safety concerns.
//
// The callbacks each listing supplies:
//   key_of(row) -> std::string_view   the row's key in the listing's order (its page cursor)
//   hidden(key) -> bool               the overlay holds a write of this row, so the base's row
//                                     is not what the listing shows (the overlay's, if any, is)
//   overlay_rows(after, upto, max, out)   appends to `out`, in key order, the rows the overlay
//                                     holds (deleted ones left out) with after < key <= *upto
//                                     (no upper bound when upto is nullopt), at most max
//   read_base(page) -> StatusOr<std::vector<Row>>   a page of the base's listing
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "base/text.h"
#include "core/store.h"

namespace datamesh::store::aws {

// InvalidArgument for a page limit below 1, as the stores answer.
inline absl::Status check_page_limit(const Page& page) {
  if (page.limit >= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(base::cat("page limit must be at least 1, not ", page.limit));
}

// Appends to `out`, in key order, the rows of `base` that are not hidden and every row of
// `overlay`, until `out` holds `limit` rows. Both inputs are in key order; a hidden key is never
// also a key of a base row that is shown, so no two rows compare equal.
template <typename Row, typename KeyOf, typename Hidden>
void merge_rows(std::vector<Row>&& base, std::vector<Row>&& overlay, KeyOf key_of, Hidden hidden,
                size_t limit, std::vector<Row>& out) {
  auto b = base.begin();
  auto o = overlay.begin();
  while (out.size() < limit) {
    while (b != base.end() && hidden(key_of(*b))) ++b;
    if (b == base.end() && o == overlay.end()) return;
    if (o == overlay.end() || (b != base.end() && key_of(*b) < key_of(*o))) {
      out.push_back(std::move(*b++));
    } else {
      out.push_back(std::move(*o++));
    }
  }
}

// One page (after page.after, at most page.limit rows) of the listing as if the overlay's writes
// had been made in the base. Reads a page of the base, merges the overlay's rows up to that
// page's last key, and reads on from there only when rows the overlay hid left the page short.
template <typename Row, typename ReadBase, typename KeyOf, typename Hidden, typename OverlayRows>
absl::StatusOr<std::vector<Row>> merged_page(const Page& page, ReadBase read_base, KeyOf key_of,
                                             Hidden hidden, OverlayRows overlay_rows) {
  DATAMESH_RETURN_IF_ERROR(check_page_limit(page));
  const size_t limit = static_cast<size_t>(page.limit);
  std::vector<Row> out;
  std::string after = page.after;
  while (true) {
    const size_t need = limit - out.size();
    DATAMESH_ASSIGN_OR_RETURN(std::vector<Row> base_rows,
                              read_base(Page{.after = after, .limit = static_cast<int>(need)}));
    // A full page may have more rows after it: this round knows the base only up to its end.
    std::optional<std::string> upto;
    if (base_rows.size() >= need && !base_rows.empty()) {
      upto = std::string(key_of(base_rows.back()));
    }
    std::vector<Row> overlay;
    overlay_rows(std::string_view(after), upto, need, overlay);
    merge_rows(std::move(base_rows), std::move(overlay), key_of, hidden, limit, out);
    if (out.size() >= limit || !upto) return out;
    after = *std::move(upto);
  }
}

}  // namespace datamesh::store::aws
