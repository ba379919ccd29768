// data_mesh_util._native: the one native seam of the Python package (python/data_mesh_util).
//
// It exposes the route table (api/routes.h: every method's group, name, summary and parameter
// specs, derived from the method declarations) as data, and a Connection that runs a call by
// name with the JSON the CLI and the HTTP routes take and answer, as plain Python values. The
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

// The route table as plain Python data: [{group, method, summary, authenticated, params}].
py::list route_table() {
  py::list out;
  for (const api::Route& route : api::routes()) {
    py::list params;
    for (const api::ParamSpec& spec : route.params) {
      py::dict p;
      p["name"] = std::string(spec.name);
      p["type"] = std::string(api::param_type_name(spec.type));
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

// A parameter value as JSON: None, bool, int, float, str, list/tuple and dict with str keys
// (what lib/client.py sends). Anything else is a TypeError, as json.dumps would raise.
nlohmann::json to_json(py::handle value) {
  if (value.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    nlohmann::json out = nlohmann::json::array();
    for (py::handle item : value) out.push_back(to_json(item));
    return out;
  }
  if (py::isinstance<py::dict>(value)) {
    nlohmann::json out = nlohmann::json::object();
    for (auto [key, item] : value.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key)) throw py::type_error("parameter keys must be str");
      out[key.cast<std::string>()] = to_json(item);
    }
    return out;
  }
  throw py::type_error("Object of type " +
                       std::string(py::str(value.get_type().attr("__name__"))) +
                       " is not JSON serializable");
}

// An answer as plain Python values: what json.loads of its text would give.
py::object to_python(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return py::none();
    case nlohmann::json::value_t::boolean: return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(value.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(value.get<uint64_t>());
    case nlohmann::json::value_t::number_float: return py::float_(value.get<double>());
    case nlohmann::json::value_t::string: {
      const std::string& text = value.get_ref<const std::string&>();
      // Invalid UTF-8 replaced, as the CLI prints it (error_handler_t::replace).
      PyObject* str = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()),
                                           "replace");
      if (str == nullptr) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(str);
    }
    case nlohmann::json::value_t::array: {
      py::list out(value.size());
      size_t i = 0;
      for (const nlohmann::json& item : value) out[i++] = to_python(item);
      return out;
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, item] : value.items()) out[py::str(key)] = to_python(item);
      return out;
    }
    default: return py::none();  // binary and discarded values: never in an answer
  }
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

  // (error code name, message, log lines) on failure, ("", answer, log lines) on success. The
  // parameters are a dict of plain values and the answer is made of plain dicts and lists (the
  // JSON the CLI prints), converted here directly, without JSON text in between. The log lines
  // are the core's since the last call: (Python level, text, logged by this call's thread).
  std::tuple<std::string, py::object, LogQueue::Taken> call(const std::string& group,
                                                            const std::string& method,
                                                            const py::dict& params) {
    nlohmann::json request = to_json(params);
    absl::StatusOr<nlohmann::json> answer;
    LogQueue::Taken logs;
    {
      py::gil_scoped_release release;
      log_queue().begin_call();
      answer = run(group, method, request);
      logs = log_queue().end_call();
      if (interpreter_finalizing()) wait_for_process_exit();
    }
    if (!answer.ok()) {
      return {std::string(api::error_code_name(answer.status().code())),
              py::str(std::string(answer.status().message())), std::move(logs)};
    }
    return {"", to_python(*answer), std::move(logs)};
  }

  std::string endpoint() const { return resolve_endpoint(options_); }

 private:
  absl::StatusOr<nlohmann::json> run(const std::string& group, const std::string& method,
                                     const nlohmann::json& params) {
    DATAMESH_RETURN_IF_ERROR(log_level_);
    DATAMESH_RETURN_IF_ERROR(credentials_.status());
    DATAMESH_ASSIGN_OR_RETURN(const api::Route* route, api::find_route(group, method));
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
           py::arg("params"),
           "Runs group/method with a dict of parameters; returns (error code, message, log "
           "lines) or ('', answer, log lines)")
      .def_property_readonly("endpoint", &Connection::endpoint);
}
