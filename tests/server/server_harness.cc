#include "server/server_harness.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "base/text.h"
#include "datamesh/catalog.h"
#include "datamesh/producer.h"
#include "support/mesh_fixture.h"

extern char** environ;

namespace datamesh::server_test {

using base::cat;

// ---- ScratchDir -----------------------------------------------------------------------------

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/datamesh-server-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "cannot create a scratch directory from " << pattern << ": "
                  << std::strerror(errno);
    return;
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

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
  aws::HttpRequest request{.method = "POST", .path = path, .body = body};
  request.headers = {{"Host", cat("127.0.0.1:", port)}, {"Content-Type", "application/json"}};
  request.headers.insert(request.headers.end(), extra.begin(), extra.end());
  if (absl::Status signed_ok =
          aws::sign(request,
                    aws::SigningKey{.access_key_id = key.access_key_id,
                                    .secret_access_key = key.secret_access_key},
                    scope, when);
      !signed_ok.ok()) {
    return signed_ok;
  }
  return request;
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

ClientOptions client_options(const std::string& endpoint, std::optional<Credentials> credentials,
                             const std::string& log_level) {
  return ClientOptions{.data_mesh_account_id = test_support::kMeshAccount,
                       .region_name = kRegion,
                       .log_level = log_level,
                       .use_credentials = std::move(credentials),
                       .endpoint = endpoint};
}

absl::StatusOr<std::map<std::string, Credentials>> set_up_mesh(
    const std::string& endpoint, const std::vector<AccountSpec>& accounts,
    const std::string& log_level) {
  std::map<std::string, Credentials> keys;
  {
    DataMeshAdmin installer(client_options(endpoint, std::nullopt, log_level));
    auto mesh = installer.initialize_mesh_account("server test mesh");
    if (!mesh.ok()) return mesh.status();
    if (mesh->account_id != test_support::kMeshAccount) {
      return absl::InternalError(cat("the mesh was initialized as ", mesh->account_id));
    }
    keys[mesh->account_id] = Credentials{.account_id = mesh->account_id,
                                         .access_key_id = mesh->access_key_id,
                                         .secret_access_key = mesh->secret_access_key};
  }
  DataMeshAdmin admin(client_options(endpoint, keys[test_support::kMeshAccount], log_level));
  for (const AccountSpec& spec : accounts) {
    auto created = admin.create_account(spec.name, spec.account_id);
    if (!created.ok()) return created.status();
    keys[spec.account_id] = Credentials{.account_id = created->account_id,
                                        .access_key_id = created->access_key_id,
                                        .secret_access_key = created->secret_access_key};
    if (spec.role == Role::kNone) continue;
    DataMeshAdmin own(client_options(endpoint, keys[spec.account_id], log_level));
    if (spec.role == Role::kProducer) {
      if (absl::Status enabled = admin.enable_account_as_producer(spec.account_id); !enabled.ok()) {
        return enabled;
      }
      if (auto initialized = own.initialize_producer_account(); !initialized.ok()) {
        return initialized.status();
      }
    } else {
      if (absl::Status enabled = admin.enable_account_as_consumer(spec.account_id); !enabled.ok()) {
        return enabled;
      }
      if (auto initialized = own.initialize_consumer_account(); !initialized.ok()) {
        return initialized.status();
      }
    }
  }
  return keys;
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
                                    const std::filesystem::path& store_path) {
  auto service = api::MeshService::open("sqlite://" + store_path.string(), config.region,
                                        /*create_if_missing=*/true, /*master_key_file=*/"");
  if (!service.ok()) return service.status();
  service_ = std::move(*service);
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

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::start(
    const std::filesystem::path& store, const std::filesystem::path& stderr_path,
    const std::vector<std::string>& extra_args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(cat("pipe2: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  const std::string cli = DATAMESH_CLI_PATH;
  std::vector<std::string> args = {cli,
                                   "serve",
                                   "--store",
                                   store.string().find("://") == std::string::npos
                                       ? cat("sqlite://", store.string())
                                       : store.string(),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--allow-initialize",
                                   "--no-access-log"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, cli.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    return absl::InternalError(cat("cannot start ", cli, ": ", std::strerror(spawned)));
  }
  std::unique_ptr<ServerProcess> process(new ServerProcess());
  process->pid_ = pid;
  process->stdout_fd_ = fds[0];

  // The first line of stdout, within a deadline that only guards against a hung server.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.empty() || line.back() != '\n') {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return absl::DeadlineExceededError(cat("the server printed no line in 30 s: ", line));
    }
    pollfd readable{.fd = fds[0], .events = POLLIN, .revents = 0};
    const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char c = 0;
    const ssize_t got = ::read(fds[0], &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      return absl::InternalError(
          cat("the server closed stdout before printing its endpoint; "
              "stdout so far: \"",
              line, "\"; see ", stderr_path.string()));
    }
    line.push_back(c);
  }
  line.pop_back();
  const auto on = line.rfind(" on http://");
  const auto colon = line.rfind(':');
  if (on == std::string::npos || colon == std::string::npos || colon < on) {
    return absl::InternalError(cat("unexpected first line of datamesh serve: \"", line, "\""));
  }
  process->endpoint_ = line.substr(on + 4);
  process->port_ = std::atoi(line.c_str() + colon + 1);
  if (process->port_ <= 0) {
    return absl::InternalError(cat("no port in the first line of datamesh serve: \"", line, "\""));
  }
  return process;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

absl::Status ServerProcess::send_signal(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server process has been reaped");
  if (::kill(pid_, signal) != 0) return absl::InternalError(cat("kill: ", std::strerror(errno)));
  return absl::OkStatus();
}

absl::StatusOr<int> ServerProcess::wait_for_exit(std::chrono::seconds deadline) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server process has been reaped");
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    int ready = 0;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      pollfd exited{.fd = pidfd, .events = POLLIN, .revents = 0};
      ready = ::poll(&exited, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
      if (ready < 0 && errno == EINTR) continue;
      break;
    }
    ::close(pidfd);
    if (ready == 0) {
      ::kill(pid_, SIGKILL);
      int ignored = 0;
      ::waitpid(pid_, &ignored, 0);
      pid_ = -1;
      return absl::DeadlineExceededError(
          cat("the server process did not exit within ", deadline.count(), " s; killed it"));
    }
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(cat("waitpid: ", std::strerror(errno)));
  }
  pid_ = -1;
  return status;
}

absl::StatusOr<int> ServerProcess::terminate(std::chrono::seconds deadline) {
  if (absl::Status sent = send_signal(SIGTERM); !sent.ok()) return sent;
  return wait_for_exit(deadline);
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
