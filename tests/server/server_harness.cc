#include "server/server_harness.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdlib>

#include "base/text.h"
#include "datamesh/catalog.h"
#include "datamesh/producer.h"
#include "security/secret_box.h"
#include "store/sqlite/sqlite_store.h"
#include "support/mesh_fixture.h"
#include "testkit/signed_request.h"

namespace datamesh::server_test {

using base::cat;

// ---- raw HTTP -------------------------------------------------------------------------------

namespace {

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

HttpAnswer http_send(int port, const std::string& method, const std::string& path,
                     const Headers& headers, const std::string& body) {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == 0;
  HttpAnswer answer;
  if (!initialized) {
    answer.transport = "curl_global_init failed";
    return answer;
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    answer.transport = "curl_easy_init failed";
    return answer;
  }
  struct curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) {
    list = curl_slist_append(list, cat(name, ": ", value).c_str());
  }
  list = curl_slist_append(list, "Expect:");
  const std::string url = cat("http://127.0.0.1:", port, path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    if (method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  const CURLcode result = curl_easy_perform(curl);
  if (result == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  } else {
    answer.transport = curl_easy_strerror(result);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return answer;
}

HttpAnswer http_get(int port, const std::string& path) {
  return http_send(port, "GET", path, {}, "");
}

HttpAnswer http_send(int port, const aws::HttpRequest& request) {
  const std::string target =
      request.query.empty() ? request.path : cat(request.path, "?", request.query);
  return http_send(port, request.method, target, request.headers, request.body);
}

absl::StatusOr<aws::HttpRequest> signed_post(int port, const std::string& path,
                                             const std::string& body, const Credentials& key,
                                             std::chrono::system_clock::time_point when,
                                             const aws::Scope& scope, const Headers& extra) {
  return testkit::signed_post(cat("127.0.0.1:", port), path, body, key,
                              {.extra = extra, .scope = scope, .when = when});
}

::testing::AssertionResult is_error_answer(const HttpAnswer& answer, long status,
                                           const std::string& code,
                                           const std::string& message_part) {
  auto failure = [&]() {
    return ::testing::AssertionFailure()
           << "expected HTTP " << status << " with {\"Error\": {\"Code\": \"" << code
           << "\", \"Message\": \"...\"}}, got HTTP " << answer.status << " "
           << (answer.transport.empty() ? "" : "(" + answer.transport + ") ") << answer.body
           << "\n";
  };
  if (answer.status != status) return failure() << "wrong status";
  const nlohmann::json body = nlohmann::json::parse(answer.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || body.size() != 1 || !body.contains("Error")) {
    return failure() << "the body is not one object with only the key Error";
  }
  const nlohmann::json& error = body["Error"];
  if (!error.is_object() || error.size() != 2 || !error.contains("Code") ||
      !error.contains("Message") || !error["Code"].is_string() || !error["Message"].is_string()) {
    return failure() << "Error is not {Code: string, Message: string}";
  }
  if (error["Code"].get<std::string>() != code) return failure() << "wrong Code";
  const std::string message = error["Message"].get<std::string>();
  if (message.empty()) return failure() << "empty Message";
  if (message.find(message_part) == std::string::npos) {
    return failure() << "the Message does not contain \"" << message_part << "\"";
  }
  return ::testing::AssertionSuccess();
}

std::string error_message(const HttpAnswer& answer) {
  const nlohmann::json body = nlohmann::json::parse(answer.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("Error") ||
      !body["Error"].is_object() || !body["Error"].contains("Message") ||
      !body["Error"]["Message"].is_string()) {
    return "";
  }
  return body["Error"]["Message"].get<std::string>();
}

// ---- Prometheus text ------------------------------------------------------------------------

std::optional<double> metric_value(const std::string& exposition, const std::string& series) {
  size_t start = 0;
  while (start < exposition.size()) {
    size_t end = exposition.find('\n', start);
    if (end == std::string::npos) end = exposition.size();
    const std::string_view line(exposition.data() + start, end - start);
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      const std::string number(line.substr(series.size() + 1));
      char* parsed_end = nullptr;
      const double value = std::strtod(number.c_str(), &parsed_end);
      if (parsed_end != number.c_str()) return value;
    }
    start = end + 1;
  }
  return std::nullopt;
}

// ---- the mesh -------------------------------------------------------------------------------

namespace {

testkit::MeshAccess mesh_access(const std::string& endpoint, const std::string& log_level) {
  return {.endpoint = endpoint,
          .mesh_account_id = test_support::kMeshAccount,
          .region = kRegion,
          .log_level = log_level};
}

}  // namespace

ClientOptions client_options(const std::string& endpoint, std::optional<Credentials> credentials,
                             const std::string& log_level) {
  return mesh_access(endpoint, log_level).client(std::move(credentials));
}

absl::StatusOr<std::map<std::string, Credentials>> set_up_mesh(
    const std::string& endpoint, const std::vector<AccountSpec>& accounts,
    const std::string& log_level) {
  return testkit::set_up_mesh(mesh_access(endpoint, log_level), "server test mesh", accounts);
}

absl::StatusOr<ServiceOverFaults> service_over_faults(const std::string& db) {
  auto sealer =
      security::SecretBox::from_environment_or_file(db + ".key", /*create_if_missing=*/false);
  if (!sealer.ok()) return sealer.status();
  auto sqlite = store::SqliteStore::open(db);
  if (!sqlite.ok()) return sqlite.status();
  auto faults = std::make_unique<test_support::FaultStore>(*std::move(sqlite));
  ServiceOverFaults over{.faults = faults.get()};
  over.service = std::make_shared<api::MeshService>(
      std::move(faults), std::make_unique<security::SecretBox>(*std::move(sealer)), kRegion);
  return over;
}

absl::StatusOr<std::string> publish_tables(const std::string& endpoint, const Credentials& producer,
                                           const std::string& database,
                                           const std::vector<std::string>& tables,
                                           const std::string& log_level) {
  DataMeshCatalog catalog(client_options(endpoint, producer, log_level));
  if (absl::Status created = catalog.create_database(
          DatabaseInput{.name = database, .description = "tables of the server tests"});
      !created.ok()) {
    return created;
  }
  for (const std::string& table : tables) {
    if (absl::Status created = catalog.create_table(database, test_support::sales_table(table));
        !created.ok()) {
      return created;
    }
  }
  DataMeshProducer publisher(client_options(endpoint, producer, log_level));
  auto product = publisher.create_data_products(database, {.table_name_regex = ""});
  if (!product.ok()) return product.status();
  if (product->tables.size() != tables.size()) {
    return absl::InternalError(cat("create_data_products published ", product->tables.size(),
                                   " tables, not ", tables.size()));
  }
  return product->database_name;
}

absl::StatusOr<std::vector<AuditEvent>> all_audit_events(DataMeshAdmin& admin, int page_size) {
  std::vector<AuditEvent> events;
  PageRequest page{.max_results = page_size};
  for (int pages = 0; pages < 100000; ++pages) {
    auto listed = admin.list_audit_events("", page);
    if (!listed.ok()) return listed.status();
    events.insert(events.end(), listed->events.begin(), listed->events.end());
    if (listed->next_token.empty()) return events;
    if (listed->next_token == page.next_token) {
      return absl::InternalError("list_audit_events returned the same NextToken twice");
    }
    page.next_token = listed->next_token;
  }
  return absl::InternalError("list_audit_events never reached its last page");
}

// ---- InProcessServer ------------------------------------------------------------------------

InProcessServer::~InProcessServer() { (void)stop(); }

absl::Status InProcessServer::start(server::ServerConfig config,
                                    const std::filesystem::path& store_path,
                                    const core::Clock& clock) {
  auto service = api::MeshService::open("sqlite://" + store_path.string(), config.region,
                                        /*create_if_missing=*/true, /*master_key_file=*/"", clock);
  if (!service.ok()) return service.status();
  return start(std::move(config), *std::move(service));
}

absl::Status InProcessServer::start(server::ServerConfig config,
                                    std::shared_ptr<api::MeshService> service) {
  service_ = std::move(service);
  server_ = std::make_unique<server::Server>(std::move(config), service_);
  if (absl::Status bound = server_->bind(); !bound.ok()) return bound;
  port_ = server_->port();
  thread_ = std::thread([this] { served_ = server_->serve(); });
  // The socket listens since bind(); this answer comes once serve() accepts connections, so
  // stop() can no longer come too early.
  const HttpAnswer probe = http_get(port_, "/healthz");
  if (probe.status != 200) {
    return absl::InternalError(cat("the in-process server on port ", port_,
                                   " did not answer GET /healthz: HTTP ", probe.status, " ",
                                   probe.transport));
  }
  return absl::OkStatus();
}

absl::Status InProcessServer::stop() {
  if (!thread_.joinable()) return absl::OkStatus();
  server_->stop();
  thread_.join();
  return served_;
}

// ---- ServerProcess --------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<ServerProcess>> start_server_process(
    const std::filesystem::path& store, const std::filesystem::path& stderr_path,
    const std::vector<std::string>& extra_args) {
  return ServerProcess::start({.cli_path = DATAMESH_CLI_PATH,
                               .store = store.string(),
                               .stderr_path = stderr_path,
                               .allow_initialize = true,
                               .extra_args = extra_args});
}

// ---- CapturingSink --------------------------------------------------------------------------

std::string CapturingSink::contents() {
  std::lock_guard<std::mutex> lock(mutex_);
  return text_;
}

void CapturingSink::sink_it_(const spdlog::details::log_msg& message) {
  spdlog::memory_buf_t formatted;
  formatter_->format(message, formatted);
  text_.append(formatted.data(), formatted.size());
}

}  // namespace datamesh::server_test
