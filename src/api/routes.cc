#include "api/routes.h"

#include <algorithm>

#include "api/client_token.h"
#include "api/request_fields.h"
#include "absl/strings/str_replace.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::api {
namespace {

using base::cat;

// The requests that carry a progress observer among their options (create_data_products).
template <class Req>
constexpr bool kReportsProgress = requires(Req request) { request.options.on_progress; };

// The request type's parameters, and client_token for a method that takes one.
template <class Req, class Ans>
std::vector<ParamSpec> params_of(const Method<Req, Ans>& method) {
  std::vector<ParamSpec> params = param_specs<Req>();
  if (takes_client_token(method)) params.push_back(client_token_spec());
  return params;
}

// Route::stream or Route::text_stream of a declaration that streams (null for one that does
// not), handing on what `write` makes of each entry.
template <class Req, class Ans, class Written, class Write>
RouteStream<Written> stream_of(const Method<Req, Ans>& method, Write write) {
  if (method.stream == nullptr) return nullptr;
  return [&method, write](const core::Engine& engine, const CallContext& context,
                          const nlohmann::json& params, const Each<Written>& each) {
    using Entry = typename Method<Req, Ans>::Entry;
    DATAMESH_ASSIGN_OR_RETURN(const Req request, read_request<Req>(Params(params)));
    return method.stream(engine, context, request,
                         [&each, &write](const Entry& entry) { return write(entry, each); });
  };
}

// The route's call, answering what `write` makes of the declaration's answer and wrap.
template <class Req, class Ans, class Write>
auto handler_of(const Method<Req, Ans>& method, Write write) {
  return [&method, write](const core::Engine& engine, const CallContext& context,
                          const nlohmann::json& params, const core::ProgressObserver& on_progress)
             -> absl::StatusOr<std::invoke_result_t<Write, const Ans&, Wrap>> {
    DATAMESH_ASSIGN_OR_RETURN(Req request, read_request<Req>(Params(params)));
    if constexpr (kReportsProgress<Req>) request.options.on_progress = on_progress;
    DATAMESH_ASSIGN_OR_RETURN(Ans answer, method.run(engine, context, request));
    return write(answer, method.wrap);
  };
}

template <class Req, class Ans>
Route route_of(const Method<Req, Ans>& method) {
  return Route{
      .group = method.group,
      .method = method.name,
      .summary = method.summary,
      .params = params_of(method),
      .authenticated = method.authenticated,
      .takes_client_token = takes_client_token(method),
      .handler = handler_of(method, &answer_to_json<Ans>),
      .text_handler = handler_of(method, &answer_text<Ans>),
      .stream = stream_of<Req, Ans, nlohmann::json>(
          method, [](const auto& entry, const Each<nlohmann::json>& each) {
            return each(answer_value_json(entry));
          }),
      .text_stream = stream_of<Req, Ans, std::string_view>(
          method, [](const auto& entry, const Each<std::string_view>& each) {
            return each(answer_text(entry, Wrap{}));
          }),
      .wrap = method.wrap,
      .verdict_field = method.verdict_field,
      .reports_progress = kReportsProgress<Req>};
}

std::vector<Route> make_routes() {
  return std::apply(
      [](const auto&... method) { return std::vector<Route>{route_of(method)...}; },
      methods::kMethods);
}

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::kString: return "a string";
    case ParamType::kBool: return "a boolean";
    case ParamType::kInt: return "an integer";
    case ParamType::kStringList:
    case ParamType::kPermissionList: return "a list of strings";
    case ParamType::kJson: return "a JSON object";
  }
  return "?";
}

bool has_type(const nlohmann::json& value, ParamType type) {
  switch (type) {
    case ParamType::kString: return value.is_string();
    case ParamType::kBool: return value.is_boolean();
    case ParamType::kInt: return value.is_number_integer();
    case ParamType::kStringList:
    case ParamType::kPermissionList:
      return value.is_array() &&
             std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); });
    case ParamType::kJson: return value.is_object() || value.is_array();
  }
  return false;
}

}  // namespace

std::string_view param_type_name(ParamType type) {
  switch (type) {
    case ParamType::kString: return "string";
    case ParamType::kBool: return "bool";
    case ParamType::kInt: return "int";
    case ParamType::kStringList: return "string_list";
    case ParamType::kPermissionList: return "permission_list";
    case ParamType::kJson: return "json";
  }
  return "json";
}

bool Params::has(std::string_view name) const {
  auto it = json_.find(name);
  return it != json_.end() && !it->is_null();
}

std::string Params::string(std::string_view name, std::string_view fallback) const {
  return has(name) ? json_.at(std::string(name)).get<std::string>() : std::string(fallback);
}

bool Params::boolean(std::string_view name, bool fallback) const {
  return has(name) ? json_.at(std::string(name)).get<bool>() : fallback;
}

std::vector<std::string> Params::list(std::string_view name) const {
  return has(name) ? json_.at(std::string(name)).get<std::vector<std::string>>()
                   : std::vector<std::string>{};
}

std::optional<std::vector<std::string>> Params::optional_list(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return list(name);
}

const nlohmann::json& Params::json(std::string_view name) const {
  return json_.at(std::string(name));
}

int Params::integer(std::string_view name) const {
  return json_.at(std::string(name)).get<int>();
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table = make_routes();
  return table;
}

std::string dashed(std::string_view snake_case) {
  std::string out(snake_case);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

absl::StatusOr<const Route*> find_route(std::string_view group, std::string_view method) {
  std::string wanted(method);
  std::replace(wanted.begin(), wanted.end(), '-', '_');
  std::vector<std::string> known;
  bool group_known = false;
  for (const Route& route : routes()) {
    if (route.group != group) continue;
    group_known = true;
    if (route.method == wanted) return &route;
    known.push_back(dashed(route.method));
  }
  if (!group_known) {
    return absl::NotFoundError(
        cat("unknown group \"", group, "\"; allowed: admin, catalog, producer, consumer"));
  }
  return absl::NotFoundError(cat("unknown ", group, " method \"", method,
                                 "\"; allowed: ", base::join(known, ", ")));
}

absl::StatusOr<const Route*> find_streamed_route(std::string_view group,
                                                 std::string_view method) {
  DATAMESH_ASSIGN_OR_RETURN(const Route* route, find_route(group, method));
  if (!route->stream) {
    return absl::InvalidArgumentError(
        cat(group, " ", dashed(route->method), " does not stream its answer"));
  }
  return route;
}

absl::Status check_params(const Route& route, const nlohmann::json& params) {
  const std::string where = cat(route.group, " ", dashed(route.method));
  if (!params.is_object()) {
    return absl::InvalidArgumentError(cat("the parameters of ", where, " must be a JSON object"));
  }
  for (const auto& [name, value] : params.items()) {
    // data_mesh_account_id is the constructor's, accepted by every route.
    if (name == "data_mesh_account_id") {
      if (!value.is_string() && !value.is_null()) {
        return absl::InvalidArgumentError("data_mesh_account_id must be a string");
      }
      continue;
    }
    auto spec = std::find_if(route.params.begin(), route.params.end(),
                             // clang before 16 cannot capture a structured binding.
                             [&name = name](const ParamSpec& s) {
                               return s.name == name || (!s.alias.empty() && s.alias == name);
                             });
    if (spec == route.params.end()) {
      std::vector<std::string> allowed;
      for (const ParamSpec& s : route.params) {
        allowed.push_back(s.alias.empty() ? std::string(s.name)
                                          : cat(s.name, " (or ", s.alias, ")"));
      }
      return absl::InvalidArgumentError(
          cat("unknown parameter \"", name, "\" for ", where, "; allowed: ",
              allowed.empty() ? std::string("none") : base::join(allowed, ", ")));
    }
    if (name == spec->alias && params.contains(spec->name)) {
      return absl::InvalidArgumentError(cat("give ", spec->name, " or ", spec->alias, " for ",
                                            where, ", not both"));
    }
    if (!value.is_null() && !has_type(value, spec->type)) {
      return absl::InvalidArgumentError(
          cat("parameter ", name, " of ", where, " must be ", type_name(spec->type)));
    }
  }
  for (const ParamSpec& spec : route.params) {
    if (!spec.required) continue;
    const auto given = [&](std::string_view key) {
      auto it = key.empty() ? params.end() : params.find(key);
      return it != params.end() && !it->is_null();
    };
    if (!given(spec.name) && !given(spec.alias)) {
      return absl::InvalidArgumentError(
          cat("missing parameter ", spec.name, " for ", where, " (", spec.help, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status as_spelled(const Route& route, const nlohmann::json& params, absl::Status status) {
  if (status.ok() || !params.is_object()) return status;
  for (const ParamSpec& spec : route.params) {
    if (spec.alias.empty() || !params.contains(spec.alias)) continue;
    const std::string message = absl::StrReplaceAll(
        status.message(), {{cat(" ", spec.name, " "), cat(" ", spec.alias, " ")}});
    return absl::Status(status.code(), message);
  }
  return status;
}

}  // namespace datamesh::api
