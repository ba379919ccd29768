// Reading every page of a list call. AWS services page in four ways, each a PageTokens value:
//   kNextToken         NextToken in the request and the answer (Glue, Lake Formation)
//   kLowerNextToken    nextToken (RAM)
//   kLastEvaluatedKey  ExclusiveStartKey in the request, LastEvaluatedKey in the answer
//                      (DynamoDB Scan and Query)
//   kMarker            Marker in both, while IsTruncated is true (IAM; "true" in XML answers)
// A page's token goes into the next request unchanged; there are no more pages when the answer
// has no token (or an empty one, or IsTruncated is not true).
//
// Pure functions of the fetch they are given; thread-safe if it is.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace datamesh::aws {

struct PageTokens {
  std::string_view request_key;
  std::string_view answer_key;
  std::string_view truncated_key;  // "" when the token alone says there is more
};

inline constexpr PageTokens kNextToken{"NextToken", "NextToken", ""};
inline constexpr PageTokens kLowerNextToken{"nextToken", "nextToken", ""};
inline constexpr PageTokens kLastEvaluatedKey{"ExclusiveStartKey", "LastEvaluatedKey", ""};
inline constexpr PageTokens kMarker{"Marker", "Marker", "IsTruncated"};

// One call of the list operation, e.g. a lambda around AwsClient::call.
using PageFetch = std::function<absl::StatusOr<nlohmann::json>(const nlohmann::json& request)>;
using PageVisitor = std::function<absl::Status(const nlohmann::json& page)>;

// Fetches the pages of `request` one after the other and gives each to `visit`. Returns the
// first error of `fetch` or `visit` unchanged, and Internal when an answer repeats the token it
// was asked with (a service that would otherwise loop for ever).
absl::Status for_each_page(const PageFetch& fetch, nlohmann::json request, const PageTokens& tokens,
                           const PageVisitor& visit);

// Every page's `list_key` array, concatenated in order (a page without it adds nothing).
absl::StatusOr<nlohmann::json> all_items(const PageFetch& fetch, nlohmann::json request,
                                         const PageTokens& tokens, std::string_view list_key);

}  // namespace datamesh::aws
