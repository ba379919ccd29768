#include "server/server_config.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/json_codec.h"
#include "base/status_macros.h"
#include "base/text.h"

namespace datamesh::server {

using base::cat;

ServerConfig resolve_defaults(ServerConfig config) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (config.event_threads <= 0) config.event_threads = cores;
  if (config.workers <= 0) config.workers = 2 * cores;
  if (config.max_workers_per_key <= 0) config.max_workers_per_key = std::max(1, config.workers / 2);
  // The reserve is a share of the slots, never all of them.
  config.connection_reserve = std::min(config.connection_reserve, config.max_connections / 8);
  return config;
}

absl::Status parse_listen(std::string_view listen, ServerConfig& config) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        cat("listen address \"", listen, "\" must be host:port, e.g. 127.0.0.1:8080"));
  }
  const std::string port(listen.substr(colon + 1));
  char* end = nullptr;
  const long value = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value < 0 || value > 65535) {
    return absl::InvalidArgumentError(
        cat("listen port \"", port, "\" must be a number from 0 to 65535"));
  }
  config.host = std::string(listen.substr(0, colon));
  config.port = static_cast<int>(value);
  return absl::OkStatus();
}

absl::Status load_config_file(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(cat("cannot read config file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  auto json = api::parse_json(text.str());
  if (!json.ok()) return absl::InvalidArgumentError(cat(path, ": ", json.status().message()));
  if (!json->is_object()) return absl::InvalidArgumentError(cat(path, ": must be a JSON object"));
  for (const auto& [key, value] : json->items()) {
    auto mistyped = [&, &key = key](std::string_view expected) {
      return absl::InvalidArgumentError(cat(path, ": ", key, " must be ", expected));
    };
    // Counts and durations: non-negative integers small enough for an int.
    // clang before 16 cannot capture a structured binding, hence &value = value.
    auto number_into = [&, &value = value](auto& field) -> absl::Status {
      if (!value.is_number_unsigned() || value.get<uint64_t>() > INT32_MAX) {
        return mistyped("a non-negative integer");
      }
      field = static_cast<std::remove_reference_t<decltype(field)>>(value.get<uint64_t>());
      return absl::OkStatus();
    };
    absl::Status read = absl::OkStatus();
    if (key == "listen") {
      if (!value.is_string()) return mistyped("a string host:port");
      read = parse_listen(value.get<std::string>(), config);
    } else if (key == "store" || key == "region" || key == "master_key_file") {
      if (!value.is_string()) return mistyped("a string");
      (key == "store"    ? config.store
       : key == "region" ? config.region
                         : config.master_key_file) = value.get<std::string>();
    } else if (key == "event_threads") {
      read = number_into(config.event_threads);
    } else if (key == "workers") {
      read = number_into(config.workers);
    } else if (key == "max_workers_per_key") {
      read = number_into(config.max_workers_per_key);
    } else if (key == "max_connections") {
      read = number_into(config.max_connections);
    } else if (key == "read_timeout_seconds") {
      read = number_into(config.read_timeout_seconds);
    } else if (key == "write_timeout_seconds") {
      read = number_into(config.write_timeout_seconds);
    } else if (key == "keep_alive_seconds") {
      read = number_into(config.keep_alive_seconds);
    } else if (key == "request_head_timeout_seconds") {
      read = number_into(config.request_head_timeout_seconds);
    } else if (key == "request_body_timeout_seconds") {
      read = number_into(config.request_body_timeout_seconds);
    } else if (key == "max_connections_per_address") {
      read = number_into(config.max_connections_per_address);
    } else if (key == "connection_reserve") {
      read = number_into(config.connection_reserve);
    } else if (key == "max_concurrent_requests_per_key") {
      read = number_into(config.max_concurrent_requests_per_key);
    } else if (key == "max_auth_failures_per_address") {
      read = number_into(config.max_auth_failures_per_address);
    } else if (key == "auth_failure_window_seconds") {
      read = number_into(config.auth_failure_window_seconds);
    } else if (key == "requests_per_second_per_key" || key == "request_burst_per_key") {
      if (!value.is_number() || value.get<double>() < 0) return mistyped("a non-negative number");
      (key == "requests_per_second_per_key" ? config.requests_per_second_per_key
                                            : config.request_burst_per_key) = value.get<double>();
    } else if (key == "max_body_bytes") {
      if (!value.is_number_unsigned()) return mistyped("a non-negative integer");
      config.max_body_bytes = value.get<uint64_t>();
    } else if (key == "allow_initialize" || key == "access_log") {
      if (!value.is_boolean()) return mistyped("true or false");
      (key == "allow_initialize" ? config.allow_initialize : config.access_log) = value.get<bool>();
    } else {
      return absl::InvalidArgumentError(cat(
          path, ": unknown key \"", key, "\"; allowed: listen, store, master_key_file, region, "
          "event_threads, "
          "workers, max_workers_per_key, max_connections, max_body_bytes, read_timeout_seconds, "
          "write_timeout_seconds, keep_alive_seconds, request_head_timeout_seconds, "
          "request_body_timeout_seconds, max_connections_per_address, connection_reserve, "
          "max_concurrent_requests_per_key, requests_per_second_per_key, "
          "request_burst_per_key, max_auth_failures_per_address, auth_failure_window_seconds, "
          "allow_initialize, access_log"));
    }
    DATAMESH_RETURN_IF_ERROR(read);
  }
  return absl::OkStatus();
}

}  // namespace datamesh::server
