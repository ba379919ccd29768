// core::read_page, which every listing of the engine reads its page with (core/paging.h): a page
// ends at max_results rows or once it holds kMaxPageBytes of text, with at least one row; rows
// are read kPageChunk at a time; skipped rows are not counted; the NextToken is the last row's
// key, and paging with it gives every row once.
#include "core/paging.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::core {
namespace {

// A listing of `count` audit events, event i carrying `bytes(i)` bytes of details, keyed by
// sequence as the store orders them; counts the store calls and the rows they returned.
struct FakeListing {
  int count = 0;
  std::function<std::size_t(int)> bytes = [](int) { return 10; };
  int calls = 0;
  int largest_call = 0;

  absl::StatusOr<std::vector<AuditEvent>> fetch(const store::Page& page) {
    ++calls;
    largest_call = std::max(largest_call, page.limit);
    std::vector<AuditEvent> rows;
    for (int i = page.after.empty() ? 1 : std::stoi(page.after) + 1;
         i <= count && static_cast<int>(rows.size()) < page.limit; ++i) {
      rows.push_back({.sequence = i, .details_json = std::string(bytes(i), 'x')});
    }
    return rows;
  }
};

std::string key(const AuditEvent& event) { return std::to_string(event.sequence); }

// Every page of the listing with max_results `max`: the sequences of each.
std::vector<std::vector<int64_t>> all_pages(FakeListing& listing, int max,
                                            bool (*wanted)(const AuditEvent&) = nullptr) {
  std::vector<std::vector<int64_t>> pages;
  std::string after;
  do {
    const auto fetch = [&](const store::Page& page) { return listing.fetch(page); };
    absl::StatusOr<RowPage<AuditEvent>> page =
        wanted ? read_page<AuditEvent>(PageRequest{.max_results = max, .next_token = after},
                                       fetch, key, wanted)
               : read_page<AuditEvent>(PageRequest{.max_results = max, .next_token = after},
                                       fetch, key);
    EXPECT_OK(page);
    if (!page.ok()) break;
    std::vector<int64_t>& sequences = pages.emplace_back();
    for (const AuditEvent& event : page->rows) sequences.push_back(event.sequence);
    after = page->next_token;
  } while (!after.empty() && pages.size() < 100);
  return pages;
}

TEST(ReadPageTest, PagesByCountReadingAFewRowsPerStoreCall) {
  FakeListing listing{.count = 45};
  const auto pages = all_pages(listing, 20);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].size(), 20u);
  EXPECT_EQ(pages[0].front(), 1);
  EXPECT_EQ(pages[1].front(), 21);
  EXPECT_EQ(pages[2], (std::vector<int64_t>{41, 42, 43, 44, 45}));
  EXPECT_EQ(listing.largest_call, kPageChunk);
}

TEST(ReadPageTest, AFullLastPageHasNoNextToken) {
  FakeListing listing{.count = 40};
  const auto pages = all_pages(listing, 20);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[1].back(), 40);
}

TEST(ReadPageTest, PagesByBytesWithAtLeastOneRow) {
  // Rows of 3 MiB: two fit in 8 MiB, a third does not. A row larger than the budget alone
  // still makes a page of its own.
  FakeListing listing{.count = 7, .bytes = [](int i) -> std::size_t {
                        return i == 5 ? kMaxPageBytes + 1 : 3u << 20;
                      }};
  const auto pages = all_pages(listing, 1000);
  EXPECT_EQ(pages, (std::vector<std::vector<int64_t>>{{1, 2}, {3, 4}, {5}, {6, 7}}));
}

TEST(ReadPageTest, SkippedRowsAreNotCountedAndEveryWantedRowComesOnce) {
  FakeListing listing{.count = 100};
  const auto pages =
      all_pages(listing, 10, [](const AuditEvent& event) { return event.sequence % 7 == 0; });
  std::vector<int64_t> seen;
  for (const auto& page : pages) {
    EXPECT_LE(page.size(), 10u);
    seen.insert(seen.end(), page.begin(), page.end());
  }
  std::vector<int64_t> expected;
  for (int i = 7; i <= 100; i += 7) expected.push_back(i);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages.size(), 2u);
  // Once rows are skipped, each store call asks for a whole chunk, not only the rows the page
  // still lacks (which would read the skipped rows one call each).
  EXPECT_LE(listing.calls, 10) << "store calls";  // 9; 24 asking only for what lacks
}

TEST(ReadPageTest, AStoreErrorIsTheAnswer) {
  const absl::StatusOr<RowPage<AuditEvent>> page = read_page<AuditEvent>(
      PageRequest{.max_results = 5},
      [](const store::Page&) -> absl::StatusOr<std::vector<AuditEvent>> {
        return absl::UnavailableError("disk");
      },
      key);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace datamesh::core
