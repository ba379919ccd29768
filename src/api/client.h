// What the four client classes share: the resolved backend and credentials, and the call.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/backend.h"
#include "datamesh/client_options.h"

namespace datamesh::api {

class Client {
 public:
  // block: the block of a reference credentials file this class reads (Mesh, Producer, ...).
  Client(ClientOptions options, std::string_view block);

  // Calls group/method with params; the backend or credentials error when they could not be
  // resolved at construction.
  absl::StatusOr<nlohmann::json> call(std::string_view group, std::string_view method,
                                      const nlohmann::json& params = nlohmann::json::object());
  // The same for methods that return None.
  absl::Status call_void(std::string_view group, std::string_view method,
                         const nlohmann::json& params = nlohmann::json::object());

 private:
  ClientOptions options_;
  std::shared_ptr<Backend> backend_;  // opened by the first call
  absl::StatusOr<std::optional<Credentials>> credentials_;
  absl::Status log_level_;
};

// Parses a call's JSON answer with `parse`, or passes the call's error on.
template <typename Parse>
auto parse_answer(absl::StatusOr<nlohmann::json> answer, Parse parse) -> decltype(parse(*answer)) {
  if (!answer.ok()) return answer.status();
  return parse(*answer);
}

// JSON for an optional list parameter: absent when nullopt.
inline void put_optional(nlohmann::json& params, const char* name,
                         const std::optional<std::vector<std::string>>& value) {
  if (value) params[name] = *value;
}
inline void put_page(nlohmann::json& params, const PageRequest& page) {
  params["max_results"] = page.max_results;
  if (!page.next_token.empty()) params["next_token"] = page.next_token;
}

}  // namespace datamesh::api

namespace datamesh::api {

// A JSON array parsed element by element with `parse`.
template <typename T, typename Parse>
absl::StatusOr<std::vector<T>> list_from_json(const nlohmann::json& json, Parse parse) {
  if (!json.is_array()) return absl::InvalidArgumentError("expected a JSON array");
  std::vector<T> values;
  for (const nlohmann::json& element : json) {
    auto value = parse(element);
    if (!value.ok()) return value.status();
    values.push_back(std::move(*value));
  }
  return values;
}

}  // namespace datamesh::api

namespace datamesh::api {

// The documents' get_subscription answer {"Subscriptions": [ {...} ]} as one Subscription.
absl::StatusOr<Subscription> single_subscription_from_json(const nlohmann::json& json);
// {"Grants": [...]}.
absl::StatusOr<std::vector<EffectiveGrant>> grants_from_json(const nlohmann::json& json);

}  // namespace datamesh::api
