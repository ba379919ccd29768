#include "aws/pagination.h"

#include <string>

#include "base/text.h"

namespace datamesh::aws {

namespace {

bool is_truncated(const nlohmann::json& page, std::string_view key) {
  if (key.empty()) return true;
  const auto found = page.find(std::string(key));
  if (found == page.end()) return false;
  return (found->is_boolean() && found->get<bool>()) ||
         (found->is_string() && found->get<std::string>() == "true");
}

bool is_empty_token(const nlohmann::json& token) {
  return token.is_null() || (token.is_string() && token.get<std::string>().empty()) ||
         (token.is_object() && token.empty());
}

}  // namespace

absl::Status for_each_page(const PageFetch& fetch, nlohmann::json request, const PageTokens& tokens,
                           const PageVisitor& visit) {
  const std::string request_key(tokens.request_key);
  const std::string answer_key(tokens.answer_key);
  while (true) {
    absl::StatusOr<nlohmann::json> page = fetch(request);
    if (!page.ok()) return page.status();
    if (absl::Status visited = visit(*page); !visited.ok()) return visited;
    if (!page->is_object() || !page->contains(answer_key) || is_empty_token((*page)[answer_key]) ||
        !is_truncated(*page, tokens.truncated_key)) {
      return absl::OkStatus();
    }
    const nlohmann::json& token = (*page)[answer_key];
    if (request.contains(request_key) && request[request_key] == token) {
      return absl::InternalError(base::cat("the service answered with the same ", answer_key,
                                           " it was asked with; pagination stopped"));
    }
    request[request_key] = token;
  }
}

absl::StatusOr<nlohmann::json> all_items(const PageFetch& fetch, nlohmann::json request,
                                         const PageTokens& tokens, std::string_view list_key) {
  nlohmann::json items = nlohmann::json::array();
  const std::string key(list_key);
  absl::Status status =
      for_each_page(fetch, std::move(request), tokens, [&](const nlohmann::json& page) {
        if (page.is_object() && page.contains(key) && page[key].is_array()) {
          for (const nlohmann::json& item : page[key]) items.push_back(item);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return items;
}

}  // namespace datamesh::aws
