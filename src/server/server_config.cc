#include "server/server_config.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <thread>
#include <variant>

#include "api/json_codec.h"
#include "base/files.h"
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

absl::Status check_config(const ServerConfig& config) {
  const auto outside = [](std::string_view setting, auto value, std::string_view allowed) {
    return absl::InvalidArgumentError(
        cat(setting, " is ", value, "; allowed: ", allowed, " (docs/SERVER.md)"));
  };
  const std::string threads = cat("0 (the default for this machine) to ", kMaxThreads);
  if (config.event_threads < 0 || config.event_threads > kMaxThreads) {
    return outside("event_threads", config.event_threads, threads);
  }
  if (config.workers < 0 || config.workers > kMaxThreads) {
    return outside("workers (--workers)", config.workers, threads);
  }
  if (config.max_workers_per_key < 0) {
    return outside("max_workers_per_key", config.max_workers_per_key,
                   "0 (half the workers) or more");
  }
  if (config.max_connections < 1) {
    return outside("max_connections", config.max_connections,
                   "1 or more: the server serves no one without a connection");
  }
  if (config.max_body_bytes < kMinBodyBytes) {
    return outside("max_body_bytes", config.max_body_bytes,
                   cat(kMinBodyBytes, " or more: every call sends its parameters in the body"));
  }
  return absl::OkStatus();
}

absl::Status parse_listen(std::string_view listen, ServerConfig& config) {
  std::string_view host;
  std::string_view port;
  if (listen.starts_with('[')) {
    // [IPv6]:port, as in a URL
    const auto close = listen.find(']');
    if (close == std::string_view::npos || close == 1 ||
        listen.substr(close + 1, 1) != ":") {
      return absl::InvalidArgumentError(
          cat("listen address \"", listen, "\" must be [IPv6 address]:port, e.g. [::1]:8080"));
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return absl::InvalidArgumentError(cat("listen address \"", listen,
                                            "\" must be host:port, e.g. 127.0.0.1:8080 or "
                                            "[::1]:8080"));
    }
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  const std::string port_text(port);
  char* end = nullptr;
  const long value = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || value < 0 || value > 65535) {
    return absl::InvalidArgumentError(
        cat("listen port \"", port_text, "\" must be a number from 0 to 65535"));
  }
  config.host = std::string(host);
  config.port = static_cast<int>(value);
  return absl::OkStatus();
}

std::string listen_address(std::string_view host, int port) {
  // An IPv6 address is bracketed, as in a URL.
  if (host.find(':') != std::string_view::npos) return cat("[", host, "]:", port);
  return cat(host, ":", port);
}

namespace {

// A key of the config file and the field of ServerConfig it sets ("listen" sets two, through
// parse_listen, and is not here). Counts and durations are ints: the file's value must be a
// non-negative integer small enough for one.
struct ConfigKey {
  std::string_view name;
  std::variant<std::string ServerConfig::*, int ServerConfig::*, std::size_t ServerConfig::*,
               double ServerConfig::*, bool ServerConfig::*>
      field;
};

constexpr ConfigKey kConfigKeys[] = {
    {"store", &ServerConfig::store},
    {"master_key_file", &ServerConfig::master_key_file},
    {"region", &ServerConfig::region},
    {"tls_cert_file", &ServerConfig::tls_cert_file},
    {"tls_key_file", &ServerConfig::tls_key_file},
    {"hsts_max_age_seconds", &ServerConfig::hsts_max_age_seconds},
    {"event_threads", &ServerConfig::event_threads},
    {"workers", &ServerConfig::workers},
    {"max_workers_per_key", &ServerConfig::max_workers_per_key},
    {"max_connections", &ServerConfig::max_connections},
    {"max_body_bytes", &ServerConfig::max_body_bytes},
    {"max_buffered_body_bytes", &ServerConfig::max_buffered_body_bytes},
    {"read_timeout_seconds", &ServerConfig::read_timeout_seconds},
    {"write_timeout_seconds", &ServerConfig::write_timeout_seconds},
    {"keep_alive_seconds", &ServerConfig::keep_alive_seconds},
    {"request_head_timeout_seconds", &ServerConfig::request_head_timeout_seconds},
    {"request_body_timeout_seconds", &ServerConfig::request_body_timeout_seconds},
    {"max_connections_per_address", &ServerConfig::max_connections_per_address},
    {"connection_reserve", &ServerConfig::connection_reserve},
    {"max_concurrent_requests_per_key", &ServerConfig::max_concurrent_requests_per_key},
    {"requests_per_second_per_key", &ServerConfig::requests_per_second_per_key},
    {"request_burst_per_key", &ServerConfig::request_burst_per_key},
    {"max_auth_failures_per_address", &ServerConfig::max_auth_failures_per_address},
    {"auth_failure_window_seconds", &ServerConfig::auth_failure_window_seconds},
    {"allow_initialize", &ServerConfig::allow_initialize},
    {"access_log", &ServerConfig::access_log},
};

// Sets config's `field` from the file's `value`, or says what the value must be.
struct FieldReader {
  const nlohmann::json& value;
  ServerConfig& config;

  // The description of the values the field takes, when `value` is not one of them.
  std::optional<std::string_view> operator()(std::string ServerConfig::*field) const {
    if (!value.is_string()) return "a string";
    config.*field = value.get<std::string>();
    return std::nullopt;
  }
  std::optional<std::string_view> operator()(int ServerConfig::*field) const {
    if (!value.is_number_unsigned() || value.get<uint64_t>() > INT32_MAX) {
      return "a non-negative integer";
    }
    config.*field = static_cast<int>(value.get<uint64_t>());
    return std::nullopt;
  }
  std::optional<std::string_view> operator()(std::size_t ServerConfig::*field) const {
    if (!value.is_number_unsigned()) return "a non-negative integer";
    config.*field = value.get<uint64_t>();
    return std::nullopt;
  }
  std::optional<std::string_view> operator()(double ServerConfig::*field) const {
    if (!value.is_number() || value.get<double>() < 0) return "a non-negative number";
    config.*field = value.get<double>();
    return std::nullopt;
  }
  std::optional<std::string_view> operator()(bool ServerConfig::*field) const {
    if (!value.is_boolean()) return "true or false";
    config.*field = value.get<bool>();
    return std::nullopt;
  }
};

}  // namespace

std::vector<std::string_view> config_file_keys() {
  std::vector<std::string_view> keys = {"listen"};
  for (const ConfigKey& key : kConfigKeys) keys.push_back(key.name);
  return keys;
}

absl::Status load_config_file(const std::string& path, ServerConfig& config) {
  const std::optional<std::string> text = base::read_whole_file(path);
  if (!text) return absl::NotFoundError(cat("cannot read config file ", path));
  auto json = api::parse_json(*text);
  if (!json.ok()) return absl::InvalidArgumentError(cat(path, ": ", json.status().message()));
  if (!json->is_object()) return absl::InvalidArgumentError(cat(path, ": must be a JSON object"));
  for (const auto& [key, value] : json->items()) {
    const auto mistyped = [&, &key = key](std::string_view expected) {
      return absl::InvalidArgumentError(cat(path, ": ", key, " must be ", expected));
    };
    if (key == "listen") {
      if (!value.is_string()) return mistyped("a string host:port");
      DATAMESH_RETURN_IF_ERROR(parse_listen(value.get<std::string>(), config));
      continue;
    }
    const auto* known = std::find_if(std::begin(kConfigKeys), std::end(kConfigKeys),
                                     [&, &key = key](const ConfigKey& k) { return k.name == key; });
    if (known == std::end(kConfigKeys)) {
      return absl::InvalidArgumentError(cat(path, ": unknown key \"", key,
                                            "\"; allowed: ", base::join(config_file_keys(), ", ")));
    }
    if (const auto expected = std::visit(FieldReader{value, config}, known->field)) {
      return mistyped(*expected);
    }
  }
  return absl::OkStatus();
}

OpenFileLimit plan_open_file_limit(uint64_t soft, uint64_t hard, int max_connections) {
  const uint64_t needed =
      static_cast<uint64_t>(std::max(max_connections, 0)) + kDescriptorsBesideConnections;
  if (soft >= needed) return {.soft = soft};
  if (hard >= needed) return {.soft = needed};
  return {.soft = hard,
          .warning = cat("the open-file limit is ", hard, ", below max_connections (",
                         max_connections, ") + ", kDescriptorsBesideConnections,
                         " for the store and the server: connections past it wait in the "
                         "kernel's backlog unanswered and the connection reserve cannot make "
                         "room. Raise the limit (ulimit -n, systemd LimitNOFILE=) or lower "
                         "max_connections")};
}

}  // namespace datamesh::server
