// data_mesh_util._native: the one native seam of the Python package (python/data_mesh_util).
//
// It exposes the route table (api/routes.h: every method's group, name, summary and parameter
// specs, derived from the method declarations) as data, and a Connection that runs a call by
// name with JSON text in and JSON text out, exactly as the CLI and the HTTP routes do. The
// Python classes are built from the route table, so no method is wrapped here by hand.
// Every call releases the GIL: Backend is thread-safe, and the lazy opening of the backend is
// guarded by the connection's own mutex.
//
// The core's log lines (api::logger()) go to Python's logging: a sink queues them, never
// touching Python (the thread that logs does not hold the GIL, and may hold the core's locks),
// and each call hands the queued lines to its caller once it holds the GIL again, which logs
// them under the class's logger (lib/client.py).
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include "api/credentials.h"
#include "api/errors.h"
#include "api/logging.h"
#include "api/routes.h"
#include "client/open_backend.h"
#include "datamesh/client_options.h"
#include "spdlog/logger.h"
#include "spdlog/sinks/base_sink.h"

namespace py = pybind11;

namespace datamesh::python {
namespace {

std::string_view param_type_name(api::ParamType type) {
  switch (type) {
    case api::ParamType::kString: return "string";
    case api::ParamType::kBool: return "bool";
    case api::ParamType::kInt: return "int";
    case api::ParamType::kStringList: return "string_list";
    case api::ParamType::kPermissionList: return "permission_list";
    case api::ParamType::kJson: return "json";
  }
  return "json";
}

// The route table as plain Python data: [{group, method, summary, authenticated, params}].
py::list route_table() {
  py::list out;
  for (const api::Route& route : api::routes()) {
    py::list params;
    for (const api::ParamSpec& spec : route.params) {
      py::dict p;
      p["name"] = std::string(spec.name);
      p["type"] = std::string(param_type_name(spec.type));
      p["required"] = spec.required;
      p["help"] = std::string(spec.help);
      p["alias"] = std::string(spec.alias);
      params.append(std::move(p));
    }
    py::dict r;
    r["group"] = std::string(route.group);
    r["method"] = std::string(route.method);
    r["summary"] = std::string(route.summary);
    r["authenticated"] = route.authenticated;
    r["params"] = std::move(params);
    out.append(std::move(r));
  }
  return out;
}

py::list error_code_names() {
  py::list out;
  for (int code = 1; code <= 16; ++code) {
    std::string_view name = api::error_code_name(static_cast<absl::StatusCode>(code));
    if (name != "Internal" || code == static_cast<int>(absl::StatusCode::kInternal)) {
      out.append(std::string(name));
    }
  }
  return out;
}

// Python's logging level of an spdlog level.
int python_level(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return 5;
    case spdlog::level::debug: return 10;
    case spdlog::level::info: return 20;
    case spdlog::level::warn: return 30;
    case spdlog::level::err: return 40;
    default: return 50;
  }
}

// The core's log lines, queued for the Python threads to log: (thread that logged, Python
// level, text). A call registers its thread while it runs and, when it ends, takes its own
// lines and those of threads that are in no call (the core's own), atomically, so that a line
// goes to the call that logged it. Bounded, so that lines nobody collects cannot grow.
class LogQueue final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  struct Line {
    std::thread::id thread;
    int level;
    std::string text;
  };
  // (level, text, logged by this thread)
  using Taken = std::vector<std::tuple<int, std::string, bool>>;
  static constexpr size_t kMaxLines = 10000;

  void begin_call() {
    std::lock_guard<std::mutex> lock(mutex_);
    in_call_.insert(std::this_thread::get_id());
  }

  Taken end_call() {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::thread::id self = std::this_thread::get_id();
    in_call_.erase(in_call_.find(self));
    Taken out;
    if (lines_.empty() && dropped_ == 0) return out;
    std::deque<Line> kept;
    for (Line& line : lines_) {
      if (line.thread == self || !in_call_.contains(line.thread)) {
        out.emplace_back(line.level, std::move(line.text), line.thread == self);
      } else {
        kept.push_back(std::move(line));
      }
    }
    lines_ = std::move(kept);
    if (dropped_ > 0) {
      out.emplace_back(30, "datamesh: " + std::to_string(dropped_) + " log lines dropped", true);
      dropped_ = 0;
    }
    return out;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (lines_.size() >= kMaxLines) {
      ++dropped_;
      return;
    }
    lines_.push_back({std::this_thread::get_id(), python_level(msg.level),
                      std::string(msg.payload.data(), msg.payload.size())});
  }
  void flush_() override {}

 private:
  // Guarded by base_sink's mutex_.
  std::deque<Line> lines_;
  std::unordered_multiset<std::thread::id> in_call_;
  size_t dropped_ = 0;
};

LogQueue& log_queue() {
  static const std::shared_ptr<LogQueue> queue = [] {
    auto made = std::make_shared<LogQueue>();
    spdlog::logger& core = api::logger();
    core.sinks().clear();
    core.sinks().push_back(made);
    return made;
  }();
  return *queue;
}

// Lowers the core's level to `level` when it is more verbose than the current one: the level
// is the process's, shared by every client, and each class's Python logger filters at its own
// log_level. InvalidArgument for a name that is not a level.
absl::Status lower_log_level(const std::string& level) {
  spdlog::logger& core = api::logger();
  const spdlog::level::level_enum before = core.level();
  DATAMESH_RETURN_IF_ERROR(api::set_log_level(level));
  if (before < core.level()) core.set_level(before);
  return absl::OkStatus();
}

// A call that outlives the interpreter (a daemon thread still waiting on a server when the
// process exits after Ctrl-C, lib/client.py) must not take the GIL back: CPython ends such a
// thread with pthread_exit, whose unwinding through the GIL guard's destructor aborts the
// process. It waits instead, until the exiting process ends it.
bool interpreter_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing();
#else
  return _Py_IsFinalizing();
#endif
}

[[noreturn]] void wait_for_process_exit() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

// One client's way to the mesh: its options and credentials, and the backend its endpoint
// names, opened on the first call (as client::Client does).
class Connection {
 public:
  Connection(std::string endpoint, std::string data_mesh_account_id, std::string region_name,
             std::string log_level, std::optional<Credentials> credentials, std::string block) {
    options_.endpoint = std::move(endpoint);
    options_.data_mesh_account_id = std::move(data_mesh_account_id);
    options_.region_name = std::move(region_name);
    options_.log_level = std::move(log_level);
    options_.use_credentials = std::move(credentials);
    credentials_ = api::resolve_credentials(api::CredentialSources{
        .explicit_credentials = options_.use_credentials, .blocks = {std::move(block)}});
    log_level_ = lower_log_level(options_.log_level);
  }

  // (error code name, message, log lines) on failure, ("", answer JSON text, log lines) on
  // success. The log lines are the core's since the last call: (Python level, text, logged by
  // this call's thread).
  std::tuple<std::string, std::string, LogQueue::Taken> call(
      const std::string& group, const std::string& method, const std::string& params_json) {
    absl::StatusOr<nlohmann::json> answer;
    LogQueue::Taken logs;
    {
      py::gil_scoped_release release;
      log_queue().begin_call();
      answer = run(group, method, params_json);
      logs = log_queue().end_call();
      if (interpreter_finalizing()) wait_for_process_exit();
    }
    if (!answer.ok()) {
      return {std::string(api::error_code_name(answer.status().code())),
              std::string(answer.status().message()), std::move(logs)};
    }
    return {"", answer->dump(), std::move(logs)};
  }

  std::string endpoint() const { return resolve_endpoint(options_); }

 private:
  absl::StatusOr<nlohmann::json> run(const std::string& group, const std::string& method,
                                     const std::string& params_json) {
    DATAMESH_RETURN_IF_ERROR(log_level_);
    DATAMESH_RETURN_IF_ERROR(credentials_.status());
    DATAMESH_ASSIGN_OR_RETURN(const api::Route* route, api::find_route(group, method));
    nlohmann::json params = nlohmann::json::parse(params_json, nullptr, /*allow_exceptions=*/false);
    if (params.is_discarded() || !params.is_object()) {
      return absl::InvalidArgumentError("parameters must be a JSON object");
    }
    std::shared_ptr<Backend> backend;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!backend_) {
        DATAMESH_ASSIGN_OR_RETURN(backend_, open_backend(options_, !route->authenticated));
      }
      backend = backend_;
    }
    return backend->call(group, method, params, *credentials_, options_.data_mesh_account_id);
  }

  ClientOptions options_;
  absl::StatusOr<std::optional<Credentials>> credentials_;
  absl::Status log_level_;
  std::mutex mu_;
  std::shared_ptr<Backend> backend_;  // opened by the first call
};

std::optional<Credentials> credentials_from(const std::optional<py::dict>& given) {
  if (!given) return std::nullopt;
  Credentials c;
  auto get = [&](const char* key) {
    return given->contains(key) && !(*given)[key].is_none() ? py::str((*given)[key]).cast<std::string>()
                                                           : std::string();
  };
  c.account_id = get("AccountId");
  c.access_key_id = get("AccessKeyId");
  c.secret_access_key = get("SecretAccessKey");
  c.session_token = get("SessionToken");
  return c;
}

}  // namespace
}  // namespace datamesh::python

PYBIND11_MODULE(_native, m) {
  using datamesh::python::Connection;
  m.doc() = "datamesh's native core: the route table and calls by name (JSON in, JSON out)";
  datamesh::python::log_queue();  // the core's log lines go to Python's logging from now on
  m.def("routes", &datamesh::python::route_table,
        "Every method: group, method, summary, authenticated, params");
  m.def("error_codes", &datamesh::python::error_code_names, "The project's error code names");
  py::class_<Connection>(m, "Connection")
      .def(py::init([](std::string endpoint, std::string data_mesh_account_id,
                       std::string region_name, std::string log_level,
                       std::optional<py::dict> credentials, std::string block) {
             return std::make_unique<Connection>(
                 std::move(endpoint), std::move(data_mesh_account_id), std::move(region_name),
                 std::move(log_level), datamesh::python::credentials_from(credentials),
                 std::move(block));
           }),
           py::arg("endpoint"), py::arg("data_mesh_account_id"), py::arg("region_name"),
           py::arg("log_level"), py::arg("credentials"), py::arg("block"))
      .def("call", &Connection::call, py::arg("group"), py::arg("method"),
           py::arg("params_json"),
           "Runs group/method; returns (error code, message, log lines) or ('', answer JSON, log lines)")
      .def_property_readonly("endpoint", &Connection::endpoint);
}
