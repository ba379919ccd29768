// The method table: every API method once, with its parameters and its handler on the engine.
//
// It is the contract of every front end: the embedded backend and the HTTP server dispatch
// through it, the CLI builds its commands and help from it, and the OpenAPI document is derived
// from it. Route names are the documents' method names; front ends show them with dashes.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "core/engine.h"

namespace datamesh::api {

// kPermissionList is a kStringList whose command-line form may also be comma-separated
// ("SELECT,INSERT"); table lists are not split, since patterns may hold commas (x{1,3}).
enum class ParamType { kString, kBool, kInt, kStringList, kPermissionList, kJson };

struct ParamSpec {
  std::string_view name;
  ParamType type;
  bool required;
  std::string_view help;
};

// The checked parameters of one call, with typed accessors.
class Params {
 public:
  explicit Params(const nlohmann::json& json) : json_(json) {}
  bool has(std::string_view name) const;
  std::string string(std::string_view name, std::string_view fallback = "") const;
  bool boolean(std::string_view name, bool fallback) const;
  std::vector<std::string> list(std::string_view name) const;
  std::optional<std::vector<std::string>> optional_list(std::string_view name) const;
  const nlohmann::json& json(std::string_view name) const;
  PageRequest page() const;

 private:
  const nlohmann::json& json_;
};

struct Route {
  std::string_view group;   // admin, catalog, producer or consumer
  std::string_view method;  // snake_case, e.g. approve_access_request
  std::string_view summary;
  std::vector<ParamSpec> params;
  bool authenticated = true;
  // caller is null only for unauthenticated routes.
  std::function<absl::StatusOr<nlohmann::json>(const core::Engine&, const core::Caller*,
                                               const Params&)>
      handler;
  // For a check whose answer is a verdict: the boolean field of the answer that says it passed.
  // The CLI prints the answer and exits with kExitCheckFailed when that field is false.
  std::string_view verdict_field = {};
};

const std::vector<Route>& routes();
// The route for group/method; method may use dashes. NotFound naming the known methods.
absl::StatusOr<const Route*> find_route(std::string_view group, std::string_view method);
// InvalidArgument for an unknown, missing or mistyped parameter, naming it and what is allowed.
absl::Status check_params(const Route& route, const nlohmann::json& params);

std::string dashed(std::string_view snake_case);

}  // namespace datamesh::api
