// The route table: the method declarations (api/methods.h) in their JSON form, for the front
// ends that handle calls by name — the HTTP server and the embedded backend's JSON calls
// dispatch through it, the CLI builds its commands and help from it, and the OpenAPI document
// is derived from it. Each route's parameters are its request type's field list.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "api/methods.h"
#include "api/params.h"
#include "core/engine.h"
#include "core/progress.h"

namespace datamesh::api {

// A route's call: the request read from checked parameters, the declaration run, its answer
// written as Answer.
template <class Answer>
using RouteHandler =
    std::function<absl::StatusOr<Answer>(const core::Engine&, const CallContext&,
                                         const nlohmann::json& params,
                                         const core::ProgressObserver& on_progress)>;
// A streaming route's call: the request read as for RouteHandler, each entry of the answer's list
// handed to `each` as Entry, in order, as the engine reads it.
template <class Entry>
using RouteStream = std::function<absl::Status(const core::Engine&, const CallContext&,
                                               const nlohmann::json& params,
                                               const Each<Entry>& each)>;

struct Route {
  std::string_view group;   // admin, catalog, producer or consumer
  std::string_view method;  // snake_case, e.g. approve_access_request
  std::string_view summary;
  std::vector<ParamSpec> params;
  bool authenticated = true;
  // Whether calls take a client_token (api/methods.h takes_client_token); the last of params
  // is then client_token_spec() (api/client_token.h).
  bool takes_client_token = false;
  // Reads the request from checked parameters, runs the declaration and writes its answer.
  // on_progress reaches the request of the one method that reports progress; it is no
  // parameter, so only a caller in the same process (the CLI's bar) can give one.
  RouteHandler<nlohmann::json> handler;
  // handler, with the answer written as its compact JSON text (dump_json of handler's answer,
  // written without the DOM): the HTTP server's answers.
  RouteHandler<std::string> text_handler;
  // For a method that streams its answer (Method::stream), null for the others: reads the
  // request as handler does and hands each entry of the list to `each` as JSON, in order, as
  // the engine reads it. The whole answer is that list in the form `wrap` gives it; front ends
  // write it with JsonListWriter (api/json_list.h), byte for byte what handler's answer dumps to.
  RouteStream<nlohmann::json> stream;
  // stream, with each entry as its compact JSON text (what dump_json writes of the entry,
  // written without the DOM): the HTTP server's streamed answers, written with
  // JsonListWriter::add_text. Null exactly when stream is.
  RouteStream<std::string_view> text_stream;
  Wrap wrap = {};
  // See Method::verdict_field.
  std::string_view verdict_field = {};
  // Whether the request takes an on_progress observer (create_data_products).
  bool reports_progress = false;
};

const std::vector<Route>& routes();
// The route for group/method; method may use dashes. NotFound naming the known methods.
absl::StatusOr<const Route*> find_route(std::string_view group, std::string_view method);
// As find_route, for a method whose answer streams (Route::stream); InvalidArgument otherwise.
absl::StatusOr<const Route*> find_streamed_route(std::string_view group, std::string_view method);
// InvalidArgument for an unknown, missing or mistyped parameter, naming it and what is allowed.
absl::Status check_params(const Route& route, const nlohmann::json& params);

// `status` with the parameters named as the caller spelled them: a caller who gave an alias
// (request_id) reads it in the error, not the parameter's main name (subscription_id).
absl::Status as_spelled(const Route& route, const nlohmann::json& params, absl::Status status);

std::string dashed(std::string_view snake_case);

}  // namespace datamesh::api
