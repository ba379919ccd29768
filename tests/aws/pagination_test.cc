// The page reader (aws/pagination.h) over a list of pages served in order; against real services
// in tests/awsmode.
#include "aws/pagination.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

// Serves `pages` one after the other and records the requests it was given.
struct PageServer {
  std::vector<nlohmann::json> pages;
  std::vector<nlohmann::json> requests;
  PageFetch fetch() {
    return [this](const nlohmann::json& request) -> absl::StatusOr<nlohmann::json> {
      requests.push_back(request);
      if (requests.size() > pages.size()) return absl::InternalError("asked for too many pages");
      return pages[requests.size() - 1];
    };
  }
};

TEST(PaginationTest, FollowsNextTokenUntilItIsGone) {
  PageServer server{{{{"Items", {1, 2}}, {"NextToken", "t1"}},
                     {{"Items", {3}}, {"NextToken", "t2"}},
                     {{"Items", {4}}}}};
  ASSERT_OK_AND_ASSIGN(nlohmann::json items,
                       all_items(server.fetch(), {{"MaxResults", 2}}, kNextToken, "Items"));
  EXPECT_EQ(items, nlohmann::json({1, 2, 3, 4}));
  ASSERT_EQ(server.requests.size(), 3u);
  EXPECT_FALSE(server.requests[0].contains("NextToken"));
  EXPECT_EQ(server.requests[1]["NextToken"], "t1");
  EXPECT_EQ(server.requests[2]["NextToken"], "t2");
  EXPECT_EQ(server.requests[2]["MaxResults"], 2);
}

TEST(PaginationTest, AnEmptyTokenEndsTheListing) {
  PageServer server{{{{"shares", {1}}, {"nextToken", ""}}}};
  ASSERT_OK_AND_ASSIGN(nlohmann::json items, all_items(server.fetch(), nlohmann::json::object(),
                                                       kLowerNextToken, "shares"));
  EXPECT_EQ(items.size(), 1u);
  EXPECT_EQ(server.requests.size(), 1u);
}

TEST(PaginationTest, PassesLastEvaluatedKeyBackAsExclusiveStartKey) {
  const nlohmann::json key = {{"Id", {{"S", "a"}}}};
  PageServer server{{{{"Items", {1}}, {"LastEvaluatedKey", key}}, {{"Items", {2}}}}};
  ASSERT_OK_AND_ASSIGN(nlohmann::json items,
                       all_items(server.fetch(), {{"TableName", "t"}}, kLastEvaluatedKey, "Items"));
  EXPECT_EQ(items.size(), 2u);
  EXPECT_EQ(server.requests[1]["ExclusiveStartKey"], key);
}

TEST(PaginationTest, MarkerPagesEndWhenIsTruncatedIsNotTrue) {
  PageServer server{{{{"Roles", {1}}, {"IsTruncated", "true"}, {"Marker", "m1"}},
                     {{"Roles", {2}}, {"IsTruncated", true}, {"Marker", "m2"}},
                     {{"Roles", {3}}, {"IsTruncated", "false"}, {"Marker", "m3"}}}};
  ASSERT_OK_AND_ASSIGN(nlohmann::json items,
                       all_items(server.fetch(), nlohmann::json::object(), kMarker, "Roles"));
  EXPECT_EQ(items, nlohmann::json({1, 2, 3}));
  EXPECT_EQ(server.requests[2]["Marker"], "m2");
}

TEST(PaginationTest, StopsWhenTheServiceRepeatsTheTokenItWasGiven) {
  PageServer server{{{{"Items", {1}}, {"NextToken", "same"}},
                     {{"Items", {2}}, {"NextToken", "same"}},
                     {{"Items", {3}}}}};
  EXPECT_STATUS(all_items(server.fetch(), nlohmann::json::object(), kNextToken, "Items"),
                absl::StatusCode::kInternal, "the same NextToken it was asked with");
}

TEST(PaginationTest, ReturnsTheErrorsOfFetchAndVisitUnchanged) {
  PageServer server{{{{"Items", {1}}, {"NextToken", "t1"}}}};
  EXPECT_STATUS(all_items(server.fetch(), nlohmann::json::object(), kNextToken, "Items"),
                absl::StatusCode::kInternal, "asked for too many pages");
  PageServer again{{{{"Items", {1}}, {"NextToken", "t1"}}}};
  EXPECT_STATUS(for_each_page(again.fetch(), nlohmann::json::object(), kNextToken,
                              [](const nlohmann::json&) { return absl::CancelledError("enough"); }),
                absl::StatusCode::kCancelled, "enough");
  EXPECT_EQ(again.requests.size(), 1u);
}

}  // namespace
}  // namespace datamesh::aws
